"""Reports through the services on a cluster-year carried from the vote to the decision: the year report, the
dashboard's steps and charts, a cluster and a board across years."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlmodel import select

from tests.support.ballots import all_votes, award, figures, run
from tracker.models import Board
from tracker.rules.reconcile import Outcome
from tracker.rules.reports import Stage
from tracker.services import reports


def test_the_year_report_shows_each_cluster_from_roster_to_decision(db, carried):
    cluster, ids, authority = carried
    report = reports.year_report(db, year=2017)
    [line] = report.clusters
    assert (line.name, line.region, line.authority) == (cluster.name, "Đông Nam Bộ", "Bộ Kế hoạch và Đầu tư")
    assert line.head.short_name == "BQL1" and line.deputy is None
    assert [b.short_name for b in line.members][0] == "BQL1" and len(line.members) == 9
    assert (line.completion.assessed, line.completion.achieved, line.completion.mean) == (2, 1, Decimal("1.0000"))
    assert line.pledge_signed_on == date(2017, 3, 1)
    assert [(r.award.code, [(e.board.short_name, e.votes, e.share) for e in r.elected]) for r in line.rounds] == [
        ("CO_BO", [("BQL4", 6, Fraction(2, 3))]),
        ("BK_BO", [("BQL2", 7, Fraction(7, 9)), ("BQL3", 6, Fraction(2, 3))])]
    outcomes = [(o.outcome, o.board.short_name, o.proposed and o.proposed.code, o.granted and o.granted.code,
                 o.decision_number) for o in line.outcomes]
    assert outcomes == [
        (Outcome.GRANTED, "BQL4", "CO_BO", "CO_BO", "1234/QĐ-BKHĐT"),
        (Outcome.GRANTED, "BQL2", "BK_BO", "BK_BO", "1234/QĐ-BKHĐT"),
        (Outcome.NOT_GRANTED, "BQL3", "BK_BO", None, ""),
        (Outcome.UNPROPOSED, "BQL5", None, "BK_BO", "")]
    assert report.filters.years == [2017]


def test_filters_by_authority_and_region_and_pages(db, carried, make_cluster, make_board):
    _cluster, _ids, authority = carried
    for n in range(3):
        make_cluster(f"Cụm thêm {n}", region="Tây Nguyên", years={2017: [(make_board(f"X{n}"), "head")]})
    assert len(reports.year_report(db, year=2017).clusters) == 4
    assert [c.name for c in reports.year_report(db, year=2017, authority_id=authority.id).clusters] == [
        _cluster.name]
    assert len(reports.year_report(db, year=2017, region="Tây Nguyên").clusters) == 3
    assert reports.year_report(db, year=2017, authority_id=999_999).filters.authority_id is None  # unknown: no filter
    second = reports.year_report(db, year=2017, page=2, per_page=3)
    assert (second.page.number, second.page.pages, len(second.clusters)) == (2, 2, 1)
    # Vietnamese order: "Cụm thêm …" before "Khối Đông Nam Bộ"
    assert [c.name for c in reports.year_report(db, year=2017).clusters][-1] == _cluster.name


def test_the_dashboard_shows_the_steps_done_and_the_charts(db, carried, make_cluster, make_board):
    make_cluster("Cụm chưa làm gì", years={2017: [(make_board("Y1"), "head")]})
    board = reports.dashboard(db, today=date(2026, 11, 24))
    assert board.year == 2017
    stages = {line.name: line.stages for line in board.statuses}
    assert all(stages["Khối Đông Nam Bộ"].values())
    assert not any(stages["Cụm chưa làm gì"].values())
    assert board.done == {s: 1 for s in Stage}
    assert [t.code for t in board.award_types] == ["CO_BO", "BK_BO"]
    assert (board.award_years, board.award_counts) == ([2017], [[1], [2]])
    assert board.completion_year == 2017
    five, ten = board.top
    assert (five.first, five.last, ten.first) == (2013, 2017, 2008)
    assert [(b.short_name, n, rank) for b, n, rank in five.lines] == [("BQL2", 1, 1), ("BQL4", 1, 1), ("BQL5", 1, 1)]


def test_a_review_dated_in_the_future_is_not_held_yet(db, carried):
    board = reports.dashboard(db, today=date(2017, 12, 1))
    assert board.statuses[0].stages[Stage.REVIEW] is False


def test_the_dashboard_without_any_year(db):
    board = reports.dashboard(db)
    assert board.year is None and board.statuses == [] and board.done == {s: 0 for s in Stage}


def test_a_cluster_across_years_with_its_awards_matrix(db, carried):
    cluster, ids, _authority = carried
    report = reports.cluster_report(db, cluster.id)
    assert [y.year for y in report.years] == [2017] and report.matrix_years == [2017]
    rows = {r.board.short_name: (r.cells, r.total) for r in report.matrix}
    assert rows["BQL4"] == ([["CO_BO"]], 1) and rows["BQL9"] == ([[]], 0)
    assert report.matrix[0].total == 1


def test_a_board_across_years_includes_its_predecessor(db, carried):
    _cluster, ids, _authority = carried
    successor = Board(name="Ban Quản lý mới", short_name="MỚI")
    db.add(successor)
    db.flush()
    old = db.get(Board, ids["BQL4"])
    old.successor_id = successor.id
    db.add(old)
    db.commit()
    report = reports.board_report(db, successor.id)
    [year] = report.years
    assert (year.year, year.board.short_name, year.role) == (2017, "BQL4", "member")
    assert [(a.code, v) for a, v, _s in year.elected] == [("CO_BO", 6)]
    assert [(a.year, a.award_type.code, a.board.short_name) for a in report.history.awards] == [(2017, "CO_BO", "BQL4")]


def test_an_amended_result_is_read_again_not_taken_from_the_cache(db, carried):
    from tracker.models import BallotRound, User
    from tracker.services import ballots

    cluster, ids, _authority = carried
    assert reports.year_report(db, year=2017).clusters[0].rounds[0].elected[0].votes == 6
    flag = db.exec(select(BallotRound).where(BallotRound.award_type_id == award(db, "CO_BO"))).one()
    first, second = (db.exec(select(User).where(User.username == name)).one() for name in ("thu_ky_1", "thu_ky_2"))
    votes = all_votes(ids, BQL4=7, BQL2=1)
    run(db, ballots.amend, user=first, round_id=flag.id, version=flag.version, figures=figures(ids, votes),
        reason="Đếm lại")
    run(db, ballots.check, user=second, round_id=flag.id, version=flag.version, figures=figures(ids, votes))
    run(db, ballots.finalise, user=first, round_id=flag.id, version=flag.version)
    [line] = reports.year_report(db, year=2017).clusters[0].rounds[:1]
    assert [(e.board.short_name, e.votes) for e in line.elected] == [("BQL4", 7)]
