"""The hand-over package in the browser: a cluster's download, and the administrators' upload."""
import io

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from tracker.auth import ADMIN, READ, access
from tracker.db import get_session
from tracker.models import Cluster
from tracker.services import catalog, handover, handover_import
from tracker.services.errors import DomainError
from tracker.views._audit import note
from tracker.views._forms import write

bp = Blueprint("handover", __name__)
MAX_BYTES = 20 * 1024 * 1024


class HandoverForm(FlaskForm):
    """A hand-over package to import."""

    file = FileField(_l("Hand-over package (.json)"), [FileRequired(message=_l("Choose a file to upload."))])


@bp.route("/clusters/<int:cluster_id>/handover.json")
@access(READ)
def download(cluster_id: int):
    """The cluster's records as a hand-over package."""
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    try:
        document = handover.export_cluster(db, cluster.id)
    except DomainError as refused:
        flash(str(refused.message), "warning")
        return redirect(url_for("clusters.detail", cluster_id=cluster.id))
    return send_file(io.BytesIO(handover.dumps(document).encode()), mimetype="application/json",
                     as_attachment=True, download_name=f"ban-giao-cum-{cluster.id}.json")


@bp.route("/admin/handover", methods=["GET", "POST"])
@access(ADMIN)
def upload():
    """Check a hand-over package whole and import it, or list every problem with its place in the file."""
    form = HandoverForm()
    problems = None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        db = get_session()

        def import_it():
            if len(data) > MAX_BYTES:
                raise handover_import.Refused([handover_import.Problem("$", _("The file is larger than %(mb)d MB.",
                                                                              mb=MAX_BYTES // 1024 // 1024))])
            report = handover_import.import_cluster(session=db, document=handover_import.parse(data))
            note("import", what="handover", cluster=report.cluster.name, created=report.created, kept=report.kept)
            return report

        done = write(import_it, refusing=(handover_import.Refused,))
        if not done.ok:
            problems = done.refused.problems
        else:
            report = done.value
            flash(_("Imported %(cluster)s: years written %(created)s; years already here, kept: %(kept)s.",
                    cluster=report.cluster.name, created=", ".join(map(str, report.created)) or "—",
                    kept=", ".join(map(str, report.kept)) or "—"), "success")
            return redirect(url_for("clusters.detail", cluster_id=report.cluster.id))
    status = 422 if problems or form.errors else 200
    return render_template("handover/upload.html", form=form, problems=problems), status
