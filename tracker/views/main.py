"""The home page, the rounds waiting for a second entry, and the language switch."""
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlmodel import select

from tracker.auth import PUBLIC, READ, access, is_safe_next
from tracker.db import get_session
from tracker.forms.main import LanguageForm
from tracker.models import Board, Cluster, ClusterYear, Membership, Role
from tracker.rules.text import vi_sorted
from tracker.services import ballots

bp = Blueprint("main", __name__)


@bp.route("/")
@access(READ)
def index():
    """Every cluster with its latest recorded year, head and number of members; readers from leadership land on
    the dashboard instead."""
    if current_user.role == Role.VIEWER:
        return redirect(url_for("reports.dashboard"))
    db = get_session()
    clusters = vi_sorted(db.exec(select(Cluster)).all(), key=lambda c: c.name)
    years = db.exec(select(ClusterYear)).all()
    latest: dict[int, ClusterYear] = {}
    for cy in years:
        if cy.cluster_id not in latest or cy.year > latest[cy.cluster_id].year:
            latest[cy.cluster_id] = cy
    ids = [cy.id for cy in latest.values()]
    members = db.exec(select(Membership).where(Membership.cluster_year_id.in_(ids))).all() if ids else []
    boards = {b.id: b for b in db.exec(select(Board)).all()}
    summary = {cy_id: {"count": 0, "head": None} for cy_id in ids}
    for m in members:
        summary[m.cluster_year_id]["count"] += 1
        if m.role == "head":
            summary[m.cluster_year_id]["head"] = boards[m.board_id]
    return render_template("main/index.html", clusters=clusters, latest=latest, summary=summary,
                           board_count=len(boards), waiting=ballots.waiting_for(db, current_user))


@bp.route("/second-entries")
@access(READ)
def second_entries():
    """The rounds whose counts wait for a second entry the signed-in secretary may give (typed by someone else,
    in her clusters)."""
    db = get_session()
    return render_template("main/second_entries.html", waiting=ballots.waiting_for(db, current_user))


@bp.route("/language", methods=["POST"])
@access(PUBLIC)
def set_language():
    """Remember the chosen language for this browser session."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    target = request.form.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.index"))
