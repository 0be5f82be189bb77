"""A board's history as plain data: the matrix, streaks of consecutive years, the lineage after mergers."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.history import Held, Row, Streak, by_year, current, lineage, longest, matrix, streaks

CODES = ("CO_CP", "CO_BO", "BK_BO")


def test_the_matrix_has_one_row_per_year_most_recent_first_and_marks_who_got_each_award():
    awards = [Held(1, "CO_BO", 2019), Held(1, "BK_BO", 2017), Held(2, "CO_BO", 2019), Held(1, "CO_BO", 2019),
              Held(1, "TTLDXS", 2019), Held(1, "CO_BO", 2010)]
    rows = matrix(awards, [2017, 2019, 2018, 2019], CODES)
    assert rows == [Row(2019, ((), (1, 2), ())), Row(2018, ((), (), ())), Row(2017, ((), (), (1,)))]
    assert [r.empty for r in rows] == [False, True, False]


def test_no_years_or_no_codes_give_an_empty_matrix():
    assert matrix([Held(1, "CO_BO", 2019)], [], CODES) == []
    assert matrix([Held(1, "CO_BO", 2019)], [2019], []) == [Row(2019, ())]


@pytest.mark.parametrize("years, expected", [
    ([], []),
    ([2019], [Streak(2019, 2019)]),
    ([2015, 2016, 2017, 2019, 2020], [Streak(2015, 2017), Streak(2019, 2020)]),
    ([2020, 2018, 2019], [Streak(2018, 2020)]),
])
def test_streaks_are_runs_of_consecutive_years_oldest_first(years, expected):
    held = {2018: {"BK_BO"}, 2030: {"BK_BO"}}  # another award does not make or break a streak
    for year in years:
        held.setdefault(year, set()).add("CO_BO")
    assert streaks(held, "CO_BO") == expected


def test_the_longest_streak_prefers_the_most_recent_among_equals_and_the_current_one_may_end_last_year():
    runs = [Streak(2010, 2012), Streak(2015, 2016), Streak(2018, 2020)]
    assert longest(runs) == Streak(2018, 2020) and longest(runs[:2]) == Streak(2010, 2012)
    assert longest([]) is None
    assert Streak(2018, 2020).length == 3
    assert current(runs, 2020) == Streak(2018, 2020)
    assert current(runs, 2021) == Streak(2018, 2020)
    assert current(runs, 2022) is None
    assert current([], 2022) is None


def test_predecessors_and_the_awards_they_held_follow_the_successor():
    # 5 <- 3 <- 1, 5 <- 4 <- 2; 6 stands apart; 7 and 8 point at each other (refused on input, still safe)
    successor_of = {1: 3, 2: 4, 3: 5, 4: 5, 5: None, 6: None, 7: 8, 8: 7}
    assert lineage(successor_of, 5) == [3, 4, 1, 2]
    assert lineage(successor_of, 3) == [1]
    assert lineage(successor_of, 1) == [] and lineage(successor_of, 6) == []
    assert lineage(successor_of, 7) == [8]
    held = by_year([Held(5, "CO_BO", 2026), Held(3, "CO_BO", 2025), Held(1, "CO_BO", 2024), Held(1, "BK_BO", 2024)])
    assert held == {2026: {"CO_BO"}, 2025: {"CO_BO"}, 2024: {"CO_BO", "BK_BO"}}
    assert streaks(held, "CO_BO") == [Streak(2024, 2026)]


year_sets = st.sets(st.integers(1990, 2040), max_size=30)


@given(year_sets, year_sets)
def test_streaks_cover_exactly_the_years_with_the_award_in_separate_runs(years, others):
    held: dict[int, set[str]] = {}
    for year in years:
        held.setdefault(year, set()).add("CO_BO")
    for year in others:
        held.setdefault(year, set()).add("BK_BO")
    runs = streaks(held, "CO_BO")
    covered = [year for run in runs for year in range(run.start, run.end + 1)]
    assert covered == sorted(years)
    assert sum(run.length for run in runs) == len(years)
    assert all(a.end + 1 < b.start for a, b in zip(runs, runs[1:], strict=False))
    best = longest(runs)
    assert (best is None) == (not years)
    assert best is None or all(run.length <= best.length for run in runs)


@given(st.lists(st.tuples(st.integers(1, 4), st.sampled_from(CODES + ("TTLDXS",)), st.integers(2010, 2020))),
       year_sets)
def test_every_award_of_a_shown_year_and_code_is_in_exactly_its_cell(awards, years):
    awards = [Held(*a) for a in awards]
    rows = matrix(awards, years, CODES)
    assert [r.year for r in rows] == sorted(years, reverse=True)
    shown = {(r.year, code, board) for r in rows for code, cell in zip(CODES, r.cells, strict=True)
             for board in cell}
    assert shown == {(a.year, a.code, a.board) for a in awards if a.year in years and a.code in CODES}
    assert all(len(set(cell)) == len(cell) for r in rows for cell in r.cells)
