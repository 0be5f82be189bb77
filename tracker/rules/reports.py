"""Report arithmetic: where a cluster stands in its yearly cycle, the most-awarded boards, awards counted by year
and type, and paging. Plain values in, plain values out."""
import enum
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import TypeVar

T = TypeVar("T")


class Stage(enum.StrEnum):
    """The steps of a cluster's year that leadership follows (domain.md section 3), in order."""

    PLEDGE = "pledge"  # the pledge is signed
    REVIEW = "review"  # the year-end review is held
    VOTE = "vote"  # every ballot round is finalised
    PROPOSALS = "proposals"  # proposals are submitted to the ministry
    DECISION = "decision"  # the decision has answered them


STAGES = tuple(Stage)


@dataclass(frozen=True)
class Facts:
    """What is recorded for a cluster-year, as counts."""

    pledge_signed: bool = False
    reviews_held: int = 0
    rounds: int = 0
    rounds_finalised: int = 0
    proposals_submitted: int = 0  # proposals past the draft
    proposals_decided: int = 0  # proposals a decision answered (granted, another form, not granted)


def stages(facts: Facts) -> dict[Stage, bool]:
    """Which steps are done. A vote is finalised when there is at least one round and every round is; proposals are
    sent when one has left the draft; a decision is received when one proposal has been answered."""
    return {
        Stage.PLEDGE: facts.pledge_signed,
        Stage.REVIEW: facts.reviews_held > 0,
        Stage.VOTE: facts.rounds > 0 and facts.rounds_finalised == facts.rounds,
        Stage.PROPOSALS: facts.proposals_submitted > 0,
        Stage.DECISION: facts.proposals_decided > 0,
    }


def done_counts(all_stages: Iterable[Mapping[Stage, bool]]) -> dict[Stage, int]:
    """How many clusters have done each step."""
    counts = dict.fromkeys(STAGES, 0)
    for one in all_stages:
        for stage, done in one.items():
            counts[stage] += bool(done)
    return counts


@dataclass(frozen=True)
class Ranked:
    """A line of a ranking: the item, its count and its competition rank (1, 2, 2, 4)."""

    item: Hashable
    count: int
    rank: int


def top(counts: Mapping[Hashable, int], *, limit: int, name: Callable[[Hashable], bytes | str]) -> list[Ranked]:
    """The `limit` items with the highest counts, equal counts sharing a rank and ordered by `name`."""
    ordered = sorted(counts, key=lambda item: (-counts[item], name(item)))[:limit]
    lines: list[Ranked] = []
    for position, item in enumerate(ordered, start=1):
        tied = lines and lines[-1].count == counts[item]
        lines.append(Ranked(item, counts[item], lines[-1].rank if tied else position))
    return lines


def pivot(rows: Iterable[tuple[int, str, int]], years: Sequence[int], codes: Sequence[str]) -> list[list[int]]:
    """(year, code, count) rows as one list per code with a count for each year (0 where none)."""
    cells = {(year, code): count for year, code, count in rows}
    return [[cells.get((year, code), 0) for year in years] for code in codes]


def window(last_year: int, length: int) -> range:
    """The `length` years ending with `last_year`."""
    return range(last_year - length + 1, last_year + 1)


@dataclass(frozen=True)
class Page:
    """A page of a long list: which page (from 1), how many pages, and the slice of items it shows."""

    number: int
    pages: int
    total: int
    start: int
    stop: int

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after."""
        return self.number < self.pages


def page_of(total: int, number: int, size: int) -> Page:
    """Page `number` of `total` items, `size` per page; a number past the end shows the last page."""
    pages = max(1, ceil(total / size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(number, pages, total, start, min(total, start + size))


def sliced(items: Sequence[T], page: Page) -> Sequence[T]:
    """The items a page shows."""
    return items[page.start:page.stop]
