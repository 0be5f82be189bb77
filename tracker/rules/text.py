"""Text rules: Unicode NFC normalisation and Vietnamese alphabetical order."""
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

import icu

T = TypeVar("T")

# Control characters other than tab and newline have no place in a name or a note.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def normalise(value: str) -> str:
    """Strip surrounding space and compose to NFC, so 'ễ' typed in NFD matches 'ễ' in NFC."""
    return unicodedata.normalize("NFC", value).strip()


def has_control_characters(value: str) -> bool:
    """True when the text holds a control character other than tab or a line break."""
    return any(
        unicodedata.category(ch) in {"Cc", "Cs"} and ch not in _ALLOWED_CONTROLS
        for ch in value
    )


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
