"""Numbers typed the Vietnamese way ("1.234,5") and the English way, read exactly."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.numbers import NumberError, parse_number, plain


@pytest.mark.parametrize(("text", "value"), [
    ("1.234,5", "1234.5"), ("1234,5", "1234.5"), ("1.234", "1234"), ("1.234.567", "1234567"),
    ("12.5", "12.5"), ("0,25", "0.25"), (",5", "0.5"), ("-3,25", "-3.25"), (" 1 234,5 ", "1234.5"),
    ("1\u00a0234,5", "1234.5"), ("0", "0"), ("007", "7"), ("+4", "4"),
])
def test_vietnamese_numbers(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1.23.4", "12,34567", "1,234.5", "--1", "1e5", ".", ",",
                                  "12.34.5", "1234567890123456", "½"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(NumberError):
        parse_number(text)


def test_blank_is_none():
    assert parse_number("") is None
    assert parse_number("   ") is None


def test_english_numbers():
    assert parse_number("1,234.5", "en") == Decimal("1234.5")
    assert parse_number("12,5", "en") == Decimal("12.5")


@given(st.decimals(min_value=0, max_value=Decimal("999999999999"), places=4, allow_nan=False))
def test_what_babel_shows_is_read_back(value):
    from babel.numbers import format_decimal
    for locale in ("vi", "en"):
        shown = format_decimal(value, format="#,##0.####", locale=locale)
        assert parse_number(shown, locale) == value


def test_plain_has_no_exponent():
    assert plain(Decimal("1E+3")) == "1000"
    assert plain(Decimal("12.500")) == "12.5"
    assert plain(None) == ""
