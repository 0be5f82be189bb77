"""Tests for tracker.services.years: saving a cluster-year's roster, proposing the next one, head history."""
from datetime import date

import pytest
from sqlmodel import select

from tracker.models import Board, ClusterYear
from tracker.rules.membership import Row
from tracker.services.errors import Conflict, DomainError
from tracker.services.years import (
    RosterData,
    find,
    head_history,
    memberships,
    propose_roster,
    save_roster,
)


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


@pytest.fixture
def four(make_board):
    """Four boards that always existed, by short name."""
    return {name: make_board(name) for name in ("A", "B", "C", "D")}


def rows(*lines: tuple[Board, str] | tuple[Board, str, bool]) -> list[Row]:
    """Roster rows as (board, role) or (board, role, member)."""
    return [Row(line[0].id, line[2] if len(line) == 3 else True, line[1]) for line in lines]


def roles(db, cluster_id: int, year: int) -> dict[int, str]:
    """The stored roster: board id -> role."""
    cluster_year = find(db, cluster_id, year)
    return {} if cluster_year is None else {m.board_id: m.role for m in memberships(db, cluster_year.id)}


def save(db, cluster, year, *lines, version=None, **values):
    return save_roster(session=db, cluster_id=cluster.id, year=year, version=version,
                       data=RosterData(rows=rows(*lines), **values))


def test_save_roster_creates_the_year_and_its_memberships(db, make_cluster, four):
    a, b, c, d = four.values()
    cluster = make_cluster()
    cluster_year = save(db, cluster, 2019, (a, "head"), (b, "deputy"), (c, "member"), (d, "member", False),
                        conference_date=date(2020, 1, 10), conference_place="Ninh Thuận")
    db.commit()
    assert roles(db, cluster.id, 2019) == {a.id: "head", b.id: "deputy", c.id: "member"}
    stored = db.get(ClusterYear, cluster_year.id)
    assert stored.host_board_id == a.id  # the host defaults to the head
    assert (stored.conference_date, stored.conference_place) == (date(2020, 1, 10), "Ninh Thuận")


def test_an_explicit_host_is_kept(db, make_cluster, four):
    a, b, c, _ = four.values()
    cluster = make_cluster()
    cluster_year = save(db, cluster, 2019, (a, "head"), (b, "deputy"), (c, "member"), host_board_id=c.id)
    db.commit()
    assert db.get(ClusterYear, cluster_year.id).host_board_id == c.id


@pytest.mark.parametrize(("lines", "bad", "key"), [
    pytest.param([("A", "head"), ("B", "head"), ("C", "member")], "B", "member", id="second head"),
    pytest.param([("A", "head"), ("B", "deputy"), ("C", "deputy")], "C", "member", id="second deputy"),
    pytest.param([("A", "head"), ("B", "deputy", False)], "B", "member", id="deputy not member"),
    pytest.param([("A", "member"), ("B", "member")], None, None, id="no head"),
])
def test_invalid_roster_is_refused_and_nothing_is_written(db, make_cluster, four, lines, bad, key):
    cluster = make_cluster()
    with pytest.raises(DomainError) as caught:
        save(db, cluster, 2019, *[(four[line[0]], *line[1:]) for line in lines])
    expected_key = f"member_{four[bad].id}" if key == "member" else None
    assert list(caught.value.errors) == [expected_key]
    assert caught.value.errors[expected_key][0]
    assert find(db, cluster.id, 2019) is None  # not even flushed


def test_host_outside_the_members_is_refused_on_the_host_field(db, make_cluster, four):
    a, b, c, _ = four.values()
    cluster = make_cluster()
    with pytest.raises(DomainError) as caught:
        save(db, cluster, 2019, (a, "head"), (b, "member"), (c, "member", False), host_board_id=c.id)
    assert list(caught.value.errors) == ["host_board_id"]


@pytest.mark.parametrize(("values", "year"), [
    pytest.param({"end_date": date(2018, 12, 31)}, 2019, id="ended before the year"),
    pytest.param({"start_date": date(2020, 7, 1)}, 2019, id="started after the year"),
])
def test_board_that_did_not_exist_in_the_year_is_refused(db, make_board, make_cluster, four, values, year):
    gone = make_board("BQL cũ", **values)
    cluster = make_cluster()
    with pytest.raises(DomainError) as caught:
        save(db, cluster, year, (four["A"], "head"), (gone, "member"))
    assert list(caught.value.errors) == [f"member_{gone.id}"]
    assert str(year) in str(caught.value.errors[f"member_{gone.id}"][0])
    assert find(db, cluster.id, year) is None


@pytest.mark.parametrize("year", [1989, 2101])
def test_year_out_of_range_is_refused(db, make_cluster, four, year):
    with pytest.raises(DomainError) as caught:
        save(db, make_cluster(), year, (four["A"], "head"))
    assert caught.value.field == "year"


def test_resaving_replaces_members_and_swaps_head_and_deputy(db, make_cluster, four):
    a, b, c, d = four.values()
    cluster = make_cluster(years={2019: [(a, "head"), (b, "deputy"), (c, "member")]})
    cluster_year = find(db, cluster.id, 2019)
    save(db, cluster, 2019, (a, "deputy"), (b, "head"), (c, "member", False), (d, "member"),
         version=cluster_year.version)
    db.commit()
    assert roles(db, cluster.id, 2019) == {a.id: "deputy", b.id: "head", d.id: "member"}
    stored = db.get(ClusterYear, cluster_year.id)
    assert (stored.host_board_id, stored.version) == (b.id, 2)


def test_new_head_taken_from_the_members_replaces_the_old_one(db, make_cluster, four):
    a, b, _, d = four.values()
    cluster = make_cluster(years={2019: [(a, "head"), (b, "deputy")]})
    save(db, cluster, 2019, (a, "member"), (b, "deputy"), (d, "head"), version=1)
    db.commit()
    assert roles(db, cluster.id, 2019) == {a.id: "member", b.id: "deputy", d.id: "head"}


def test_invalid_resave_leaves_the_roster_as_it_was(db, make_cluster, four):
    a, b, c, _ = four.values()
    cluster = make_cluster(years={2019: [(a, "head"), (b, "deputy"), (c, "member")]})
    with pytest.raises(DomainError):
        save(db, cluster, 2019, (a, "head"), (b, "head"), version=1)
    assert roles(db, cluster.id, 2019) == {a.id: "head", b.id: "deputy", c.id: "member"}


def test_stale_version_raises_conflict_and_changes_nothing(db, make_cluster, four):
    a, b, c, _ = four.values()
    cluster = make_cluster(years={2019: [(a, "head"), (b, "deputy"), (c, "member")]})
    save(db, cluster, 2019, (a, "head"), (b, "member"), (c, "deputy"), version=1)  # another secretary
    db.commit()
    with pytest.raises(Conflict) as caught:
        save(db, cluster, 2019, (c, "head"), version=1)
    assert caught.value.current.version == 2
    db.rollback()
    assert roles(db, cluster.id, 2019) == {a.id: "head", b.id: "member", c.id: "deputy"}


def test_saving_over_a_year_deleted_meanwhile_is_refused(db, make_cluster, four):
    with pytest.raises(DomainError):
        save(db, make_cluster(), 2019, (four["A"], "head"), version=3)


def all_boards(db) -> list[Board]:
    return list(db.exec(select(Board)).all())


def test_copying_a_year_offers_the_successor_of_an_ended_board_once(db, south_east):
    cluster, boards = south_east
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2026, copy_from=2019, boards=all_boards(db))
    assert proposal.rows == {boards["DIZA"].id: "member", boards["HEPZA"].id: "member"}
    assert proposal.replaced == {boards["HEPZA"].id: boards["BD"].id}
    assert proposal.dropped == []
    assert proposal.copied_from == 2019
    # DIZA was head in 2019, HEPZA never: rotation suggests HEPZA.
    assert proposal.suggested_head == boards["HEPZA"].id


def test_copying_into_a_year_the_board_still_existed_keeps_it(db, south_east):
    cluster, boards = south_east
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2025, copy_from=2019, boards=all_boards(db))
    assert set(proposal.rows) == {b.id for b in boards.values()}
    assert proposal.replaced == {}
    # Never head: BQL Bình Dương and HEPZA; Vietnamese order puts "BQL Bình Dương" first.
    assert proposal.suggested_head == boards["BD"].id


def test_a_proposal_can_be_saved_as_it_is(db, south_east):
    cluster, boards = south_east
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2026, copy_from=2019, boards=all_boards(db))
    lines = [Row(board, True, "head" if board == proposal.suggested_head else role)
             for board, role in proposal.rows.items()]
    save_roster(session=db, cluster_id=cluster.id, year=2026, version=None, data=RosterData(rows=lines))
    db.commit()
    assert roles(db, cluster.id, 2026) == {boards["DIZA"].id: "member", boards["HEPZA"].id: "head"}


def test_ended_board_without_successor_is_dropped(db, make_board, make_cluster, four):
    gone = make_board("BQL Ninh Thuận", end_date=date(2025, 6, 30))
    cluster = make_cluster(years={2025: [(four["A"], "head"), (gone, "member")]})
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2026, copy_from=2025, boards=all_boards(db))
    assert proposal.rows == {four["A"].id: "member"}
    assert proposal.dropped == [gone.id]


def test_rotation_suggests_the_member_longest_since_head(db, south_east, make_cluster):
    _, boards = south_east
    diza, hepza, binh_duong = boards["DIZA"], boards["HEPZA"], boards["BD"]
    everyone = [(diza, "member"), (hepza, "member"), (binh_duong, "member")]
    cluster = make_cluster("Cụm luân phiên", years={
        2019: [(diza, "head"), (hepza, "member"), (binh_duong, "member")],
        2020: [(diza, "member"), (hepza, "head"), (binh_duong, "member")],
        2021: [(diza, "member"), (hepza, "member"), (binh_duong, "head")],
        2022: everyone,
    })
    assert head_history(db, cluster.id) == {diza.id: [2019], hepza.id: [2020], binh_duong.id: [2021]}
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2022, copy_from=2021, boards=all_boards(db))
    assert proposal.suggested_head == diza.id


def test_without_copy_the_recorded_year_is_shown(db, south_east):
    cluster, boards = south_east
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2019, copy_from=None, boards=all_boards(db))
    assert proposal.rows == {boards["DIZA"].id: "head", boards["HEPZA"].id: "deputy", boards["BD"].id: "member"}
    assert (proposal.replaced, proposal.copied_from) == ({}, None)


def test_copying_from_a_year_not_recorded_offers_nothing(db, south_east):
    cluster, _ = south_east
    proposal = propose_roster(session=db, cluster_id=cluster.id, year=2026, copy_from=2024, boards=all_boards(db))
    assert (proposal.rows, proposal.suggested_head, proposal.copied_from) == ({}, None, None)
