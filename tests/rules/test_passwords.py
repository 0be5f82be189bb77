"""Tests for tracker.rules.passwords: 8 to 128 characters after NFC, no composition rules, not a common one."""
import unicodedata
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules import passwords
from tracker.rules.passwords import MAX_LENGTH, MIN_LENGTH, common_passwords, is_common, password_problem

PHRASE = "Cụm thi đua Đông Nam Bộ họp ngày mười lăm"  # 41 characters in NFC


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def test_the_bounds_are_those_of_asvs():
    assert (MIN_LENGTH, MAX_LENGTH) == (8, 128)


@pytest.mark.parametrize(("password", "problem"), [
    ("", "too_short"),
    ("x7#kq2m", "too_short"),       # 7
    ("x7#kq2mz", None),              # 8
    ("x7#kq2mz" * 16, None),         # 128
    ("x7#kq2mz" * 16 + "a", "too_long"),  # 129
    ("y" * 1000, "too_long"),
])
def test_length_bounds(password, problem):
    assert password_problem(password) == problem


def test_length_is_counted_in_characters_after_nfc():
    seven = "ờờờờờờờ"  # 7 characters, 21 code points in NFD
    assert len(nfd(seven)) == 21
    assert password_problem(nfd(seven)) == "too_short"
    assert password_problem(nfd(seven + "ễ")) is None
    longest = ("Đồng Nai ữ " * 12)[:MAX_LENGTH]  # 128 characters, more code points in NFD
    assert len(nfd(longest)) > MAX_LENGTH
    assert password_problem(nfd(longest)) is None
    assert password_problem(nfd(longest + "ệ")) == "too_long"
    assert passwords.password_length(nfd(longest)) == MAX_LENGTH


def test_spaces_count_and_nothing_is_stripped():
    assert password_problem(" abc12x ") is None  # 8 with the spaces
    assert password_problem(" abc12x") == "too_short"


@pytest.mark.parametrize("password", [
    "password", "Password", "PASSWORD", "PaSsWoRd", "12345678", "iloveyou", "qwertyuiop", "password1",
    "trustno1", "aaaaaaaa", "1234567890",
])
def test_common_passwords_are_refused_whatever_their_case(password):
    assert password_problem(password) == "common"


def test_a_short_common_password_is_refused_for_its_length_first():
    assert is_common("123456")
    assert password_problem("123456") == "too_short"


def test_the_common_check_ignores_case_beyond_ascii():
    assert is_common("ПАРОЛЬ")  # "пароль" is on the list


def test_the_common_check_composes_to_nfc():
    listed = "пїѕпїѕпїѕпїѕпїѕ"  # on the list; "ї" decomposes in NFD
    assert nfd(listed) != listed
    assert is_common(nfd(listed))
    assert is_common(nfd(listed).upper())


@pytest.mark.parametrize("password", [
    PHRASE, nfd(PHRASE), PHRASE.upper(), "mật khẩu của tôi dài lắm",
    "aaaaaaaaaaaa",       # no composition rules: one letter twelve times is not on the list
    "abcdefghijkmn",      # only lower-case letters
    "8472910365",         # only digits
    "correct horse battery",
])
def test_no_composition_rules(password):
    assert password_problem(password) is None


def test_the_shipped_list_has_10000_unique_lower_case_nfc_entries():
    text = resources.files("tracker").joinpath("data", "common-passwords.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 10_000
    assert len(set(lines)) == 10_000
    assert all(line and line == line.strip() for line in lines)
    assert all(unicodedata.normalize("NFC", line.lower()) == line for line in lines)
    assert lines[:4] == ["123456", "123456789", "qwerty", "password"]  # most common first
    assert len(common_passwords()) == 10_000


def test_the_list_is_read_once():
    assert common_passwords() is common_passwords()
    assert common_passwords.cache_info().maxsize == 1


def test_the_attribution_ships_beside_the_list():
    attribution = resources.files("tracker").joinpath("data", "common-passwords-ATTRIBUTION.txt")
    text = attribution.read_text(encoding="utf-8")
    assert "Django Software Foundation" in text and "Redistributions of source code" in text


@given(st.text(min_size=MIN_LENGTH, max_size=MAX_LENGTH))
def test_any_text_of_an_allowed_length_is_refused_only_when_common(password):
    length = len(unicodedata.normalize("NFC", password))
    problem = password_problem(password)
    if length < MIN_LENGTH:
        assert problem == "too_short"
    elif length > MAX_LENGTH:
        assert problem == "too_long"
    else:
        assert problem == ("common" if is_common(password) else None)
    assert password_problem(nfd(password)) == problem
