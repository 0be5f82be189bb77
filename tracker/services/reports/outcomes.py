"""What the ballot rounds, proposals and awards of the reports are, read set by set: the boards each finalised
result elected, proposals, awards with their decisions, the reconciliation of a cluster-year, awards counted by
year and type and the most-awarded boards."""
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, func, or_, tuple_
from sqlmodel import Session, col, select

from tracker.models import Award, BallotRevision, BallotRound, Decision, Membership, Proposal, RoundStatus
from tracker.rules import reconcile as reconcile_rules
from tracker.rules.rounds import read_result
from tracker.services.reports.loaders import AwardRef, run_select


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
    result = read_result(result_json)
    return [Elected(o.candidate, o.votes, o.share) for o in result.elected_outcomes()] if result else []


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
