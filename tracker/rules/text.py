"""Text rules: Unicode NFC normalisation and Vietnamese alphabetical order."""
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

import icu

T = TypeVar("T")

# Control characters other than tab and newline have no place in a name or a note.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Nor have the characters that show nothing or turn the text around, with which "DIZA" and "DIZA" followed by a
# zero-width space are two names that look alike: every format character (Unicode category Cf: zero-width space,
# joiner and non-joiner, U+FEFF, U+2060 and after, the bidirectional marks, embeddings, overrides and isolates
# U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069, U+061C, the soft hyphen …), the line and paragraph
# separators (Zl, Zp), surrogates (Cs), and the other default-ignorable code points (the combining grapheme joiner,
# the Hangul fillers, variation selectors …). Letters with their combining marks (Vietnamese tones) stay.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def refused_character(value: str) -> str | None:
    """The first character of the text that has no place in a typed name or note (a control character other than
    tab or a line break, an invisible or bidirectional formatting character), or None."""
    for ch in value:
        if ch in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in _REFUSED_CATEGORIES or icu.Char.hasBinaryProperty(
                ch, icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT):
            return ch
    return None


def describe_character(ch: str) -> str:
    """A character as its code point and name, to name it in a message: "U+200B ZERO WIDTH SPACE"."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, '') or icu.Char.charName(ch)}".strip()


def shown(value: str) -> str:
    """The text with every refused character written as <U+XXXX>, to show a stored name that holds one."""
    return "".join(f"<U+{ord(ch):04X}>" if refused_character(ch) else ch for ch in value)


def normalise(value: str) -> str:
    """Strip surrounding space and compose to NFC, so 'ễ' typed in NFD matches 'ễ' in NFC."""
    return unicodedata.normalize("NFC", value).strip()


def has_control_characters(value: str) -> bool:
    """True when the text holds a control character other than tab or a line break, or an invisible or
    bidirectional formatting character (refused_character)."""
    return refused_character(value) is not None


@lru_cache(maxsize=1)
def _collator() -> icu.Collator:
    return icu.Collator.createInstance(icu.Locale("vi"))


@lru_cache(maxsize=65536)  # the same names are sorted on every page: reuse their keys
def vi_key(value: str) -> bytes:
    """Sort key in Vietnamese alphabetical order: a ă â b c d đ e ê …, tones after letters."""
    return _collator().getSortKey(normalise(value))


def vi_sorted(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """Sort items by a text in Vietnamese alphabetical order."""
    return sorted(items, key=lambda item: vi_key(key(item)))
