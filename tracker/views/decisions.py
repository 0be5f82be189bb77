"""The register of decisions in the browser: record a decision, its scan and the awards it grants; awards kept from
before the tracker; and a cluster-year's reconciliation of proposals with awards."""
import io

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from tracker.auth import CREATE_BOARD, READ, access
from tracker.db import get_session
from tracker.forms.decisions import AwardForm, DecisionForm, ScanForm
from tracker.forms.fields import VersionForm
from tracker.models import Authority, Board, Cluster
from tracker.rules.text import vi_sorted
from tracker.services import catalog, decisions, permissions, uploads, voting, years
from tracker.services.permissions import can_create_board
from tracker.views._forms import data_for, run_edit, run_step, submit
from tracker.views._rights import cluster_choices

bp = Blueprint("decisions", __name__)

CONFLICT_FIELDS = ["number", "decided_on", "authority_id", "signer_name", "signer_title", "note"]


def _folder() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def _max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or uploads.MAX_BYTES)


def _detail_url(decision_id: int, anchor: str | None = None) -> str:
    return url_for("decisions.detail", decision_id=decision_id, _anchor=anchor)


def _can_record() -> bool:
    return current_user.is_authenticated and can_create_board(current_user)


@bp.route("/decisions/")
@access(READ)
def index():
    """The register: every decision with its number, date, authority and how many awards it grants."""
    return render_template("decisions/index.html", rows=decisions.register(get_session()), can_record=_can_record())


# Decisions ---------------------------------------------------------------------------------------------------


def _authority_label(authority: Authority) -> str:
    if authority.valid_from is None and authority.valid_to is None:
        return authority.name
    start = authority.valid_from.strftime("%d/%m/%Y") if authority.valid_from else "…"
    end = authority.valid_to.strftime("%d/%m/%Y") if authority.valid_to else "…"
    return f"{authority.name} ({start} – {end})"


def _edit(decision_id: int | None):
    db = get_session()
    decision = decisions.get_decision(db, decision_id) if decision_id is not None else None
    form = DecisionForm(obj=decision)
    authorities = vi_sorted(db.exec(select(Authority)).all(), key=lambda a: a.name)
    form.authority_id.choices = [(None, "—")] + [(a.id, _authority_label(a)) for a in authorities]
    cluster_choices(current_user, form.cluster_id, kept=decision.cluster_id if decision else None,
                    editing=decision is not None, none_label=_("— the administrators —"))

    def save():
        data = decisions.DecisionData(**data_for(form, decisions.DecisionData))
        return decisions.save_decision(session=db, decision_id=decision_id, version=form.version.data, data=data,
                                       user=current_user)

    return run_edit(form=form, save=save, conflict_fields=CONFLICT_FIELDS, template="decisions/edit.html",
                    saved=_("The decision is saved."), next_url=lambda row: _detail_url(row.id), decision=decision)


@bp.route("/decisions/new", methods=["GET", "POST"])
@access(CREATE_BOARD, can_create_board)
def new():
    """Record a decision: number, date, authority (the name in force on that date), signer."""
    return _edit(None)


@bp.route("/decisions/<int:decision_id>/edit", methods=["GET", "POST"])
@access(CREATE_BOARD, can_create_board)
def edit(decision_id: int):
    """Change a decision (refused against a stale version: both versions are shown)."""
    return _edit(decision_id)


@bp.route("/decisions/<int:decision_id>")
@access(READ)
def detail(decision_id: int):
    """The decision: its fields, its scan, the awards it grants with the proposals they answer."""
    return _detail_page(decision_id)


def _award_form(db, allowed: set[int] | None, *, posted: bool = True, year: int | None = None) -> AwardForm:
    """The form of one award, as posted or blank (starting at `year`); a secretary chooses among the boards of her
    clusters only."""
    form = AwardForm() if posted else AwardForm(formdata=None, data={"year": year})
    boards = db.exec(select(Board)).all()
    if allowed is not None:
        boards = [b for b in boards if b.id in allowed]
    boards = vi_sorted(boards, key=lambda b: b.short_name)
    form.board_id.choices = [(None, "—")] + [(b.id, b.short_name) for b in boards]
    form.award_type_id.choices = [(None, "—")] + [(t.id, t.name_vi) for t in voting.award_types(db) if t.active]
    return form


def _detail_page(decision_id: int, *, award: AwardForm | None = None, scan: ScanForm | None = None,
                 status: int = 200):
    db = get_session()
    decision = decisions.get_decision(db, decision_id)
    authority = db.get(Authority, decision.authority_id)
    rows = decisions.decision_awards(db, decision.id)
    can_record = _can_record()
    allowed = decisions.recordable_boards(db, current_user) if can_record else set()
    can_add = can_record and permissions.may_add_to_decision(db, current_user, decision)
    if can_add and award is None:
        award = _award_form(db, allowed, posted=False, year=decision.decided_on.year - 1)
    removable = decisions.removable(db, current_user, [r.award for r in rows]) if can_record else set()
    return render_template(
        "decisions/detail.html", decision=decision, authority=authority, rows=rows, can_record=can_add,
        can_change=can_record and decisions.may_edit(db, current_user, decision, [r.award for r in rows], removable),
        can_remove=lambda award: can_record and (removable is None or award.id in removable),
        award=award, scan=scan or ScanForm(formdata=None),
        max_mb=_max_bytes() // (1024 * 1024)), status


@bp.route("/decisions/<int:decision_id>/delete", methods=["POST"])
@access(CREATE_BOARD, can_create_board)
def delete(decision_id: int):
    """Delete a decision with its awards and scan; the proposals they answered go back to submitted."""
    db = get_session()
    decisions.get_decision(db, decision_id)
    form = VersionForm()
    if run_step(form, lambda: decisions.delete_decision(session=db, user=current_user, decision_id=decision_id,
                                                        version=form.version.data, folder=_folder()),
                done=_("The decision and its awards are deleted.")):
        return redirect(url_for("decisions.index"))
    return redirect(_detail_url(decision_id))


# The scan ----------------------------------------------------------------------------------------------------


@bp.route("/decisions/<int:decision_id>/scan")
@access(READ)
def scan(decision_id: int):
    """The scanned decision, a PDF shown in the browser under its original name."""
    decision = decisions.get_decision(get_session(), decision_id)
    path = decisions.scan_path(folder=_folder(), decision=decision)
    # Read whole (at most UPLOAD_MAX_BYTES): no file handle outlives the request, however the response ends.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=uploads.PDF.content_type, as_attachment=False,
                         download_name=decision.scan_original or decision.scan_name, conditional=True,
                         etag=decision.scan_sha256 or False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.route("/decisions/<int:decision_id>/scan", methods=["POST"])
@access(CREATE_BOARD, can_create_board)
def upload_scan(decision_id: int):
    """Attach (or replace) the scanned decision, a PDF checked by its content."""
    db = get_session()
    decision = decisions.get_decision(db, decision_id)
    form = ScanForm()
    limit = _max_bytes()
    done = submit(form, lambda: decisions.attach_scan(
        session=db, decision=decision, user=current_user, filename=form.file.data.filename,
        data=form.file.data.read(limit + 1), folder=_folder(), max_bytes=limit),
        saved=_("The scan is attached."), next_url=lambda _value: _detail_url(decision_id, "scan"))
    return done or _detail_page(decision_id, scan=form, status=422)


# Awards ------------------------------------------------------------------------------------------------------


@bp.route("/decisions/<int:decision_id>/awards", methods=["POST"])
@access(CREATE_BOARD, can_create_board)
def add_award(decision_id: int):
    """Add an award the decision grants: board, award, achievement year."""
    db = get_session()
    decisions.get_decision(db, decision_id)
    form = _award_form(db, decisions.recordable_boards(db, current_user))
    done = submit(form, lambda: decisions.add_award(session=db, user=current_user, decision_id=decision_id,
                                                    line=_line(form)),
                  saved=_("The award is recorded."), next_url=lambda _value: _detail_url(decision_id, "awards"))
    if done is not None:
        return done
    return _detail_page(decision_id, award=form, status=422)


def _line(form: AwardForm) -> decisions.AwardLine:
    return decisions.AwardLine(board_id=form.board_id.data, award_type_id=form.award_type_id.data,
                               year=form.year.data, note=form.note.data)


@bp.route("/decisions/awards/<int:award_id>/delete", methods=["POST"])
@access(CREATE_BOARD, can_create_board)
def remove_award(award_id: int):
    """Remove an award (of a decision, or kept from before the tracker)."""
    db = get_session()
    award = decisions.get_award(db, award_id)
    back = _detail_url(award.decision_id, "awards") if award.decision_id else url_for("decisions.past")
    form = VersionForm()
    run_step(form, lambda: decisions.remove_award(session=db, user=current_user, award_id=award_id,
                                                  version=form.version.data),
             done=_("The award is removed."))
    return redirect(back)


@bp.route("/decisions/past-awards")
@access(READ)
def past():
    """Awards kept from before the tracker, without their decision."""
    return _past_page()


def _past_page(form: AwardForm | None = None, status: int = 200):
    db = get_session()
    can_record = _can_record()
    allowed = decisions.recordable_boards(db, current_user) if can_record else set()
    rows = decisions.past_awards(db)
    removable = decisions.removable(db, current_user, [r.award for r in rows]) if can_record else set()
    if can_record and form is None:
        form = _award_form(db, allowed, posted=False)
    return render_template("decisions/past.html", rows=rows, form=form, can_record=can_record,
                           can_remove=lambda award: can_record and (removable is None or award.id in removable)), status


@bp.route("/decisions/past-awards", methods=["POST"])
@access(CREATE_BOARD, can_create_board)
def add_past():
    """Record an award kept from before the tracker."""
    db = get_session()
    form = _award_form(db, decisions.recordable_boards(db, current_user))
    done = submit(form, lambda: decisions.add_past_award(session=db, user=current_user, line=_line(form)),
                  saved=_("The award is recorded."), next_url=lambda _value: url_for("decisions.past"))
    return done or _past_page(form, 422)


# Reconciliation ----------------------------------------------------------------------------------------------


@bp.route("/clusters/<int:cluster_id>/years/<int:year>/reconciliation")
@access(READ)
def reconciliation(cluster_id: int, year: int):
    """A cluster-year's proposals against the awards granted, and the awards to its members nobody proposed."""
    if not years.MIN_YEAR <= year <= years.MAX_YEAR:
        abort(404)
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    result = decisions.reconcile(db, cluster_year.id) if cluster_year is not None else None
    return render_template("decisions/reconciliation.html", reconciliation=result, cluster=cluster, year=year)
