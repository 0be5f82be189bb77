"""Look-alike names (issue 14, finding 6): the characters refused in every typed text (tracker/rules/text.py) and
the skeletons two names are compared by (tracker/rules/names.py, ICU's spoof checker)."""
import unicodedata

import pytest

from tracker.rules.names import confusable, lookalike, skeletons
from tracker.rules.text import describe_character, has_control_characters, refused_character, shown


@pytest.mark.parametrize(("text", "found"), [
    ("DIZA\u200b", "U+200B ZERO WIDTH SPACE"),
    ("DI\u200cZA", "U+200C ZERO WIDTH NON-JOINER"),
    ("DI\u200dZA", "U+200D ZERO WIDTH JOINER"),
    ("\ufeffDIZA", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("DIZA\u2060", "U+2060 WORD JOINER"),
    ("DIZA\u2064", "U+2064 INVISIBLE PLUS"),
    ("\u202eAZID", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u202aDIZA\u202c", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    ("\u2066DIZA\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("DIZA\u2067", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    ("\u200eDIZA", "U+200E LEFT-TO-RIGHT MARK"),
    ("\u200fDIZA", "U+200F RIGHT-TO-LEFT MARK"),
    ("DIZA\u061c", "U+061C ARABIC LETTER MARK"),
    ("DI\u00adZA", "U+00AD SOFT HYPHEN"),
    ("DIZA\u034f", "U+034F COMBINING GRAPHEME JOINER"),
    ("DIZA\u3164", "U+3164 HANGUL FILLER"),
    ("DIZA\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("DIZA\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ("một\u2028hai", "U+2028 LINE SEPARATOR"),
    ("một\u2029hai", "U+2029 PARAGRAPH SEPARATOR"),
    ("bad\x00byte", "U+0000"),
    ("bad\x1bbyte", "U+001B"),
])
def test_invisible_bidirectional_and_control_characters_are_refused_and_named(text, found):
    character = refused_character(text)
    assert character is not None and describe_character(character) == found
    assert has_control_characters(text)  # what every other check of a typed text asks


@pytest.mark.parametrize("text", [
    "Ban Quản lý các Khu công nghiệp Đồng Nai",
    unicodedata.normalize("NFD", "Ban Quản lý các Khu công nghiệp Đắk Lắk, Thừa Thiên Huế"),  # combining marks
    "Dòng một\nDòng hai\r\nCột\tcột",  # a multi-line note keeps its line breaks and tabs
    "BQL các KCN Bà Rịa – Vũng Tàu",
    "Số 26, đường 2A, KCN Biên Hòa II; ĐT: (0251) 3892 378",
    "Nguyễn Thị Ánh Tuyết (Trưởng ban)",
])
def test_vietnamese_text_and_line_breaks_are_kept(text):
    assert refused_character(text) is None
    assert not has_control_characters(text)


def test_a_stored_name_is_shown_with_its_invisible_characters_visible():
    assert shown("DIZA\u200b") == "DIZA<U+200B>"
    assert shown("\u202eAZID") == "<U+202E>AZID"
    assert shown("Ban Quản lý") == "Ban Quản lý"


@pytest.mark.parametrize(("first", "second"), [
    ("DIZA", "DIZA\u200b"),  # a zero-width space after it (stored before such characters were refused)
    ("DIZA", "\u202eDIZA"),  # a right-to-left override before it
    ("DIZA", "DIZ\u0410"),  # Cyrillic capital A
    ("DIZA", "DIZ\u0430"),  # Cyrillic small a, and another case
    ("DIZA", "DlZA"),  # small L for capital I
    ("DIZA", "D1ZA"),  # the digit one
    ("HEPZA", "HEPZ\u0391"),  # Greek capital alpha
    ("BQL 0", "BQL O"),  # the digit zero and the letter O
    ("Ban Quản lý các KCN Đồng Nai", "Ban Quản Iý các KCN Đồng Nai"),
    ("Ban Quản lý các KCN Đồng Nai", "Ban  Quản lý các KCN Đồng Nai"),  # a doubled space
    ("Cụm thi đua số 1", "Cụm thi đua số l"),
    ("modern", "rnodern"),
])
def test_names_that_look_alike_are_confusable(first, second):
    assert confusable(first, second)
    assert confusable(second, first)


@pytest.mark.parametrize(("first", "second"), [
    ("BQL 001", "BQL 002"),  # the synthetic boards' numbers
    ("MP0001", "MP0011"),
    ("MP0010", "MP0100"),
    ("Ban Quản lý", "Ban Quan ly"),  # Vietnamese names differing only by their marks are different names
    ("Đắk Lắk", "Đắk Nông"),
    ("Đồng Nai", "Dồng Nai"),
    ("DIZA", "HEPZA"),
    ("BQL Đắk Lắk", "BQL Đắk Nông"),
])
def test_different_names_are_not_confusable(first, second):
    assert not confusable(first, second)


def test_the_digits_are_told_apart():
    digits = [str(d) for d in range(10)]
    assert not any(confusable(a, b) for a in digits for b in digits if a != b)
    for numbers in ([f"MP{n:04d}" for n in range(1, 3601)], [f"BQL {n:03d}" for n in range(1, 1000)]):
        for kind in (0, 1):  # every synthetic number has skeletons of its own
            assert len({skeletons(name)[kind] for name in numbers}) == len(numbers)


def test_lookalike_names_the_one_it_resembles():
    others = [("HEPZA", ("HEPZA", "Ban Quản lý HEPZA")), ("DIZA", ("DIZA", "Ban Quản lý các KCN Đồng Nai"))]
    assert lookalike("DIZ\u0410", others) == ("DIZA", "Ban Quản lý các KCN Đồng Nai")
    assert lookalike("BQL Gia Lai", others) is None
    assert lookalike("", [("", "empty")]) is None
