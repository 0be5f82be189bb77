"""Who owns what (docs/security.md, "Who owns what"), decided here and nowhere else.

- A cluster-year and everything under it (members, pledge, meetings, score sheet, ballots, proposals) belongs to
  its cluster: the cluster's secretaries and the administrators change it.
- A board's master data belongs to its home cluster (`Board.cluster_id`), set when the board is created and
  changed only by an administrator (moving a board between clusters). A board nobody has yet (no home, never a
  member anywhere) may be taken by a secretary: adding it to her member list makes her cluster its home.
- A cluster-year's member list takes only boards of that cluster (their home), and never a board that is a
  member of another cluster that year.
- An award line belongs to the cluster its board was a member of in the award's year; for a year in which the
  board was nobody's member (awards kept from before the tracker), to the board's home cluster.
- A decision's own fields and scan belong to the cluster that recorded it (`Decision.cluster_id`; none: the
  administrators'); a secretary changes them, or deletes the decision, only while every line of it is hers too.

A secretary's rights are read from her assignments (set by an administrator) and from the home clusters (set by
an administrator or at creation), never from member lists alone, which she edits herself. `user` None is the
system itself (commands, the demo, tests): it may do everything.
"""
from collections.abc import Iterable

from sqlalchemy import event, or_
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from tracker.models import Board, Cluster, ClusterYear, Decision, Membership, Role, User
from tracker.services.accounts import assigned_cluster_ids

_ASSIGNED = "tracker.assigned_clusters"  # session.info: a secretary's clusters, read once per transaction


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_assignments(session, _transaction) -> None:
    session.info.pop(_ASSIGNED, None)


def clusters_of(session: Session, user: User | None) -> set[int] | None:
    """The clusters a user may change: None means every cluster (an administrator, or the system). A secretary's
    assignments are read once per transaction (a page asks several times)."""
    if user is None or user.role == Role.ADMIN:
        return None
    if user.role != Role.SECRETARY:
        return set()
    known = session.info.setdefault(_ASSIGNED, {})
    if user.id not in known:
        known[user.id] = frozenset(assigned_cluster_ids(session, user.id))
    return set(known[user.id])


def can_edit_cluster(user: User, *, session: Session, cluster_id: int | None = None, **_ignored) -> bool:
    """Administrators edit every cluster; a secretary only hers."""
    mine = clusters_of(session, user)
    if mine is None:
        return True
    return cluster_id is not None and cluster_id in mine


def _ever_member(session: Session, board_id: int) -> bool:
    return session.exec(select(Membership.id).where(Membership.board_id == board_id).limit(1)).first() is not None


def unclaimed(session: Session, board: Board) -> bool:
    """A board nobody has yet: no home cluster and never a member of any cluster."""
    return board.cluster_id is None and not _ever_member(session, board.id)


def can_edit_board(user: User, *, session: Session, board_id: int | None = None, **_ignored) -> bool:
    """Administrators edit every board; a secretary a board of her clusters (its home), or one nobody has yet."""
    mine = clusters_of(session, user)
    if mine is None:
        return True
    if not mine or board_id is None:
        return False
    board = session.get(Board, board_id)
    if board is None:
        return False
    return board.cluster_id in mine if board.cluster_id is not None else unclaimed(session, board)


def can_create_board(user: User, **_ignored) -> bool:
    """Administrators and secretaries add boards (a matter of role alone: no session is read)."""
    return user.role in (Role.ADMIN, Role.SECRETARY)


def may_move_boards(user: User | None) -> bool:
    """Only an administrator (or the system) changes a board's home cluster."""
    return user is None or user.role == Role.ADMIN


def member_elsewhere(session: Session, board_ids: Iterable[int], cluster_id: int, year: int) -> dict[int, Cluster]:
    """The boards among `board_ids` that are members of another cluster in `year`, with that cluster (one query)."""
    wanted = set(board_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(Membership.board_id, Cluster)
        .join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
        .join(Cluster, Cluster.id == ClusterYear.cluster_id)
        .where(ClusterYear.year == year, ClusterYear.cluster_id != cluster_id,
               Membership.board_id.in_(sorted(wanted)))  # type: ignore[union-attr]
    ).all()
    return {board_id: cluster for board_id, cluster in rows}


def award_owners(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], set[int]]:
    """For each (board, year), the clusters its award line belongs to: the clusters the board was a member of that
    year, else its home cluster, else none (two queries whatever the number of pairs)."""
    pairs = set(pairs)  # (no shortcut for none: a page runs the same statements whatever its data)
    boards = sorted({board_id for board_id, _ in pairs})
    rows = session.exec(
        select(Membership.board_id, ClusterYear.year, ClusterYear.cluster_id)
        .join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
        .where(Membership.board_id.in_(boards))  # type: ignore[union-attr]
    ).all()
    by_year: dict[tuple[int, int], set[int]] = {}
    for board_id, year, cluster_id in rows:
        by_year.setdefault((board_id, year), set()).add(cluster_id)
    homes = dict(session.exec(select(Board.id, Board.cluster_id).where(Board.id.in_(boards))).all())  # type: ignore
    return {pair: by_year.get(pair) or ({homes[pair[0]]} if homes.get(pair[0]) is not None else set())
            for pair in pairs}


def may_record_award(session: Session, user: User | None, board_id: int, year: int) -> bool:
    """Whether the user may add or remove the award line of this board for this achievement year."""
    mine = clusters_of(session, user)
    if mine is None:
        return True
    return bool(award_owners(session, [(board_id, year)])[board_id, year] & mine)


def recordable_boards(session: Session, user: User | None) -> set[int] | None:
    """The boards a user may choose on an award form (the line's year is checked when it is saved): None means
    every board; a secretary, the boards of her clusters (home) and the boards that were members of them."""
    mine = clusters_of(session, user)
    if mine is None:
        return None
    if not mine:
        return set()
    members = (select(Membership.board_id).join(ClusterYear, ClusterYear.id == Membership.cluster_year_id)
               .where(ClusterYear.cluster_id.in_(sorted(mine))))  # type: ignore[attr-defined]
    return set(session.exec(select(Board.id).where(or_(Board.cluster_id.in_(sorted(mine)),  # type: ignore
                                                       Board.id.in_(members)))).all())  # type: ignore[union-attr]


def may_add_to_decision(session: Session, user: User | None, decision: Decision) -> bool:
    """Whether the user may add award lines to the decision: an administrator always; a secretary to a decision
    of her cluster or of the administrators, never to another cluster's (a line there would lock its keeper out
    of her own decision and cite its number for a board it does not grant)."""
    mine = clusters_of(session, user)
    return mine is None or decision.cluster_id is None or decision.cluster_id in mine


def may_name_successor(session: Session, user: User | None, successor: Board) -> bool:
    """Whether the user may name `successor` as a board's successor: an administrator always; a secretary a board
    of her clusters or nobody's (naming another cluster's board would put her board's awards in its history)."""
    if clusters_of(session, user) is None:
        return True
    return can_edit_board(user, session=session, board_id=successor.id)


def may_edit_decision(session: Session, user: User | None, decision: Decision,
                      lines: Iterable[tuple[int, int]]) -> bool:
    """Whether the user may change the decision's own fields or scan, or delete it: an administrator always; a
    secretary when the decision is her cluster's and every line of it (board, year) is hers."""
    mine = clusters_of(session, user)
    if mine is None:
        return True
    if decision.cluster_id is None or decision.cluster_id not in mine:
        return False
    owners = award_owners(session, lines)
    return all(clusters & mine for clusters in owners.values())
