"""A board's award history: its awards and those of the boards it succeeded, the years × award types matrix and the
streaks of consecutive years, loaded in a fixed number of queries."""
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from tracker.models import Award, AwardType, Board, ClusterYear, Decision, Membership
from tracker.rules import history as rules
from tracker.services.catalog import get


@dataclass(frozen=True)
class AwardLine:
    """One award in the history: the board that got it (the board itself or a predecessor), its type, the
    achievement year and the decision that granted it (None for a record kept before the tracker)."""

    board: Board
    award_type: AwardType
    year: int
    decision_id: int | None
    decision_number: str
    decided_on: date | None


@dataclass(frozen=True)
class HistoryRow:
    """One year of the matrix: for each column (award type) the awards of that year."""

    year: int
    cells: list[list[AwardLine]]


@dataclass(frozen=True)
class StreakLine:
    """The streaks of one award type: every run (most recent first), the longest and the one still running."""

    award_type: AwardType
    runs: list[rules.Streak]
    longest: rules.Streak | None
    current: rules.Streak | None


@dataclass(frozen=True)
class BoardHistory:
    """A board's history with its predecessors' (nearest first): the award types shown as columns (those in use
    and any other one held), the matrix rows (years with an award or a membership, most recent first), every
    award (most recent first) and the streaks of each award type held."""

    board: Board
    predecessors: list[Board]
    award_types: list[AwardType]
    rows: list[HistoryRow]
    awards: list[AwardLine]
    streaks: list[StreakLine]


def board_history(session: Session, board_id: int, *, today: date | None = None) -> BoardHistory:
    """The history of a board and of every board whose successors lead to it; a streak counts as current when it
    reaches this year or the last (`today` defaults to the current date). Six queries, whatever the history."""
    board = get(session, Board, board_id)
    successors = dict(session.execute(select(Board.id, Board.successor_id)).all())  # plain pairs: fast at scale
    lineage = rules.lineage(successors, board_id)
    ids = [board_id, *lineage]
    boards = {b.id: b for b in session.exec(select(Board).where(col(Board.id).in_(ids))).all()}
    types = list(session.exec(select(AwardType).order_by(AwardType.precedence, AwardType.code)).all())
    by_id = {t.id: t for t in types}
    rows = session.exec(
        select(Award, Decision.number, Decision.decided_on)
        .outerjoin(Decision, col(Decision.id) == Award.decision_id)
        .where(col(Award.board_id).in_(ids))).all()
    awards = [AwardLine(boards[a.board_id], by_id[a.award_type_id], a.year, a.decision_id, number or "", decided_on)
              for a, number, decided_on in rows]
    order = {b: i for i, b in enumerate(ids)}  # the board itself first, then its nearest predecessors
    awards.sort(key=lambda a: (-a.year, a.award_type.precedence, a.award_type.code, order[a.board.id]))
    held_ids = {a.award_type.id for a in awards}
    columns = [t for t in types if t.active or t.id in held_ids]
    member_years = set(session.exec(
        select(ClusterYear.year).join(Membership, Membership.cluster_year_id == ClusterYear.id)
        .where(col(Membership.board_id).in_(ids)).distinct()).all())

    held = [rules.Held(a.board.id, a.award_type.code, a.year) for a in awards]
    lines = {(a.year, a.award_type.code, a.board.id): a for a in awards}
    codes = [t.code for t in columns]
    matrix = [HistoryRow(row.year, [[lines[(row.year, code, b)] for b in cell] for code, cell in zip(
        codes, row.cells, strict=True)]) for row in rules.matrix(held, member_years | {a.year for a in awards}, codes)]

    year = (today or date.today()).year
    per_year = rules.by_year(held)
    streaks = []
    for award_type in columns:
        if award_type.id in held_ids:
            runs = rules.streaks(per_year, award_type.code)
            streaks.append(StreakLine(award_type, runs[::-1], rules.longest(runs), rules.current(runs, year)))
    return BoardHistory(board, [boards[b] for b in lineage], columns, matrix, awards, streaks)
