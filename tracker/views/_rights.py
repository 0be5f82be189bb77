"""The object-level rights routes declare, asked on the request's session (the permission services take it
explicitly and never read the request). `access(EDIT_CLUSTER, may_edit_cluster)` calls them with the view's
arguments; a view showing or hiding an edit button calls them the same way. (`can_create_board` is a matter of
role alone and is used as it is.)"""
from tracker.db import get_session
from tracker.models import User
from tracker.services import permissions


def may_edit_cluster(user: User, **view_args) -> bool:
    """Whether `user` may edit the cluster `cluster_id` of the view's arguments."""
    return permissions.can_edit_cluster(user, session=get_session(), **view_args)


def may_edit_board(user: User, **view_args) -> bool:
    """Whether `user` may edit the board `board_id` of the view's arguments."""
    return permissions.can_edit_board(user, session=get_session(), **view_args)
