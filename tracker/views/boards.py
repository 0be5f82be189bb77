"""Boards: the member units, with their details and their history by year."""
from flask import Blueprint, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from tracker import labels
from tracker.auth import CREATE_BOARD, EDIT_BOARD, READ, access
from tracker.db import get_session
from tracker.forms.boards import BoardForm
from tracker.models import Board, Cluster, ClusterYear, Membership
from tracker.rules.text import vi_sorted
from tracker.services import catalog, permissions
from tracker.services.history import board_history
from tracker.services.permissions import can_create_board
from tracker.views._forms import data_for, run_edit
from tracker.views._rights import cluster_choices, may_edit_board

bp = Blueprint("boards", __name__, url_prefix="/boards")


@bp.route("/")
@access(READ)
def index():
    """Every board, in Vietnamese alphabetical order of the short name."""
    rows = vi_sorted(get_session().exec(select(Board)).all(), key=lambda b: b.short_name)
    return render_template("boards/index.html", boards=rows, kinds=labels.BOARD_KIND,
                           can_create=can_create_board(current_user))


@bp.route("/<int:board_id>")
@access(READ)
def detail(board_id: int):
    """A board's details, its successor and predecessors, its memberships year by year, and its award history with
    its predecessors' (the years × award types matrix and the streaks)."""
    db = get_session()
    board = catalog.get(db, Board, board_id)
    awards = board_history(db, board_id)
    history = db.exec(
        select(ClusterYear.year, Cluster, Membership.role, Membership.assumed)
        .join(ClusterYear, Membership.cluster_year_id == ClusterYear.id)
        .join(Cluster, ClusterYear.cluster_id == Cluster.id)
        .where(Membership.board_id == board_id)
        .order_by(ClusterYear.year.desc())
    ).all()
    successor = db.get(Board, board.successor_id) if board.successor_id else None
    predecessors = vi_sorted(db.exec(select(Board).where(Board.successor_id == board_id)).all(),
                             key=lambda b: b.short_name)
    return render_template("boards/detail.html", board=board, history=history, successor=successor,
                           predecessors=predecessors, kinds=labels.BOARD_KIND, awards=awards,
                           home=db.get(Cluster, board.cluster_id) if board.cluster_id else None,
                           can_edit=may_edit_board(current_user, board_id=board_id))


@bp.route("/new", methods=["GET", "POST"])
@access(CREATE_BOARD, can_create_board)
def new():
    """Add a board."""
    return _edit(None)


@bp.route("/<int:board_id>/edit", methods=["GET", "POST"])
@access(EDIT_BOARD, may_edit_board)
def edit(board_id: int):
    """Change a board's details, dates or successor."""
    return _edit(board_id)


def _edit(board_id: int | None):
    db = get_session()
    board = catalog.get(db, Board, board_id) if board_id else None
    form = BoardForm(obj=board)
    form.kind.choices = labels.choices(labels.BOARD_KIND)
    others = [b for b in db.exec(select(Board)).all() if b.id != board_id]
    form.successor_id.choices = [(None, "—")] + [
        (b.id, f"{b.short_name} – {b.name}") for b in vi_sorted(others, key=lambda b: b.short_name)]
    cluster_choices(current_user, form.cluster_id, kept=board.cluster_id if board else None,
                    editing=board is not None and not permissions.unclaimed(db, board), none_label=_("— none yet —"))
    return run_edit(
        form=form,
        save=lambda: catalog.save_board(session=db, board_id=board_id, version=form.version.data,
                                        data=catalog.BoardData(**data_for(form, catalog.BoardData)),
                                        user=current_user),
        conflict_fields=[f for f in form.data if f not in ("csrf_token", "version")],
        template="boards/edit.html",
        saved=_("Board saved."),
        next_url=lambda row: url_for("boards.detail", board_id=row.id),
        board=board,
    )
