"""Completion of targets: more-is-better and less-is-better, the verdicts, and a board's overall completion."""
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.pledges import Completion, Verdict, completion, overall


@pytest.mark.parametrize(("target", "actual", "direction", "ratio", "verdict"), [
    ("100", "120", "higher", "1.2", Verdict.EXCEEDED),
    ("100", "100", "higher", "1", Verdict.MET),
    ("100", "99.5", "higher", "0.995", Verdict.NOT_MET),
    ("3", "2", "lower", "1.5", Verdict.EXCEEDED),  # 2 days to handle a file where 3 were allowed
    ("3", "3", "lower", "1", Verdict.MET),
    ("3", "4", "lower", "0.75", Verdict.NOT_MET),
    ("0", "5", "higher", None, Verdict.EXCEEDED),
    ("0", "0", "higher", None, Verdict.MET),
    ("2", "0", "lower", None, Verdict.EXCEEDED),
    ("1", "3", "higher", "3", Verdict.EXCEEDED),
    ("3", "1", "higher", "0.3333", Verdict.NOT_MET),
])
def test_completion(target, actual, direction, ratio, verdict):
    result = completion(D(target), D(actual), direction)
    assert result == Completion(None if ratio is None else D(ratio), verdict)


def test_missing_target_or_result_is_not_assessed():
    assert completion(None, D(5)) is None
    assert completion(D(5), None) is None


def test_overall_counts_and_mean():
    result = overall([completion(D(100), D(120)), completion(D(10), D(9)), None, completion(D(0), D(1))])
    assert (result.assessed, result.achieved, result.exceeded) == (3, 2, 2)
    assert result.mean == D("1.05")  # (1.2 + 0.9) / 2; the target of 0 has no ratio
    assert result.share == D("0.6667")


def test_overall_of_nothing():
    result = overall([None, None])
    assert (result.assessed, result.mean, result.share) == (0, None, None)


values = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(values, values)
def test_verdict_agrees_with_ratio_and_direction_is_symmetric(target, actual):
    up, down = completion(target, actual, "higher"), completion(actual, target, "lower")
    assert up.verdict == down.verdict
    if up.ratio is not None:
        assert (up.ratio > 1 or up.verdict != Verdict.EXCEEDED or up.ratio == 1)
        assert up.verdict != Verdict.NOT_MET or up.ratio <= 1
