"""Names of authorities over time: a name is in force between two dates and may be followed by a successor's
(Bộ Kế hoạch và Đầu tư until 28/02/2025, then Bộ Tài chính). Pure: the caller says how to find a successor."""
from collections.abc import Callable
from datetime import date
from typing import TypeVar

T = TypeVar("T")  # anything with valid_from and valid_to dates (None: open)


def in_force(authority, day: date) -> bool:
    """Whether the authority's name was in force on that day."""
    return ((authority.valid_from is None or authority.valid_from <= day)
            and (authority.valid_to is None or authority.valid_to >= day))


def successors(authority: T, successor_of: Callable[[T], T | None]) -> list[T]:
    """The names that followed this one, nearest first (a loop in the catalogue ends the list)."""
    chain, seen = [], {id(authority)}
    current = successor_of(authority)
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = successor_of(current)
    return chain


def name_on(authority: T, day: date, successor_of: Callable[[T], T | None]) -> T:
    """The name in force on the day: this one, or the first successor in force, or (none being) this one."""
    if in_force(authority, day):
        return authority
    return next((s for s in successors(authority, successor_of) if in_force(s, day)), authority)
