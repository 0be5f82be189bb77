"""A board's award history as plain data: the years × award types matrix, streaks of consecutive years with an
award, and the boards a board succeeded (its lineage after mergers).

Plain values in, plain values out: awards are (board id, award code, achievement year) tuples; whose history is
shown (a board alone, or with its predecessors) is the caller's choice.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple


class Held(NamedTuple):
    """An award held: the board that got it, the award type's code, the achievement year."""

    board: int
    code: str
    year: int


@dataclass(frozen=True)
class Row:
    """One year of the matrix: for each award code (in the order of the columns) the boards that got it."""

    year: int
    cells: tuple[tuple[int, ...], ...]

    @property
    def empty(self) -> bool:
        """True when no award is recorded in this year (a year with a membership only)."""
        return not any(self.cells)


class Streak(NamedTuple):
    """Consecutive achievement years with an award, first and last year included."""

    start: int
    end: int

    @property
    def length(self) -> int:
        """How many years the streak lasts."""
        return self.end - self.start + 1


def matrix(awards: Iterable[Held], years: Iterable[int], award_codes: Sequence[str]) -> list[Row]:
    """The years × award types matrix, most recent year first: one row per year given (each once), one cell per
    award code holding the boards that got that award in that year, in the order the awards are given.
    Awards of other years or other codes are left out."""
    column = {code: i for i, code in enumerate(award_codes)}
    rows = sorted(set(years), reverse=True)
    cells: dict[int, list[list[int]]] = {year: [[] for _ in award_codes] for year in rows}
    for held in awards:
        if held.year in cells and held.code in column:
            cell = cells[held.year][column[held.code]]
            if held.board not in cell:
                cell.append(held.board)
    return [Row(year, tuple(tuple(cell) for cell in cells[year])) for year in rows]


def by_year(awards: Iterable[Held]) -> dict[int, set[str]]:
    """The award codes held in each year, whichever board of the lineage held them."""
    found: dict[int, set[str]] = {}
    for held in awards:
        found.setdefault(held.year, set()).add(held.code)
    return found


def streaks(awards_by_year: Mapping[int, set[str]], code: str) -> list[Streak]:
    """Every run of consecutive years holding the award, oldest first; a year without it ends a run."""
    years = sorted(year for year, codes in awards_by_year.items() if code in codes)
    runs: list[Streak] = []
    for year in years:
        if runs and runs[-1].end == year - 1:
            runs[-1] = Streak(runs[-1].start, year)
        else:
            runs.append(Streak(year, year))
    return runs


def longest(runs: Iterable[Streak]) -> Streak | None:
    """The longest streak; among equally long ones, the most recent. None without any."""
    best = None
    for run in runs:
        if best is None or (run.length, run.end) > (best.length, best.end):
            best = run
    return best


def current(runs: Iterable[Streak], year: int) -> Streak | None:
    """The streak still running in `year`: the one ending in that year or in the year before (the awards of an
    achievement year are decided during the next year, so last year's award keeps a streak alive)."""
    return next((run for run in runs if run.end in (year, year - 1)), None)


def lineage(successor_of: Mapping[int, int | None], board_id: int) -> list[int]:
    """The boards `board_id` succeeded, directly or through other mergers, nearest first (breadth first); the
    board itself is not included, and a circle of successors (refused on input) cannot loop forever."""
    before: dict[int, list[int]] = {}
    for board, successor in sorted(successor_of.items()):
        if successor is not None:
            before.setdefault(successor, []).append(board)
    found: list[int] = []
    seen = {board_id}
    queue = [board_id]
    while queue:
        for board in before.get(queue.pop(0), []):
            if board not in seen:
                seen.add(board)
                found.append(board)
                queue.append(board)
    return found
