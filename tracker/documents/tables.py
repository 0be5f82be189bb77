"""Report tables as downloads: the whole report as XLSX (openpyxl) or PDF (Jinja2 + WeasyPrint), one table as CSV.

No Flask, no database: plain frozen dataclasses in, bytes out. The caller passes `text`, the reader's locale's
formatter ("1.234,5", "112,4%", "26/02/2018"), for the formats that show text (CSV and PDF); the XLSX keeps typed
values (numbers, dates) with number formats, so Excel shows them in the reader's own regional settings.

Spreadsheets run what looks like a formula. Every text a spreadsheet will read goes through `neutralise`, which puts
an apostrophe before a text that starts like a formula or a DDE call (OWASP "CSV injection"): in the XLSX every
text cell (a plain string cell, never a formula), in the CSV every "text" column and any value of a number or date
column that is not plainly a number (see `_csv_cell`). A PDF is not a spreadsheet: its cells are printed as the
formatter wrote them, HTML-escaped by the template.
"""
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from tracker.rules.numbers import plain

from .pdf_kit import render as render_pdf


@dataclass(frozen=True)
class Column:
    """A table's column: its header and the kind of its values."""

    label: str
    kind: str = "text"  # "text" | "int" | "decimal" | "share" (a ratio, 1 = 100 %) | "date"


@dataclass(frozen=True)
class Table:
    """One table of a report; `name` is a short ascii id used in file names."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple, ...]  # str | int | Decimal | Fraction | date | None, one per column
    note: str = ""  # a line printed under the table


@dataclass(frozen=True)
class Report:
    """A report: its title, the filters applied, the date it was made (already formatted) and its tables."""

    title: str
    subtitle: str
    generated: str
    tables: tuple[Table, ...]


Text = Callable[[object, str], str]  # (value, column kind) -> the text a reader sees, in the reader's language


# ---- formula neutralisation ------------------------------------------------------------------------------

# = + - @ start a formula in Excel and LibreOffice (with their full-width forms, which some versions and input
# methods fold to ASCII); a tab or a carriage return in front of them hides them from naive checks.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER_TEXT = re.compile(r"[-+\u2212]?\d[\d.,' \u00a0\u202f]*%?")  # a formatted number: "-1.234,5", "-12,5 %"


def dangerous(text: str) -> bool:
    """True when a spreadsheet could take the text as a formula: it starts with = + - @, a tab or a carriage
    return, or starts with one of = + - @ after leading spaces (LibreOffice's CSV import can trim spaces)."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """The text with an apostrophe in front when a spreadsheet could run it (see `dangerous`), else unchanged."""
    return "'" + text if dangerous(text) else text


# ---- file names ------------------------------------------------------------------------------------------

def _slug(text: str) -> str:
    """Lowercase ascii words joined by "-": "Báo cáo năm 2017" -> "bao-cao-nam-2017"."""
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def filename(report_name: str, table: Table | None, extension: str) -> str:
    """An ascii-safe download name: "bao-cao-2017-clusters.csv" for the report "bao-cao-2017" and the table
    "clusters"; Vietnamese letters lose their marks, anything else becomes "-"."""
    stem = "-".join(part for part in (_slug(report_name)[:80].strip("-"), _slug(table.name)[:40].strip("-")
                                      if table else "") if part) or "report"
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:8]
    return f"{stem}.{extension}" if extension else stem


# ---- shared helpers --------------------------------------------------------------------------------------

def _number(value) -> int | float | Decimal | None:
    """A cell value as a spreadsheet number, or None when it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return Decimal(plain(value)) if value.is_finite() else None
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    return None


# Control characters (but tab and line breaks), lone surrogates (from a JSON "\ud800") and the non-characters
# U+FFFE/U+FFFF: XML cannot carry them (openpyxl raises IllegalCharacterError), UTF-8 cannot encode surrogates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def scrub(value) -> str:
    """A value as text without the characters no format can carry (see `_UNPRINTABLE`); None is ""."""
    return "" if value is None else _UNPRINTABLE.sub("", str(value))


def _word(text: str) -> int:
    """The longest word of a text, in characters."""
    return max((len(word) for word in text.split()), default=0)


def _width(text: str) -> int:
    """The longest line of a text, in characters."""
    return max((len(line) for line in text.split("\n")), default=0)


# ---- XLSX ------------------------------------------------------------------------------------------------

TITLE_ROW, SUBTITLE_ROW, GENERATED_ROW, TABLE_TITLE_ROW, HEADER_ROW = 1, 2, 3, 4, 5
FIRST_ROW = HEADER_ROW + 1
NUMBER_FORMATS = {"int": "#,##0", "decimal": "#,##0.0##", "share": "0.0%"}
DATE_FORMAT = "dd/mm/yyyy"
MAX_CELL = 32767  # Excel's limit on the characters of a cell
MIN_WIDTH, MAX_WIDTH = 8, 60
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the ZIP entries' time, so the same report gives the same bytes

_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_ITALIC = Font(italic=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_TEXT_ALIGN = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _text_cell(cell, value) -> None:
    """Any value as a plain string cell: neutralised, without XML-illegal characters, within Excel's length."""
    text = neutralise(scrub(value))[:MAX_CELL]
    cell.value = text
    cell.data_type = "s"  # openpyxl would make a formula of a text starting with "="


def _put(cell, value, kind: str) -> int:
    """Write one cell, typed as its value is; returns the width in characters it needs."""
    if value is None:
        return 0
    if isinstance(value, date):
        if value.year >= 1900:  # Excel has no earlier dates
            cell.value = value.replace(tzinfo=None) if isinstance(value, datetime) else value
            cell.number_format = DATE_FORMAT
            return 10
        value = value.strftime("%d/%m/%Y")
    number = _number(value)
    if number is not None:
        cell.value = number
        cell.number_format = NUMBER_FORMATS.get(kind, "General")
        return _number_width(number, kind)
    _text_cell(cell, value)
    return _width(cell.value)


def _number_width(number, kind: str) -> int:
    """About the characters a number needs as its format shows it."""
    try:
        if kind == "share":
            return len(f"{number * 100:,.1f}%")
        if kind == "decimal":
            return len(f"{number:,.3f}")
        return len(f"{number:,}") if isinstance(number, int) else len(f"{number:,.0f}")
    except (OverflowError, ValueError):
        return MAX_WIDTH


def _cut(text: str, limit: int) -> str:
    """The text within `limit` characters, cut after a whole word when that keeps at least half of it."""
    if len(text) > limit:
        head = text[:limit + 1]
        cut = head.rsplit(" ", 1)[0] if " " in head else ""
        text = cut if len(cut) >= limit // 2 else text[:limit]
    return text.strip(" '")


def _sheet_name(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, not starting or ending with an
    apostrophe, not "History", and unique (Excel compares names without case)."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", scrub(title))
    name = _cut(re.sub(r"\s+", " ", name).strip(" '"), 31)
    if not name or name.lower() == "history":
        name = f"Sheet{len(taken) + 1}"
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = _cut(name, 31 - len(suffix)) + suffix
    taken.add(candidate.lower())
    return candidate


def _write_table(ws, report: Report, table: Table) -> None:
    """Title lines, the header (bold, frozen, with a filter), the typed rows, the note; widths and printing."""
    for row, value, font in ((TITLE_ROW, report.title, _TITLE_FONT), (SUBTITLE_ROW, report.subtitle, None),
                             (GENERATED_ROW, report.generated, _ITALIC), (TABLE_TITLE_ROW, table.title, _BOLD)):
        if value:
            cell = ws.cell(row=row, column=1)
            _text_cell(cell, value)
            if font:
                cell.font = font
    columns = table.columns or (Column(""),)
    widths = []
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index)
        _text_cell(cell, column.label)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BOX, _HEADER_ALIGN
        widths.append(min(_width(cell.value), 30))
    for number, values in enumerate(table.rows, start=FIRST_ROW):
        for index, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
            cell = ws.cell(row=number, column=index)
            widths[index - 1] = max(widths[index - 1], _put(cell, value, column.kind))
            cell.border = _BOX
            cell.alignment = _TEXT_ALIGN if cell.data_type == "s" else _TOP
    last_row = HEADER_ROW + len(table.rows)
    if table.note:
        cell = ws.cell(row=last_row + 2, column=1)
        _text_cell(cell, table.note)
        cell.font = _ITALIC
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    last_column = get_column_letter(len(columns))
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _repack(data: bytes) -> bytes:
    """The same ZIP with every entry dated `_FIXED_TIME`: the same workbook always gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            target.writestr(entry, source.read(info))
    return out.getvalue()


def to_xlsx(report: Report) -> bytes:
    """The report as a workbook: one sheet per table with the report's title lines, a bold, frozen and filtered
    header and typed cells (numbers, shares, dates with their formats); every text cell a neutralised plain
    string. A report without tables gives one sheet with its title lines."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in report.tables or (Table("", report.title, (), ()),):
        _write_table(workbook.create_sheet(_sheet_name(table.title, taken)), report, table)
    properties = workbook.properties
    properties.title = scrub(report.title)[:255]
    properties.creator = None
    properties.created = properties.modified = datetime(*_FIXED_TIME)  # the date is in the title lines
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()  # not save_workbook(), which stamps the current time
    return _repack(out.getvalue())


# ---- CSV -------------------------------------------------------------------------------------------------

def _csv_cell(value, kind: str, text: Text) -> str:
    """One CSV field. A "text" column's text is neutralised. A number or date column's text is left alone when it
    is plainly a formatted number or date ("-5", "-1.234,5", "-12,5%", "26/02/2018": a leading "-" is then a minus
    sign and a spreadsheet reads a number, nothing it could run), and neutralised otherwise (a stray text such
    as "-2+3" or "=cmd|' /C calc'!A0" in a number column)."""
    if value is None:
        return ""
    shown = scrub(text(value, kind))
    if kind != "text" and _NUMBER_TEXT.fullmatch(shown):
        return shown
    return neutralise(shown)


def to_csv(table: Table, *, text: Text) -> bytes:
    """One table as CSV for Excel: UTF-8 with a byte order mark (so Excel reads Vietnamese right), "\\r\\n" line
    ends, the header row then the rows, every value as `text` shows it (None as empty) and neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(scrub(column.label)) for column in table.columns])
    for values in table.rows:
        writer.writerow([_csv_cell(value, column.kind, text)
                         for column, value in zip(table.columns, values, strict=False)])
    return buffer.getvalue().encode("utf-8-sig")


# ---- PDF -------------------------------------------------------------------------------------------------

ALIGN = {"int": "n", "decimal": "n", "share": "n", "date": "c", "text": "l"}


def _css_string(text: str) -> str:
    """The inside of a CSS string: letters, digits and spaces as they are, anything else as a hex escape."""
    return "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in scrub(text))


def _pdf_table(table: Table, text: Text) -> dict:
    """A table as the template prints it: column labels and alignments, widths in %, the rows' texts."""
    columns = [(scrub(column.label), ALIGN.get(column.kind, "l")) for column in table.columns]
    rows = [[("" if value is None else scrub(text(value, column.kind)))
             for column, value in zip(table.columns, values, strict=False)] for values in table.rows]
    weights = [min(max(_width(label), 4), 16) for label, _align in columns]
    words = [max(_word(label), 4) for label, _align in columns]  # a column is never narrower than its longest word
    for row in rows:
        for index, cell in enumerate(row):
            weights[index] = max(weights[index], min(_width(cell), 60))
            words[index] = max(words[index], min(_word(cell), 24))
    weights = [max(weight, 2 * word) for weight, word in zip(weights, words, strict=True)]
    total = sum(weights) or 1
    widths = [f"{100 * weight / total:.2f}" for weight in weights]
    return {"title": scrub(table.title), "note": scrub(table.note), "columns": columns, "widths": widths, "rows": rows}


def to_pdf(report: Report, *, text: Text, lang: str = "vi", page_word: str = "Trang") -> bytes:
    """The report printed on A4 landscape: the title lines, then each table with its title, its header repeated
    on every page, rows kept whole, numbers right-aligned and its note; "Trang N/M" at the foot of every page
    (`page_word` in the reader's language, `lang` the document's language)."""
    head = {"title": scrub(report.title), "subtitle": scrub(report.subtitle), "generated": scrub(report.generated)}
    return render_pdf("table_report.html", report=head, tables=[_pdf_table(t, text) for t in report.tables],
                lang=re.sub(r"[^A-Za-z-]", "", lang.replace("_", "-"))[:20] or "vi", page_word=_css_string(page_word))
