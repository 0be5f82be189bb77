"""Report arithmetic: the steps of a cluster's year, rankings with ties, awards pivoted by year, paging."""
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules import reports as rules
from tracker.rules.reports import Facts, Stage


def test_each_step_is_done_only_on_its_own_evidence():
    assert not any(rules.stages(Facts()).values())
    done = rules.stages(Facts(pledge_signed=True, reviews_held=1, rounds=2, rounds_finalised=2, proposals_submitted=3,
                              proposals_decided=1))
    assert all(done.values())
    # one round still open: the vote is not finalised; a decided proposal means the decision came
    partly = rules.stages(Facts(rounds=2, rounds_finalised=1, proposals_decided=1))
    assert partly[Stage.VOTE] is False and partly[Stage.DECISION] is True
    assert rules.stages(Facts(rounds=0, rounds_finalised=0))[Stage.VOTE] is False


def test_done_counts_add_up_per_step():
    lines = [rules.stages(Facts(pledge_signed=True)), rules.stages(Facts(pledge_signed=True, reviews_held=2)),
             rules.stages(Facts())]
    counts = rules.done_counts(lines)
    assert counts[Stage.PLEDGE] == 2 and counts[Stage.REVIEW] == 1 and counts[Stage.DECISION] == 0
    assert list(counts) == list(rules.STAGES)


def test_top_shares_ranks_between_equal_counts_and_orders_them_by_name():
    counts = {"b": 5, "a": 5, "c": 7, "d": 1, "e": 5}
    lines = rules.top(counts, limit=4, name=str)
    assert [(r.item, r.count, r.rank) for r in lines] == [("c", 7, 1), ("a", 5, 2), ("b", 5, 2), ("e", 5, 2)]
    assert rules.top({}, limit=3, name=str) == []


@given(st.dictionaries(st.integers(0, 50), st.integers(1, 9), max_size=30), st.integers(1, 12))
def test_top_is_sorted_and_ranks_are_competition_ranks(counts, limit):
    lines = rules.top(counts, limit=limit, name=str)
    assert len(lines) == min(limit, len(counts))
    assert [r.count for r in lines] == sorted((r.count for r in lines), reverse=True)
    for r in lines:
        assert r.rank == 1 + sum(1 for v in counts.values() if v > r.count)


def test_pivot_fills_missing_years_with_zero():
    rows = [(2017, "CO_BO", 2), (2019, "CO_BO", 1), (2019, "BK_BO", 4)]
    assert rules.pivot(rows, [2017, 2018, 2019], ["CO_BO", "BK_BO"]) == [[2, 0, 1], [0, 0, 4]]


def test_windows_end_with_the_year():
    assert list(rules.window(2025, 5)) == [2021, 2022, 2023, 2024, 2025]


@given(st.integers(0, 500), st.integers(-5, 40), st.integers(1, 60))
def test_pages_cover_every_item_once(total, number, size):
    page = rules.page_of(total, number, size)
    assert 1 <= page.number <= page.pages
    assert 0 <= page.start <= page.stop <= total
    assert page.stop - page.start <= size
    seen = [i for n in range(1, page.pages + 1) for i in rules.sliced(range(total), rules.page_of(total, n, size))]
    assert seen == list(range(total))
