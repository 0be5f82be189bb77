"""The year's pledge in the browser: signing and signatures, the indicator catalogue, the target grids."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.forms.fields import BLANK_LINES, UploadForm, line_id
from tracker.forms.pledges import catalogue_form, grid_form, pledge_form
from tracker.services import papers, pledges, sheets
from tracker.services.stamps import stamp
from tracker.views._forms import describe, run_edit
from tracker.views._rights import may_edit_cluster
from tracker.views._year import YearPage, check_upload, confirm_import, send_template

bp = Blueprint("pledges", __name__, url_prefix="/clusters/<int:cluster_id>/years/<int:year>")
COLUMNS = ("target", "source", "actual")
SALT = "targets-import"
DOCUMENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "pdf": "application/pdf"}


@bp.route("/pledge")
@access(READ)
def detail(cluster_id: int, year: int):
    """The pledge: its signing, the signatures, and each board's targets, results and completion."""
    page = YearPage(cluster_id, year, required=False)
    pledge = signatures = None
    summaries, catalogue = [], []
    if page.cluster_year is not None:
        pledge = pledges.pledge_of(page.db, page.cluster_year.id)
        signatures = pledges.signatures(page.db, pledge.id) if pledge else {}
        catalogue = pledges.indicators(page.db, page.cluster_year.id)
        rows = pledges.targets(page.db, page.cluster_year.id)
        summaries = pledges.summary(catalogue, rows, [b.id for b in page.members])
    return render_template("pledges/detail.html", **page.context(
        pledge=pledge, signatures=signatures, summaries=summaries, catalogue=catalogue, upload=UploadForm(),
        can_edit=may_edit_cluster(current_user, cluster_id=cluster_id)))


@bp.route("/pledge/edit", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def edit(cluster_id: int, year: int):
    """Record the signing: date, place, host, text, and who signed for each member."""
    page = YearPage(cluster_id, year)
    pledge = pledges.pledge_of(page.db, page.cluster_year.id)
    data = {"version": 0, "host_board_id": page.head, "place": page.cluster_year.conference_place,
            "signed_on": page.cluster_year.conference_date}
    if pledge is not None:
        data = {"version": pledge.version, "host_board_id": pledge.host_board_id, "place": pledge.place,
                "signed_on": pledge.signed_on, "text": pledge.text}
        for board_id, row in pledges.signatures(page.db, pledge.id).items():
            data[f"signed_{board_id}"], data[f"signer_{board_id}"] = row.signed, row.signer
    form = pledge_form(page.members, data=data if request.method == "GET" else None)
    form.host_board_id.choices = [(None, "—")] + [(b.id, b.short_name) for b in page.members]

    def save():
        signed = {b.id for b in page.members if form[f"signed_{b.id}"].data}
        signers = {b.id: form[f"signer_{b.id}"].data for b in page.members}
        return pledges.save_pledge(session=page.db, cluster_id=cluster_id, year=year, version=form.version.data,
                                   data=pledges.PledgeData(signed_on=form.signed_on.data, place=form.place.data,
                                                           host_board_id=form.host_board_id.data,
                                                           text=form.text.data, signed=signed, signers=signers))

    return run_edit(form=form, save=save, conflict_fields=["signed_on", "place", "host_board_id", "text"],
                    template="pledges/edit.html", saved=_("The pledge of %(year)s is saved.", year=year),
                    next_url=lambda _row: url_for("pledges.detail", cluster_id=cluster_id, year=year),
                    **page.context())


@bp.route("/indicators", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def indicators(cluster_id: int, year: int):
    """The indicator catalogue of the year, offered from the latest earlier year when the year has none."""
    page = YearPage(cluster_id, year)
    shown, copied_from = pledges.catalogue(page.db, cluster_id, year)
    data = {"stamp": stamp(shown if copied_from is None else [])}
    for n, row in enumerate(shown):
        data.update({f"id_{n}": row.id if copied_from is None else "", f"group_{n}": row.group,
                     f"name_{n}": row.name, f"unit_{n}": row.unit, f"direction_{n}": row.direction})
    count = len(shown)
    if request.method == "POST":
        count = max(count, sum(1 for key in request.form if key.startswith("name_")) - BLANK_LINES)
    form = catalogue_form(count, data=data if request.method == "GET" else None)

    def save():
        lines = [pledges.IndicatorLine(id=line_id(form, n), name=form[f"name_{n}"].data,
                                       unit=form[f"unit_{n}"].data, direction=form[f"direction_{n}"].data,
                                       group=form[f"group_{n}"].data, remove=form[f"remove_{n}"].data)
                 for n in range(form.lines)]
        return pledges.save_catalogue(session=page.db, cluster_id=cluster_id, year=year, stamp=form.stamp.data,
                                      lines=lines)

    def conflict_lines(current):
        form.stamp.data = stamp(current)
        return [(row.name, row.unit or "—", "…") for row in current]

    return run_edit(form=form, save=save, conflict_fields=[], conflict_lines=conflict_lines,
                    template="pledges/indicators.html", saved=_("The indicators of %(year)s are saved.", year=year),
                    next_url=lambda _rows: url_for("pledges.detail", cluster_id=cluster_id, year=year),
                    copied_from=copied_from, **page.context())


@bp.route("/targets/board/<int:board_id>", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def board_grid(cluster_id: int, year: int, board_id: int):
    """One board's targets and results for every indicator."""
    page = YearPage(cluster_id, year)
    if board_id not in page.boards:
        abort(404)
    catalogue = pledges.indicators(page.db, page.cluster_year.id)
    cells = [(i.id, board_id) for i in catalogue]
    return _grid(page, cells, board_id=board_id, title=page.boards[board_id].name,
                 labels={(i.id, board_id): _indicator_label(i) for i in catalogue})


@bp.route("/targets/indicator/<int:indicator_id>", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def indicator_grid(cluster_id: int, year: int, indicator_id: int):
    """One indicator's targets and results for every member."""
    page = YearPage(cluster_id, year)
    indicator = next((i for i in pledges.indicators(page.db, page.cluster_year.id) if i.id == indicator_id), None)
    if indicator is None:
        abort(404)
    cells = [(indicator_id, b.id) for b in page.members]
    return _grid(page, cells, indicator_id=indicator_id, title=_indicator_label(indicator),
                 labels={(indicator_id, b.id): b.short_name for b in page.members})


def _indicator_label(indicator) -> str:
    return f"{indicator.name} ({indicator.unit})" if indicator.unit else indicator.name


def _grid(page: YearPage, cells, *, title: str, labels: dict, board_id=None, indicator_id=None):
    """The grid cycle shared by both grids: show stored values, save them against the grid's stamp."""
    rows = pledges.targets(page.db, page.cluster_year.id, board_id=board_id, indicator_id=indicator_id)
    data = {"stamp": stamp(rows)}
    for row in rows:
        data.update({pledges.cell_name(c, row.indicator_id, row.board_id): getattr(row, c) for c in COLUMNS})
    form = grid_form(cells, data=data if request.method == "GET" else None)

    def typed():
        return [pledges.TargetCell(i, b, *(form[pledges.cell_name(c, i, b)].data for c in COLUMNS))
                for i, b in cells]

    def save():
        return pledges.save_targets(session=page.db, cluster_id=page.cluster.id, year=page.year,
                                    stamp=form.stamp.data, cells=typed(), board_id=board_id,
                                    indicator_id=indicator_id)

    def conflict_lines(current):
        form.stamp.data = stamp(current)
        return _grid_conflict(current, typed(), labels)

    return run_edit(form=form, save=save, conflict_fields=[], conflict_lines=conflict_lines,
                    template="pledges/grid.html", saved=lambda n: _("Saved: %(n)d values changed.", n=n),
                    next_url=lambda _n: url_for("pledges.detail", cluster_id=page.cluster.id, year=page.year,
                                                _anchor=f"board-{board_id}" if board_id else None),
                    title=title, labels=labels, by_board=board_id is not None, **page.context())


def _grid_conflict(current, typed, labels) -> list[tuple[str, str, str]]:
    """The cells someone else saved differently from what this user typed."""
    stored = {(t.indicator_id, t.board_id): t for t in current}
    lines = []
    for cell in typed:
        row = stored.get((cell.indicator_id, cell.board_id))
        theirs = (row.target, row.source, row.actual) if row else (None, "", None)
        yours = (cell.target, cell.source, cell.actual)
        if theirs != yours:
            lines.append((labels[(cell.indicator_id, cell.board_id)], " · ".join(describe(v) for v in theirs),
                          " · ".join(describe(v) for v in yours)))
    return lines



def _sheet(page: YearPage):
    rows = pledges.targets(page.db, page.cluster_year.id)
    return sheets.targets_sheet(title=_("Targets and results %(year)d – %(cluster)s", year=page.year,
                                        cluster=page.cluster.name),
                                context=f"cluster_year:{page.cluster_year.id}", members=page.members,
                                catalogue=pledges.indicators(page.db, page.cluster_year.id), rows=rows), rows


@bp.route("/targets.xlsx")
@access(READ)
def template(cluster_id: int, year: int):
    """The year's targets as an Excel template to fill in and upload."""
    page = YearPage(cluster_id, year)
    sheet, _rows = _sheet(page)
    return send_template(sheet, f"chi-tieu-{year}.xlsx")


@bp.route("/targets/upload", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def upload(cluster_id: int, year: int):
    """Check an uploaded template and show its bad cells, or the changes it would make."""
    page = YearPage(cluster_id, year)
    sheet, rows = _sheet(page)
    return check_upload(page, sheet=sheet, stamp=stamp(rows), salt=SALT, what=_("Targets and results"),
                        confirm_url=url_for("pledges.confirm", cluster_id=cluster_id, year=year),
                        back_url=url_for("pledges.detail", cluster_id=cluster_id, year=year))


@bp.route("/targets/import", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def confirm(cluster_id: int, year: int):
    """Save a checked upload's changes in one transaction."""
    page = YearPage(cluster_id, year)

    def apply(stamp_, changes):
        sheet, _rows = _sheet(page)
        cells = [pledges.TargetCell(i, b, v["target"], v["source"] or "", v["actual"])
                 for i, b, v in sheets.merged(sheet, changes)]
        return pledges.save_targets(session=page.db, cluster_id=cluster_id, year=year, stamp=stamp_, cells=cells)

    return confirm_import(page, salt=SALT, apply=apply,
                          back_url=url_for("pledges.detail", cluster_id=cluster_id, year=year))


@bp.route("/pledge.<any(docx, pdf):kind>")
@access(READ)
def document(cluster_id: int, year: int, kind: str):
    """The bản giao ước thi đua with every member's targets and a signature block per member."""
    page = YearPage(cluster_id, year)
    if pledges.pledge_of(page.db, page.cluster_year.id) is None:
        flash(_("Record the pledge first."), "warning")
        return redirect(url_for("pledges.detail", cluster_id=cluster_id, year=year))
    name, data = papers.pledge_paper(page.db, cluster_id=cluster_id, year=year, kind=kind)
    return send_file(data, mimetype=DOCUMENT_TYPES[kind], as_attachment=True, download_name=name)
