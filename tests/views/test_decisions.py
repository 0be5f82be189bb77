"""Decision pages: a secretary records a decision and its awards and reads the reconciliation; viewers only read;
a secretary's awards stay within her clusters; the scan is a PDF served as one; bad input never answers 500."""
import io
import re
from datetime import date

import pytest
from flask import render_template
from sqlmodel import select
from werkzeug.http import parse_options_header

from tests.support.ballots import award
from tests.support.decisions import award_form, decision_form, new_decision
from tests.support.files import pdf_bytes, png_bytes
from tests.support.pages import feedback
from tracker.models import Award, ClusterYear, Decision, Membership, Proposal
from tracker.services import decisions


def admin_decision(db, ministries, number="1/QĐ-BKHĐT") -> Decision:
    decision = decisions.save_decision(session=db, decision_id=None, version=None, data=decisions.DecisionData(
        number=number, decided_on=date(2020, 3, 12), authority_id=ministries["BKHĐT"].id))
    db.commit()
    return decision


def outcomes(page: str) -> list[tuple[str, int]]:
    """The reconciliation's lines as (outcome, board id)."""
    return [(o, int(b)) for o, b in re.findall(r'<tr data-outcome="(\w+)" data-board="(\d+)"', page)]


def test_a_secretary_records_a_decision_with_two_awards_and_reads_the_reconciliation(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="secretary", clusters=[cluster])
    assert client.get("/decisions/new").status_code == 200
    decision = new_decision(client, db, ministries)
    url = f"/decisions/{decision.id}"
    assert (decision.number, decision.decided_on, decision.authority_id) == (
        "1234/QĐ-BKHĐT", date(2020, 3, 12), ministries["BKHĐT"].id)
    assert client.post(url + "/awards", data=award_form(db, boards["DIZA"], "CO_BO")).status_code == 302
    # HEPZA was proposed for the certificate and is granted the title instead
    assert client.post(url + "/awards", data=award_form(db, boards["HEPZA"], "TTLDXS")).status_code == 302
    db.rollback()
    assert [db.get(Proposal, rows[k].id).status for k in ("DIZA", "HEPZA")] == ["granted", "granted_other"]
    page = client.get(url).get_data(as_text=True)
    assert re.findall(r'data-status="(\w*)"', page) == ["granted", "granted_other"]
    assert "1234/QĐ-BKHĐT" in page and "Bộ Kế hoạch và Đầu tư" in page
    listing = client.get("/decisions/").get_data(as_text=True)
    assert f'data-decision="{decision.id}"' in listing and 'data-awards="2"' in listing
    response = client.get(f"/clusters/{cluster.id}/years/2019/reconciliation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert outcomes(page) == [("granted", boards["DIZA"].id), ("granted_other", boards["HEPZA"].id)]
    assert f'href="/decisions/{decision.id}"' in page and "12/TTr-CTĐ" in page


def test_the_reconciliation_shows_what_was_not_granted_and_what_nobody_proposed(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    decision = admin_decision(db, ministries)
    for board, code in ((boards["DIZA"], "CO_BO"), (boards["BD"], "BK_BO")):
        decisions.add_award(session=db, user=None, decision_id=decision.id,
                            line=decisions.AwardLine(board.id, award(db, code), 2019))
    db.commit()
    login(as_role="viewer")
    page = client.get(f"/clusters/{cluster.id}/years/2019/reconciliation").get_data(as_text=True)
    assert outcomes(page) == [("granted", boards["DIZA"].id), ("not_granted", boards["HEPZA"].id),
                              ("unproposed", boards["BD"].id)]
    empty = client.get(f"/clusters/{cluster.id}/years/2030/reconciliation")
    assert empty.status_code == 200 and outcomes(empty.get_data(as_text=True)) == []


def test_the_partial_renders_with_only_what_the_year_page_gives_it(app, db, proposed):
    cluster, boards, ministries, rows = proposed
    cluster_year = db.get(ClusterYear, rows["DIZA"].cluster_year_id)
    with app.test_request_context():
        html = render_template("decisions/_reconciliation.html", reconciliation=decisions.reconcile(
            db, cluster_year.id), cluster=cluster, year=2019)
        nothing = render_template("decisions/_reconciliation.html", reconciliation=None, cluster=cluster, year=2021)
    assert outcomes(html) == [("not_granted", boards["DIZA"].id), ("not_granted", boards["HEPZA"].id)]
    assert 'id="reconciliation"' in nothing and outcomes(nothing) == []


def test_an_authority_not_in_force_is_refused_beside_its_field(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="secretary", clusters=[cluster])
    response = client.post("/decisions/new", data=decision_form(ministries, decided_on="15/03/2025"))
    assert response.status_code == 422
    assert "Bộ Tài chính" in feedback(response, "authority_id")
    assert db.exec(select(Decision)).all() == []


def test_a_duplicate_number_and_a_stale_edit_are_refused(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="admin")
    decision = new_decision(client, db, ministries)
    again = client.post("/decisions/new", data=decision_form(ministries))
    assert again.status_code == 422 and feedback(again, "number")
    url = f"/decisions/{decision.id}/edit"
    assert client.get(url).status_code == 200
    assert client.post(url, data=decision_form(ministries, signer_name="Trần A", version="1")).status_code == 302
    stale = client.post(url, data=decision_form(ministries, signer_name="Lê B", version="1"))
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert 'id="conflict"' in page and "Trần A" in page and "Lê B" in page
    assert client.post(url, data=decision_form(ministries, version="abc")).status_code == 409


def test_a_viewer_reads_but_cannot_post(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    decision = admin_decision(db, ministries)
    login(as_role="viewer")
    assert client.get("/decisions/").status_code == 200
    page = client.get(f"/decisions/{decision.id}").get_data(as_text=True)
    assert 'id="add-award"' not in page and 'id="upload-scan"' not in page and "/decisions/new" not in page
    url = f"/decisions/{decision.id}"
    for path, data in (("/decisions/new", decision_form(ministries)), (url + "/edit", decision_form(ministries)),
                       (url + "/awards", award_form(db, boards["DIZA"], "CO_BO")),
                       (url + "/delete", {"version": "1"}), (url + "/scan", {}),
                       ("/decisions/past-awards", award_form(db, boards["DIZA"], "CO_BO", "2010"))):
        assert client.post(path, data=data).status_code == 403, path
    db.rollback()
    assert db.exec(select(Award)).all() == [] and len(db.exec(select(Decision)).all()) == 1


def test_a_secretary_cannot_record_or_remove_awards_outside_her_clusters(client, db, login, proposed, make_board,
                                                                          make_cluster):
    cluster, boards, ministries, rows = proposed
    outsider = make_board("NGOÀI")
    make_cluster("Cụm khác", years={2019: [(outsider, "head")]})
    decision = admin_decision(db, ministries)
    theirs = decisions.add_award(session=db, user=None, decision_id=decision.id,
                                 line=decisions.AwardLine(outsider.id, award(db, "BK_BO"), 2019))
    db.commit()
    login(as_role="secretary", clusters=[cluster])
    url = f"/decisions/{decision.id}"
    page = client.get(url).get_data(as_text=True)
    board_select = re.search(r'<select[^>]*id="board_id".*?</select>', page, re.S).group(0)
    assert f'value="{outsider.id}"' not in board_select and f'value="{boards["DIZA"].id}"' in board_select
    assert f"/decisions/awards/{theirs.id}/delete" not in page
    response = client.post(url + "/awards", data=award_form(db, outsider, "CO_BO"))
    assert response.status_code == 422 and feedback(response, "board_id")
    past = client.post("/decisions/past-awards", data=award_form(db, outsider, "CO_BO", "2010"))
    assert past.status_code == 422 and feedback(past, "board_id")
    assert client.post(f"/decisions/awards/{theirs.id}/delete", data={"version": "1"}).status_code == 302
    assert client.post(url + "/delete", data={"version": str(decision.version)}).status_code == 302
    db.rollback()
    assert [a.id for a in db.exec(select(Award)).all()] == [theirs.id]
    assert db.get(Decision, decision.id) is not None


def test_deleting_a_decision_sends_its_proposals_back_to_submitted(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="secretary", clusters=[cluster])
    decision = new_decision(client, db, ministries)
    url = f"/decisions/{decision.id}"
    client.post(url + "/awards", data=award_form(db, boards["DIZA"], "CO_BO"))
    client.post(url + "/scan", data={"file": (io.BytesIO(pdf_bytes()), "qd.pdf")}, content_type="multipart/form-data")
    db.rollback()
    assert db.get(Proposal, rows["DIZA"].id).status == "granted"
    assert client.post(url + "/delete", data={"version": "0"}).status_code == 302  # stale: nothing deleted
    assert client.post(url + "/delete", data={"version": "1"}).status_code == 302
    db.rollback()
    assert db.exec(select(Decision)).all() == [] and db.exec(select(Award)).all() == []
    assert db.get(Proposal, rows["DIZA"].id).status == "submitted"


def test_awards_without_a_decision_are_recorded_and_removed(client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="secretary", clusters=[cluster])
    response = client.post("/decisions/past-awards", data=award_form(db, boards["DIZA"], "CO_BO", "2012"))
    assert response.status_code == 302 and response.location.endswith("/decisions/past-awards")
    db.rollback()
    past = db.exec(select(Award)).one()
    assert (past.decision_id, past.year) == (None, 2012)
    page = client.get("/decisions/past-awards").get_data(as_text=True)
    assert f'data-award="{past.id}"' in page
    removed = client.post(f"/decisions/awards/{past.id}/delete", data={"version": str(past.version)})
    assert removed.status_code == 302 and removed.location.endswith("/decisions/past-awards")
    db.rollback()
    assert db.exec(select(Award)).all() == []


def test_the_scan_is_a_pdf_served_inline_as_one(app, client, db, login, proposed):
    cluster, boards, ministries, rows = proposed
    login(as_role="secretary", clusters=[cluster])
    decision = new_decision(client, db, ministries)
    url = f"/decisions/{decision.id}"
    assert client.get(url + "/scan").status_code == 404  # none yet
    refused = client.post(url + "/scan", data={"file": (io.BytesIO(png_bytes()), "qd.pdf")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and feedback(refused, "file")
    content = pdf_bytes()
    name = "Quyết định 1234.pdf"
    response = client.post(url + "/scan", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    served = client.get(url + "/scan")
    assert served.status_code == 200 and served.data == content and served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    disposition, options = parse_options_header(served.headers["Content-Disposition"])
    assert disposition == "inline" and options["filename"] == name
    served.close()
    assert f'href="{url}/scan"' in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("changes", [
    {"decided_on": "31/02/2020"}, {"decided_on": "hôm qua"}, {"decided_on": "12/03/99999"}, {"decided_on": ""},
    {"authority_id": "abc"}, {"authority_id": "999999"}, {"authority_id": ""}, {"number": ""},
    {"number": "x" * 101}, {"number": "12\x00/QĐ"},
])
def test_bad_decision_input_never_answers_500(client, db, login, proposed, changes):
    cluster, boards, ministries, rows = proposed
    login(as_role="admin")
    assert client.post("/decisions/new", data=decision_form(ministries, **changes)).status_code == 422
    assert db.exec(select(Decision)).all() == []


@pytest.mark.parametrize("changes", [
    {"board_id": "x"}, {"board_id": "999999"}, {"award_type_id": ""}, {"award_type_id": "-1"}, {"year": "abc"},
    {"year": "99999999999999999999999"}, {"year": "2021"}, {"year": ""}, {"note": "a\x00b"},
])
def test_bad_award_input_never_answers_500(client, db, login, proposed, changes):
    cluster, boards, ministries, rows = proposed
    decision = admin_decision(db, ministries)
    login(as_role="admin")
    data = {**award_form(db, boards["DIZA"], "CO_BO"), **changes}
    assert client.post(f"/decisions/{decision.id}/awards", data=data).status_code == 422
    db.rollback()
    assert db.exec(select(Award)).all() == []


@pytest.mark.parametrize("url", [
    "/decisions/999999", "/decisions/999999/edit", "/decisions/999999/scan",
    "/clusters/999999/years/2019/reconciliation", "/clusters/{cluster}/years/99999/reconciliation",
    "/clusters/{cluster}/years/0/reconciliation", "/decisions/abc",
])
def test_unknown_ids_and_years_are_not_found(client, db, login, proposed, url):
    cluster, boards, ministries, rows = proposed
    login(as_role="admin")
    assert client.get(url.format(cluster=cluster.id)).status_code == 404
    for path in ("/decisions/999999/awards", "/decisions/awards/999999/delete", "/decisions/999999/delete",
                 "/decisions/999999/scan"):
        assert client.post(path, data={"version": "1"}).status_code == 404, path


def test_the_decision_and_reconciliation_pages_run_a_bounded_number_of_queries(client, db, login, proposed, queries,
                                                                               make_board):
    cluster, boards, ministries, rows = proposed
    decision = admin_decision(db, ministries)
    login(as_role="secretary", clusters=[cluster])
    pages = {"decision": f"/decisions/{decision.id}", "reconciliation": f"/clusters/{cluster.id}/years/2019/"
             "reconciliation", "register": "/decisions/"}

    def count() -> dict[str, int]:
        counted = {}
        for name, url in pages.items():
            with queries() as run:
                assert client.get(url).status_code == 200
            counted[name] = len(run)
        return counted

    few = count()
    cluster_year = db.get(ClusterYear, rows["DIZA"].cluster_year_id)
    for n in range(6):  # more members, proposals, awards and decisions
        board = make_board(f"BQL {n}")
        db.add(Proposal(cluster_year_id=cluster_year.id, board_id=board.id, award_type_id=award(db, "BK_BO"),
                        status="submitted"))
        db.add(Membership(cluster_year_id=cluster_year.id, board_id=board.id))
        db.commit()
        for code in ("BK_BO", "TTLDXS"):
            decisions.add_award(session=db, user=None, decision_id=decision.id,
                                line=decisions.AwardLine(board.id, award(db, code), 2019))
        admin_decision(db, ministries, number=f"{n + 2}/QĐ-BKHĐT")
    db.commit()
    many = count()
    assert many == few, (few, many)
    assert max(many.values()) <= 10, many
