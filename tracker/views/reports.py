"""Reports for leadership: the dashboard, the year, a cluster and a board across years, and their exports."""
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from tracker.auth import READ, access
from tracker.db import get_session
from tracker.documents import tables as documents
from tracker.i18n import format_day, format_number, format_share
from tracker.rules import reports as rules
from tracker.rules.text import has_control_characters, normalise
from tracker.services import reports
from tracker.services.reports import loaders
from tracker.services.reports import tables as report_tables

bp = Blueprint("reports", __name__, url_prefix="/reports")
FORMATS = "any(xlsx, csv, pdf)"
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv", "pdf": "application/pdf"}


def _filters() -> dict:
    """The filters in the address; a value that is not a number is simply no filter."""
    region = normalise(request.args.get("region", "", type=str))[:100]
    return {"authority_id": request.args.get("authority", type=int),
            "region": None if has_control_characters(region) else region or None}  # no region has such a name


def link_args(filters, **more) -> dict:
    """The filters a link keeps (only those set, so addresses stay short)."""
    args = {"authority": filters.authority_id, "region": filters.region, **more}
    return {k: v for k, v in args.items() if v not in (None, "")}


def _page() -> int:
    number = request.args.get("page", 1, type=int)
    return number if 1 <= number <= 10**6 else 1


def _locale() -> str:
    return str(get_locale())


def text(value, kind: str) -> str:
    """A cell as the reader sees it on the page: "26/02/2018", "1.234,5", "112,4%"."""
    if value is None or value == "":
        return ""
    if kind == "date":
        return format_day(value)
    if kind == "share":
        return format_share(value)
    if kind in ("int", "decimal"):
        return format_number(value)
    return str(value)


MAX_PDF_ROWS = 3000  # a longer PDF takes WeasyPrint tens of seconds and hundreds of MB: filter it, or take XLSX


def _export(report: documents.Report, fmt: str, name: str, back: str) -> Response:
    """A report as a download: the whole report as XLSX or PDF, one of its tables (`?table=`) as CSV. A report too
    long to print goes back to its page with a message saying how to narrow it."""
    if not report.tables:
        abort(404)
    if fmt == "xlsx":
        body, file_name = documents.to_xlsx(report), documents.filename(name, None, "xlsx")
    elif fmt == "pdf":
        rows = sum(len(t.rows) for t in report.tables)
        if rows > MAX_PDF_ROWS:
            flash(_("This report has %(rows)s lines, too many to print (at most %(max)s). Narrow it with the "
                    "filters, or download it as Excel.", rows=format_number(rows), max=format_number(MAX_PDF_ROWS)),
                  "warning")
            return redirect(back)
        body = documents.to_pdf(report, text=text, lang=_locale(), page_word=_("Page"))
        file_name = documents.filename(name, None, "pdf")
    else:
        wanted = request.args.get("table", "")
        table = next((t for t in report.tables if t.name == wanted), report.tables[0])
        body, file_name = documents.to_csv(table, text=text), documents.filename(name, table, "csv")
    return Response(body, mimetype=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{file_name}"'})


def _percent(value) -> float | None:
    return None if value is None else round(float(value * 100), 1)


def charts(board: reports.Dashboard, locale: str) -> dict:
    """The data of the dashboard's charts (Chart.js reads it from each canvas; the tables beside show the same)."""
    return {
        "awards": {"type": "bar", "stacked": True, "labels": board.award_years,
                   "datasets": [{"label": t.label(locale), "data": counts}
                                for t, counts in zip(board.award_types, board.award_counts, strict=True)]},
        "completion": {"type": "bar", "horizontal": True, "percent": True,
                       "labels": [c.name for c in board.completion],
                       "datasets": [{"label": _("Mean completion"),
                                     "data": [_percent(c.overall.mean) for c in board.completion]}]},
        "top": [{"type": "bar", "horizontal": True, "labels": [b.short_name for b, _n, _r in t.lines],
                 "datasets": [{"label": _("Awards"), "data": [n for _b, n, _r in t.lines]}]} for t in board.top],
    }


def _generated() -> str:
    return _("Made on %(day)s", day=format_day(date.today()))


@bp.route("/")
@access(READ)
def dashboard():
    """Where each cluster stands this year, with charts of awards and completion (the viewers' landing page)."""
    board = reports.dashboard(get_session(), year=request.args.get("year", type=int), page=_page(), **_filters())
    return render_template("reports/dashboard.html", board=board, stages=rules.STAGES,
                           charts=charts(board, _locale()), args=link_args(board.filters, year=board.year))


@bp.route(f"/dashboard.<{FORMATS}:fmt>")
@access(READ)
def dashboard_export(fmt: str):
    """The dashboard's tables as XLSX, CSV or PDF (every cluster, not only one page)."""
    board = reports.dashboard(get_session(), year=request.args.get("year", type=int), per_page=None, **_filters())
    report = report_tables.dashboard_tables(board, _locale(), _generated())
    return _export(report, fmt, f"tong-quan-{board.year or ''}",
                   url_for("reports.dashboard", **link_args(board.filters, year=board.year)))


@bp.route("/years/")
@access(READ)
def years():
    """The most recent year's report."""
    recorded = loaders.years(get_session())
    if not recorded:
        return render_template("reports/no_data.html")
    return redirect(url_for("reports.year", year=recorded[0]))


@bp.route("/years/<int:year>")
@access(READ)
def year(year: int):
    """The year at a glance: every cluster (a page at a time), filtered by authority and region."""
    report = reports.year_report(get_session(), year=year, page=_page(), **_filters())
    if year not in report.filters.years:
        abort(404)
    return render_template("reports/year.html", report=report, args=link_args(report.filters))


@bp.route(f"/years/<int:year>.<{FORMATS}:fmt>")
@access(READ)
def year_export(year: int, fmt: str):
    """The year report, every cluster that matches the filters, as XLSX, CSV or PDF."""
    report = reports.year_report(get_session(), year=year, per_page=None, **_filters())
    if year not in report.filters.years:
        abort(404)
    return _export(report_tables.year_tables(report, _locale(), _generated()), fmt, f"bao-cao-nam-{year}",
                   url_for("reports.year", year=year, **link_args(report.filters)))


@bp.route("/clusters/<int:cluster_id>")
@access(READ)
def cluster(cluster_id: int):
    """A cluster across its years, with its members' awards matrix."""
    return render_template("reports/cluster.html", report=reports.cluster_report(get_session(), cluster_id))


@bp.route(f"/clusters/<int:cluster_id>.<{FORMATS}:fmt>")
@access(READ)
def cluster_export(cluster_id: int, fmt: str):
    """The cluster report as XLSX, CSV or PDF."""
    report = reports.cluster_report(get_session(), cluster_id)
    return _export(report_tables.cluster_tables(report, _locale(), _generated()), fmt, f"bao-cao-cum-{cluster_id}",
                   url_for("reports.cluster", cluster_id=cluster_id))


@bp.route("/boards/<int:board_id>")
@access(READ)
def board(board_id: int):
    """A board across its years, its predecessors' included: awards matrix, streaks, completion, score rank."""
    return render_template("reports/board.html", report=reports.board_report(get_session(), board_id))


@bp.route(f"/boards/<int:board_id>.<{FORMATS}:fmt>")
@access(READ)
def board_export(board_id: int, fmt: str):
    """The board report as XLSX, CSV or PDF."""
    report = reports.board_report(get_session(), board_id)
    return _export(report_tables.board_tables(report, _locale(), _generated()), fmt,
                   f"bao-cao-don-vi-{board_id}", url_for("reports.board", board_id=board_id))
