"""Clusters: their details and their years, members and roles side by side."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from tracker import labels
from tracker.auth import ADMIN, EDIT_CLUSTER, READ, access
from tracker.db import get_session
from tracker.forms.clusters import ClusterForm, YearPickForm
from tracker.models import Authority, Board, Cluster, ClusterYear, Membership
from tracker.rules.text import vi_sorted
from tracker.services import catalog
from tracker.views._forms import data_for, run_edit
from tracker.views._rights import may_edit_cluster

bp = Blueprint("clusters", __name__, url_prefix="/clusters")


@bp.route("/")
@access(READ)
def index():
    """Every cluster, alphabetically."""
    db = get_session()
    rows = vi_sorted(db.exec(select(Cluster)).all(), key=lambda c: c.name)
    authorities = {a.id: a for a in db.exec(select(Authority)).all()}
    return render_template("clusters/index.html", clusters=rows, authorities=authorities,
                           kinds=labels.CLUSTER_KIND)


@bp.route("/<int:cluster_id>")
@access(READ)
def detail(cluster_id: int):
    """A cluster's details and its history: a row per board, a column per year, the role in each cell."""
    return _render_detail(cluster_id, YearPickForm())


def _render_detail(cluster_id: int, pick: YearPickForm):
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    years = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster_id)
                    .order_by(ClusterYear.year.desc())).all()
    year_ids = [cy.id for cy in years]
    members = db.exec(select(Membership).where(Membership.cluster_year_id.in_(year_ids))).all() if year_ids else []
    board_ids = {m.board_id for m in members} | {cy.host_board_id for cy in years if cy.host_board_id}
    boards = {b.id: b for b in db.exec(select(Board).where(Board.id.in_(board_ids))).all()} if board_ids else {}
    roles = {(m.cluster_year_id, m.board_id): m.role for m in members}
    columns = vi_sorted(boards.values(), key=lambda b: b.short_name)
    authority = db.get(Authority, cluster.authority_id) if cluster.authority_id else None
    return render_template("clusters/detail.html", cluster=cluster, years=years, roles=roles, columns=columns,
                           boards=boards, authority=authority, kinds=labels.CLUSTER_KIND, pick=pick,
                           can_edit=may_edit_cluster(current_user, cluster_id=cluster_id))


@bp.route("/<int:cluster_id>/open")
@access(READ)
def open_year(cluster_id: int):
    """Go to a year of the cluster typed in the small form on the cluster page."""
    form = YearPickForm(request.args)
    if form.validate():
        return redirect(url_for("years.detail", cluster_id=cluster_id, year=form.year.data))
    return _render_detail(cluster_id, form), 422


@bp.route("/new", methods=["GET", "POST"])
@access(ADMIN)
def new():
    """Add a cluster."""
    return _edit(None)


@bp.route("/<int:cluster_id>/edit", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def edit(cluster_id: int):
    """Change a cluster's details."""
    return _edit(cluster_id)


def _edit(cluster_id: int | None):
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id) if cluster_id else None
    form = ClusterForm(obj=cluster)
    form.kind.choices = labels.choices(labels.CLUSTER_KIND)
    authorities = vi_sorted(db.exec(select(Authority)).all(), key=lambda a: a.name)
    form.authority_id.choices = [(None, "—")] + [(a.id, a.name) for a in authorities]
    return run_edit(
        form=form,
        save=lambda: catalog.save_cluster(session=db, cluster_id=cluster_id, version=form.version.data,
                                          data=catalog.ClusterData(**data_for(form, catalog.ClusterData))),
        conflict_fields=["name", "kind", "region", "authority_id", "description"],
        template="clusters/edit.html",
        saved=_("Cluster saved."),
        next_url=lambda row: url_for("clusters.detail", cluster_id=row.id),
        cluster=cluster,
    )
