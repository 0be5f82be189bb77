"""Names that look alike: "DIZA" and "DIZА" (its last letter Cyrillic), "DIZA" and "DlZA", "BQL 1" and "BQL l".

Decided with ICU's spoof checker (Unicode Technical Standard #39, the confusables data maintained by Unicode):
two texts are confusable when their skeletons are equal. A skeleton maps every character to the prototype it is
mistaken for (Cyrillic А to Latin A, the digit 1 and the capital I to the small l, m to rn), keeping the marks:
"Ban Quản lý" and "Ban Quan ly" stay apart, as Vietnamese names differing by a tone must. Two skeletons are
compared for each name, both without regard to case: of the name as typed (so capital I and small l meet) and of
its case-folded form (so small Cyrillic а and small a meet). Before that, the characters that show nothing
(text.refused_character) are dropped and runs of spaces count as one space, so a name stored before those
characters were refused still counts."""
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

import icu

from tracker.rules.text import normalise, refused_character

T = TypeVar("T")


@lru_cache(maxsize=1)
def _checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def _skeleton(text: str) -> str:
    return normalise(_checker().getSkeleton(0, text)).casefold()  # 0: any case (UTS #39's only skeleton type)


@lru_cache(maxsize=65536)  # every save compares the new name with every stored one: reuse their skeletons
def skeletons(value: str) -> tuple[str, str]:
    """The two skeletons a name is compared by (as typed, and case-folded), both case-folded."""
    text = " ".join("".join(ch for ch in normalise(value) if refused_character(ch) is None).split())
    return _skeleton(text), _skeleton(text.casefold())


def confusable(first: str, second: str) -> bool:
    """Whether two names can be mistaken for each other."""
    a, b = skeletons(first), skeletons(second)
    return a[0] == b[0] or a[1] == b[1]


def lookalike(value: str, others: Iterable[tuple[str, T]]) -> T | None:
    """The first of `others` (a name with what to report of it) whose name can be mistaken for `value`, or None.
    An empty value resembles nothing."""
    if not normalise(value):
        return None
    for name, found in others:
        if name and confusable(value, name):
            return found
    return None


def plain_username(name: str) -> bool:
    """A username is simple: 1 to 64 letters without accents, digits, dot, dash and underscore."""
    return 0 < len(name) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in name)
