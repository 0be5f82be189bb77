"""The score sheet in the browser: criteria, each board's scores, the ranking, Excel in and out."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.forms.fields import BLANK_LINES, UploadForm, line_id
from tracker.forms.scores import criteria_form, scores_form
from tracker.services import scores, sheets
from tracker.services.stamps import stamp
from tracker.views._forms import describe, run_edit
from tracker.views._rights import may_edit_cluster
from tracker.views._year import YearPage, check_upload, confirm_import, send_template

bp = Blueprint("scores", __name__, url_prefix="/clusters/<int:cluster_id>/years/<int:year>")
SALT = "scores-import"


@bp.route("/scores")
@access(READ)
def detail(cluster_id: int, year: int):
    """The criteria, each board's totals and the ranking (ties shown as ties)."""
    page = YearPage(cluster_id, year, required=False)
    criteria, standings, by_cell = [], [], {}
    if page.cluster_year is not None:
        criteria = scores.criteria(page.db, page.cluster_year.id)
        rows = scores.scores(page.db, page.cluster_year.id)
        by_cell = {(s.criterion_id, s.board_id): s for s in rows}
        standings = scores.standings(criteria, rows, [b.id for b in page.members])
    return render_template("scores/detail.html", criteria=criteria, standings=standings, by_cell=by_cell,
                           upload=UploadForm(), can_edit=may_edit_cluster(current_user, cluster_id=cluster_id),
                           maximum=sum((c.max_points for c in criteria), 0), **page.context())


@bp.route("/criteria", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def criteria(cluster_id: int, year: int):
    """The criteria of the year, offered from the latest earlier year when the year has none."""
    page = YearPage(cluster_id, year)
    shown, copied_from = scores.sheet_source(page.db, cluster_id, year)
    data = {"stamp": stamp(shown if copied_from is None else [])}
    for n, row in enumerate(shown):
        data.update({f"id_{n}": row.id if copied_from is None else "", f"group_{n}": row.group,
                     f"code_{n}": row.code, f"name_{n}": row.name, f"max_points_{n}": row.max_points})
    count = len(shown)
    if request.method == "POST":
        count = max(count, sum(1 for key in request.form if key.startswith("code_")) - BLANK_LINES)
    form = criteria_form(count, data=data if request.method == "GET" else None)

    def save():
        lines = [scores.CriterionLine(id=line_id(form, n), code=form[f"code_{n}"].data, name=form[f"name_{n}"].data,
                                      max_points=form[f"max_points_{n}"].data, group=form[f"group_{n}"].data,
                                      remove=form[f"remove_{n}"].data) for n in range(form.lines)]
        return scores.save_criteria(session=page.db, cluster_id=cluster_id, year=year, stamp=form.stamp.data,
                                    lines=lines)

    def conflict_lines(current):
        form.stamp.data = stamp(current)
        return [(f"{row.code} {row.name}", describe(row.max_points), "…") for row in current]

    return run_edit(form=form, save=save, conflict_fields=[], conflict_lines=conflict_lines,
                    template="scores/criteria.html", saved=_("The criteria of %(year)s are saved.", year=year),
                    next_url=lambda _rows: url_for("scores.detail", cluster_id=cluster_id, year=year),
                    copied_from=copied_from, **page.context())


@bp.route("/scores/board/<int:board_id>", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def board_grid(cluster_id: int, year: int, board_id: int):
    """One board's self-scores and agreed scores for every criterion."""
    page = YearPage(cluster_id, year)
    if board_id not in page.boards:
        abort(404)
    criteria_rows = scores.criteria(page.db, page.cluster_year.id)
    cells = [(c.id, board_id) for c in criteria_rows]
    rows = scores.scores(page.db, page.cluster_year.id, board_id=board_id)
    data = {"stamp": stamp(rows)}
    for row in rows:
        data.update({scores.cell_name(c, row.criterion_id, board_id): getattr(row, c)
                     for c in ("self_score", "agreed")})
    form = scores_form(cells, data=data if request.method == "GET" else None)
    labels = {c.id: c for c in criteria_rows}

    def typed():
        return [scores.ScoreCell(c, b, form[scores.cell_name("self_score", c, b)].data,
                                 form[scores.cell_name("agreed", c, b)].data) for c, b in cells]

    def save():
        return scores.save_scores(session=page.db, cluster_id=cluster_id, year=year, stamp=form.stamp.data,
                                  cells=typed(), board_id=board_id)

    def conflict_lines(current):
        form.stamp.data = stamp(current)
        stored = {s.criterion_id: s for s in current}
        lines = []
        for cell in typed():
            row = stored.get(cell.criterion_id)
            theirs = (row.self_score, row.agreed) if row else (None, None)
            if theirs != (cell.self_score, cell.agreed):
                lines.append((labels[cell.criterion_id].code, " · ".join(describe(v) for v in theirs),
                              " · ".join(describe(v) for v in (cell.self_score, cell.agreed))))
        return lines

    return run_edit(form=form, save=save, conflict_fields=[], conflict_lines=conflict_lines,
                    template="scores/grid.html", saved=lambda n: _("Saved: %(n)d values changed.", n=n),
                    next_url=lambda _n: url_for("scores.detail", cluster_id=cluster_id, year=year),
                    board=page.boards[board_id], criteria=criteria_rows, **page.context())


def _sheet(page: YearPage):
    rows = scores.scores(page.db, page.cluster_year.id)
    return sheets.scores_sheet(title=_("Score sheet %(year)d – %(cluster)s", year=page.year,
                                       cluster=page.cluster.name),
                               context=f"cluster_year:{page.cluster_year.id}", members=page.members,
                               criteria=scores.criteria(page.db, page.cluster_year.id), rows=rows), rows


@bp.route("/scores.xlsx")
@access(READ)
def template(cluster_id: int, year: int):
    """The score sheet as an Excel template to fill in and upload."""
    page = YearPage(cluster_id, year)
    sheet, _rows = _sheet(page)
    return send_template(sheet, f"cham-diem-{year}.xlsx")


@bp.route("/scores/upload", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def upload(cluster_id: int, year: int):
    """Check an uploaded score sheet and show its bad cells, or the changes it would make."""
    page = YearPage(cluster_id, year)
    sheet, rows = _sheet(page)
    return check_upload(page, sheet=sheet, stamp=stamp(rows), salt=SALT, what=_("Score sheet"),
                        confirm_url=url_for("scores.confirm", cluster_id=cluster_id, year=year),
                        back_url=url_for("scores.detail", cluster_id=cluster_id, year=year))


@bp.route("/scores/import", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def confirm(cluster_id: int, year: int):
    """Save a checked score sheet's changes in one transaction."""
    page = YearPage(cluster_id, year)

    def apply(stamp_, changes):
        sheet, _rows = _sheet(page)
        cells = [scores.ScoreCell(c, b, v["self_score"], v["agreed"]) for c, b, v in sheets.merged(sheet, changes)]
        return scores.save_scores(session=page.db, cluster_id=cluster_id, year=year, stamp=stamp_, cells=cells)

    return confirm_import(page, salt=SALT, apply=apply,
                          back_url=url_for("scores.detail", cluster_id=cluster_id, year=year))
