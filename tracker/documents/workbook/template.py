"""Building the template: one visible, protected worksheet of the table and a very hidden one naming it."""
import io
import math
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.rules.numbers import MAX_DIGITS, plain

from .layout import (
    COLUMNS_MARKER,
    EDITABLE,
    FIRST_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    KEY_COLUMN,
    KEYS_ROW,
    LABEL,
    META_SHEET,
    NOTE_ROW,
    NUMBER,
    TEXT,
    TITLE_ROW,
    Sheet,
    shown,
)

NUMBER_FORMAT = "General"  # "#,##0.####" would show 12 as "12." in Excel
_BOUND = Decimal(10) ** MAX_DIGITS - 1
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

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
        message = _l("Enter a number from %(min)s to %(max)s.", min=shown(low, locale), max=shown(high, locale))
    elif low is not None:
        message = _l("Enter a number of at least %(min)s.", min=shown(low, locale))
    elif high is not None:
        message = _l("Enter a number of at most %(max)s.", max=shown(high, locale))
    else:
        message = _l("Enter a number.")
    return DataValidation(type="decimal", operator="between", allow_blank=True, showErrorMessage=True,
                          formula1=plain(-_BOUND if low is None else low),
                          formula2=plain(_BOUND if high is None else high), error=str(message)[:255])
