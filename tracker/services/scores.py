"""The score sheet of a cluster-year: criteria with their maximum points, each board's scores, the ranking."""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.i18n import format_amount
from tracker.models import Criterion, Score
from tracker.rules import scores as rules
from tracker.rules.text import normalise
from tracker.services import years
from tracker.services.errors import Conflict, DomainError
from tracker.services.pledges import member_ids, year_of
from tracker.services.stamps import check_stamp, replace_lines

MAX_POINTS = Decimal(10000)


@dataclass(frozen=True)
class CriterionLine:
    """A line of the criteria form: an existing criterion (id) or a new one."""

    id: int | None
    code: str
    name: str
    max_points: Decimal | None
    group: str = ""
    remove: bool = False


def criteria(session: Session, cluster_year_id: int) -> list[Criterion]:
    """The score sheet's criteria in order."""
    query = select(Criterion).where(Criterion.cluster_year_id == cluster_year_id)
    return list(session.exec(query.order_by(Criterion.position, Criterion.id)).all())


def sheet_source(session: Session, cluster_id: int, year: int) -> tuple[list[Criterion], int | None]:
    """The year's own criteria, or else those of the latest earlier year (to copy forward) with that year."""
    cluster_year = years.find(session, cluster_id, year)
    own = criteria(session, cluster_year.id) if cluster_year else []
    if own:
        return own, None
    latest = years.latest_with(session, Criterion, cluster_id, year)
    return (criteria(session, latest[0]), latest[1]) if latest else ([], None)


def scores(session: Session, cluster_year_id: int, *, board_id: int | None = None) -> list[Score]:
    """The scores given in a cluster-year, or those of one board."""
    query = (select(Score).join(Criterion, Criterion.id == Score.criterion_id)
             .where(Criterion.cluster_year_id == cluster_year_id))
    if board_id is not None:
        query = query.where(Score.board_id == board_id)
    return list(session.exec(query).all())


def save_criteria(*, session: Session, cluster_id: int, year: int, stamp: str | None,
                  lines: list[CriterionLine]) -> list[Criterion]:
    """Save the criteria as the form shows them. Codes are unique; a criterion already scored cannot be removed,
    nor its maximum lowered below a score given."""
    cluster_year = year_of(session, cluster_id, year)
    current = criteria(session, cluster_year.id)
    check_stamp(current, stamp)
    by_id = {c.id: c for c in current}
    highest: dict[int, Decimal] = {}
    for score in scores(session, cluster_year.id):
        for value in (score.self_score, score.agreed):
            if value is not None:
                highest[score.criterion_id] = max(value, highest.get(score.criterion_id, value))
    errors: dict[str, list] = {}
    seen: set[str] = set()
    kept = []
    for n, line in enumerate(lines):
        if line.id is not None and line.id not in by_id:
            raise Conflict(current)
        if line.id is None and not (line.code or line.name or line.max_points is not None):
            continue
        if line.remove:
            if line.id in highest:
                errors[f"remove_{n}"] = [_l("Scores are recorded for this criterion; clear them first.")]
            continue
        for name, value in (("code", line.code), ("name", line.name), ("max_points", line.max_points)):
            if value in (None, ""):
                errors[f"{name}_{n}"] = [_l("This field is required.")]
        key = normalise(line.code).casefold()
        if line.code and key in seen:
            errors[f"code_{n}"] = [_l("This code is already in the list.")]
        seen.add(key)
        if line.max_points is not None:
            if not 0 < line.max_points <= MAX_POINTS:
                errors[f"max_points_{n}"] = [_l("Enter a number of points above 0 and at most 10.000.")]
            elif line.id in highest and line.max_points < highest[line.id]:
                errors[f"max_points_{n}"] = [_l("A board already has %(points)s points here.",
                                                points=str(highest[line.id]))]
        kept.append((by_id.get(line.id), line))
    shown = {line.id for line in lines if line.id is not None}
    if any(row.id not in shown for row in current):
        raise Conflict(current)  # the form did not show every criterion: nothing is removed unseen
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return replace_lines(session, Criterion, cluster_year.id, current, [
        (row, {"code": line.code, "name": line.name, "max_points": line.max_points, "group": line.group})
        for row, line in kept])


@dataclass(frozen=True)
class ScoreCell:
    """A board's points on one criterion as typed: its own score and the score the cluster agreed."""

    criterion_id: int
    board_id: int
    self_score: Decimal | None
    agreed: Decimal | None


def cell_name(column: str, criterion_id: int, board_id: int) -> str:
    """The form field of one score (the same name in the grid and in error messages)."""
    return f"{column}_{criterion_id}_{board_id}"


def save_scores(*, session: Session, cluster_id: int, year: int, stamp: str | None, cells: Iterable[ScoreCell],
                board_id: int | None = None) -> int:
    """Save one board's scores (or the whole sheet's when board_id is None), each bounded by its criterion's
    maximum, against the version the form was opened on; return how many values changed."""
    cluster_year = year_of(session, cluster_id, year)
    members = member_ids(session, cluster_year.id)
    limits = {c.id: c.max_points for c in criteria(session, cluster_year.id)}
    current = scores(session, cluster_year.id, board_id=board_id)
    check_stamp(current, stamp)
    stored = {(s.criterion_id, s.board_id): s for s in current}
    cells = list(cells)
    errors: dict[str, list] = {}
    for cell in cells:
        if cell.criterion_id not in limits or cell.board_id not in members or (
                board_id is not None and cell.board_id != board_id):
            raise DomainError(_l("This line is not part of the year's score sheet; reload the page."))
        for column in ("self_score", "agreed"):
            limit = limits[cell.criterion_id]
            problem = rules.score_problem(getattr(cell, column), limit)
            if problem:
                errors[cell_name(column, cell.criterion_id, cell.board_id)] = [
                    _l("At most %(max)s points.", max=format_amount(limit)) if problem == "over_maximum"
                    else _l("Enter a number from 0.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    changed = 0
    for cell in cells:
        row = stored.get((cell.criterion_id, cell.board_id))
        before = (row.self_score, row.agreed) if row else (None, None)
        after = (cell.self_score, cell.agreed)
        changed += sum(b != a for b, a in zip(before, after, strict=True))
        if row is None:
            if after != (None, None):
                session.add(Score(criterion_id=cell.criterion_id, board_id=cell.board_id,
                                  self_score=cell.self_score, agreed=cell.agreed))
        elif after == (None, None):
            session.delete(row)
        elif before != after:
            row.self_score, row.agreed = after
            row.version += 1
    session.flush()
    return changed


def standings(criteria_rows: list[Criterion], rows: list[Score], board_ids: list[int]) -> list[rules.Standing]:
    """The ranking of the given boards (in their order among equals) by their agreed totals."""
    by_cell = {(s.criterion_id, s.board_id): s for s in rows}

    def values(board_id: int, column: str) -> list[Decimal | None]:
        return [getattr(by_cell[(c.id, board_id)], column) if (c.id, board_id) in by_cell else None
                for c in criteria_rows]

    return rules.ranking({b: values(b, "self_score") for b in board_ids}, {b: values(b, "agreed") for b in board_ids})


def agreed_totals(session: Session, cluster_year_id: int) -> dict[int, Decimal]:
    """Each scored board's total of agreed points (what orders the ballot's candidates and breaks its ties)."""
    totals: dict[int, Decimal] = {}
    for score in scores(session, cluster_year_id):
        if score.agreed is not None:
            totals[score.board_id] = totals.get(score.board_id, Decimal(0)) + score.agreed
    return totals
