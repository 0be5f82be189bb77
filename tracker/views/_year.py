"""What the pages of a cluster-year's work share: loading the year, and the Excel upload, check and import."""
import io

from flask import abort, current_app, flash, redirect, render_template, send_file
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlmodel import select

from tracker.db import get_session
from tracker.documents import workbook
from tracker.forms.fields import ImportForm, UploadForm
from tracker.models import Board, Cluster, MemberRole
from tracker.rules.text import vi_sorted
from tracker.services import catalog, sheets, years
from tracker.services.errors import DomainError
from tracker.views._audit import note
from tracker.views._forms import show_errors, write

MAX_UPLOAD = 2_000_000  # an Excel template of a national cluster is far below this
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class YearPage:
    """The cluster, the cluster-year (404 when `required` and not recorded) and its members in Vietnamese order."""

    def __init__(self, cluster_id: int, year: int, *, required: bool = True):
        self.db = get_session()
        self.cluster = catalog.get(self.db, Cluster, cluster_id)
        self.year = year
        self.cluster_year = years.find(self.db, cluster_id, year)
        if self.cluster_year is None and required:
            abort(404)
        memberships = years.memberships(self.db, self.cluster_year.id) if self.cluster_year else []
        ids = {m.board_id for m in memberships}
        self.head = next((m.board_id for m in memberships if m.role == MemberRole.HEAD), None)
        rows = self.db.exec(select(Board).where(Board.id.in_(ids))).all() if ids else []
        self.members = vi_sorted(rows, key=lambda b: b.short_name)
        self.boards = {b.id: b for b in self.members}

    def context(self, **more) -> dict:
        """The template variables every page uses."""
        return {"cluster": self.cluster, "year": self.year, "cluster_year": self.cluster_year,
                "members": self.members, "boards": self.boards, **more}


def send_template(sheet, filename: str):
    """An Excel template to fill in and upload."""
    return send_file(io.BytesIO(workbook.build(sheet)), mimetype=XLSX, as_attachment=True, download_name=filename)


def check_upload(page: YearPage, *, sheet, stamp: str, salt: str, what: str, confirm_url: str, back_url: str):
    """Read an uploaded template: a refused file or bad cells are listed (nothing saved); otherwise the changes
    are shown with a button to confirm them."""
    form = UploadForm()
    checked = None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD + 1)
        try:
            checked = sheets.check_upload(sheet=sheet, data=data, filename=form.file.data.filename or "",
                                          locale=str(get_locale() or "vi"), secret=current_app.secret_key,
                                          salt=salt, stamp=stamp, max_bytes=MAX_UPLOAD)
        except DomainError as error:
            show_errors(form, error)
    status = 422 if checked is None or checked.errors else 200
    return render_template("sheets/check.html", form=form, checked=checked, what=what, confirm_url=confirm_url,
                           back_url=back_url, confirm=ImportForm(payload=checked.payload if checked else ""),
                           **page.context()), status


def confirm_import(page: YearPage, *, salt: str, apply, back_url: str):
    """Write a checked upload in one transaction; refused when the table changed since it was checked."""
    form = ImportForm()
    if not form.validate_on_submit():
        abort(400)

    def import_it():
        stamp, changes = sheets.confirmed(form.payload.data, secret=current_app.secret_key, salt=salt)
        changed = apply(stamp, changes)
        note("import", what=salt, cluster=page.cluster.id, year=page.year, changed=changed)
        return changed

    done = write(import_it)
    if done.refused is not None:
        flash(str(done.refused.message), "danger")
    elif done.stale is not None:
        flash(_("Someone saved these figures after your file was checked. Nothing of yours was saved. "
                "Download the template again, or upload your file again to see what changed."), "danger")
    else:
        flash(_("Imported: %(n)d values changed.", n=done.value), "success")
    return redirect(back_url)
