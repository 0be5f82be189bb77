"""The year at a glance: for each cluster its head, deputy and host, conference, members, pledge completion, the
boards each finalised round elected, and what was proposed and what the decisions granted."""
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlmodel import Session

from tracker.models import MemberRole
from tracker.rules import pledges as pledge_rules
from tracker.rules import reports as rules
from tracker.rules.reconcile import Outcome
from tracker.rules.text import vi_key
from tracker.services.reports import loaders, outcomes
from tracker.services.reports.loaders import AwardRef, BoardRef

PER_PAGE = 50  # clusters on a page of the year report


@dataclass(frozen=True)
class ElectedLine:
    """A board a finalised round elected."""

    board: BoardRef
    votes: int
    share: Fraction


@dataclass(frozen=True)
class RoundLine:
    """A ballot round of the year and, once finalised, whom it elected."""

    award: AwardRef
    number: int
    runoff: bool
    finalised: bool
    elected: list[ElectedLine]


@dataclass(frozen=True)
class OutcomeLine:
    """A proposal with what the decision made of it, or an award nobody proposed."""

    outcome: Outcome
    board: BoardRef
    proposed: AwardRef | None
    status: str | None
    submission_number: str
    submission_date: date | None
    granted: AwardRef | None
    decision_number: str
    decided_on: date | None


@dataclass(frozen=True)
class ClusterLine:
    """One cluster in the year."""

    id: int
    name: str
    region: str
    authority: str
    year: int
    head: BoardRef | None
    deputy: BoardRef | None
    host: BoardRef | None
    conference_date: date | None
    conference_place: str
    members: list[BoardRef]
    completion: pledge_rules.Overall
    pledge_signed_on: date | None
    rounds: list[RoundLine]
    outcomes: list[OutcomeLine]


@dataclass(frozen=True)
class Filters:
    """The filters a report was asked for, and the choices a reader can make."""

    authority_id: int | None
    region: str
    authorities: list[tuple[int, str]]
    regions: list[str]
    years: list[int]

    @property
    def authority(self) -> str:
        """The chosen authority's name ("" for all)."""
        return dict(self.authorities).get(self.authority_id, "")


@dataclass(frozen=True)
class YearReport:
    """A page of the year's clusters and the filters that chose them."""

    year: int
    clusters: list[ClusterLine]
    page: rules.Page
    filters: Filters


def filters(session: Session, *, authority_id: int | None, region: str | None) -> Filters:
    """The filters with the authorities, regions and years a reader can choose from (three small queries)."""
    names = loaders.authorities(session)
    return Filters(authority_id if authority_id in names else None, region or "",
                   sorted(names.items(), key=lambda kv: vi_key(kv[1])), loaders.regions(session),
                   loaders.years(session))


def year_report(session: Session, *, year: int, authority_id: int | None = None, region: str | None = None,
                page: int = 1, per_page: int | None = PER_PAGE) -> YearReport:
    """One page of the year report (every cluster when `per_page` is None, for exports). A fixed number of queries,
    whatever the number of clusters, boards, rounds and awards."""
    chosen = filters(session, authority_id=authority_id, region=region)
    rows = loaders.clusters_in_year(session, year, authority_id=chosen.authority_id, region=chosen.region)
    paging = rules.page_of(len(rows), page, per_page or max(1, len(rows)))
    return YearReport(year, cluster_lines(session, rules.sliced(rows, paging), dict(chosen.authorities)), paging,
                      chosen)


def cluster_lines(session: Session, rows: list[loaders.ClusterRow], authority_names: dict[int, str]
                  ) -> list[ClusterLine]:
    """The report lines of these cluster-years (seven queries)."""
    cy_ids = [r.cluster_year_id for r in rows]
    members, boards = loaders.members(session, cy_ids)
    completions = loaders.cluster_completions(session, cy_ids)
    signed = loaders.pledges_signed(session, cy_ids)
    rounds = outcomes.rounds(session, cy_ids)
    proposals = outcomes.proposals(session, cy_ids)
    types = loaders.award_types(session)
    granted = outcomes.awards(session, cy_ids=cy_ids, years={r.year for r in rows})
    others = {r.host_board_id for r in rows if r.host_board_id} | {p.board_id for lines in proposals.values()
                                                                   for p in lines}
    others |= {e.board_id for lines in rounds.values() for r in lines for e in r.elected}
    others |= {a.board_id for a in granted}
    boards.update(loaders.boards(session, others - boards.keys()))  # usually none: hosts and elected are members
    awards_of: dict[tuple[int, int], list[outcomes.AwardRow]] = {}
    for award in granted:
        awards_of.setdefault((award.year, award.board_id), []).append(award)
    lines = []
    for row in rows:
        roster = members.get(row.cluster_year_id, [])
        role_of = {b: role for b, role in roster}
        head = next((boards[b] for b, role in roster if role == MemberRole.HEAD), None)
        deputy = next((boards[b] for b, role in roster if role == MemberRole.DEPUTY), None)
        ordered = sorted((boards[b] for b, _r in roster),
                         key=lambda b: (_ROLE_ORDER.get(role_of[b.id], 2), vi_key(b.short_name)))
        own = proposals.get(row.cluster_year_id, [])
        mine = [a for b in {b for b, _r in roster} | {p.board_id for p in own}
                for a in awards_of.get((row.year, b), [])]
        lines.append(ClusterLine(
            row.id, row.name, row.region, authority_names.get(row.authority_id, ""), row.year, head, deputy,
            boards.get(row.host_board_id) if row.host_board_id else None, row.conference_date, row.conference_place,
            ordered, completions[row.cluster_year_id], signed.get(row.cluster_year_id),
            _round_lines(rounds.get(row.cluster_year_id, []), types, boards),
            _outcomes(row.year, role_of, own, mine, types, boards)))
    return lines


_ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1}


def _round_lines(rows: list[outcomes.RoundRow], types: dict[int, AwardRef], boards: dict[int, BoardRef]
                 ) -> list[RoundLine]:
    ordered = sorted(rows, key=lambda r: (types[r.award_type_id].precedence, r.number))
    return [RoundLine(types[r.award_type_id], r.number, r.runoff, r.finalised,
                      [ElectedLine(boards[e.board_id], e.votes, e.share) for e in r.elected]) for r in ordered]


def _outcomes(year: int, members: dict[int, str], own: list[outcomes.ProposalRow], granted: list[outcomes.AwardRow],
              types: dict[int, AwardRef], boards: dict[int, BoardRef]) -> list[OutcomeLine]:
    by_proposal = {p.id: p for p in own}
    by_award = {a.id: a for a in granted}
    lines = []
    for line in outcomes.reconcile(year, members, own, granted, types):
        p = by_proposal[line.proposal.id] if line.proposal else None
        a = by_award[line.award.id] if line.award else None
        board_id = p.board_id if p else a.board_id
        lines.append(OutcomeLine(
            line.outcome, boards[board_id], types[p.award_type_id] if p else None, p.status if p else None,
            p.submission_number if p else "", p.submission_date if p else None,
            types[a.award_type_id] if a else None, a.decision_number if a else "", a.decided_on if a else None))
    lines.sort(key=lambda o: ((o.proposed or o.granted).precedence, vi_key(o.board.short_name)))
    return lines
