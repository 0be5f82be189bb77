"""A cluster across its years and a board across its years (with the boards it succeeded): roles, completion,
score rank, elections and awards, each loaded in a fixed number of queries."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlmodel import Session, col, select

from tracker.models import Cluster, ClusterYear, Criterion, Membership, Score
from tracker.rules import pledges as pledge_rules
from tracker.rules import scores as score_rules
from tracker.rules.text import vi_key
from tracker.services import history
from tracker.services.catalog import get
from tracker.services.reports import loaders, outcomes
from tracker.services.reports.loaders import AwardRef, BoardRef, run_select
from tracker.services.reports.year import ClusterLine, cluster_lines


@dataclass(frozen=True)
class MatrixRow:
    """A board of the cluster with, for each year shown, the codes of the awards it received."""

    board: BoardRef
    cells: list[list[str]]
    total: int


@dataclass(frozen=True)
class ClusterReport:
    """A cluster's years (most recent first) and its members' awards year by year."""

    cluster: Cluster
    authority: str
    years: list[ClusterLine]
    matrix_years: list[int]  # oldest first
    matrix: list[MatrixRow]


def cluster_report(session: Session, cluster_id: int) -> ClusterReport:
    """Every year of a cluster, and the awards matrix of every board that was ever one of its members."""
    cluster = get(session, Cluster, cluster_id)
    names = loaders.authorities(session)
    lines = cluster_lines(session, loaders.cluster_years(session, cluster_id), names)
    member_years: dict[int, set[int]] = {}
    boards: dict[int, BoardRef] = {}
    for line in lines:
        for board in line.members:
            member_years.setdefault(board.id, set()).add(line.year)
            boards[board.id] = board
    years = sorted(line.year for line in lines)
    types = loaders.award_types(session)
    cells: dict[tuple[int, int], list[AwardRef]] = {}
    for award in outcomes.awards(session, board_ids=boards.keys(), years=years):
        if award.year in member_years[award.board_id]:  # awards of years spent in another cluster are not ours
            cells.setdefault((award.board_id, award.year), []).append(types[award.award_type_id])
    matrix = []
    for board in sorted(boards.values(), key=lambda b: vi_key(b.short_name)):
        row = [[t.code for t in sorted(cells.get((board.id, y), []), key=lambda t: t.precedence)] for y in years]
        matrix.append(MatrixRow(board, row, sum(len(c) for c in row)))
    matrix.sort(key=lambda r: -r.total)  # stable: equal totals stay in Vietnamese order
    return ClusterReport(cluster, names.get(cluster.authority_id, ""), lines, years, matrix)


@dataclass(frozen=True)
class YearLine:
    """A board's year: its cluster and role, completion of its targets, its score rank and whom the rounds
    elected it for (`board` is the predecessor when the year belongs to one)."""

    year: int
    board: BoardRef
    cluster_id: int
    cluster: str
    role: str
    completion: pledge_rules.Overall
    score: Decimal | None
    rank: int | None
    ranked: int  # boards ranked in the cluster that year
    tied: bool
    elected: list[tuple[AwardRef, int, Fraction]]  # award, votes, share


@dataclass(frozen=True)
class BoardReport:
    """A board's history (awards matrix and streaks, predecessors included) and its years in clusters."""

    history: history.BoardHistory
    years: list[YearLine]


def board_report(session: Session, board_id: int, *, today: date | None = None) -> BoardReport:
    """The board's awards history and, year by year, its clusters, completion, score rank and elections, its
    predecessors' years included."""
    past = history.board_history(session, board_id, today=today)
    lineage = [past.board, *past.predecessors]
    refs = {b.id: BoardRef(b.id, b.short_name, b.name) for b in lineage}
    rows = run_select(session,
        select(Membership.cluster_year_id, Membership.board_id, Membership.role, ClusterYear.year, Cluster.id,
               Cluster.name)
        .join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
        .join(Cluster, Cluster.id == ClusterYear.cluster_id)
        .where(col(Membership.board_id).in_(list(refs)))).all()
    cy_ids = [r[0] for r in rows]
    completions = loaders.completions(session, cy_ids)
    standings = _standings(session, cy_ids)
    rounds = outcomes.rounds(session, cy_ids)
    types = loaders.award_types(session)
    years = []
    for cy_id, member_id, role, year, cluster_id, cluster_name in rows:
        standing = standings.get(cy_id, {}).get(member_id)
        ranked = sum(s.rank is not None for s in standings.get(cy_id, {}).values())
        elected = [(types[r.award_type_id], e.votes, e.share) for r in rounds.get(cy_id, [])
                   for e in r.elected if e.board_id == member_id]
        elected.sort(key=lambda e: e[0].precedence)
        years.append(YearLine(year, refs[member_id], cluster_id, cluster_name, role,
                              pledge_rules.overall(completions.get(cy_id, {}).get(member_id, [])),
                              standing.agreed_total if standing else None, standing.rank if standing else None,
                              ranked, bool(standing and standing.tied), elected))
    years.sort(key=lambda y: (-y.year, vi_key(y.cluster)))
    return BoardReport(past, years)


def _standings(session: Session, cy_ids: list[int]) -> dict[int, dict[int, score_rules.Standing]]:
    """Each cluster-year's score ranking, by board (one query)."""
    if not cy_ids:
        return {}
    rows = run_select(session, select(Criterion.cluster_year_id, Score.board_id, Score.self_score, Score.agreed)
                           .join(Score, Score.criterion_id == Criterion.id)
                           .where(col(Criterion.cluster_year_id).in_(cy_ids))).all()
    own: dict[int, dict[int, list]] = {}
    agreed: dict[int, dict[int, list]] = {}
    for cy_id, board_id, self_score, agreed_score in rows:
        own.setdefault(cy_id, {}).setdefault(board_id, []).append(self_score)
        agreed.setdefault(cy_id, {}).setdefault(board_id, []).append(agreed_score)
    return {cy: {s.board: s for s in score_rules.ranking(own[cy], agreed[cy])} for cy in agreed}

