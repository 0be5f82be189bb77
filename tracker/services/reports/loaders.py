"""What every report reads, set by set: a fixed number of queries whatever the number of clusters, boards and
years, selecting plain columns (not ORM objects) so that national-scale pages stay fast."""
import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import Select, String, and_, func, or_, tuple_, type_coerce
from sqlmodel import Session, col, select

from tracker.models import (
    Authority,
    Award,
    AwardType,
    BallotRevision,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    Decision,
    Indicator,
    Meeting,
    MeetingKind,
    Membership,
    Pledge,
    Proposal,
    RoundStatus,
    Target,
)
from tracker.rules import pledges as pledge_rules
from tracker.rules import reconcile as reconcile_rules
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


@dataclass(frozen=True)
class Elected:
    """A board elected in a finalised round, with its votes and exact share."""

    board_id: int
    votes: int
    share: Fraction


@dataclass(frozen=True)
class RoundRow:
    """A ballot round and, once finalised, the boards its official result elected."""

    id: int
    cluster_year_id: int
    award_type_id: int
    number: int
    runoff: bool
    status: str
    elected: list[Elected] = field(default_factory=list)

    @property
    def finalised(self) -> bool:
        """Whether the round's counts are locked."""
        return self.status == RoundStatus.FINALISED


@dataclass(frozen=True)
class ProposalRow:
    """A proposal to the ministry."""

    id: int
    cluster_year_id: int
    board_id: int
    award_type_id: int
    status: str
    votes: int | None
    share: str
    submission_number: str
    submission_date: date | None


@dataclass(frozen=True)
class AwardRow:
    """An award with the decision that granted it (none for records kept before the tracker)."""

    id: int
    board_id: int
    award_type_id: int
    year: int
    proposal_id: int | None
    decision_id: int | None
    decision_number: str
    decided_on: date | None


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


# The boards elected by a finalised result, by (the round's chain head, revision). A finalised result never
# changes (database triggers refuse it) and the chain head is a hash over every event of the round, the result
# included, so the key names the content: a stale or foreign entry cannot match. Kept per process, bounded.
_ELECTED: dict[tuple[str, int], list["Elected"]] = {}
ELECTED_CACHE = 50_000


def rounds(session: Session, cy_ids: Collection[int]) -> dict[int, list[RoundRow]]:
    """Each cluster-year's ballot rounds with the boards elected by the latest finalised result (two queries, and
    a third for the results not read before)."""
    if not cy_ids:
        return {}
    ids = sorted(cy_ids)
    round_rows = run_select(session,
        select(BallotRound.id, BallotRound.cluster_year_id, BallotRound.award_type_id, BallotRound.number,
               BallotRound.runoff_of_id, BallotRound.status, BallotRound.chain_head)
        .where(col(BallotRound.cluster_year_id).in_(ids))).all()
    latest: dict[int, int] = {}
    revisions = run_select(session,
        select(BallotRevision.round_id, BallotRevision.revision)
        .join(BallotRound, BallotRound.id == BallotRevision.round_id)
        .where(col(BallotRound.cluster_year_id).in_(ids), col(BallotRevision.finalised_at).is_not(None)))
    for round_id, revision in revisions.all():
        latest[round_id] = max(revision, latest.get(round_id, 0))
    keys = {r[0]: (r[6], latest[r[0]]) for r in round_rows if r[0] in latest}
    missing = [(round_id, key[1]) for round_id, key in keys.items() if key not in _ELECTED]
    if missing:
        if len(_ELECTED) + len(missing) > ELECTED_CACHE:
            _ELECTED.clear()
        found = run_select(session, select(BallotRevision.round_id, BallotRevision.result)
                           .where(tuple_(BallotRevision.round_id, BallotRevision.revision).in_(missing)))
        for round_id, result in found.all():
            _ELECTED[keys[round_id]] = _elected(result)
    out: dict[int, list[RoundRow]] = defaultdict(list)
    for round_id, cy_id, award_type_id, number, runoff_of, status, _head in round_rows:
        elected = _ELECTED.get(keys[round_id], []) if round_id in keys else []
        out[cy_id].append(RoundRow(round_id, cy_id, award_type_id, number, runoff_of is not None, status, elected))
    for lines in out.values():
        lines.sort(key=lambda r: (r.award_type_id, r.number))
    return out


def _elected(result_json: str) -> list[Elected]:
    """The elected boards of a stored result, in its order (rank)."""
    if not result_json:
        return []
    result = json.loads(result_json)
    chosen = set(result.get("elected", []))
    return [Elected(o["candidate"], o["votes"], _fraction(o["share"])) for o in result.get("outcomes", [])
            if o["candidate"] in chosen]


def _fraction(text: str) -> Fraction:
    """A stored share ("2/3", or "1") as an exact fraction."""
    numerator, _slash, denominator = text.partition("/")
    return Fraction(int(numerator), int(denominator or 1))


def proposals(session: Session, cy_ids: Collection[int]) -> dict[int, list[ProposalRow]]:
    """Each cluster-year's proposals."""
    out: dict[int, list[ProposalRow]] = defaultdict(list)
    if cy_ids:
        rows = run_select(session,
            select(Proposal.id, Proposal.cluster_year_id, Proposal.board_id, Proposal.award_type_id, Proposal.status,
                   Proposal.votes, Proposal.share, Proposal.submission_number, Proposal.submission_date)
            .where(col(Proposal.cluster_year_id).in_(sorted(cy_ids))))
        for row in rows.all():
            out[row[1]].append(ProposalRow(*row))
    return out


def awards(session: Session, *, board_ids: Collection[int] = (), years: Iterable[int] | None = None,
           cy_ids: Collection[int] = ()) -> list[AwardRow]:
    """The awards of these boards, or of the members of these cluster-years and the boards they proposed (in these
    achievement years), with their decisions' numbers and dates."""
    if not board_ids and not cy_ids:
        return []
    query = (select(Award.id, Award.board_id, Award.award_type_id, Award.year, Award.proposal_id, Award.decision_id,
                    Decision.number, Decision.decided_on)
             .outerjoin(Decision, Decision.id == Award.decision_id))
    if cy_ids:  # a subquery keeps the statement short however many boards the cluster-years hold
        ids = sorted(cy_ids)
        query = query.where(or_(
            col(Award.board_id).in_(select(Membership.board_id).where(col(Membership.cluster_year_id).in_(ids))),
            col(Award.board_id).in_(select(Proposal.board_id).where(col(Proposal.cluster_year_id).in_(ids)))))
    else:
        query = query.where(col(Award.board_id).in_(sorted(board_ids)))
    if years is not None:
        query = query.where(col(Award.year).in_(sorted(set(years))))
    return [AwardRow(*r[:6], r[6] or "", r[7]) for r in run_select(session, query).all()]


def reconcile(year: int, members_of: Iterable[int], own: list[ProposalRow],
              granted: list[AwardRow], types: dict[int, AwardRef]) -> list[reconcile_rules.Line]:
    """A cluster-year's proposals against the awards to its members that year (pure, on rows already loaded):
    an award answering a proposal of another cluster is left to that cluster."""
    ids = {p.id for p in own}
    ranked = sorted(granted, key=lambda a: (types[a.award_type_id].precedence, a.id))
    return reconcile_rules.reconcile(
        [reconcile_rules.Proposed(p.id, p.board_id, p.award_type_id, year, p.status) for p in own],
        [reconcile_rules.Granted(a.id, a.board_id, a.award_type_id, year, a.decision_id) for a in ranked
         if a.proposal_id is None or a.proposal_id in ids],
        year=year, members=set(members_of))


def awards_by_year_and_type(session: Session) -> list[tuple[int, int, int]]:
    """(year, award type id, number of awards) over every year."""
    rows = run_select(session, select(Award.year, Award.award_type_id, func.count())
                           .group_by(Award.year, Award.award_type_id))
    return [tuple(r) for r in rows.all()]


def most_awarded(session: Session, first_year: int, last_year: int, limit: int) -> dict[int, int]:
    """The `limit` boards with the most awards for the achievement years `first_year` to `last_year`, with their
    counts (the database counts and cuts; only the lines shown are read)."""
    count = func.count().label("n")
    rows = run_select(session, select(Award.board_id, count)
                           .where(and_(Award.year >= first_year, Award.year <= last_year))
                           .group_by(Award.board_id).order_by(count.desc(), Award.board_id).limit(limit))
    return dict(rows.all())


def mean_or_none(values: list[Decimal]) -> Decimal | None:
    """The mean of some decimals (None for none)."""
    return sum(values, Decimal(0)) / len(values) if values else None
