"""The dashboard leadership lands on: where each cluster stands in the year, awards per year by type, target
completion per cluster and the most-awarded boards over five and ten years."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func
from sqlmodel import Session, col, select

from tracker.models import BallotRound, Proposal, ProposalStatus, RoundStatus
from tracker.rules import pledges as pledge_rules
from tracker.rules import reports as rules
from tracker.rules.text import vi_key
from tracker.services.reports import loaders, outcomes
from tracker.services.reports.loaders import AwardRef, BoardRef, run_select
from tracker.services.reports.year import Filters, filters

PER_PAGE = 50
TOP = 10  # boards in each most-awarded list
WINDOWS = (5, 10)  # years the most-awarded lists look back over
DECIDED = (ProposalStatus.GRANTED, ProposalStatus.GRANTED_OTHER, ProposalStatus.NOT_GRANTED)


@dataclass(frozen=True)
class StatusLine:
    """A cluster and the steps of its year that are done."""

    id: int
    name: str
    region: str
    stages: dict[rules.Stage, bool]


@dataclass(frozen=True)
class CompletionLine:
    """A cluster's target completion in a year."""

    id: int
    name: str
    overall: pledge_rules.Overall


@dataclass(frozen=True)
class TopList:
    """The most-awarded boards over the years `first`..`last`."""

    first: int
    last: int
    lines: list[tuple[BoardRef, int, int]]  # board, awards, rank


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard shows; the status and completion lists are one page of clusters."""

    year: int | None
    filters: Filters
    statuses: list[StatusLine]
    page: rules.Page
    done: dict[rules.Stage, int]
    completion_year: int | None
    completion: list[CompletionLine]
    award_years: list[int]
    award_types: list[AwardRef]
    award_counts: list[list[int]]  # one list per award type, a count per year
    top: list[TopList]


def dashboard(session: Session, *, year: int | None = None, authority_id: int | None = None,
              region: str | None = None, page: int = 1, per_page: int | None = PER_PAGE,
              today: date | None = None) -> Dashboard:
    """The dashboard for a year (the latest recorded by default), in a fixed number of queries."""
    today = today or date.today()
    chosen = filters(session, authority_id=authority_id, region=region)
    if year is None or year not in chosen.years:
        year = chosen.years[0] if chosen.years else None
    rows = [] if year is None else loaders.clusters_in_year(session, year, authority_id=chosen.authority_id,
                                                            region=chosen.region)
    ids = None if year is None else loaders.year_ids(year, authority_id=chosen.authority_id, region=chosen.region)
    all_stages = _stages(session, ids, [r.cluster_year_id for r in rows], today)
    paging = rules.page_of(len(rows), page, per_page or max(1, len(rows)))
    shown = rules.sliced(rows, paging)
    statuses = [StatusLine(r.id, r.name, r.region, all_stages[r.cluster_year_id]) for r in shown]
    completion_year, completion = _completion(session, shown, year, chosen)
    types = loaders.award_types(session)
    counted = outcomes.awards_by_year_and_type(session)
    award_years = sorted({y for y, _t, _n in counted})
    used = sorted({t for _y, t, _n in counted}, key=lambda t: (types[t].precedence, types[t].code))
    pivot = rules.pivot(((y, types[t].code, n) for y, t, n in counted), award_years, [types[t].code for t in used])
    last = year or today.year
    tops = []
    for length in WINDOWS:
        span = rules.window(last, length)
        tops.append((span, outcomes.most_awarded(session, span.start, span.stop - 1, TOP)))
    names = loaders.boards(session, {b for _span, counts in tops for b in counts})
    top = [TopList(span.start, span.stop - 1,
                   [(names[r.item], r.count, r.rank) for r in rules.top(
                       counts, limit=TOP, name=lambda b: vi_key(names[b].short_name))])
           for span, counts in tops]
    return Dashboard(year, chosen, statuses, paging, rules.done_counts(all_stages.values()), completion_year,
                     completion, award_years, [types[t] for t in used], pivot, top)


def _stages(session: Session, ids: Select | None, cy_ids: list[int], today: date
            ) -> dict[int, dict[rules.Stage, bool]]:
    """The steps done by each cluster-year (four grouped queries over the select of the year's cluster-years)."""
    if ids is None or not cy_ids:
        return {}
    signed = loaders.pledges_signed(session, ids)
    reviews = loaders.reviews_held(session, ids, today)
    rounds = (select(BallotRound.cluster_year_id, func.count(),
                     func.sum(case((BallotRound.status == RoundStatus.FINALISED, 1), else_=0)))
              .where(loaders.among(BallotRound.cluster_year_id, ids)).group_by(BallotRound.cluster_year_id))
    round_counts = {cy: (n, f) for cy, n, f in run_select(session, rounds).all()}
    sent = (select(Proposal.cluster_year_id, func.sum(case((Proposal.status != ProposalStatus.DRAFT, 1), else_=0)),
                   func.sum(case((col(Proposal.status).in_(DECIDED), 1), else_=0)))
            .where(loaders.among(Proposal.cluster_year_id, ids)).group_by(Proposal.cluster_year_id))
    proposal_counts = {cy: (s, d) for cy, s, d in run_select(session, sent).all()}
    out = {}
    for cy in cy_ids:
        n, f = round_counts.get(cy, (0, 0))
        s, d = proposal_counts.get(cy, (0, 0))
        out[cy] = rules.stages(rules.Facts(pledge_signed=signed.get(cy) is not None, reviews_held=int(cy in reviews),
                                           rounds=n, rounds_finalised=int(f or 0), proposals_submitted=int(s or 0),
                                           proposals_decided=int(d or 0)))
    return out


def _completion(session: Session, shown: list[loaders.ClusterRow], year: int | None, chosen: Filters
                ) -> tuple[int | None, list[CompletionLine]]:
    """Completion per cluster in the year, or in the year before while no result of the year is in yet."""
    if year is None or not shown:
        return year, []
    per_cluster = loaders.cluster_completions(session, [r.cluster_year_id for r in shown])
    lines = [CompletionLine(r.id, r.name, per_cluster[r.cluster_year_id]) for r in shown]
    if any(line.overall.assessed for line in lines) or year - 1 not in chosen.years:
        return year, lines
    before = [r for r in loaders.clusters_in_year(session, year - 1, authority_id=chosen.authority_id,
                                                  region=chosen.region) if r.id in {s.id for s in shown}]
    per_cluster = loaders.cluster_completions(session, [r.cluster_year_id for r in before])
    return year - 1, [CompletionLine(r.id, r.name, per_cluster[r.cluster_year_id]) for r in before]
