"""Tests for tracker.rules.text: Vietnamese alphabetical order, NFC normalisation, control characters."""
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.text import has_control_characters, normalise, vi_key, vi_sorted

# Letters of the Vietnamese alphabet with every tone mark, so generated text is mostly Vietnamese.
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàằầèềìòồờùừỳảẳẩẻểỉỏổởủửỷãẵẫẽễĩõỗỡũữỹáắấéếíóốớúứýạặậẹệịọộợụựỵ"
text = st.text(alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + " -–"), max_size=20) | st.text(max_size=20)


@pytest.mark.parametrize(("given_order", "expected"), [
    (["Đồng Nai", "Bình Dương", "An Giang", "Ăn", "Âu", "Cần Thơ", "Dak"],
     ["An Giang", "Ăn", "Âu", "Bình Dương", "Cần Thơ", "Dak", "Đồng Nai"]),
    # a ă â … d đ … e ê … o ô ơ … u ư: the letters with marks come right after their base letter.
    (["z", "ư", "u", "ơ", "ô", "o", "ê", "e", "đ", "d", "â", "ă", "a"],
     ["a", "ă", "â", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư", "z"]),
    # Đ sorts after every D word, not after Z as it would by code point.
    (["Zeta", "Đắk Lắk", "Dương", "Gia Lai"], ["Dương", "Đắk Lắk", "Gia Lai", "Zeta"]),
    (["Ưng", "Uông", "Yên", "Ơn", "Ôn", "On"], ["On", "Ôn", "Ơn", "Uông", "Ưng", "Yên"]),
    # The traditional tone order, as ICU gives it: ngang, huyền, hỏi, ngã, sắc, nặng.
    (["hạ", "há", "hã", "hả", "hà", "ha"], ["ha", "hà", "hả", "hã", "há", "hạ"]),
    # Tones come after letters: a tone never outweighs a different letter later in the word.
    (["hanh", "hàng", "hạ", "hab"], ["hạ", "hab", "hàng", "hanh"]),
    (["Đắk Nông", "Đà Nẵng", "Đắk Lắk"], ["Đà Nẵng", "Đắk Lắk", "Đắk Nông"]),
])
def test_vietnamese_alphabetical_order(given_order, expected):
    assert vi_sorted(given_order) == expected


def test_vi_sorted_sorts_records_by_the_given_text():
    boards = [{"short": "HEPZA"}, {"short": "Đồng Nai"}, {"short": "Bình Dương"}, {"short": "DIZA"}]
    assert [b["short"] for b in vi_sorted(boards, key=lambda b: b["short"])] == [
        "Bình Dương", "DIZA", "Đồng Nai", "HEPZA"]


def test_surrounding_space_does_not_change_the_order():
    assert vi_key("  Đồng Nai ") == vi_key("Đồng Nai")


@given(text)
def test_nfd_and_nfc_forms_sort_the_same(value):
    assert vi_key(unicodedata.normalize("NFD", value)) == vi_key(unicodedata.normalize("NFC", value))


@given(text)
def test_normalise_is_idempotent(value):
    once = normalise(value)
    assert normalise(once) == once


@given(text)
def test_normalise_gives_the_same_text_for_nfd_and_nfc_input(value):
    assert normalise(unicodedata.normalize("NFD", value)) == normalise(unicodedata.normalize("NFC", value))


@pytest.mark.parametrize(("value", "expected"), [
    ("  Ban Quản lý  ", "Ban Quản lý"),
    (unicodedata.normalize("NFD", "Biên Hòa"), "Biên Hòa"),
    ("\nĐồng Nai\t", "Đồng Nai"),
])
def test_normalise_trims_and_composes(value, expected):
    result = normalise(value)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize(("value", "expected"), [
    ("\x00", True),
    ("\x1b[31m", True),
    ("Đồng\x07Nai", True),
    ("\x7f", True),
    ("tab\there", False),
    ("line\nbreak\r\n", False),
    ("Số 26, đường 2A, KCN Biên Hòa II, TP. Biên Hòa, tỉnh Đồng Nai", False),
    ("Bà Rịa – Vũng Tàu “KCN”", False),
    ("", False),
])
def test_control_characters(value, expected):
    assert has_control_characters(value) is expected
