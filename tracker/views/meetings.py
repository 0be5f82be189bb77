"""Meetings of a cluster-year (pledge signing, mid-year review, year-end review) with photos and scanned minutes."""
import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import labels
from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.db import get_session
from tracker.forms.fields import VersionForm
from tracker.forms.meetings import CaptionForm, MeetingForm, UploadForm
from tracker.models import Board, Cluster, MeetingKind
from tracker.services import catalog, meetings, uploads, years
from tracker.views._forms import data_for, run_edit, run_step, show_errors, submit, write
from tracker.views._rights import may_edit_cluster

bp = Blueprint("meetings", __name__, url_prefix="/clusters/<int:cluster_id>/years/<int:year>/meetings")

CONFLICT_FIELDS = ["kind", "held_on", "place", "host_board_id", "delegates", "summary", "decisions"]
# Shown in the browser; anything else a database might hold is offered as a download only.
INLINE_TYPES = {uploads.JPEG.content_type, uploads.PNG.content_type, uploads.PDF.content_type}


def _folder() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def _max_bytes() -> int:
    return int(current_app.config.get("UPLOAD_MAX_BYTES") or uploads.MAX_BYTES)


def _detail_url(cluster_id: int, year: int, meeting_id: int, anchor: str | None = None) -> str:
    return url_for("meetings.detail", cluster_id=cluster_id, year=year, meeting_id=meeting_id, _anchor=anchor)


def _meeting_form(db, cluster_year, member_rows, meeting=None) -> MeetingForm:
    """The meeting form; a blank one starts with the head as host and every member present."""
    data = None
    if request.method == "GET":
        if meeting is None:
            recorded = {m.kind for m in meetings.for_year(db, cluster_year.id)}
            wanted = request.args.get("kind")
            kind = wanted if wanted in meetings.KIND_ORDER else next(
                (k.value for k in meetings.KIND_ORDER if k not in recorded), MeetingKind.PLEDGE.value)
            data = {"kind": kind, "host_board_id": meetings.default_host(db, cluster_year.id),
                    "present": [board.id for board, _role in member_rows], "version": 0}
        else:
            data = {name: getattr(meeting, name) for name in CONFLICT_FIELDS}
            data.update(present=[b.id for b in meetings.present_boards(db, meeting.id)], version=meeting.version)
    form = MeetingForm(data=data)
    form.host_board_id.choices = [(None, _("— not recorded —"))] + [(b.id, b.short_name) for b, _r in member_rows]
    form.present.choices = [(b.id, b.short_name) for b, _r in member_rows]
    return form


def _save(db, form, cluster_id: int, year: int, meeting_id: int | None):
    data = meetings.MeetingData(**data_for(form, meetings.MeetingData))
    return meetings.save_meeting(session=db, cluster_id=cluster_id, year=year, meeting_id=meeting_id,
                                 version=form.version.data, data=data)


@bp.route("/new", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def new(cluster_id: int, year: int):
    """Record a meeting of the year; the year must have members."""
    if not years.MIN_YEAR <= year <= years.MAX_YEAR:
        abort(404)
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    member_rows = meetings.members(db, cluster_year.id) if cluster_year is not None else []
    if not member_rows:
        return render_template("meetings/new.html", form=None, cluster=cluster, year=year), (
            200 if request.method == "GET" else 422)
    form = _meeting_form(db, cluster_year, member_rows)
    return run_edit(form=form, save=lambda: _save(db, form, cluster_id, year, None), conflict_fields=[],
                    template="meetings/new.html", saved=_("The meeting is saved."),
                    next_url=lambda row: _detail_url(cluster_id, year, row.id), cluster=cluster, year=year)


@bp.route("/<int:meeting_id>")
@access(READ)
def detail(cluster_id: int, year: int, meeting_id: int):
    """The meeting: its fields, the boards present, its photos and documents, and at year end the ballots."""
    return _detail_page(cluster_id, year, meeting_id)


def _detail_page(cluster_id: int, year: int, meeting_id: int, *, upload: UploadForm | None = None,
                 caption: CaptionForm | None = None, caption_id: int | None = None, status: int = 200):
    """The detail page, with a refused upload or caption shown beside its field."""
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    meeting, cluster_year = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    member_boards = {board.id: board for board, _role in meetings.members(db, cluster_year.id)}
    host = member_boards.get(meeting.host_board_id) or catalog.get_or_none(db, Board, meeting.host_board_id)
    files = meetings.attachments(db, meeting.id)
    rounds = meetings.ballot_rounds(db, cluster_year.id) if meeting.kind == MeetingKind.YEAREND else []
    can_edit = may_edit_cluster(current_user, cluster_id=cluster_id)
    return render_template(
        "meetings/detail.html", cluster=cluster, year=year, meeting=meeting,
        kind=labels.word(labels.MEETING_KIND, meeting.kind),
        host=host, present=meetings.present_boards(db, meeting.id), files=files, rounds=rounds,
        can_edit=can_edit, upload=upload or UploadForm(formdata=None),
        caption=caption, caption_id=caption_id, max_mb=_max_bytes() // (1024 * 1024)), status


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def edit(cluster_id: int, year: int, meeting_id: int):
    """Change a meeting (refused against a stale version: both versions are shown)."""
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    meeting, cluster_year = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    form = _meeting_form(db, cluster_year, meetings.members(db, cluster_year.id), meeting)
    return run_edit(form=form, save=lambda: _save(db, form, cluster_id, year, meeting_id),
                    conflict_fields=CONFLICT_FIELDS, template="meetings/edit.html", saved=_("The meeting is saved."),
                    next_url=lambda row: _detail_url(cluster_id, year, row.id), cluster=cluster, year=year,
                    meeting=meeting, kind=labels.word(labels.MEETING_KIND, meeting.kind))


@bp.route("/<int:meeting_id>/delete", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def delete(cluster_id: int, year: int, meeting_id: int):
    """Delete a meeting with its attachments and their files."""
    db = get_session()
    meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    form = VersionForm()
    if run_step(form, lambda: meetings.delete_meeting(session=db, cluster_id=cluster_id, year=year,
                                                      meeting_id=meeting_id, version=form.version.data,
                                                      folder=_folder()),
                done=_("The meeting and its files are deleted.")):
        return redirect(url_for("years.detail", cluster_id=cluster_id, year=year))
    return redirect(_detail_url(cluster_id, year, meeting_id))


@bp.route("/<int:meeting_id>/attachments", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def upload(cluster_id: int, year: int, meeting_id: int):
    """Attach a photo (JPEG, PNG) or a scanned document (PDF), checked by its content."""
    db = get_session()
    meeting, _cy = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    form = UploadForm()
    limit = _max_bytes()
    done = submit(form, lambda: meetings.add_attachment(
        session=db, meeting=meeting, user=current_user, filename=form.file.data.filename,
        data=form.file.data.read(limit + 1), caption=form.caption.data, folder=_folder(), max_bytes=limit),
        saved=_("The file is attached."), next_url=lambda _value: _detail_url(cluster_id, year, meeting_id,
                                                                              "attachments"))
    return done or _detail_page(cluster_id, year, meeting_id, upload=form, status=422)


@bp.route("/<int:meeting_id>/attachments/<int:attachment_id>")
@access(READ)
def attachment(cluster_id: int, year: int, meeting_id: int, attachment_id: int):
    """The file itself, with the type found in its content, shown in the browser under its original name."""
    db = get_session()
    meeting, _cy = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    row = meetings.get_attachment(db, meeting=meeting, attachment_id=attachment_id)
    path = meetings.attachment_path(folder=_folder(), attachment=row)
    inline = row.content_type in INLINE_TYPES
    # Read whole (at most UPLOAD_MAX_BYTES): no file handle outlives the request, however the response ends.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=row.content_type if inline else
                         "application/octet-stream", as_attachment=not inline,
                         download_name=row.original_name or row.stored_name, conditional=True, etag=row.sha256,
                         last_modified=row.uploaded_at)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response


@bp.route("/<int:meeting_id>/attachments/<int:attachment_id>/edit", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def caption_edit(cluster_id: int, year: int, meeting_id: int, attachment_id: int):
    """Change an attachment's caption."""
    db = get_session()
    meeting, _cy = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    meetings.get_attachment(db, meeting=meeting, attachment_id=attachment_id)
    form = CaptionForm()
    status = 422
    if form.validate_on_submit():
        done = write(lambda: meetings.save_caption(session=db, meeting=meeting, attachment_id=attachment_id,
                                                   version=form.version.data, caption=form.caption.data),
                     on_stale=lambda stale: (stale.current.caption, stale.current.version))
        if done.ok:
            flash(_("The caption is saved."), "success")
            return redirect(_detail_url(cluster_id, year, meeting_id, f"attachment-{attachment_id}"))
        if done.refused is not None:
            show_errors(form, done.refused)
        else:
            caption, form.version.data = done.compared
            form.caption.errors = [_("Someone else changed this caption after you opened the page; it now reads "
                                     "“%(caption)s”. Save again to keep yours.", caption=caption)]
            status = 409
    return _detail_page(cluster_id, year, meeting_id, caption=form, caption_id=attachment_id, status=status)


@bp.route("/<int:meeting_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def attachment_delete(cluster_id: int, year: int, meeting_id: int, attachment_id: int):
    """Delete an attachment and its file."""
    db = get_session()
    meeting, _cy = meetings.get_meeting(db, cluster_id=cluster_id, year=year, meeting_id=meeting_id)
    meetings.get_attachment(db, meeting=meeting, attachment_id=attachment_id)
    form = VersionForm()
    run_step(form, lambda: meetings.delete_attachment(session=db, meeting=meeting, attachment_id=attachment_id,
                                                      version=form.version.data, folder=_folder()),
             done=_("The file is deleted."))
    return redirect(_detail_url(cluster_id, year, meeting_id, "attachments"))
