"""Completion of pledge targets: actual over target (target over actual when less is better), and the verdict."""
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

HIGHER, LOWER = "higher", "lower"
PLACES = Decimal("0.0001")  # completion kept to 0,01 %


class Verdict(enum.StrEnum):
    """How a result stands against its target."""

    EXCEEDED = "exceeded"  # vượt mức
    MET = "met"  # đạt
    NOT_MET = "not_met"  # không đạt


class Completion(NamedTuple):
    """One target's completion: `ratio` is 1 at exactly the target (None when it cannot be divided: a target
    of 0, or 0 achieved where less is better); `verdict` compares the result with the target. A named tuple:
    reports make thousands of them per page."""

    ratio: Decimal | None
    verdict: Verdict


def completion(target: Decimal | None, actual: Decimal | None, direction: str = HIGHER) -> Completion | None:
    """The completion of one target, or None while the target or the result is missing.

    More is better: actual / target. Less is better (days to handle a file): target / actual, so that doing
    better than the target is again above 1. Values are never negative (the forms refuse it)."""
    if target is None or actual is None:
        return None
    if direction == LOWER:
        verdict = _compare(target, actual)  # a smaller result is better
        ratio = None if actual == 0 else target / actual
    else:
        verdict = _compare(actual, target)
        ratio = None if target == 0 else actual / target
    return Completion(None if ratio is None else ratio.quantize(PLACES), verdict)


def _compare(better: Decimal, worse: Decimal) -> Verdict:
    if better > worse:
        return Verdict.EXCEEDED
    return Verdict.MET if better == worse else Verdict.NOT_MET


@dataclass(frozen=True)
class Overall:
    """A board's overall completion: how many of its assessed targets were met or exceeded, and the mean ratio."""

    assessed: int  # targets with both a target and a result
    achieved: int  # of which met or exceeded
    exceeded: int
    mean: Decimal | None  # mean of the ratios that can be computed

    @property
    def share(self) -> Decimal | None:
        """The share of assessed targets achieved."""
        return None if not self.assessed else (Decimal(self.achieved) / self.assessed).quantize(PLACES)


class Tally:
    """Sums completions up one at a time (a report adds thousands without keeping them); `overall()` is its
    result."""

    __slots__ = ("assessed", "achieved", "exceeded", "ratios", "total")

    def __init__(self) -> None:
        self.assessed = self.achieved = self.exceeded = self.ratios = 0
        self.total = Decimal(0)

    def add(self, done: Completion | None) -> None:
        """Count one target's completion (a missing one is not assessed)."""
        if done is None:
            return
        self.assessed += 1
        if done.verdict != Verdict.NOT_MET:
            self.achieved += 1
            if done.verdict == Verdict.EXCEEDED:
                self.exceeded += 1
        if done.ratio is not None:
            self.ratios += 1
            self.total += done.ratio

    def overall(self) -> Overall:
        """The sum so far."""
        mean = (self.total / self.ratios).quantize(PLACES) if self.ratios else None
        return Overall(assessed=self.assessed, achieved=self.achieved, exceeded=self.exceeded, mean=mean)


def overall(completions: Iterable[Completion | None]) -> Overall:
    """Sum up a board's completions (missing ones are not assessed)."""
    tally = Tally()
    for done in completions:
        tally.add(done)
    return tally.overall()
