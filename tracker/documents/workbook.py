"""Excel round trips: download a template, fill it in, upload it back.

A template holds one visible worksheet: the title (row 1), one line of instructions (row 2), the column headers
(row 3), a hidden row of column keys (row 4), then one row per table row from row 5 with the row's key in the
hidden column A. Rows and columns are matched by these keys, never by position, so a table the user sorted
still reads back right. A very hidden worksheet "_tracker" names the kind of table, what it belongs to and the
format version, so the template of another year, cluster or table is recognised and refused.

Reading treats the upload as hostile: the container is checked (size, ZIP magic, unpacked size, compression
ratio, encryption, macros) before openpyxl sees it, openpyxl then runs in read-only mode over a bounded number
of rows, and anything that goes wrong inside it becomes `Refused`. Every bad cell is collected, not only the
first. Plain data in, plain data out: no Flask request, no database.
"""
import contextlib
import io
import math
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.rules.numbers import MAX_DECIMALS, MAX_DIGITS, NumberError, parse_number, plain
from tracker.rules.text import has_control_characters, normalise

FORMAT_VERSION = "1"  # bump when the layout changes: older templates are then refused
META_SHEET = "_tracker"
COLUMNS_MARKER = "#columns"  # column A of the hidden row holding the column keys
TITLE_ROW, NOTE_ROW, HEADER_ROW, KEYS_ROW, FIRST_ROW = 1, 2, 3, 4, 5
KEY_COLUMN = 1  # column A, hidden: the row keys
LABEL, NUMBER, TEXT = "label", "number", "text"
EDITABLE = (NUMBER, TEXT)
NUMBER_FORMAT = "General"  # "#,##0.####" would show 12 as "12." in Excel
ROW_SEPARATOR = " – "

EXTRA_ROWS = 1000  # rows read beyond the expected ones; more and the file is refused
EXTRA_COLUMNS = 20  # columns read beyond the expected ones (a column the user inserted shifts the others)
MAX_UNPACKED = 50_000_000  # bytes, all members together
MAX_RATIO = 100
RATIO_FLOOR = 1_000_000  # a small member may compress very well (empty styled cells); only big ones are bombs
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and also any Office file locked by a password
_BOUND = Decimal(10) ** MAX_DIGITS - 1
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_PLAIN_VALUES = (type(None), str, int, float, Decimal, datetime, date, time, timedelta)

EMPTY = _l("The file is empty.")
NOT_XLSX = _l("This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it again.")
OLD_OR_LOCKED = _l("This is an old Excel file (.xls) or a workbook locked by a password. Save it as an Excel "
                   "Workbook (.xlsx) without a password and upload it again.")
LOCKED = _l("The workbook is locked by a password. Save it without a password and upload it again.")
TOO_BIG_UNPACKED = _l("The workbook is too large once unpacked. Download the template again and fill it in.")
MACROS = _l("Workbooks with macros are not accepted. Save it as an Excel Workbook (.xlsx) and upload it again.")
UNREADABLE = _l("The workbook cannot be read; it may be damaged. Download the template again and fill it in.")
NOT_TEMPLATE = _l("This file is not a template downloaded from this application. Download the template again.")
OTHER_TEMPLATE = _l("This file is the template of another year, cluster or table. Download the template again.")
LAYOUT = _l("The layout of the template was changed. Download the template again and fill it in without adding "
            "or removing columns.")
NOT_A_NUMBER = _l("Enter a number such as 1.234,5.")
FORMULA = _l("Type the value, not a formula.")
CONTROL = _l("The text contains invisible control characters; please retype it.")
UNKNOWN_ROW = _l("This row is not part of the table; download the template again.")
DUPLICATE_ROW = _l("This row appears twice in the file; delete one of the copies.")


@dataclass(frozen=True)
class Column:
    """One column of the table: a read-only label, an editable number or an editable text."""

    key: str
    header: str
    kind: str
    width: int = 16
    max_length: int = 300
    minimum: Decimal | None = None


@dataclass(frozen=True)
class Row:
    """One row of the table: a stable key, the current values by column key, upper bounds by column key."""

    key: str
    values: Mapping[str, object]
    maximum: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Sheet:
    """A whole table: which template it is (kind, context), its heading, columns and rows."""

    kind: str
    context: str
    title: str
    instructions: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CellError:
    """A bad cell: where it is ("D7"), the row's labels, the column header, and why."""

    cell: str
    row: str
    column: str  # empty when the error is about the whole row
    message: str


@dataclass(frozen=True)
class Reading:
    """What an upload holds: editable values by row key and column key, and every bad cell."""

    values: dict[str, dict[str, object]]
    errors: list[CellError]


class Refused(Exception):
    """The whole file is refused; `message` (also `str(exc)`) says why in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class _Bad(Exception):
    """One cell's value is refused (internal)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- building the template -------------------------------------------------------------------------------------

_TITLE_FONT = Font(bold=True, size=14)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_FILL = PatternFill("solid", fgColor="EEEEEE")
_THIN = Side(style="thin", color="A6A6A6")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_UNLOCKED = Protection(locked=False)


def build(sheet: Sheet, *, locale: str = "vi") -> bytes:
    """The .xlsx template of a table, current values filled in; `locale` formats the bounds in Excel's messages."""
    _check_sheet(sheet)
    workbook = Workbook()
    ws = workbook.active
    ws.title = _sheet_name(sheet.title)
    _write_frame(ws, sheet)
    _write_rows(ws, sheet)
    _add_validations(ws, sheet, locale)
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=1)
    ws.protection.sheet = True  # no password: it only guards the labels against a slip of the hand
    ws.protection.formatColumns = False  # still allow widening columns and rows
    ws.protection.formatRows = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    meta = workbook.create_sheet(META_SHEET)
    for number, pair in enumerate((("format", FORMAT_VERSION), ("kind", sheet.kind), ("context", sheet.context)),
                                  start=1):
        _put(meta.cell(row=number, column=1), pair[0])
        _put(meta.cell(row=number, column=2), pair[1])
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    workbook.security = WorkbookProtection(lockStructure=True)  # no renaming, adding or unhiding sheets
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _check_sheet(sheet: Sheet) -> None:
    """Refuse a table description the template cannot represent (a programming error, not a user's)."""
    keys = [c.key for c in sheet.columns]
    if not keys or len(set(keys)) != len(keys) or COLUMNS_MARKER in keys or not all(keys):
        raise ValueError("columns need distinct, non-empty keys")
    if any(c.kind not in (LABEL, *EDITABLE) for c in sheet.columns):
        raise ValueError("column kind must be label, number or text")
    rows = [r.key for r in sheet.rows]
    if len(set(rows)) != len(rows) or not all(isinstance(k, str) and k.strip() == k and k for k in rows):
        raise ValueError("rows need distinct, non-empty keys without surrounding space")
    if COLUMNS_MARKER in rows:
        raise ValueError(f"{COLUMNS_MARKER} cannot be a row key")


def _sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", title or ""))
    name = name.strip(" '")[:31].strip(" '")
    return name if name and name.lower() != META_SHEET else "Sheet1"


def _put(cell, value) -> None:
    """Write a value: Decimals as plain numbers, text always as text (never read as a formula by Excel)."""
    if value is None:
        return
    if isinstance(value, Decimal) and value.is_finite():
        cell.value = Decimal(plain(value))
    elif isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        cell.value = value
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"


def _write_frame(ws, sheet: Sheet) -> None:
    """Title, instructions, headers, the hidden key row and the hidden key column, widths."""
    _put(ws.cell(row=TITLE_ROW, column=2), sheet.title)
    ws.cell(row=TITLE_ROW, column=2).font = _TITLE_FONT
    _put(ws.cell(row=NOTE_ROW, column=2), sheet.instructions)
    ws.cell(row=NOTE_ROW, column=2).font = Font(italic=True)
    _put(ws.cell(row=KEYS_ROW, column=KEY_COLUMN), COLUMNS_MARKER)
    for index, column in enumerate(sheet.columns, start=2):
        header = ws.cell(row=HEADER_ROW, column=index)
        _put(header, column.header)
        header.font, header.fill, header.border = _HEADER_FONT, _HEADER_FILL, _BOX
        header.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        _put(ws.cell(row=KEYS_ROW, column=index), column.key)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.column_dimensions[get_column_letter(KEY_COLUMN)].hidden = True
    ws.row_dimensions[KEYS_ROW].hidden = True


def _write_rows(ws, sheet: Sheet) -> None:
    """One row per table row: the key in column A, grey locked labels, unlocked editable cells."""
    for number, row in enumerate(sheet.rows, start=FIRST_ROW):
        _put(ws.cell(row=number, column=KEY_COLUMN), row.key)
        for index, column in enumerate(sheet.columns, start=2):
            cell = ws.cell(row=number, column=index)
            _put(cell, row.values.get(column.key))
            cell.border = _BOX
            if column.kind == LABEL:
                cell.fill, cell.alignment = _LABEL_FILL, _WRAP
            else:
                cell.protection = _UNLOCKED
                if column.kind == NUMBER:
                    cell.number_format = NUMBER_FORMAT
                else:
                    cell.alignment = _WRAP
                    cell.number_format = "@"  # text: Excel must not turn "1/2" into a date


def _add_validations(ws, sheet: Sheet, locale: str) -> None:
    """Excel's own checks on editable cells: decimals within bounds, texts within their length."""
    if not sheet.rows:
        return
    first, last = FIRST_ROW, FIRST_ROW + len(sheet.rows) - 1
    title = str(_l("Value not accepted"))[:32]
    for index, column in enumerate(sheet.columns, start=2):
        letter = get_column_letter(index)
        if column.kind == TEXT:
            rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1=str(column.max_length),
                                  allow_blank=True, showErrorMessage=True, errorTitle=title,
                                  error=str(_l("At most %(max)d characters.", max=column.max_length))[:255])
            rule.add(f"{letter}{first}:{letter}{last}")
            ws.add_data_validation(rule)
        elif column.kind == NUMBER:
            groups: dict[Decimal | None, list[str]] = {}
            for number, row in enumerate(sheet.rows, start=FIRST_ROW):
                groups.setdefault(row.maximum.get(column.key), []).append(f"{letter}{number}")
            for top, cells in groups.items():
                rule = _number_rule(column.minimum, top, locale)
                rule.errorTitle = title
                for cell in cells:
                    rule.add(cell)
                ws.add_data_validation(rule)


def _number_rule(low: Decimal | None, high: Decimal | None, locale: str) -> DataValidation:
    """A decimal validation between the bounds that exist, with a message naming them."""
    if low is not None and high is not None:
        message = _l("Enter a number from %(min)s to %(max)s.", min=_shown(low, locale), max=_shown(high, locale))
    elif low is not None:
        message = _l("Enter a number of at least %(min)s.", min=_shown(low, locale))
    elif high is not None:
        message = _l("Enter a number of at most %(max)s.", max=_shown(high, locale))
    else:
        message = _l("Enter a number.")
    return DataValidation(type="decimal", operator="between", allow_blank=True, showErrorMessage=True,
                          formula1=plain(-_BOUND if low is None else low),
                          formula2=plain(_BOUND if high is None else high), error=str(message)[:255])


def _shown(value, locale: str) -> str:
    """A number as the user reads it: "1.234,5" in Vietnamese."""
    return format_decimal(value, format="#,##0.####", locale=locale)


# --- reading an upload -----------------------------------------------------------------------------------------

@dataclass
class _Line:
    """One row of the uploaded sheet below the key row: its number, key and cells by column key."""

    number: int
    key: object
    cells: dict[str, tuple[object, str]]  # column key -> (value, openpyxl data type)


def read(data: bytes, filename: str, expected: Sheet, *, locale: str = "vi", max_bytes: int = 2_000_000) -> Reading:
    """Read an uploaded template against the table it should be; raises only Refused, bad cells are collected."""
    _check_container(data, filename, max_bytes, locale)
    workbook = None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, odd dates); they change nothing we read
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            _check_meta(workbook, expected)
            columns, lines = _scan(workbook, expected)
    except Refused:
        raise
    except Exception as exc:  # a hostile file can break the parser in any way: refuse it, never crash
        raise Refused(UNREADABLE) from exc
    finally:
        if workbook is not None:
            with contextlib.suppress(Exception):  # closing an in-memory archive; nothing to report
                workbook.close()
    return _interpret(columns, lines, expected, locale)


def _check_container(data: bytes, filename: str, max_bytes: int, locale: str) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx ZIP before any XML parser sees it."""
    if not data:
        raise Refused(EMPTY)
    if len(data) > max_bytes:
        raise Refused(_l("The file is larger than %(size)s.", size=_size(max_bytes, locale)))
    if not (filename or "").strip().lower().endswith(".xlsx"):
        raise Refused(NOT_XLSX)
    head = bytes(data[:8])
    if head == OLE_MAGIC:
        raise Refused(OLD_OR_LOCKED)
    if head[:4] != ZIP_MAGIC:
        raise Refused(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, but also OSError, ValueError, EOFError on a mangled directory
        raise Refused(UNREADABLE) from exc
    # The sizes come from the central directory; zipfile stops reading a member at its declared size, so
    # checking them here bounds what openpyxl can ever unpack.
    if sum(m.file_size for m in members) > MAX_UNPACKED or any(
            m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise Refused(TOO_BIG_UNPACKED)
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused(LOCKED)
    names = {m.filename for m in members}
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise Refused(MACROS)
    if "xl/workbook.xml" not in names:  # a .docx or .pptx renamed, or some other ZIP
        raise Refused(NOT_XLSX)


def _size(count: int, locale: str) -> str:
    """A size in bytes as a person reads it: "2 MB", "1,5 MB", "500 KB"."""
    if count >= 1_000_000:
        return format_decimal(count / 1_000_000, format="#,##0.#", locale=locale) + " MB"
    return format_decimal(max(count, 1_000) / 1_000, format="#,##0", locale=locale) + " KB"


def _check_meta(workbook, expected: Sheet) -> None:
    """Refuse a workbook that is not the template of the expected table."""
    if META_SHEET not in workbook.sheetnames:
        raise Refused(NOT_TEMPLATE)
    found: dict[str, object] = {}
    for name, value in workbook[META_SHEET].iter_rows(min_row=1, max_row=20, min_col=1, max_col=2,
                                                      values_only=True):
        if isinstance(name, str):
            found.setdefault(name, value)
    if (_as_text(found.get("format")) != FORMAT_VERSION or _as_text(found.get("kind")) != expected.kind
            or _as_text(found.get("context")) != expected.context):
        raise Refused(OTHER_TEMPLATE)


def _as_text(value) -> str | None:
    """A stored key as text ("1" and 1 alike); None when absent."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _scan(workbook, expected: Sheet) -> tuple[dict[str, int], list[_Line]]:
    """The column positions (from the key row) and the rows below it, reading a bounded number of rows."""
    ws = next((sheet for sheet in workbook.worksheets if sheet.title != META_SHEET), None)
    if ws is None:
        raise Refused(LAYOUT)
    width = KEY_COLUMN + len(expected.columns) + EXTRA_COLUMNS
    last = FIRST_ROW - 1 + len(expected.rows) + EXTRA_ROWS  # rows that may hold something
    # Below them, empty rows (formatting only) are tolerated for a while. openpyxl yields row `bound + 1` only
    # when the sheet has a row there or further down, so a sheet a million rows long is refused after a few
    # thousand rows, never parsed to its end.
    bound = last + EXTRA_ROWS
    too_many = _l("The table has too many rows (at most %(count)d).", count=len(expected.rows))
    columns: dict[str, int] | None = None
    lines: list[_Line] = []
    rows = ws.iter_rows(min_row=1, max_row=bound + 1, min_col=1, max_col=width)
    for number, row in enumerate(rows, start=1):
        cells = [(cell.value, cell.data_type) for cell in row]
        if number > last:
            if columns is None:
                raise Refused(LAYOUT)
            if number > bound or any(_present(value) for value, _ in cells):
                raise Refused(too_many)
            continue
        if columns is None:
            if cells and cells[0][0] == COLUMNS_MARKER:
                columns = _column_positions(cells, expected)
            continue
        lines.append(_Line(number, cells[0][0] if cells else None,
                           {key: cells[index - 1] for key, index in columns.items() if index <= len(cells)}))
    if columns is None:
        raise Refused(LAYOUT)
    return columns, lines


def _column_positions(cells: list[tuple[object, str]], expected: Sheet) -> dict[str, int]:
    """Column key -> column number, from the hidden key row; every editable column must be there once."""
    keys = {column.key for column in expected.columns}
    positions: dict[str, int] = {}
    for index, (value, _) in enumerate(cells, start=1):
        if index != KEY_COLUMN and isinstance(value, str) and value in keys:
            if value in positions:
                raise Refused(LAYOUT)
            positions[value] = index
    if any(column.kind in EDITABLE and column.key not in positions for column in expected.columns):
        raise Refused(LAYOUT)
    return positions


def _present(value) -> bool:
    """The cell holds something (blank text counts as empty)."""
    return value is not None and not (isinstance(value, str) and not value.strip())


def _interpret(columns: dict[str, int], lines: list[_Line], expected: Sheet, locale: str) -> Reading:
    """Match rows by key and check every editable cell."""
    rows = {row.key: row for row in expected.rows}
    editable = [column for column in expected.columns if column.kind in EDITABLE]
    labels = [column for column in expected.columns if column.kind == LABEL]
    first = get_column_letter(min(columns.values(), default=KEY_COLUMN + 1))
    values: dict[str, dict[str, object]] = {}
    errors: list[CellError] = []
    for line in lines:
        key = _row_key(line.key)
        row = rows.get(key) if key is not None else None
        if row is None or key in values:
            filled = any(_present(line.cells.get(column.key, (None, "n"))[0]) for column in editable)
            if key is not None or filled:
                shown = {c.key: line.cells[c.key][0] for c in labels if c.key in line.cells}
                errors.append(CellError(f"{first}{line.number}", _row_label(shown, labels, locale), "",
                                        str(UNKNOWN_ROW if row is None else DUPLICATE_ROW)))
            continue
        label = _row_label(row.values, labels, locale)
        got: dict[str, object] = {}
        for column in editable:
            value, data_type = line.cells.get(column.key, (None, "n"))
            try:
                if column.kind == NUMBER:
                    got[column.key] = _number(value, data_type, column, row.maximum.get(column.key), locale)
                else:
                    got[column.key] = _text(value, data_type, column)
            except _Bad as bad:
                coordinate = f"{get_column_letter(columns[column.key])}{line.number}"
                errors.append(CellError(coordinate, label, column.header, str(bad.message)))
        values[key] = got
    return Reading(values, errors)


def _row_key(value) -> str | None:
    """The key in column A as text; None when blank."""
    if value is None or isinstance(value, bool):
        return None
    text = _as_text(value)
    return text or None


def _row_label(values: Mapping[str, object], labels: list[Column], locale: str) -> str:
    """The row as a person names it: its label cells joined by " – "."""
    parts = []
    for column in labels:
        value = values.get(column.key)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            try:
                parts.append(_shown(value, locale))
            except Exception:  # a NaN or an odd number in a label column only loses its display
                continue
        elif _present(value):
            parts.append(normalise(str(value)))
    return ROW_SEPARATOR.join(parts)


def _is_formula(value, data_type: str) -> bool:
    """A formula: plain, shared, array or data table (read-only openpyxl marks every one of them "f")."""
    return data_type == "f" or not isinstance(value, _PLAIN_VALUES)


def _number(value, data_type: str, column: Column, top: Decimal | None, locale: str) -> Decimal | None:
    """A number cell as an exact Decimal within its bounds; blank is None. Raises _Bad."""
    # In a number cell, text that starts with "=" is a formula typed where a value was wanted, too.
    if _is_formula(value, data_type) or (isinstance(value, str) and value.lstrip().startswith("=")):
        raise _Bad(FORMULA)
    if not _present(value):
        return None
    if isinstance(value, str):
        try:
            number = parse_number(value, locale)
        except NumberError:
            raise _Bad(NOT_A_NUMBER) from None
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _Bad(NOT_A_NUMBER)  # TRUE/FALSE, dates, times
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _Bad(NOT_A_NUMBER)
        number = Decimal(repr(value))
    else:
        number = Decimal(value)
    number = _exact(number)
    if column.minimum is not None and number < column.minimum:
        raise _Bad(_l("At least %(min)s.", min=_shown(column.minimum, locale)))
    if top is not None and number > top:
        raise _Bad(_l("At most %(max)s.", max=_shown(top, locale)))
    return number


def _exact(number: Decimal) -> Decimal:
    """The number normalised, within the digits a typed number may have. Raises _Bad."""
    if not number.is_finite():
        raise _Bad(NOT_A_NUMBER)
    if number == 0:
        return Decimal(0)
    number = number.normalize()
    _, digits, exponent = number.as_tuple()
    if -exponent > MAX_DECIMALS or len(digits) + exponent > MAX_DIGITS:
        raise _Bad(NOT_A_NUMBER)
    return number


def _text(value, data_type: str, column: Column) -> str | None:
    """A text cell trimmed and in NFC; blank is None. Raises _Bad."""
    if _is_formula(value, data_type):
        raise _Bad(FORMULA)
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = str(value).upper()
    elif isinstance(value, float) and math.isfinite(value):
        text = plain(Decimal(repr(value)))
    elif isinstance(value, Decimal) and value.is_finite():
        text = plain(value)
    elif isinstance(value, datetime):
        text = value.strftime("%d/%m/%Y %H:%M" if value.time() != time() else "%d/%m/%Y")
    elif isinstance(value, date):
        text = value.strftime("%d/%m/%Y")
    elif isinstance(value, time):
        text = value.strftime("%H:%M")
    else:
        text = str(value)
    if has_control_characters(text):
        raise _Bad(CONTROL)
    text = normalise(text)
    if not text:
        return None
    if len(text) > column.max_length:
        raise _Bad(_l("At most %(max)d characters.", max=column.max_length))
    return text
