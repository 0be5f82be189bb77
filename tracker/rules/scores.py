"""The score sheet: totals per board and the ranking, with ties shown as ties."""
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Standing:
    """A board's line in the ranking: its totals, how many criteria were scored, its rank and whether it is tied."""

    board: Hashable
    self_total: Decimal | None
    agreed_total: Decimal | None
    scored: int  # criteria with an agreed score
    rank: int | None  # competition rank by agreed total (1, 2, 2, 4); None without any agreed score
    tied: bool


def total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the scores given; None when none is given."""
    given = [v for v in values if v is not None]
    return sum(given, Decimal(0)) if given else None


def ranking(self_scores: Mapping[Hashable, Iterable[Decimal | None]],
            agreed: Mapping[Hashable, Iterable[Decimal | None]]) -> list[Standing]:
    """Rank boards by the total of their agreed scores, highest first. Equal totals share a rank and are marked
    tied; the next rank skips (1, 2, 2, 4). Boards without any agreed score come last, unranked. The order among
    equals is the order of `agreed` (the caller passes boards in Vietnamese alphabetical order)."""
    totals = {board: total(values) for board, values in agreed.items()}
    scored = {board: sum(v is not None for v in values) for board, values in agreed.items()}
    ranked = sorted((b for b in totals if totals[b] is not None), key=lambda b: totals[b], reverse=True)
    counts: dict[Decimal, int] = {}
    for board in ranked:
        counts[totals[board]] = counts.get(totals[board], 0) + 1
    standings = []
    for board in ranked:
        rank = 1 + sum(1 for other in ranked if totals[other] > totals[board])
        standings.append(Standing(board, total(self_scores.get(board, ())), totals[board], scored[board], rank,
                                  counts[totals[board]] > 1))
    standings += [Standing(board, total(self_scores.get(board, ())), None, 0, None, False)
                  for board in totals if totals[board] is None]
    return standings


def score_problem(value: Decimal | None, maximum: Decimal) -> str | None:
    """Why a score cannot be kept ("negative" or "over_maximum"), or None when it is fine or blank."""
    if value is None:
        return None
    if value < 0:
        return "negative"
    if value > maximum:
        return "over_maximum"
    return None
