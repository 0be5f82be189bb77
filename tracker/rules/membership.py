"""Rules of a cluster-year's roster: who may be a member, the roles, carrying members forward, rotation."""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

HEAD, DEPUTY, MEMBER = "head", "deputy", "member"


@dataclass(frozen=True)
class Span:
    """When a board existed, and which board took over when it ended."""

    start: date | None = None
    end: date | None = None
    successor: int | None = None


@dataclass(frozen=True)
class Row:
    """One line of the roster form: a board, whether it is a member, and its role."""

    board: int
    member: bool
    role: str = MEMBER


@dataclass(frozen=True)
class Problem:
    """A broken rule, attached to a form field; `code` selects the message shown to the user."""

    board: int | None
    code: str
    params: tuple = ()


@dataclass(frozen=True)
class CarriedMember:
    """A member proposed for the new year; `replaces` is the ended board it stands in for."""

    board: int
    replaces: int | None = None


def exists_in(span: Span, year: int) -> bool:
    """True when the board existed for at least part of the year."""
    if span.start is not None and span.start.year > year:
        return False
    return span.end is None or span.end.year >= year


def check_roster(year: int, rows: Sequence[Row], spans: Mapping[int, Span], host: int | None) -> list[Problem]:
    """Every problem with a roster: one head, at most one deputy, roles only for members, boards that existed."""
    problems: list[Problem] = []
    members = [row for row in rows if row.member]
    for row in rows:
        if row.role in (HEAD, DEPUTY) and not row.member:
            problems.append(Problem(row.board, f"{row.role}_not_member"))
    for row in members:
        if not exists_in(spans[row.board], year):
            problems.append(Problem(row.board, "not_existing", (year,)))
    heads = [row for row in members if row.role == HEAD]
    deputies = [row for row in members if row.role == DEPUTY]
    for row in heads[1:]:
        problems.append(Problem(row.board, "second_head"))
    for row in deputies[1:]:
        problems.append(Problem(row.board, "second_deputy"))
    if members and not heads:
        problems.append(Problem(None, "no_head"))
    if host is not None and host not in {row.board for row in members}:
        problems.append(Problem(None, "host_not_member"))
    return problems


def carry_forward(
    previous: Iterable[int], spans: Mapping[int, Span], year: int
) -> tuple[list[CarriedMember], list[int]]:
    """Last year's members for the new year: ended boards replaced by their successor when it exists.

    Returns the proposed members (each once) and the ended boards that have no successor to offer.
    """
    proposed: list[CarriedMember] = []
    dropped: list[int] = []
    seen: set[int] = set()
    for board in previous:
        current, hops = board, 0
        while not exists_in(spans[current], year) and spans[current].successor is not None and hops < len(spans):
            current, hops = spans[current].successor, hops + 1
        if not exists_in(spans[current], year):
            dropped.append(board)
            continue
        if current not in seen:
            seen.add(current)
            proposed.append(CarriedMember(current, None if current == board else board))
    return proposed, dropped


def suggest_head(members: Sequence[int], head_years: Mapping[int, Iterable[int]], year: int) -> int | None:
    """The member that has gone longest without being head before `year` (never head counts as longest).

    Ties go to the earliest in `members`, which the caller passes in alphabetical order.
    """
    def last_time(board: int) -> int:
        return max((y for y in head_years.get(board, ()) if y < year), default=-1)

    if not members:
        return None
    return min(members, key=lambda board: (last_time(board), members.index(board)))
