"""What every report reads, set by set: a fixed number of queries whatever the number of clusters, boards and
years, selecting plain columns (not ORM objects) so that national-scale pages stay fast."""
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, String, func, type_coerce
from sqlmodel import Session, col, select

from tracker.models import (
    Authority,
    AwardType,
    Board,
    Cluster,
    ClusterYear,
    Indicator,
    Meeting,
    MeetingKind,
    Membership,
    Pledge,
    Target,
)
from tracker.rules import pledges as pledge_rules
from tracker.rules.text import vi_key


@dataclass(frozen=True)
class BoardRef:
    """A board as a report names it."""

    id: int
    short_name: str
    name: str


@dataclass(frozen=True)
class AwardRef:
    """A form of award as a report names it."""

    id: int
    code: str
    name_vi: str
    name_en: str
    precedence: int

    def label(self, locale: str) -> str:
        """The award's name in the reader's language (Vietnamese when no English name is recorded)."""
        return self.name_en if locale == "en" and self.name_en else self.name_vi


@dataclass(frozen=True)
class ClusterRow:
    """A cluster in one year: the cluster's own fields and its cluster-year's."""

    id: int
    name: str
    kind: str
    region: str
    authority_id: int | None
    cluster_year_id: int
    year: int
    host_board_id: int | None
    conference_date: date | None
    conference_place: str


def run_select(session: Session, statement):
    """Run a select of plain columns on the session's connection: Core rows, without the ORM's result processing
    (which costs more than the query itself at thousands of rows)."""
    return session.connection().execute(statement)


def award_types(session: Session) -> dict[int, AwardRef]:
    """Every form of award, by id (a small, fixed table)."""
    rows = run_select(session, select(AwardType.id, AwardType.code, AwardType.name_vi, AwardType.name_en,
                                  AwardType.precedence)).all()
    return {r[0]: AwardRef(*r) for r in rows}


def authorities(session: Session) -> dict[int, str]:
    """Every authority's name, by id."""
    return dict(run_select(session, select(Authority.id, Authority.name)).all())


def regions(session: Session) -> list[str]:
    """The regions clusters are recorded in, in Vietnamese order."""
    found = run_select(session, select(Cluster.region).where(Cluster.region != "").distinct()).scalars().all()
    return sorted(found, key=vi_key)


def years(session: Session) -> list[int]:
    """Every year with a cluster recorded, most recent first."""
    return list(run_select(session, select(ClusterYear.year).distinct().order_by(col(ClusterYear.year).desc()))
                .scalars().all())


def boards(session: Session, ids: Collection[int]) -> dict[int, BoardRef]:
    """The boards asked for, by id."""
    if not ids:
        return {}
    rows = run_select(session, select(Board.id, Board.short_name, Board.name).where(col(Board.id).in_(sorted(ids))))
    return {r[0]: BoardRef(*r) for r in rows.all()}


def _cluster_rows():
    """The columns of a ClusterRow: a cluster joined to its years."""
    return (select(Cluster.id, Cluster.name, Cluster.kind, Cluster.region, Cluster.authority_id, ClusterYear.id,
                   ClusterYear.year, ClusterYear.host_board_id, ClusterYear.conference_date,
                   ClusterYear.conference_place)
            .join(ClusterYear, ClusterYear.cluster_id == Cluster.id))


def clusters_in_year(session: Session, year: int, *, authority_id: int | None = None,
                     region: str | None = None) -> list[ClusterRow]:
    """The clusters recorded in a year (filtered by authority and region), in Vietnamese order of their names."""
    query = _cluster_rows().where(ClusterYear.year == year)
    if authority_id is not None:
        query = query.where(Cluster.authority_id == authority_id)
    if region:
        query = query.where(Cluster.region == region)
    return sorted((ClusterRow(*r) for r in run_select(session, query).all()), key=lambda c: vi_key(c.name))


def year_ids(year: int, *, authority_id: int | None = None, region: str | None = None) -> Select:
    """A select of the cluster-year ids of a year (filtered like `clusters_in_year`)."""
    query = select(ClusterYear.id).join(Cluster, Cluster.id == ClusterYear.cluster_id).where(ClusterYear.year == year)
    if authority_id is not None:
        query = query.where(Cluster.authority_id == authority_id)
    if region:
        query = query.where(Cluster.region == region)
    return query


def cluster_years(session: Session, cluster_id: int) -> list[ClusterRow]:
    """Every year of one cluster, most recent first."""
    query = _cluster_rows().where(Cluster.id == cluster_id).order_by(col(ClusterYear.year).desc())
    return [ClusterRow(*r) for r in run_select(session, query).all()]


def members(session: Session, cy_ids: Collection[int]) -> tuple[dict[int, list[tuple[int, str]]], dict[int, BoardRef]]:
    """Each cluster-year's (board id, role) pairs, and the member boards (one query)."""
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    boards: dict[int, BoardRef] = {}
    if cy_ids:
        rows = run_select(session, select(Membership.cluster_year_id, Membership.board_id, Membership.role,
                                      Board.short_name, Board.name)
                               .join(Board, Board.id == Membership.board_id)
                               .where(col(Membership.cluster_year_id).in_(sorted(cy_ids))))
        for cy_id, board_id, role, short_name, name in rows.all():
            out[cy_id].append((board_id, role))
            if board_id not in boards:
                boards[board_id] = BoardRef(board_id, short_name, name)
    return out, boards


def _completion_rows(session: Session, cy_ids: Collection[int]):
    """(cluster-year, board, completion) of every target of these cluster-years (one query). The stored decimal
    text is read as text and made a Decimal here: the same value the column type gives, without its per-value
    processing, which dominates at thousands of targets."""
    if not cy_ids:
        return
    rows = run_select(session, select(Indicator.cluster_year_id, Indicator.direction, Target.board_id,
                                      type_coerce(Target.target, String), type_coerce(Target.actual, String))
                      .join(Target, Target.indicator_id == Indicator.id)
                      .where(col(Indicator.cluster_year_id).in_(sorted(cy_ids))))
    completion = pledge_rules.completion
    for cy_id, direction, board_id, target, actual in rows.all():
        yield cy_id, board_id, completion(None if target is None else Decimal(target),
                                          None if actual is None else Decimal(actual), direction)


def completions(session: Session, cy_ids: Collection[int]) -> dict[int, dict[int, list]]:
    """Each cluster-year's target completions, per board (None where a target or its result is missing)."""
    out: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for cy_id, board_id, done in _completion_rows(session, cy_ids):
        out[cy_id][board_id].append(done)
    return out


def cluster_completions(session: Session, cy_ids: Collection[int]) -> dict[int, pledge_rules.Overall]:
    """Each cluster-year's completion over every member's targets (none assessed where no target is recorded).
    The rows are summed as they are read (the year report does this for thousands of targets)."""
    tallies = {cy_id: pledge_rules.Tally() for cy_id in cy_ids}
    if cy_ids:
        completion = pledge_rules.completion
        rows = run_select(session, select(Indicator.cluster_year_id, Indicator.direction,
                                          type_coerce(Target.target, String), type_coerce(Target.actual, String))
                          .join(Target, Target.indicator_id == Indicator.id)
                          .where(col(Indicator.cluster_year_id).in_(sorted(cy_ids)),
                                 col(Target.target).is_not(None), col(Target.actual).is_not(None)))
        for cy_id, direction, target, actual in rows.all():
            tallies[cy_id].add(completion(Decimal(target), Decimal(actual), direction))
    return {cy_id: tally.overall() for cy_id, tally in tallies.items()}


Ids = Collection[int] | Select  # cluster-year ids, or a select of them (short statements for a whole year)


def among(column, cy_ids: Ids):
    """`column IN` the ids, or the select of them."""
    return col(column).in_(cy_ids if isinstance(cy_ids, Select) else sorted(cy_ids))


def none(cy_ids: Ids) -> bool:
    """No cluster-year asked for (a select may always find some)."""
    return not isinstance(cy_ids, Select) and not cy_ids


def pledges_signed(session: Session, cy_ids: Ids) -> dict[int, date | None]:
    """The signing date of each cluster-year's pledge (None when recorded but not dated)."""
    if none(cy_ids):
        return {}
    return dict(run_select(session, select(Pledge.cluster_year_id, Pledge.signed_on)
                           .where(among(Pledge.cluster_year_id, cy_ids))).all())


def reviews_held(session: Session, cy_ids: Ids, today: date) -> dict[int, date]:
    """The latest year-end review held (dated today or before) of each cluster-year."""
    if none(cy_ids):
        return {}
    rows = run_select(session, select(Meeting.cluster_year_id, func.max(Meeting.held_on))
                           .where(among(Meeting.cluster_year_id, cy_ids), Meeting.kind == MeetingKind.YEAREND,
                                  col(Meeting.held_on).is_not(None), col(Meeting.held_on) <= today)
                           .group_by(Meeting.cluster_year_id))
    return dict(rows.all())
