"""Object-level rights: a secretary edits only the clusters assigned to her and their boards."""
from sqlmodel import Session, select

from tracker.models import ClusterYear, Membership, Role, User
from tracker.services.accounts import assigned_cluster_ids


def can_edit_cluster(user: User, *, session: Session, cluster_id: int | None = None, **_ignored) -> bool:
    """Administrators edit every cluster; a secretary only hers."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.SECRETARY or cluster_id is None:
        return False
    return cluster_id in assigned_cluster_ids(session, user.id)


def can_edit_board(user: User, *, session: Session, board_id: int | None = None, **_ignored) -> bool:
    """A secretary edits a board that belongs to one of her clusters in some year, or that belongs to none yet."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.SECRETARY or board_id is None:
        return False
    query = (
        select(ClusterYear.cluster_id)
        .join(Membership, Membership.cluster_year_id == ClusterYear.id)
        .where(Membership.board_id == board_id)
    )
    clusters = set(session.exec(query).all())
    return not clusters or bool(clusters & assigned_cluster_ids(session, user.id))


def can_create_board(user: User, **_ignored) -> bool:
    """Administrators and secretaries add boards (a matter of role alone: no session is read)."""
    return user.role in (Role.ADMIN, Role.SECRETARY)
