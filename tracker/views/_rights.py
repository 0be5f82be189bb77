"""The object-level rights routes declare, asked on the request's session (the permission services take it
explicitly and never read the request). `access(EDIT_CLUSTER, may_edit_cluster)` calls them with the view's
arguments; a view showing or hiding an edit button calls them the same way. (`can_create_board` is a matter of
role alone and is used as it is.)"""
from tracker.db import get_session
from tracker.models import Cluster, User
from tracker.rules.text import vi_sorted
from tracker.services import catalog, permissions


def may_edit_cluster(user: User, **view_args) -> bool:
    """Whether `user` may edit the cluster `cluster_id` of the view's arguments."""
    return permissions.can_edit_cluster(user, session=get_session(), **view_args)


def may_edit_board(user: User, **view_args) -> bool:
    """Whether `user` may edit the board `board_id` of the view's arguments."""
    return permissions.can_edit_board(user, session=get_session(), **view_args)


def cluster_choices(user: User, field, *, kept: int | None, editing: bool, none_label: str) -> None:
    """Fill a "kept by" select (a board's home cluster, a decision's cluster): an administrator chooses any
    cluster or none; a secretary one of hers when she creates the record, and sees it unchangeable afterwards
    (the services refuse anything else whatever is posted)."""
    db = get_session()
    mine = permissions.clusters_of(db, user)
    clusters = vi_sorted(catalog.all_rows(db, Cluster), key=lambda c: c.name)
    if mine is None:
        field.choices = [(None, none_label)] + [(c.id, c.name) for c in clusters]
    elif editing:
        field.render_kw = {"disabled": True}
        field.choices = [(kept, next((c.name for c in clusters if c.id == kept), none_label))]
    else:
        field.choices = [(c.id, c.name) for c in clusters if c.id in mine]
