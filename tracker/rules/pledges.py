"""Completion of pledge targets: actual over target (target over actual when less is better), and the verdict."""
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

HIGHER, LOWER = "higher", "lower"
PLACES = Decimal("0.0001")  # completion kept to 0,01 %


class Verdict(enum.StrEnum):
    """How a result stands against its target."""

    EXCEEDED = "exceeded"  # vượt mức
    MET = "met"  # đạt
    NOT_MET = "not_met"  # không đạt


@dataclass(frozen=True)
class Completion:
    """One target's completion: `ratio` is 1 at exactly the target (None when it cannot be divided: a target
    of 0, or 0 achieved where less is better); `verdict` compares the result with the target."""

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


def overall(completions: Iterable[Completion | None]) -> Overall:
    """Sum up a board's completions (missing ones are not assessed)."""
    done = [c for c in completions if c is not None]
    ratios = [c.ratio for c in done if c.ratio is not None]
    mean = (sum(ratios, Decimal(0)) / len(ratios)).quantize(PLACES) if ratios else None
    return Overall(assessed=len(done), achieved=sum(c.verdict != Verdict.NOT_MET for c in done),
                   exceeded=sum(c.verdict == Verdict.EXCEEDED for c in done), mean=mean)
