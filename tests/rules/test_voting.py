"""The voting rule as data: shares typed by a secretary, and which year's rule applies."""
from fractions import Fraction

import pytest

from tracker.rules.voting import DEFAULT_RULE, DEFAULT_SEATS, RuleValues, effective, parse_fraction, show_fraction


@pytest.mark.parametrize("text, value", [
    ("2/3", Fraction(2, 3)), (" 1 / 2 ", Fraction(1, 2)), ("50%", Fraction(1, 2)), ("66,7%", Fraction(667, 1000)),
    ("0.5", Fraction(1, 2)), ("1", Fraction(1)), ("0", Fraction(0)),
])
def test_shares_are_read_exactly(text, value):
    assert parse_fraction(text) == value


@pytest.mark.parametrize("text", ["", "abc", "3/2", "-1/2", "1/0", "150%", "2//3"])
def test_nonsense_shares_are_refused(text):
    with pytest.raises(ValueError):
        parse_fraction(text)


def test_zero_can_be_refused():
    with pytest.raises(ValueError):
        parse_fraction("0", allow_zero=False)


def test_fractions_are_shown_as_secretaries_write_them():
    assert show_fraction(Fraction(2, 3)) == "2/3"
    assert show_fraction(Fraction(1)) == "1"


def test_a_year_without_rule_uses_the_defaults_and_says_so():
    result = effective(2019, {})
    assert (result.rule, result.seats, result.source) == (DEFAULT_RULE, DEFAULT_SEATS, "default")
    assert DEFAULT_RULE.quorum == Fraction(2, 3) and DEFAULT_RULE.threshold == Fraction(1, 2)
    assert DEFAULT_RULE.base == "members" and DEFAULT_RULE.strict and DEFAULT_RULE.tie_break == "runoff"


def test_a_year_copies_the_latest_earlier_rule_never_a_later_one():
    own = RuleValues(quorum=Fraction(3, 4))
    older = RuleValues(quorum=Fraction(1, 2))
    saved = {2017: (older, {"CO_BO": 1}), 2019: (own, {"BK_BO": 3}), 2021: (DEFAULT_RULE, {})}
    assert effective(2019, saved).source == "saved"
    copied = effective(2020, saved)
    assert (copied.rule, copied.seats, copied.source, copied.source_year) == (own, {"BK_BO": 3}, "copied", 2019)
    assert effective(2016, saved).source == "default"
