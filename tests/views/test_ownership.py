"""Who owns what (tracker/services/permissions.py, docs/security.md): the takeover of issue 14 replayed. A secretary of
one cluster puts another cluster's board on her own member list, then tries everything that list used to open:
the board's details, the decision, its scan, its awards, a past award. Each step is refused and no row of any
table changes (compared table by table, audit lines aside)."""
import io
from datetime import date

import pytest
from sqlmodel import Session, select

from tests.support.accounts import PASSWORD
from tests.support.backup import snapshot
from tests.support.files import pdf_bytes
from tracker.models import Board, ClusterYear, Decision, Membership
from tracker.rules.membership import Row
from tracker.services import decisions, years
from tracker.services.errors import DomainError

WRITTEN_BY_A_REFUSAL = {"audit_event", "login_failure", "user"}


def stored(app, model, row_id: int):
    """The row as committed (read in a session of its own)."""
    with Session(app.extensions["engine"]) as fresh:
        return fresh.get(model, row_id)


def rows(app) -> dict:
    return {name: table for name, table in snapshot(app.extensions["engine"]).items()
            if name not in WRITTEN_BY_A_REFUSAL}


@pytest.fixture
def secretary(app, world):
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "secretary", "password": PASSWORD}).status_code == 302
    return client


def roster(db, world, year: int, extra: int) -> dict:
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == world["own"].id,
                                                     ClusterYear.year == year)).first()
    own = world["own_board"].id
    return {"version": str(cluster_year.version if cluster_year else 0), f"member_{own}": "y", f"role_{own}": "head",
            f"member_{extra}": "y", f"role_{extra}": "member", "host_board_id": "", "conference_date": "",
            "conference_place": "", "note": ""}


@pytest.mark.parametrize("year", [2019, 2020])
def test_another_clusters_board_cannot_join_her_member_list(app, db, world, secretary, year):
    """2019: the board is the other cluster's member that year; 2020: it is nobody's member, but it is kept by
    the other cluster. Either way the list is refused, naming the other cluster, and nothing is written."""
    before = rows(app)
    response = secretary.post(f"/clusters/{world['own'].id}/years/{year}/edit",
                              data=roster(db, world, year, world["other_board"].id))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Cụm khác" in page and "OTHER" in page
    assert rows(app) == before


def test_the_same_list_with_her_own_boards_is_saved(app, db, world, secretary, make_board):
    """The control: a board nobody has yet joins her list, and her cluster keeps it from then on."""
    new = make_board("NEW")
    response = secretary.post(f"/clusters/{world['own'].id}/years/2020/edit", data=roster(db, world, 2020, new.id))
    assert response.status_code == 302
    assert stored(app, Board, new.id).cluster_id == world["own"].id


def test_a_board_of_the_other_cluster_stays_closed_after_the_attempt(app, db, world, secretary):
    secretary.post(f"/clusters/{world['own'].id}/years/2020/edit",
                   data=roster(db, world, 2020, world["other_board"].id))
    before = rows(app)
    other = world["other_board"]
    assert secretary.get(f"/boards/{other.id}/edit").status_code == 403
    response = secretary.post(f"/boards/{other.id}/edit", data={
        "name": "Đổi tên", "short_name": "OTHER", "kind": "industrial_zones", "version": "1"})
    assert response.status_code == 403
    assert rows(app) == before


@pytest.fixture
def other_award(db, world):
    """An award line of the other cluster's board (a member of it in 2019) on the shared decision."""
    award = decisions.add_award(session=db, user=None, decision_id=world["decision"],
                                line=decisions.AwardLine(world["other_board"].id, 1, 2019))
    db.commit()
    return award


def test_the_administrators_decision_cannot_be_changed_by_a_secretary(app, db, world, secretary):
    """Finding 2: a decision nobody's cluster keeps (the administrators') is closed to every secretary, even when
    one of its award lines is hers: its note, its scan, its deletion."""
    decision = db.get(Decision, world["decision"])
    before = rows(app)
    url = f"/decisions/{decision.id}"
    response = secretary.post(url + "/edit", data={
        "number": decision.number, "decided_on": decision.decided_on.strftime("%d/%m/%Y"),
        "authority_id": str(decision.authority_id), "signer_name": "", "signer_title": "",
        "note": "Ghi chú bị sửa", "cluster_id": str(world["own"].id), "version": str(decision.version)})
    assert response.status_code in (403, 409, 422)
    response = secretary.post(url + "/scan", data={"file": (io.BytesIO(pdf_bytes()), "khac.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code in (403, 409, 422)
    secretary.post(url + "/delete", data={"version": str(decision.version)})
    assert rows(app) == before
    page = secretary.get(url).get_data(as_text=True)
    assert f'action="{url}/delete"' not in page and f"{url}/edit" not in page  # and no button offers it


def test_her_own_decision_is_hers_until_it_grants_another_clusters_award(app, db, world, secretary, other_award):
    response = secretary.post("/decisions/new", data={
        "number": "7/QĐ-UBND", "decided_on": "12/03/2020", "authority_id": str(world["authority"].id),
        "signer_name": "", "signer_title": "", "note": "", "cluster_id": ""})
    assert response.status_code == 302
    db.rollback()
    mine = db.exec(select(Decision).where(Decision.number == "7/QĐ-UBND")).one()
    assert mine.cluster_id == world["own"].id  # her one cluster
    decisions.add_award(session=db, user=None, decision_id=mine.id,
                        line=decisions.AwardLine(world["other_board"].id, 2, 2019))
    db.commit()
    before = rows(app)
    response = secretary.post(f"/decisions/{mine.id}/edit", data={
        "number": "7/QĐ-UBND", "decided_on": "12/03/2020", "authority_id": str(world["authority"].id),
        "signer_name": "", "signer_title": "", "note": "sửa", "version": str(mine.version)})
    assert response.status_code == 422
    assert rows(app) == before


def test_another_clusters_award_line_cannot_be_removed(app, db, world, secretary, other_award):
    before = rows(app)
    response = secretary.post(f"/decisions/awards/{other_award.id}/delete", data={"version": "1"})
    assert response.status_code in (302, 403, 409, 422)
    assert rows(app) == before


@pytest.mark.parametrize("year", [2019, 2015])
def test_a_past_award_for_another_clusters_board_is_refused(app, db, world, secretary, year):
    """2019: the board was the other cluster's member; 2015: nobody's member, so its home cluster keeps it."""
    before = rows(app)
    response = secretary.post("/decisions/past-awards", data={
        "board_id": str(world["other_board"].id), "award_type_id": "1", "year": str(year), "note": ""})
    assert response.status_code == 422
    assert rows(app) == before


def test_a_board_belongs_to_one_cluster_a_year_even_for_an_administrator(db, world):
    with pytest.raises(DomainError) as refused:
        years.save_roster(session=db, cluster_id=world["own"].id, year=2019, version=1, data=years.RosterData(
            rows=[Row(world["own_board"].id, True, "head"), Row(world["other_board"].id, True, "member")]))
    assert "Cụm khác" in str(refused.value.errors[f"member_{world['other_board'].id}"][0])
    db.rollback()
    assert len(db.exec(select(Membership).where(Membership.board_id == world["other_board"].id)).all()) == 1


def test_only_an_administrator_moves_a_board(app, db, world, secretary):
    own = world["own_board"]
    data = {"name": own.name, "short_name": own.short_name, "kind": own.kind, "cluster_id": str(world["other"].id),
            "version": str(own.version)}
    before = rows(app)
    assert secretary.post(f"/boards/{own.id}/edit", data=data).status_code == 422  # not among her choices
    assert rows(app) == before
    data.pop("cluster_id")  # a disabled select posts nothing: her save keeps the board where it is
    data["note"] = "Ghi chú"
    assert secretary.post(f"/boards/{own.id}/edit", data=data).status_code == 302
    assert stored(app, Board, own.id).cluster_id == world["own"].id
    data["cluster_id"] = str(world["other"].id)
    admin = app.test_client()
    assert admin.post("/auth/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    data["version"] = str(int(data["version"]) + 1)  # her save moved the version on
    assert admin.post(f"/boards/{own.id}/edit", data=data).status_code == 302
    assert stored(app, Board, own.id).cluster_id == world["other"].id


# ---- found by the review of these fixes ---------------------------------------------------------------------

def test_no_line_can_be_added_to_another_clusters_decision(app, db, world, secretary, make_user):
    """A line of hers on their decision used to lock its keeper out of her own decision."""
    keeper = make_user("thu_ky_khac", "secretary", clusters=[world["other"]])
    theirs = decisions.save_decision(session=db, decision_id=None, version=None, user=keeper,
                                     data=decisions.DecisionData(number="9/QĐ-KHAC", decided_on=date(2020, 3, 12),
                                                                 authority_id=world["authority"].id))
    decisions.add_award(session=db, user=keeper, decision_id=theirs.id,
                        line=decisions.AwardLine(world["other_board"].id, 1, 2019))
    db.commit()
    before = rows(app)
    response = secretary.post(f"/decisions/{theirs.id}/awards", data={
        "board_id": str(world["own_board"].id), "award_type_id": "2", "year": "2019", "note": ""})
    assert response.status_code == 422 and "Cụm khác" in response.get_data(as_text=True)
    assert rows(app) == before
    page = secretary.get(f"/decisions/{theirs.id}").get_data(as_text=True)
    assert f'action="/decisions/{theirs.id}/awards"' not in page


def test_another_clusters_board_cannot_be_named_her_boards_successor(app, db, world, secretary):
    own, other = world["own_board"], world["other_board"]
    before = rows(app)
    response = secretary.post(f"/boards/{own.id}/edit", data={
        "name": own.name, "short_name": own.short_name, "kind": own.kind, "successor_id": str(other.id),
        "version": str(own.version)})
    assert response.status_code == 422 and "OTHER" in response.get_data(as_text=True)
    assert rows(app) == before
