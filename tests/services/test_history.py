"""A board's history through the service: its awards and its predecessors', the matrix rows, the streaks, and a
number of queries that does not grow with the history."""
from datetime import date

from tests.support.ballots import award
from tracker.models import Authority, Award, AwardType, ClusterYear, Decision, Membership
from tracker.rules.history import Streak
from tracker.services import history


def give(db, board, code, *years, decision=None):
    for year in years:
        db.add(Award(board_id=board.id, award_type_id=award(db, code), year=year,
                     decision_id=decision.id if decision else None))
    db.commit()


def cells(result):
    """The matrix as {year: {code: [board short names]}} (empty cells left out)."""
    codes = [t.code for t in result.award_types]
    return {row.year: {code: [a.board.short_name for a in cell] for code, cell in zip(codes, row.cells, strict=True)
                       if cell} for row in result.rows}


def test_a_board_with_its_predecessors_history_matrix_and_streaks(db, make_board, make_cluster):
    hcm = make_board("HEPZA")
    bd = make_board("BQL Bình Dương", successor_id=hcm.id)
    old = make_board("BQL cũ", successor_id=bd.id)  # merged into Bình Dương earlier
    make_board("DIZA")  # another board: not in the history
    make_cluster("Cụm Đông Nam Bộ", years={2016: [(bd, "member")], 2022: [(hcm, "head")]})
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.flush()
    decision = Decision(number="1234/QĐ-BKHĐT", decided_on=date(2021, 3, 1), authority_id=authority.id)
    db.add(decision)
    db.commit()
    give(db, hcm, "CO_BO", 2024, 2025)
    give(db, bd, "CO_BO", 2020, 2021, 2023, decision=decision)
    give(db, bd, "BK_BO", 2019)
    give(db, old, "CO_BO", 2018, 2019)

    result = history.board_history(db, hcm.id, today=date(2026, 5, 1))
    assert [b.short_name for b in result.predecessors] == ["BQL Bình Dương", "BQL cũ"]
    assert [t.code for t in result.award_types] == ["CO_CP", "CO_BO", "BK_TTG", "BK_BO", "TTLDXS"]
    assert [r.year for r in result.rows] == [2025, 2024, 2023, 2022, 2021, 2020, 2019, 2018, 2016]
    assert cells(result) == {
        2025: {"CO_BO": ["HEPZA"]}, 2024: {"CO_BO": ["HEPZA"]}, 2023: {"CO_BO": ["BQL Bình Dương"]}, 2022: {},
        2021: {"CO_BO": ["BQL Bình Dương"]}, 2020: {"CO_BO": ["BQL Bình Dương"]},
        2019: {"CO_BO": ["BQL cũ"], "BK_BO": ["BQL Bình Dương"]}, 2018: {"CO_BO": ["BQL cũ"]}, 2016: {}}
    line = result.rows[4].cells[1][0]
    assert (line.decision_id, line.decision_number, line.decided_on) == (decision.id, "1234/QĐ-BKHĐT",
                                                                        date(2021, 3, 1))
    assert [(a.year, a.award_type.code, a.board.short_name) for a in result.awards][:3] == [
        (2025, "CO_BO", "HEPZA"), (2024, "CO_BO", "HEPZA"), (2023, "CO_BO", "BQL Bình Dương")]
    flags, certificates = result.streaks
    assert flags.award_type.code == "CO_BO" and certificates.award_type.code == "BK_BO"
    assert flags.runs == [Streak(2023, 2025), Streak(2018, 2021)]
    assert (flags.longest, flags.current) == (Streak(2018, 2021), Streak(2023, 2025))
    assert (certificates.runs, certificates.current) == ([Streak(2019, 2019)], None)

    # seen from Bình Dương: its own and its predecessor's history, not its successor's
    result = history.board_history(db, bd.id, today=date(2026, 5, 1))
    assert [b.short_name for b in result.predecessors] == ["BQL cũ"]
    assert [r.year for r in result.rows] == [2023, 2021, 2020, 2019, 2018, 2016]
    assert result.streaks[0].current is None


def test_a_board_without_awards_has_its_membership_years_and_no_streak(db, south_east):
    _cluster, boards = south_east
    result = history.board_history(db, boards["DIZA"].id)
    assert [(r.year, r.cells) for r in result.rows] == [(2019, [[], [], [], [], []])]
    assert result.awards == [] and result.streaks == [] and result.predecessors == []


def test_an_award_type_no_longer_in_use_is_shown_only_where_held(db, make_board):
    board = make_board("DIZA")
    old = AwardType(code="BK_UB", name_vi="Bằng khen của UBND tỉnh", active=False, precedence=6)
    unused = AwardType(code="GK", name_vi="Giấy khen", active=False, precedence=7)
    db.add_all([old, unused])
    db.commit()
    give(db, board, "BK_UB", 2015)
    codes = [t.code for t in history.board_history(db, board.id).award_types]
    assert "BK_UB" in codes and "GK" not in codes


def test_the_number_of_queries_does_not_grow_with_the_history(db, make_board, make_cluster, queries):
    def count(board):
        db.expire_all()
        with queries() as counted:
            history.board_history(db, board.id)
        return len(counted)

    small = make_board("Nhỏ")
    give(db, small, "BK_BO", 2019)
    big = make_board("Lớn")
    chain = [make_board(f"Cũ {i}", successor_id=big.id) for i in range(3)]
    chain.append(make_board("Cũ hơn", successor_id=chain[0].id))
    for i, board in enumerate([big, *chain]):
        give(db, board, "CO_BO", *range(2000 + 5 * i, 2005 + 5 * i))
        give(db, board, "BK_BO", *range(2001 + 5 * i, 2004 + 5 * i))
    for year in range(1995, 2026):
        cy = ClusterYear(cluster_id=make_cluster(f"Cụm {year}").id, year=year)
        db.add(cy)
        db.flush()
        db.add(Membership(cluster_year_id=cy.id, board_id=big.id))
    db.commit()
    assert len(history.board_history(db, big.id).rows) == 31
    assert count(big) == count(small) <= 6
