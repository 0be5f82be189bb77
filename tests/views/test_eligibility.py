"""Eligibility rules for administrators (list, add, edit, delete; refused input beside its field, stale edits,
never a 500) and the board page's award history, in a number of queries that does not grow with the history."""
import re
from datetime import date

import pytest
from sqlmodel import select

from tests.support.ballots import award
from tests.support.pages import feedback
from tracker.models import Authority, Award, ClusterYear, Decision, EligibilityRule, Membership

RULE = {"kind": "needs_previous", "award_type_id": "", "required_award_type_id": "", "count": "2",
        "citation": "Nghị định 91/2017/NĐ-CP, Điều 9", "from_year": "", "to_year": "2024", "active": "y",
        "version": ""}


def rules(db):
    db.commit()  # end the test session's transaction: see what the requests saved
    db.expire_all()
    return db.exec(select(EligibilityRule).order_by(EligibilityRule.id)).all()


def test_the_list_shows_every_rule_with_its_citation_and_years_and_the_nav_links_to_it(client, db, login):
    login("admin")
    seeded = rules(db)
    db.add(EligibilityRule(kind="max_per_year", award_type_id=award(db, "CO_BO"), count=1, citation="Quy chế cụm",
                           from_year=2018, to_year=2024, active=False))
    db.commit()
    page = client.get("/admin/eligibility/").get_data(as_text=True)
    assert [int(i) for i in re.findall(r'id="rule-(\d+)"', page)] == [r.id for r in rules(db)]
    assert len(seeded) == 2 and "06/2022/QH15" in page and "Quy chế cụm" in page and "2018–2024" in page
    assert 'href="/admin/eligibility/"' in client.get("/boards/").get_data(as_text=True)


def test_other_roles_neither_see_nor_open_the_rules(client, login):
    login("secretary")
    assert 'href="/admin/eligibility/"' not in client.get("/boards/").get_data(as_text=True)
    assert client.get("/admin/eligibility/").status_code == 403
    assert client.post("/admin/eligibility/new", data=RULE).status_code == 403


def test_a_rule_is_added_and_a_rule_missing_what_its_kind_needs_is_refused_beside_the_field(client, db, login):
    login("admin")
    response = client.post("/admin/eligibility/new", data=RULE)
    assert response.status_code == 422
    assert feedback(response, "required_award_type_id")
    assert len(rules(db)) == 2
    for changes, field in (({"count": "21", "required_award_type_id": "1"}, "count"),
                           ({"count": "hai", "required_award_type_id": "1"}, "count"),
                           ({"from_year": "2025", "required_award_type_id": "1"}, "to_year"),
                           ({"to_year": "99999999999999999999", "required_award_type_id": "1"}, "to_year"),
                           ({"kind": "whatever", "required_award_type_id": "1"}, "kind"),
                           ({"award_type_id": "999", "required_award_type_id": "1"}, "award_type_id"),
                           ({"citation": " ", "required_award_type_id": "1"}, "citation")):
        response = client.post("/admin/eligibility/new", data={**RULE, **changes})
        assert response.status_code == 422, changes
        assert feedback(response, field), changes
    assert len(rules(db)) == 2

    data = {**RULE, "award_type_id": str(award(db, "CO_CP")), "required_award_type_id": str(award(db, "CO_BO"))}
    response = client.post("/admin/eligibility/new", data=data)
    assert response.status_code == 302 and response.location.endswith("/admin/eligibility/")
    row = rules(db)[-1]
    assert (row.kind, row.award_type_id, row.required_award_type_id, row.count, row.to_year, row.active) == (
        "needs_previous", award(db, "CO_CP"), award(db, "CO_BO"), 2, 2024, True)


def test_a_rule_is_edited_a_stale_edit_shows_both_and_a_rule_is_deleted_only_at_its_version(client, db, login):
    login("admin")
    one = rules(db)[0]
    form = client.get(f"/admin/eligibility/{one.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in form and "06/2022/QH15" in form
    edit = {"kind": "one_per_year", "award_type_id": "", "citation": one.citation, "from_year": "2018",
            "version": "1"}  # "active" left unticked: the rule stops
    assert client.post(f"/admin/eligibility/{one.id}/edit", data=edit).status_code == 302
    rule_id = one.id
    one = rules(db)[0]
    assert (one.from_year, one.active, one.version) == (2018, False, 2)
    response = client.post(f"/admin/eligibility/{rule_id}/edit", data={**edit, "from_year": "2019"})
    assert response.status_code == 409 and 'id="conflict"' in response.get_data(as_text=True)
    assert rules(db)[0].from_year == 2018

    assert client.post(f"/admin/eligibility/{rule_id}/delete", data={"version": "1"}).status_code == 302
    assert rule_id in [r.id for r in rules(db)]
    assert client.post(f"/admin/eligibility/{rule_id}/delete", data={"version": "x"}).status_code == 302
    assert client.post(f"/admin/eligibility/{rule_id}/delete", data={"version": "2"}).status_code == 302
    assert rule_id not in [r.id for r in rules(db)]
    assert client.get(f"/admin/eligibility/{rule_id}/edit").status_code == 404
    assert client.post(f"/admin/eligibility/{rule_id}/delete", data={"version": "2"}).status_code == 404


@pytest.fixture
def merged(db, make_board, make_cluster):
    """HEPZA, which took over Bình Dương, which took over an older board; awards of all three, one by decision."""
    hcm = make_board("HEPZA")
    bd = make_board("BQL Bình Dương", successor_id=hcm.id, end_date=date(2025, 6, 30))
    old = make_board("BQL cũ", successor_id=bd.id)
    make_cluster("Cụm Đông Nam Bộ", years={2022: [(hcm, "head"), (bd, "member")]})
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.flush()
    decision = Decision(number="1234/QĐ-BKHĐT", decided_on=date(2021, 3, 1), authority_id=authority.id)
    db.add(decision)
    db.flush()
    for board, code, year, decided in ((hcm, "CO_BO", 2024, None), (bd, "CO_BO", 2023, None),
                                       (bd, "CO_BO", 2020, decision), (old, "BK_BO", 2019, None)):
        db.add(Award(board_id=board.id, award_type_id=award(db, code), year=year,
                     decision_id=decided.id if decided else None))
    db.commit()
    return hcm, bd, old, decision


def test_the_board_page_shows_the_matrix_with_predecessors_and_the_streaks(client, db, login, merged):
    hcm, bd, old, decision = merged
    login("viewer")
    page = client.get(f"/boards/{hcm.id}").get_data(as_text=True)
    assert "Bà Rịa" not in page and 'id="award-matrix"' in page
    assert [int(y) for y in re.findall(r'<tr data-year="(\d+)"', page)] == [2024, 2023, 2022, 2020, 2019]
    cells = re.findall(r'<div class="award" data-award="(\w+)" data-board="(\d+)"', page)
    assert cells == [("CO_BO", str(hcm.id)), ("CO_BO", str(bd.id)), ("CO_BO", str(bd.id)), ("BK_BO", str(old.id))]
    assert page.count('class="badge text-bg-light predecessor"') == 3
    assert f'href="/decisions/{decision.id}"' in page
    assert f'href="/boards/{bd.id}"' in page and f'href="/boards/{old.id}"' in page
    streaks = page.split('id="streaks"')[1]
    assert re.search(r'data-award="CO_BO">.*?class="longest">2023–2024', streaks, re.S)
    assert re.search(r'class="runs">2023–2024; 2020<', streaks)

    page = client.get(f"/boards/{old.id}").get_data(as_text=True)
    assert [int(y) for y in re.findall(r'<tr data-year="(\d+)"', page)] == [2019]
    assert 'id="lineage"' not in page


def test_a_board_without_history_says_so(client, make_board, login):
    board = make_board("DIZA")
    login("viewer")
    page = client.get(f"/boards/{board.id}").get_data(as_text=True)
    assert 'id="no-awards"' in page and 'id="streaks"' not in page


def test_the_board_page_takes_as_many_queries_for_a_long_history_as_for_a_short_one(client, db, login, merged,
                                                                                     make_board, make_cluster,
                                                                                     queries):
    hcm, bd, old, _decision = merged
    small = make_board("Nhỏ")
    login("viewer")

    def count(board_id):
        client.get(f"/boards/{board_id}")  # warm up: the login's first page
        with queries() as counted:
            assert client.get(f"/boards/{board_id}").status_code == 200
        return len(counted)

    few = count(small.id)
    for board in (hcm, bd, old):
        for year in range(1995, 2019):
            db.add(Award(board_id=board.id, award_type_id=award(db, "TTLDXS"), year=year))
    for year in range(1995, 2022):
        cluster_year = ClusterYear(cluster_id=make_cluster(f"Cụm {year}").id, year=year)
        db.add(cluster_year)
        db.flush()
        db.add_all([Membership(cluster_year_id=cluster_year.id, board_id=b.id) for b in (hcm, bd, old)])
    db.commit()
    many = count(hcm.id)
    assert few == many <= 15
    assert client.get(f"/boards/{hcm.id}").get_data(as_text=True).count("<tr data-year=") == 30
