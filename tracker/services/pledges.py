"""The year's pledge: its signing and text, the indicator catalogue, each board's targets and results."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import ClusterYear, Direction, Indicator, Pledge, Signature, Target
from tracker.rules import pledges as rules
from tracker.rules.text import normalise
from tracker.services import years
from tracker.services.errors import Conflict, DomainError, check_version
from tracker.services.stamps import check_stamp, replace_lines

MAX_VALUE = Decimal(10) ** 15


def year_of(session: Session, cluster_id: int, year: int) -> ClusterYear:
    """The recorded cluster-year; refused while its members are not recorded."""
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None:
        raise DomainError(_l("Record the members of %(year)d first: the pledge is signed by the members.",
                             year=year))
    # Saves of the year's pledge, targets and scores queue behind each other (their version checks hold).
    session.refresh(cluster_year, with_for_update=True)
    return cluster_year


def member_ids(session: Session, cluster_year_id: int) -> set[int]:
    """The boards that are members in the cluster-year."""
    return {m.board_id for m in years.memberships(session, cluster_year_id)}


# The indicator catalogue -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    """A line of the catalogue form: an existing indicator (id) or a new one (id None)."""

    id: int | None
    name: str
    unit: str = ""
    direction: str = Direction.HIGHER
    group: str = ""
    remove: bool = False


def indicators(session: Session, cluster_year_id: int) -> list[Indicator]:
    """The catalogue of a cluster-year in its order."""
    query = select(Indicator).where(Indicator.cluster_year_id == cluster_year_id)
    return list(session.exec(query.order_by(Indicator.position, Indicator.id)).all())


def catalogue(session: Session, cluster_id: int, year: int) -> tuple[list[Indicator], int | None]:
    """The year's own catalogue, or else the latest earlier year's (to copy forward) with that year."""
    cluster_year = years.find(session, cluster_id, year)
    own = indicators(session, cluster_year.id) if cluster_year else []
    if own:
        return own, None
    latest = years.latest_with(session, Indicator, cluster_id, year)
    if latest is None:
        return [], None
    return indicators(session, latest[0]), latest[1]


def save_catalogue(*, session: Session, cluster_id: int, year: int, stamp: str | None,
                   lines: list[IndicatorLine]) -> list[Indicator]:
    """Save the catalogue as the form shows it, in its order. An indicator with recorded targets cannot be
    removed (its figures would be lost); names are unique within the year."""
    cluster_year = year_of(session, cluster_id, year)
    current = indicators(session, cluster_year.id)
    check_stamp(current, stamp)
    by_id = {i.id: i for i in current}
    used = set(session.exec(select(Target.indicator_id).join(Indicator, Indicator.id == Target.indicator_id)
                            .where(Indicator.cluster_year_id == cluster_year.id)).all())
    errors: dict[str, list] = {}
    seen: set[str] = set()
    kept: list[tuple[Indicator | None, IndicatorLine]] = []
    for n, line in enumerate(lines):
        if line.id is not None and line.id not in by_id:
            raise Conflict(current)
        if line.id is None and not line.name:
            continue  # a blank line of the form
        if line.remove:
            if line.id in used:
                errors[f"remove_{n}"] = [_l("Targets are recorded for this indicator; clear them first.")]
            continue
        if not line.name:
            errors[f"name_{n}"] = [_l("Give the indicator a name, or tick “remove”.")]
            continue
        key = normalise(line.name).casefold()
        if key in seen:
            errors[f"name_{n}"] = [_l("This indicator is already in the list.")]
        seen.add(key)
        if line.direction not in (Direction.HIGHER, Direction.LOWER):
            errors[f"direction_{n}"] = [_l("Choose a value from the list.")]
        kept.append((by_id.get(line.id), line))
    shown = {line.id for line in lines if line.id is not None}
    if any(row.id not in shown for row in current):
        raise Conflict(current)  # the form did not show every indicator: nothing is removed unseen
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return replace_lines(session, Indicator, cluster_year.id, current, [
        (row, {"name": line.name, "unit": line.unit, "direction": str(line.direction), "group": line.group})
        for row, line in kept])


# The pledge itself ---------------------------------------------------------------------------------------------


@dataclass
class PledgeData:
    """What the pledge form sends."""

    signed_on: date | None = None
    place: str = ""
    host_board_id: int | None = None
    text: str = ""
    signed: set[int] = field(default_factory=set)  # boards whose representative signed
    signers: dict[int, str] = field(default_factory=dict)  # board -> name and title of who signed


def pledge_of(session: Session, cluster_year_id: int) -> Pledge | None:
    """The cluster-year's pledge, if recorded."""
    return session.exec(select(Pledge).where(Pledge.cluster_year_id == cluster_year_id)).first()


def signatures(session: Session, pledge_id: int) -> dict[int, Signature]:
    """The pledge's signatures by board."""
    return {s.board_id: s for s in session.exec(select(Signature).where(Signature.pledge_id == pledge_id)).all()}


def save_pledge(*, session: Session, cluster_id: int, year: int, version: int | None, data: PledgeData) -> Pledge:
    """Record the pledge's signing (date, place, host), its text and each member's signature."""
    cluster_year = year_of(session, cluster_id, year)
    members = member_ids(session, cluster_year.id)
    if data.host_board_id is not None and data.host_board_id not in members:
        raise DomainError(_l("The host must be a member of the year."), "host_board_id")
    if not data.signed <= members:
        raise DomainError(_l("Only members of the year sign the pledge."))
    pledge = pledge_of(session, cluster_year.id)
    if pledge is None:
        if version not in (None, 0):
            raise Conflict(Pledge(cluster_year_id=cluster_year.id, version=0))
        pledge = Pledge(cluster_year_id=cluster_year.id)
        session.add(pledge)
    else:
        check_version(pledge, version)
    pledge.signed_on, pledge.place, pledge.host_board_id = data.signed_on, data.place, data.host_board_id
    pledge.text = data.text
    session.flush()
    stored = signatures(session, pledge.id)
    for board_id in members:
        row = stored.get(board_id) or Signature(pledge_id=pledge.id, board_id=board_id)
        row.signed, row.signer = board_id in data.signed, data.signers.get(board_id, "")
        session.add(row)
    for board_id, row in stored.items():
        if board_id not in members:  # a board no longer a member does not sign
            session.delete(row)
    session.flush()
    return pledge


# Targets and results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetCell:
    """One board's target for one indicator as typed: the target, the document that set it, the result."""

    indicator_id: int
    board_id: int
    target: Decimal | None
    source: str
    actual: Decimal | None

    @property
    def empty(self) -> bool:
        """Nothing typed at all."""
        return self.target is None and not self.source and self.actual is None


def cell_name(column: str, indicator_id: int, board_id: int) -> str:
    """The form field of one value of the grid (the same name in both grids and in error messages)."""
    return f"{column}_{indicator_id}_{board_id}"


def targets(session: Session, cluster_year_id: int, *, board_id: int | None = None,
            indicator_id: int | None = None) -> list[Target]:
    """The cluster-year's recorded targets, or those of one board or one indicator."""
    query = (select(Target).join(Indicator, Indicator.id == Target.indicator_id)
             .where(Indicator.cluster_year_id == cluster_year_id))
    if board_id is not None:
        query = query.where(Target.board_id == board_id)
    if indicator_id is not None:
        query = query.where(Target.indicator_id == indicator_id)
    return list(session.exec(query).all())


def save_targets(*, session: Session, cluster_id: int, year: int, stamp: str | None, cells: Iterable[TargetCell],
                 board_id: int | None = None, indicator_id: int | None = None) -> int:
    """Save a grid of targets (one board's, one indicator's, or the whole year's when both are None) against the
    version it was opened on; return how many values changed. Blank lines are removed."""
    cluster_year = year_of(session, cluster_id, year)
    members = member_ids(session, cluster_year.id)
    known = {i.id for i in indicators(session, cluster_year.id)}
    current = targets(session, cluster_year.id, board_id=board_id, indicator_id=indicator_id)
    check_stamp(current, stamp)
    stored = {(t.indicator_id, t.board_id): t for t in current}
    errors: dict[str, list] = {}
    cells = list(cells)
    for cell in cells:
        if cell.indicator_id not in known or cell.board_id not in members or (
                board_id is not None and cell.board_id != board_id) or (
                indicator_id is not None and cell.indicator_id != indicator_id):
            raise DomainError(_l("This line is not part of the year's targets; reload the page."))
        for column in ("target", "actual"):
            value = getattr(cell, column)
            if value is not None and not 0 <= value < MAX_VALUE:
                errors[cell_name(column, cell.indicator_id, cell.board_id)] = [
                    _l("Enter a number from 0 to 999.999.999.999.999.")]
        if len(cell.source) > 300:
            errors[cell_name("source", cell.indicator_id, cell.board_id)] = [_l("At most %(max)d characters.",
                                                                                 max=300)]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    changed = 0
    for cell in cells:
        row = stored.get((cell.indicator_id, cell.board_id))
        before = (row.target, row.source, row.actual) if row else (None, "", None)
        after = (cell.target, cell.source, cell.actual)
        changed += sum(b != a for b, a in zip(before, after, strict=True))
        if row is None:
            if not cell.empty:
                session.add(Target(indicator_id=cell.indicator_id, board_id=cell.board_id, target=cell.target,
                                   source=cell.source, actual=cell.actual))
        elif cell.empty:
            session.delete(row)
        elif before != after:
            row.target, row.source, row.actual = after
            row.version += 1
    session.flush()
    return changed


# What the pledge page shows ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One indicator of a board: the target row (if any) and its completion."""

    indicator: Indicator
    target: Target | None
    completion: rules.Completion | None


@dataclass(frozen=True)
class BoardSummary:
    """A board's targets with their completion, and its overall completion."""

    board_id: int
    lines: list[Line]
    overall: rules.Overall


def summary(catalogue_rows: list[Indicator], rows: list[Target], board_ids: list[int]) -> list[BoardSummary]:
    """Each board's lines in catalogue order, with completion computed by the rules."""
    by_cell = {(t.indicator_id, t.board_id): t for t in rows}
    result = []
    for board_id in board_ids:
        lines = []
        for indicator in catalogue_rows:
            row = by_cell.get((indicator.id, board_id))
            done = rules.completion(row.target, row.actual, indicator.direction) if row else None
            lines.append(Line(indicator, row, done))
        result.append(BoardSummary(board_id, lines, rules.overall(line.completion for line in lines)))
    return result
