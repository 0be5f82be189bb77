"""Score totals and the ranking: ties share a rank, the next rank skips, unscored boards come last."""
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.scores import ranking, score_problem, total


def test_ties_share_a_rank_and_the_next_skips():
    agreed = {"A": [D(40), D(50)], "B": [D(95)], "C": [D(90), None], "D": [D(45), D(45)], "E": [None]}
    lines = ranking({"A": [D(100)]}, agreed)
    assert [(s.board, s.agreed_total, s.rank, s.tied) for s in lines] == [
        ("B", D(95), 1, False), ("A", D(90), 2, True), ("C", D(90), 2, True), ("D", D(90), 2, True),
        ("E", None, None, False)]
    assert lines[1].self_total == D(100)
    assert lines[2].scored == 1


def test_total_of_nothing_is_none():
    assert total([None, None]) is None
    assert total([]) is None
    assert total([D("0.5"), D("1.25")]) == D("1.75")


def test_score_bounds():
    assert score_problem(D(11), D(10)) == "over_maximum"
    assert score_problem(D(-1), D(10)) == "negative"
    assert score_problem(D(10), D(10)) is None
    assert score_problem(None, D(10)) is None


@given(st.dictionaries(st.text(min_size=1, max_size=3),
                       st.lists(st.one_of(st.none(), st.integers(0, 20).map(D)), max_size=4), max_size=8))
def test_ranks_follow_totals(agreed):
    lines = ranking({}, agreed)
    assert len(lines) == len(agreed)
    ranked = [s for s in lines if s.rank is not None]
    for a in ranked:
        assert a.rank == 1 + sum(b.agreed_total > a.agreed_total for b in ranked)
        assert a.tied == (sum(b.agreed_total == a.agreed_total for b in ranked) > 1)
    assert all(s.rank is None for s in lines[len(ranked):])
