"""What the read-only API returns, as plain JSON-ready dicts: years, clusters, boards, finalised ballot results and
awards. Each function runs a fixed number of set-based queries whatever the size of the data (columns, not ORM
objects, for the lists). Finalised results are read from the stored result of each round's latest finalised
revision, never recounted."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy import Select, distinct, exists, func
from sqlalchemy.orm import aliased
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
    MemberRole,
    Membership,
)
from tracker.rules.rounds import read_result
from tracker.rules.text import vi_key
from tracker.services.errors import NotFound

SHARE_PLACES = Decimal("0.0001")  # the decimal form of a share: four places, rounded half up
ROLE_ORDER = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1, MemberRole.MEMBER: 2}


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list: 1-based number and its size."""

    number: int = 1
    size: int = 100

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size


@dataclass(frozen=True)
class PageOf:
    """One page of a list and how many rows the whole list has."""

    items: list[dict]
    total: int


# Shapes ------------------------------------------------------------------------------------------------------


def day(value: date | None) -> str | None:
    """A date as YYYY-MM-DD."""
    return value.isoformat() if value is not None else None


def moment(value: datetime | None) -> str | None:
    """A time as ISO 8601 in UTC, to the second (2018-02-26T09:30:00Z)."""
    if value is None:
        return None
    if value.tzinfo is None:  # stored in UTC without an offset
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def board_ref(board_id: int | None, short_name: str | None, name: str | None) -> dict | None:
    """A board as other records name it."""
    return None if board_id is None else {"id": board_id, "short_name": short_name, "name": name}


def share_decimal(share: str) -> str:
    """An exact share ("2/3") as a decimal string with four places ("0.6667")."""
    fraction = Fraction(share)
    return str((Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(SHARE_PLACES, ROUND_HALF_UP))


def _page(session: Session, query: Select, key, page: PageRequest) -> PageOf:
    """Count the rows of a query and fetch one page of them in a stable order (by `key`, the id): two queries."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = session.exec(query.order_by(key).limit(page.size).offset(page.offset)).all()
    return PageOf(list(rows), total)


# Years -------------------------------------------------------------------------------------------------------


def years(session: Session) -> list[dict]:
    """Every year with clusters, finalised rounds or awards, with how many of each (three queries)."""
    clusters = dict(session.exec(select(ClusterYear.year, func.count(ClusterYear.id)).group_by(ClusterYear.year)).all())
    rounds = dict(session.exec(
        select(ClusterYear.year, func.count(distinct(BallotRound.id)))
        .join(BallotRound, BallotRound.cluster_year_id == ClusterYear.id)
        .join(BallotRevision, BallotRevision.round_id == BallotRound.id)
        .where(col(BallotRevision.finalised_at).is_not(None)).group_by(ClusterYear.year)).all())
    awards = dict(session.exec(select(Award.year, func.count(Award.id)).group_by(Award.year)).all())
    return [{"year": year, "clusters": clusters.get(year, 0), "finalised_rounds": rounds.get(year, 0),
             "awards": awards.get(year, 0)} for year in sorted(set(clusters) | set(rounds) | set(awards))]


# Clusters ----------------------------------------------------------------------------------------------------


def _authority(authority_id: int | None, name: str | None) -> dict | None:
    return None if authority_id is None else {"id": authority_id, "name": name}


def clusters(session: Session, *, page: PageRequest, year: int | None = None, region: str | None = None,
             authority_id: int | None = None) -> PageOf:
    """Clusters by id, with their authority and the years recorded; filtered by a year recorded, region (exact)
    or managing authority (three queries)."""
    query = select(Cluster.id, Cluster.name, Cluster.kind, Cluster.region, Cluster.authority_id,
                   Authority.name).outerjoin(Authority, Authority.id == Cluster.authority_id)
    if year is not None:
        query = query.where(exists().where(ClusterYear.cluster_id == Cluster.id, ClusterYear.year == year))
    if region is not None:
        query = query.where(Cluster.region == region)
    if authority_id is not None:
        query = query.where(Cluster.authority_id == authority_id)
    found = _page(session, query, Cluster.id, page)
    ids = [row[0] for row in found.items]
    recorded: dict[int, list[int]] = {}
    if ids:
        for cluster_id, cy_year in session.exec(select(ClusterYear.cluster_id, ClusterYear.year)
                                                .where(col(ClusterYear.cluster_id).in_(ids))
                                                .order_by(ClusterYear.year)).all():
            recorded.setdefault(cluster_id, []).append(cy_year)
    items = [{"id": cid, "name": name, "kind": kind, "region": reg, "authority": _authority(aid, aname),
              "years": recorded.get(cid, [])} for cid, name, kind, reg, aid, aname in found.items]
    return PageOf(items, found.total)


def cluster(session: Session, cluster_id: int) -> dict:
    """A cluster with each recorded year: head, deputy, host, review date and place, members with roles
    (three queries); NotFound for an unknown id."""
    row = session.exec(select(Cluster, Authority.name).outerjoin(Authority, Authority.id == Cluster.authority_id)
                       .where(Cluster.id == cluster_id)).first()
    if row is None:
        raise NotFound
    found, authority_name = row
    cluster_years = session.exec(
        select(ClusterYear.id, ClusterYear.year, ClusterYear.conference_date, ClusterYear.conference_place,
               Board.id, Board.short_name, Board.name)
        .outerjoin(Board, Board.id == ClusterYear.host_board_id)
        .where(ClusterYear.cluster_id == cluster_id).order_by(ClusterYear.year)).all()
    members = session.exec(
        select(Membership.cluster_year_id, Membership.role, Membership.assumed, Board.id, Board.short_name,
               Board.name)
        .join(Board, Board.id == Membership.board_id).join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
        .where(ClusterYear.cluster_id == cluster_id)).all()
    by_year: dict[int, list] = {}
    for cy_id, role, assumed, board_id, short_name, name in sorted(
            members, key=lambda m: (ROLE_ORDER.get(m[1], 3), vi_key(m[4]), m[3])):
        by_year.setdefault(cy_id, []).append({"board": board_ref(board_id, short_name, name), "role": role,
                                              "assumed": assumed})

    def with_role(lines: list[dict], role: str) -> dict | None:
        return next((line["board"] for line in lines if line["role"] == role), None)

    out_years = []
    for cy_id, cy_year, conference_date, place, host_id, host_short, host_name in cluster_years:
        lines = by_year.get(cy_id, [])
        out_years.append({"year": cy_year, "head": with_role(lines, MemberRole.HEAD),
                          "deputy": with_role(lines, MemberRole.DEPUTY),
                          "host": board_ref(host_id, host_short, host_name), "conference_date": day(conference_date),
                          "conference_place": place, "members": lines})
    return {"id": found.id, "name": found.name, "kind": found.kind, "region": found.region,
            "description": found.description, "authority": _authority(found.authority_id, authority_name),
            "years": out_years}


# Boards ------------------------------------------------------------------------------------------------------


def _predecessors(session: Session, ids: Iterable[int]) -> dict[int, list[int]]:
    """The boards each board succeeded (one query)."""
    ids = list(ids)
    out: dict[int, list[int]] = {}
    if ids:
        for board_id, successor_id in session.exec(select(Board.id, Board.successor_id)
                                                   .where(col(Board.successor_id).in_(ids)).order_by(Board.id)).all():
            out.setdefault(successor_id, []).append(board_id)
    return out


BOARD_COLUMNS = (Board.id, Board.name, Board.short_name, Board.kind, Board.province, Board.start_date,
                 Board.end_date, Board.successor_id)


def _board_summary(row, predecessors: dict[int, list[int]]) -> dict:
    board_id, name, short_name, kind, province, start, end, successor_id = row
    return {"id": board_id, "name": name, "short_name": short_name, "kind": kind, "province": province,
            "start_date": day(start), "end_date": day(end), "successor_id": successor_id,
            "predecessor_ids": predecessors.get(board_id, [])}


def boards(session: Session, *, page: PageRequest) -> PageOf:
    """Boards by id, with the boards they succeeded and their successor (three queries)."""
    found = _page(session, select(*BOARD_COLUMNS), Board.id, page)
    predecessors = _predecessors(session, (row[0] for row in found.items))
    return PageOf([_board_summary(row, predecessors) for row in found.items], found.total)


def board(session: Session, board_id: int) -> dict:
    """A board with its contacts, predecessors and successor, its memberships by year and its awards (four
    queries); NotFound for an unknown id."""
    found = session.get(Board, board_id)
    if found is None:
        raise NotFound
    predecessors = _predecessors(session, [board_id])
    memberships = session.exec(
        select(ClusterYear.year, Cluster.id, Cluster.name, Membership.role, Membership.assumed)
        .join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
        .join(Cluster, Cluster.id == ClusterYear.cluster_id)
        .where(Membership.board_id == board_id).order_by(ClusterYear.year, Cluster.id)).all()
    awards_ = session.exec(_award_query().where(Award.board_id == board_id).order_by(Award.year, Award.id)).all()
    summary = _board_summary(tuple(getattr(found, c.key) for c in BOARD_COLUMNS), predecessors)
    return {**summary, "address": found.address, "phone": found.phone, "fax": found.fax, "email": found.email,
            "website": found.website, "note": found.note,
            "memberships": [{"year": y, "cluster": {"id": cid, "name": cname}, "role": role, "assumed": assumed}
                            for y, cid, cname, role, assumed in memberships],
            "awards": [_award(row) for row in awards_]}


# Awards ------------------------------------------------------------------------------------------------------


def _award_query() -> Select:
    return (select(Award.id, Award.year, Award.proposal_id, Award.note, Board.id, Board.short_name, Board.name,
                   AwardType.code, AwardType.name_vi, AwardType.name_en, Decision.id, Decision.number,
                   Decision.decided_on, Authority.id, Authority.name)
            .join(Board, Board.id == Award.board_id).join(AwardType, AwardType.id == Award.award_type_id)
            .outerjoin(Decision, Decision.id == Award.decision_id)
            .outerjoin(Authority, Authority.id == Decision.authority_id))


def _award(row) -> dict:
    (award_id, year, proposal_id, note, board_id, short_name, board_name, code, name_vi, name_en, decision_id,
     number, decided_on, authority_id, authority_name) = row
    decision = None if decision_id is None else {
        "id": decision_id, "number": number, "decided_on": day(decided_on),
        "authority": _authority(authority_id, authority_name)}
    return {"id": award_id, "board": board_ref(board_id, short_name, board_name),
            "award": {"code": code, "name_vi": name_vi, "name_en": name_en}, "year": year, "decision": decision,
            "proposal_matched": proposal_id is not None, "note": note}


def awards(session: Session, *, page: PageRequest, year: int | None = None, board_id: int | None = None,
           cluster_id: int | None = None) -> PageOf:
    """Awards by id, with board, form, achievement year and decision; filtered by achievement year, board, or
    cluster (the awards of boards that were members of it in the achievement year) (two queries)."""
    query = _award_query()
    if year is not None:
        query = query.where(Award.year == year)
    if board_id is not None:
        query = query.where(Award.board_id == board_id)
    if cluster_id is not None:
        query = query.where(exists().where(
            Membership.board_id == Award.board_id, Membership.cluster_year_id == ClusterYear.id,
            ClusterYear.cluster_id == cluster_id, ClusterYear.year == Award.year))
    found = _page(session, query, Award.id, page)
    return PageOf([_award(row) for row in found.items], found.total)


# Results -----------------------------------------------------------------------------------------------------


def award_codes(session: Session) -> set[str]:
    """The codes of every award type (one query)."""
    return set(session.exec(select(AwardType.code)).all())


def results(session: Session, *, page: PageRequest, year: int | None = None, cluster_id: int | None = None,
            award: str | None = None) -> PageOf:
    """Finalised ballot rounds by id, each with the stored result of its latest finalised revision: per candidate
    the votes, the exact share and whether it was elected (three queries)."""
    # the latest finalised revision of each round, correlated so only the rounds asked for are looked at
    later = aliased(BallotRevision)
    official = (select(func.max(later.revision)).where(later.round_id == BallotRound.id,
                                                        col(later.finalised_at).is_not(None))
                .correlate(BallotRound).scalar_subquery())
    query = (select(BallotRound.id, BallotRound.number, BallotRound.runoff_of_id, BallotRound.seats,
                    BallotRound.status, BallotRound.illustrative, ClusterYear.year, Cluster.id, Cluster.name,
                    AwardType.code, BallotRevision.revision, BallotRevision.finalised_at, BallotRevision.result)
             .select_from(BallotRound)
             .join(BallotRevision, BallotRevision.round_id == BallotRound.id)
             .join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)
             .join(Cluster, Cluster.id == ClusterYear.cluster_id)
             .join(AwardType, AwardType.id == BallotRound.award_type_id)
             .where(BallotRevision.revision == official))
    if year is not None:
        query = query.where(ClusterYear.year == year)
    if cluster_id is not None:
        query = query.where(ClusterYear.cluster_id == cluster_id)
    if award is not None:
        query = query.where(AwardType.code == award)
    found = _page(session, query, BallotRound.id, page)
    stored = {row[0]: read_result(row[-1]) for row in found.items}
    board_ids = {o.candidate for result in stored.values() if result is not None for o in result.outcomes}
    names = {b_id: (short, name) for b_id, short, name in session.exec(
        select(Board.id, Board.short_name, Board.name).where(col(Board.id).in_(board_ids))).all()} if board_ids else {}
    items = []
    for (round_id, number, runoff_of, seats, status, illustrative, cy_year, cid, cname, code, revision,
         finalised_at, _result) in found.items:
        result = stored[round_id]
        if result is None:  # a stored result that cannot be read is left out (flask verify names its round)
            continue
        elected = set(result.elected)
        items.append({
            "id": round_id, "cluster": {"id": cid, "name": cname}, "year": cy_year, "award": code, "number": number,
            "runoff_of": runoff_of, "seats": seats, "status": status, "illustrative": illustrative,
            "revision": revision, "finalised_at": moment(finalised_at), "quorum_met": result.quorum_met,
            "valid": result.valid,
            "candidates": [{"board": board_ref(o.candidate, *names.get(o.candidate, (None, None))),
                            "votes": o.votes, "share": o.share_text, "share_decimal": share_decimal(o.share_text),
                            "elected": o.candidate in elected, "status": o.status, "rank": o.rank,
                            "reason_vi": o.reason_vi, "reason_en": o.reason_en}
                           for o in result.outcomes],
        })
    return PageOf(items, found.total)
