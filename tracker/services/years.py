"""Cluster-years: members and roles, the review's host, carrying members forward, head rotation."""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import Board, Cluster, ClusterYear, MemberRole, Membership, User
from tracker.rules import membership as rules
from tracker.rules.text import vi_key
from tracker.services import permissions
from tracker.services.catalog import get
from tracker.services.errors import DomainError, check_version

MIN_YEAR, MAX_YEAR = 1990, 2100

PROBLEM_MESSAGES = {
    "head_not_member": _l("The head must be a member: tick “member” on this line."),
    "deputy_not_member": _l("The deputy must be a member: tick “member” on this line."),
    "second_head": _l("A cluster has exactly one head; another member is already head."),
    "second_deputy": _l("A cluster has at most one deputy; another member is already deputy."),
    "no_head": _l("Choose the head of the cluster among the members."),
    "host_not_member": _l("The host of the year-end review must be a member."),
}


@dataclass
class RosterData:
    """What the roster form sends: a row per board, the host, and the review's date and place."""

    rows: list[rules.Row]
    host_board_id: int | None = None
    conference_date: date | None = None
    conference_place: str = ""
    note: str = ""


def check_year(year: int) -> None:
    """Refuse a year outside the range the tracker keeps."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(_l("The year must be between %(a)d and %(b)d.", a=MIN_YEAR, b=MAX_YEAR), "year")


def find(session: Session, cluster_id: int, year: int) -> ClusterYear | None:
    """The cluster-year, or None when nothing was recorded for that year yet."""
    query = select(ClusterYear).where(ClusterYear.cluster_id == cluster_id, ClusterYear.year == year)
    return session.exec(query).first()


def spans(boards: list[Board]) -> dict[int, rules.Span]:
    """Each board's dates and successor, as the rules read them."""
    return {b.id: rules.Span(b.start_date, b.end_date, b.successor_id) for b in boards}


def memberships(session: Session, cluster_year_id: int) -> list[Membership]:
    """The memberships of a cluster-year."""
    return list(session.exec(select(Membership).where(Membership.cluster_year_id == cluster_year_id)).all())


def save_roster(
    *, session: Session, cluster_id: int, year: int, version: int | None, data: RosterData, user: User | None = None
) -> ClusterYear:
    """Replace a cluster-year's members and roles in one step, after checking every rule, and who may add which
    board (permissions.py): never a board that is a member of another cluster that year; for a secretary, only
    boards of this cluster or boards nobody has yet (which this cluster then keeps)."""
    check_year(year)
    get(session, Cluster, cluster_id)
    cluster_year = find(session, cluster_id, year)
    if cluster_year is None:
        if version not in (None, 0):
            raise DomainError(_l("This year was deleted meanwhile; reload the page."))
        cluster_year = ClusterYear(cluster_id=cluster_id, year=year)
    else:
        session.refresh(cluster_year, with_for_update=True)
        check_version(cluster_year, version)
    boards = list(session.exec(select(Board)).all())
    known = spans(boards)
    if any(row.board not in known for row in data.rows):
        raise DomainError(_l("Choose boards from the list."))
    host = data.host_board_id
    if host is None:
        host = next((row.board for row in data.rows if row.member and row.role == rules.HEAD), None)
    problems = rules.check_roster(year, data.rows, known, host)
    if problems:
        errors: dict[str | None, list] = {}
        for problem in problems:
            field = f"member_{problem.board}" if problem.board is not None else (
                "host_board_id" if problem.code == "host_not_member" else None)
            errors.setdefault(field, []).append(_message(problem))
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    claimed = _check_owners(session, user, cluster_id, year, cluster_year,
                            {row.board for row in data.rows if row.member}, {b.id: b for b in boards})
    cluster_year.host_board_id = host
    cluster_year.conference_date = data.conference_date
    cluster_year.conference_place = data.conference_place
    cluster_year.note = data.note
    session.add(cluster_year)
    session.flush()
    existing = {m.board_id: m for m in memberships(session, cluster_year.id)}
    wanted = {row.board: row.role for row in data.rows if row.member}
    # Drop roles first so the one-head/one-deputy indexes never see two at once.
    for board_id, member in existing.items():
        if board_id not in wanted:
            session.delete(member)
        elif member.role != MemberRole.MEMBER:
            member.role = MemberRole.MEMBER
            session.add(member)
    session.flush()
    for board_id, role in wanted.items():
        member = existing.get(board_id) or Membership(cluster_year_id=cluster_year.id, board_id=board_id)
        member.role = role
        member.assumed = member.assumed if board_id in existing else False
        session.add(member)
    for board in claimed:
        board.cluster_id = cluster_id
        board.version += 1
        session.add(board)
    session.flush()
    return cluster_year


def _check_owners(session: Session, user: User | None, cluster_id: int, year: int, cluster_year: ClusterYear,
                  wanted: set[int], boards: dict[int, Board]) -> list[Board]:
    """Refuse members that another cluster has that year, and boards a secretary may not add; the boards this
    cluster takes as their home (they had none). Three queries whatever the number of boards."""
    errors: dict[str | None, list] = {}
    for board_id, other in sorted(permissions.member_elsewhere(session, wanted, cluster_id, year).items()):
        errors.setdefault(f"member_{board_id}", []).append(_l(
            "%(board)s is a member of “%(cluster)s” in %(year)s: a board belongs to one cluster a year.",
            board=boards[board_id].short_name, cluster=other.name, year=year))
    existing = {m.board_id for m in memberships(session, cluster_year.id)} if cluster_year.id else set()
    added = sorted(wanted - existing)
    ever = set(session.exec(select(Membership.board_id).where(
        Membership.board_id.in_(added))).all()) if added else set()  # type: ignore[union-attr]
    mine = permissions.clusters_of(session, user)
    claimed = []
    for board_id in added:
        board = boards[board_id]
        if board.cluster_id == cluster_id or f"member_{board_id}" in errors:
            continue
        if board.cluster_id is None and (mine is None or board_id not in ever):
            claimed.append(board)  # a board nobody has yet: this cluster keeps it from now on
        elif mine is not None and board.cluster_id is not None:
            home = session.get(Cluster, board.cluster_id)
            errors.setdefault(f"member_{board_id}", []).append(_l(
                "%(board)s is kept by “%(cluster)s”; an administrator moves a board to another cluster.",
                board=board.short_name, cluster=home.name if home else "—"))
        elif mine is not None:
            errors.setdefault(f"member_{board_id}", []).append(_l(
                "%(board)s has been a member of other clusters and has no cluster yet; an administrator assigns "
                "it.", board=board.short_name))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    return claimed


def _message(problem: rules.Problem):
    if problem.code == "not_existing":
        return _l("This board did not exist in %(year)s.", year=problem.params[0])
    return PROBLEM_MESSAGES[problem.code]


@dataclass(frozen=True)
class Proposal:
    """What the roster form starts from: members with roles, notes on replaced boards, the suggested head."""

    rows: dict[int, str]  # board id -> role
    replaced: dict[int, int]  # successor id -> ended board id
    dropped: list[int]
    suggested_head: int | None
    copied_from: int | None


def past_members(session: Session, cluster_id: int) -> set[int]:
    """Every board that has been a member of the cluster in some year."""
    query = (
        select(Membership.board_id).join(ClusterYear, Membership.cluster_year_id == ClusterYear.id)
        .where(ClusterYear.cluster_id == cluster_id)
    )
    return set(session.exec(query).all())


def head_history(session: Session, cluster_id: int) -> dict[int, list[int]]:
    """For each board, the years it was head of this cluster."""
    query = (
        select(Membership.board_id, ClusterYear.year)
        .join(ClusterYear, Membership.cluster_year_id == ClusterYear.id)
        .where(ClusterYear.cluster_id == cluster_id, Membership.role == MemberRole.HEAD)
    )
    history: dict[int, list[int]] = {}
    for board_id, year in session.exec(query).all():
        history.setdefault(board_id, []).append(year)
    return history


def propose_roster(
    *, session: Session, cluster_id: int, year: int, copy_from: int | None, boards: list[Board]
) -> Proposal:
    """The roster to show: this year's if recorded, else a copy of `copy_from` with successors offered."""
    by_name = sorted(boards, key=lambda b: vi_key(b.short_name))
    current = find(session, cluster_id, year)
    rows: dict[int, str] = {}
    replaced: dict[int, int] = {}
    dropped: list[int] = []
    source = None
    if copy_from is not None:
        source = find(session, cluster_id, copy_from)
    if source is not None:
        previous = [m.board_id for m in memberships(session, source.id)]
        order = {b.id: i for i, b in enumerate(by_name)}
        carried, dropped = rules.carry_forward(sorted(previous, key=order.get), spans(boards), year)
        rows = {c.board: MemberRole.MEMBER for c in carried}
        replaced = {c.board: c.replaces for c in carried if c.replaces is not None}
    elif current is not None:
        rows = {m.board_id: m.role for m in memberships(session, current.id)}
    members = [b.id for b in by_name if b.id in rows]
    suggestion = rules.suggest_head(members, head_history(session, cluster_id), year)
    return Proposal(rows, replaced, dropped, suggestion, source.year if source else None)


def latest_with(session: Session, model, cluster_id: int, year: int) -> tuple[int, int] | None:
    """The latest year before `year` in which the cluster has rows of `model` (indicators, criteria), as
    (cluster_year_id, year): what a new year's catalogue is copied forward from."""
    return session.exec(
        select(ClusterYear.id, ClusterYear.year).join(model, model.cluster_year_id == ClusterYear.id)
        .where(ClusterYear.cluster_id == cluster_id, ClusterYear.year < year)
        .order_by(ClusterYear.year.desc()).limit(1)).first()
