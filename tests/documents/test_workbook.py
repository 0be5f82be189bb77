"""The Excel template round trip: build a template, fill it in as a user would, read it back; hostile files refused.

Pure: plain dataclasses in, bytes out and back; no app, no database. The table is a cluster-year's targets:
two indicators for two boards, an editable target (at least 0, at most a per-row bound on one row), an editable
actual figure and an editable source text."""
import io
import os
import re
import time
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal

import docx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.support.workbook import COLUMNS, CONTEXT, NAME, ROWS, SHEET, rezip
from tracker.documents import workbook
from tracker.documents.workbook import CellError, Column, Reading, Refused, Sheet, build, read

# Where things land in the template: keys in A, the columns from B, the rows from 5 in the order given.
CELL = {"target": "D", "actual": "E", "source": "F"}
LINE = {"12:5": 5, "12:6": 6, "13:5": 7}
PREFILLED = {
    "12:5": {"target": Decimal("1234.5"), "actual": None, "source": "QĐ 12/QĐ-UBND"},
    "12:6": {"target": Decimal(800), "actual": Decimal("-2.25"), "source": None},
    "13:5": {"target": None, "actual": None, "source": "=bắt đầu bằng dấu ="},
}


def fill(data: bytes, cells: dict | None = None, edit=None) -> bytes:
    """The template after a user typed `cells` ({"D5": value}) and did `edit(worksheet)`, saved by openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book.worksheets[0]
    for coordinate, value in (cells or {}).items():
        ws[coordinate] = value
    if edit:
        edit(ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def errors_by_cell(reading: Reading) -> dict[str, CellError]:
    """The errors keyed by coordinate (each cell has at most one)."""
    found = {error.cell: error for error in reading.errors}
    assert len(found) == len(reading.errors)
    return found


@pytest.fixture(scope="module")
def template() -> bytes:
    """The template of SHEET, built once."""
    return build(SHEET)


# --- the template ------------------------------------------------------------------------------------------------

def test_round_trip_gives_the_prefilled_values(template):
    reading = read(template, NAME, SHEET)
    assert reading.errors == []
    assert reading.values == PREFILLED


def test_template_layout(template):
    book = openpyxl.load_workbook(io.BytesIO(template))
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"]
    assert len(visible) == 1
    ws = visible[0]
    assert ws.title == SHEET.title[:31]
    assert ws["B1"].value == SHEET.title and ws["B2"].value == SHEET.instructions
    assert [ws.cell(row=3, column=c).value for c in range(2, 7)] == [c.header for c in COLUMNS]
    assert ws["D3"].font.b and ws["D3"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[4].hidden
    assert [ws[f"A{n}"].value for n in (5, 6, 7)] == ["12:5", "12:6", "13:5"]
    assert ws.freeze_panes == "A5"
    assert ws.column_dimensions["B"].width == 40 and ws.column_dimensions["D"].width == 16
    # Labels grey and locked, editable cells unlocked, the sheet protected without a password.
    assert ws["B5"].protection.locked and ws["B5"].fill.fgColor.rgb.endswith("EEEEEE")
    assert not ws["D5"].protection.locked and not ws["F5"].protection.locked
    assert ws.protection.sheet and not ws.protection.password
    # Decimals written as numbers, with the number format; text that starts with "=" stays text.
    assert ws["D5"].value == 1234.5 and ws["D5"].data_type == "n" and ws["D5"].number_format == "General"
    assert ws["F7"].value == "=bắt đầu bằng dấu =" and ws["F7"].data_type == "s"
    meta = book[workbook.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    assert [[c.value for c in row] for row in meta.iter_rows()] == [
        ["format", workbook.FORMAT_VERSION], ["kind", "targets"], ["context", CONTEXT]]
    assert book.security.lockStructure


def test_number_cells_are_validated_by_excel_with_the_row_maximum(template):
    ws = openpyxl.load_workbook(io.BytesIO(template)).worksheets[0]
    rules = {str(rule.sqref): rule for rule in ws.data_validations.dataValidation}
    assert rules["D5"].type == "decimal" and (rules["D5"].formula1, rules["D5"].formula2) == ("0", "5000")
    assert rules["D6 D7"].formula1 == "0" and Decimal(rules["D6 D7"].formula2) >= Decimal("1e14")
    assert rules["F5:F7"].type == "textLength" and rules["F5:F7"].formula1 == "20"
    assert all(rule.showErrorMessage and rule.error for rule in rules.values())


def test_a_table_without_rows_still_round_trips():
    empty = Sheet("scores", "meeting:3", "Chấm điểm", "", COLUMNS, ())
    assert read(build(empty), NAME, empty) == Reading({}, [])


def test_build_refuses_a_table_it_cannot_represent():
    with pytest.raises(ValueError):
        build(Sheet("targets", CONTEXT, "t", "", COLUMNS, (ROWS[0], ROWS[0])))
    with pytest.raises(ValueError):
        build(Sheet("targets", CONTEXT, "t", "", (*COLUMNS, Column("x", "X", "checkbox")), ROWS))


def test_sheet_names_excel_refuses_are_cleaned():
    sheet = Sheet("targets", CONTEXT, "Chỉ tiêu [2018]: Cụm 1/2 * ? \\ và một tên rất dài", "", COLUMNS, ROWS)
    ws = openpyxl.load_workbook(io.BytesIO(build(sheet))).worksheets[0]
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
    assert read(build(sheet), NAME, sheet).values == PREFILLED


# --- what a user types -------------------------------------------------------------------------------------------

def test_filled_cells_are_read(template):
    nfd = unicodedata.normalize("NFD", "  Quyết định 7  ")
    data = fill(template, {"D5": 7, "E5": 12.25, "D6": "1.234,5", "E6": "12,5", "F6": nfd, "D7": "",
                           "E7": "  ", "F5": None})
    reading = read(data, NAME, SHEET)
    assert reading.errors == []
    assert reading.values == {
        "12:5": {"target": Decimal(7), "actual": Decimal("12.25"), "source": None},
        "12:6": {"target": Decimal("1234.5"), "actual": Decimal("12.5"), "source": "Quyết định 7"},
        "13:5": {"target": None, "actual": None, "source": "=bắt đầu bằng dấu ="},
    }


def test_typed_numbers_follow_the_locale(template):
    data = fill(template, {"D6": "1,234.5", "E6": "-0.75"})
    assert read(data, NAME, SHEET, locale="en").values["12:6"] == {
        "target": Decimal("1234.5"), "actual": Decimal("-0.75"), "source": None}
    assert "D6" in errors_by_cell(read(data, NAME, SHEET, locale="vi"))


def test_numbers_a_text_column_and_dates_are_kept_as_text(template):
    data = fill(template, {"F5": 2018, "F6": 12.5, "F7": date(2018, 2, 26)})
    values = read(data, NAME, SHEET).values
    assert [values[key]["source"] for key in ("12:5", "12:6", "13:5")] == ["2018", "12.5", "26/02/2018"]


@pytest.mark.parametrize(("cell", "value", "message"), [
    ("D5", "mười hai", workbook.NOT_A_NUMBER),
    ("E6", "1,2,3", workbook.NOT_A_NUMBER),
    ("E6", True, workbook.NOT_A_NUMBER),
    ("E6", date(2018, 1, 1), workbook.NOT_A_NUMBER),
    ("E6", 0.123456, workbook.NOT_A_NUMBER),  # more decimals than a typed number may have
    ("E6", 1e16, workbook.NOT_A_NUMBER),  # more digits than a typed number may have
    ("D6", -1, "At least 0."),
    ("D6", "-0,5", "At least 0."),
    ("D5", 5000.5, "At most 5.000."),  # the row's own maximum, in the user's format
    ("D5", "=1+2", workbook.FORMULA),
    ("E7", "=SUM(D5:D6)", workbook.FORMULA),
    ("F6", "=A1", workbook.FORMULA),
    ("F6", "x" * 21, "At most 20 characters."),
    ("F6", "ghi chú\x7f", workbook.CONTROL),
])
def test_each_bad_cell_is_reported_where_it_is(template, cell, value, message):
    reading = read(fill(template, {cell: value}), NAME, SHEET)
    (error,) = reading.errors
    assert error.cell == cell
    assert error.message == str(message)
    assert error.column == {"D": "Kế hoạch", "E": "Thực hiện", "F": "Nguồn"}[cell[0]]
    assert error.row == {"5": "Thu hút vốn đầu tư – Đồng Nai", "6": "Thu hút vốn đầu tư – Bình Dương",
                         "7": "Giải quyết hồ sơ đúng hạn – Đồng Nai"}[cell[1]]
    row = {"5": "12:5", "6": "12:6", "7": "13:5"}[cell[1]]
    column = {"D": "target", "E": "actual", "F": "source"}[cell[0]]
    assert column not in reading.values[row]  # a refused value is not handed back as if it were fine


def test_every_bad_cell_is_collected(template):
    data = fill(template, {"D5": "abc", "E5": "=1", "D6": -3, "F6": "y" * 30, "E7": "1.2.3,4"})
    reading = read(data, NAME, SHEET)
    assert [error.cell for error in reading.errors] == ["D5", "E5", "D6", "F6", "E7"]
    assert reading.values["13:5"] == {"target": None, "source": "=bắt đầu bằng dấu ="}


def test_a_number_cell_holding_infinity_is_refused(template):
    def infinite(name, content):
        return content.replace(b"<v>1</v>", b"<v>1e999</v>") if name.endswith("sheet1.xml") else content

    reading = read(rezip(fill(template, {"D5": 1}), infinite), NAME, SHEET)
    assert [(error.cell, error.message) for error in reading.errors] == [("D5", str(workbook.NOT_A_NUMBER))]


def test_a_date_beyond_excels_calendar_is_a_bad_cell_not_a_refused_file(template):
    """openpyxl warns and reads the cell as #VALUE!; the warning is no reason to refuse the whole file."""
    def far_future(name, content):
        return re.sub(rb'(<c r="D5"[^>]*><v>)[^<]*', rb"\g<1>99999999", content) if name.endswith("sheet1.xml") \
            else content

    reading = read(rezip(fill(template, {"D5": date(2018, 1, 1)}), far_future), NAME, SHEET)
    assert [(error.cell, error.message) for error in reading.errors] == [("D5", str(workbook.NOT_A_NUMBER))]


def test_rows_sorted_by_the_user_still_map_by_key(template):
    def reverse(ws):
        rows = [[(cell.value, cell.data_type) for cell in ws[n]] for n in (5, 6, 7)]
        for n, values in zip((5, 6, 7), reversed(rows), strict=True):
            for index, (value, data_type) in enumerate(values, start=1):
                ws.cell(row=n, column=index).value = value
                ws.cell(row=n, column=index).data_type = data_type

    data = fill(template, {"D5": 10, "D7": 30}, edit=reverse)
    reading = read(data, NAME, SHEET)
    assert reading.errors == []
    assert reading.values["12:5"]["target"] == Decimal(10)
    assert reading.values["13:5"]["target"] == Decimal(30)
    assert reading.values["12:6"]["target"] == Decimal(800)
    bad = read(fill(data, {"D5": "x"}), NAME, SHEET)  # row 5 now holds 13:5
    assert [(error.cell, error.row) for error in bad.errors] == [("D5", "Giải quyết hồ sơ đúng hạn – Đồng Nai")]


def test_a_column_the_user_inserted_does_not_shift_the_values(template):
    def insert(ws):
        ws.protection.sheet = False
        ws.insert_cols(4)
        ws["D3"] = "Ghi chú riêng"
        ws["D5"] = "không đọc"

    data = fill(template, edit=insert)
    reading = read(fill(data, {"E6": 99}), NAME, SHEET)
    assert reading.errors == []
    assert reading.values["12:6"]["target"] == Decimal(99)


def test_rows_that_are_not_part_of_the_table(template):
    data = fill(template, {"A6": "99:9", "A9": "12:5", "D9": 1, "B11": "Đơn vị mới", "D11": 5, "B12": "chỉ ghi chú"})
    reading = read(data, NAME, SHEET)
    found = errors_by_cell(reading)
    assert set(found) == {"B6", "B9", "B11"}
    assert found["B6"].message == str(workbook.UNKNOWN_ROW)  # a key from elsewhere
    assert found["B6"].row == "Thu hút vốn đầu tư – Bình Dương"
    assert found["B9"].message == str(workbook.DUPLICATE_ROW)  # a copy of row 12:5
    assert found["B11"].message == str(workbook.UNKNOWN_ROW)  # a row added without a key
    assert set(reading.values) == {"12:5", "13:5"}
    assert reading.values["12:5"]["target"] == Decimal("1234.5")  # the first copy


# --- files refused as a whole -------------------------------------------------------------------------------------

def docx_bytes() -> bytes:
    """A Word document, to be renamed .xlsx."""
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Không phải bảng tính")
    document.save(out)
    return out.getvalue()


def set_zip_flag(data: bytes, flag: int) -> bytes:
    """Set a general-purpose flag bit on every entry of the ZIP's central directory (as encryption would)."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        raw[at + 8] |= flag
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


def with_meta(template: bytes, **changes) -> bytes:
    """The template with rows of its hidden sheet changed (None removes the sheet)."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    if changes.get("remove"):
        book.remove(book[workbook.META_SHEET])
    for row in book[workbook.META_SHEET].iter_rows() if workbook.META_SHEET in book.sheetnames else ():
        if row[0].value in changes:
            row[1].value = changes[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_workbook() -> bytes:
    """A workbook the user made from scratch, looking like the template but without its hidden sheet."""
    book = openpyxl.Workbook()
    book.active.append(["12:5", "Thu hút vốn đầu tư", "Đồng Nai", 1, 2, "x"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  b'<row r="5"><c r="D5" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')

REFUSED = {
    "empty": lambda t: (b"", NAME, {}),
    "too big": lambda t: (t, NAME, {"max_bytes": len(t) - 1}),
    "not named .xlsx": lambda t: (t, "chi-tieu.xls", {}),
    "named .xlsm": lambda t: (t, "chi-tieu.xlsm", {}),
    "no name": lambda t: (t, "", {}),
    "csv renamed": lambda t: ("Chỉ tiêu;Đơn vị\n12;Đồng Nai\n".encode(), NAME, {}),
    "exe renamed": lambda t: (b"MZ\x90\x00" + bytes(200), NAME, {}),
    "old xls renamed": lambda t: (workbook.OLE_MAGIC + bytes(504), NAME, {}),
    "random bytes": lambda t: (os.urandom(4096), NAME, {}),
    "zip header only": lambda t: (workbook.ZIP_MAGIC, NAME, {}),
    "truncated": lambda t: (t[: len(t) // 2], NAME, {}),
    "docx renamed": lambda t: (docx_bytes(), NAME, {}),
    "zip bomb by ratio": lambda t: (rezip(t, extra={"xl/media/zeros.bin": bytes(20_000_000)}), NAME, {}),
    "zip bomb by size": lambda t: (rezip(t, extra={f"xl/media/{n}.bin": bytes(9_000_000) for n in range(6)},
                                         compression=zipfile.ZIP_STORED), NAME, {"max_bytes": 10**8}),
    "encrypted entries": lambda t: (set_zip_flag(t, 0x1), NAME, {}),
    "macros": lambda t: (rezip(t, extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}), NAME, {}),
    "another context": lambda t: (with_meta(t, context="cluster_year:18"), NAME, {}),
    "another table": lambda t: (with_meta(t, kind="scores"), NAME, {}),
    "older format": lambda t: (with_meta(t, format="0"), NAME, {}),
    "without the meta sheet": lambda t: (with_meta(t, remove=True), NAME, {}),
    "made from scratch": lambda t: (plain_workbook(), NAME, {}),
    "broken sheet xml": lambda t: (rezip(t, lambda n, c: b"<worksheet><sheetData><row" if n.endswith("sheet1.xml")
                                         else c), NAME, {}),
    "billion laughs": lambda t: (rezip(t, lambda n, c: BILLION_LAUGHS if n.endswith("sheet1.xml") else c), NAME, {}),
    "no workbook part": lambda t: (rezip(t, lambda n, c: None if n == "xl/workbook.xml" else c), NAME, {}),
    "column keys removed": lambda t: (fill(t, {"A4": None}), NAME, {}),
    "an editable column removed": lambda t: (fill(t, edit=lambda ws: ws.delete_cols(5)), NAME, {}),
    "content far below the table": lambda t: (fill(t, {"D1048576": 1}), NAME, {}),
    "a million rows": lambda t: (rezip(t, lambda n, c: c.replace(b"</sheetData>", b'<row r="1048576"/></sheetData>')
                                       if n.endswith("sheet1.xml") else c), NAME, {}),
}


@pytest.mark.parametrize("case", REFUSED)
def test_files_refused_as_a_whole(template, case):
    data, filename, options = REFUSED[case](template)
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        read(data, filename, SHEET, **options)
    assert time.monotonic() - started < 60  # refused, not parsed for minutes (a generous bound: CI can be slow)
    assert str(refused.value) and str(refused.value) == str(refused.value.message)


def test_the_refusals_say_why(template):
    def why(case):
        data, filename, options = REFUSED[case](template)
        with pytest.raises(Refused) as refused:
            read(data, filename, SHEET, **options)
        return refused.value.message

    assert why("another context") == workbook.OTHER_TEMPLATE
    assert why("without the meta sheet") == workbook.NOT_TEMPLATE
    assert why("macros") == workbook.MACROS
    assert why("zip bomb by ratio") == why("zip bomb by size") == workbook.TOO_BIG_UNPACKED
    assert why("old xls renamed") == workbook.OLD_OR_LOCKED
    assert why("docx renamed") == why("csv renamed") == workbook.NOT_XLSX
    assert why("column keys removed") == workbook.LAYOUT
    assert str(why("too big")).endswith(" KB.")


@pytest.mark.parametrize(("max_bytes", "locale", "shown"), [
    (2_000_000, "vi", "2 MB"), (1_500_000, "vi", "1,5 MB"), (1_500_000, "en", "1.5 MB"), (500_000, "vi", "500 KB")])
def test_the_size_limit_is_shown_in_the_users_format(max_bytes, locale, shown):
    with pytest.raises(Refused) as refused:
        read(bytes(max_bytes + 1), NAME, SHEET, locale=locale, max_bytes=max_bytes)
    assert shown in str(refused.value)


def test_formatted_empty_rows_below_the_table_are_harmless(template):
    data = fill(template, edit=lambda ws: setattr(ws["D40"], "number_format", "0.00"))
    assert read(data, NAME, SHEET).values == PREFILLED


# --- hostile input, generated ------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048) | st.binary(max_size=2048).map(lambda tail: workbook.ZIP_MAGIC + tail))
def test_random_bytes_are_only_ever_refused(data):
    with pytest.raises(Refused):
        read(data, NAME, SHEET)


TEMPLATE = build(SHEET)
MEMBERS = sorted(zipfile.ZipFile(io.BytesIO(TEMPLATE)).namelist())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(MEMBERS), st.data())
def test_a_mangled_template_gives_a_reading_or_a_refusal(member, data):
    """Random bytes spliced into one part of a real template: whatever openpyxl makes of it, only Refused escapes."""
    def mangle(name, content):
        if name != member:
            return content
        start = data.draw(st.integers(0, len(content)), label="start")
        end = data.draw(st.integers(start, min(len(content), start + 64)), label="end")
        return content[:start] + data.draw(st.binary(max_size=64), label="spliced") + content[end:]

    try:
        reading = read(rezip(TEMPLATE, mangle), NAME, SHEET)
    except Refused:
        return
    assert isinstance(reading, Reading)


typed = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**16, max_value=10**16),
    st.dates(), st.text(max_size=40).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.sampled_from(["1.234,5", "12,5", "=1+2", "-0", "  ", "1e5", "0,0001", "٣", "½"]),
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from([f"{c}{n}" for c in "DEF" for n in (5, 6, 7)]), typed, max_size=9))
def test_whatever_is_typed_each_cell_is_either_read_or_reported(cells):
    reading = read(fill(TEMPLATE, cells), NAME, SHEET)
    reported = errors_by_cell(reading)
    for key, number in LINE.items():
        for column, letter in CELL.items():
            coordinate = f"{letter}{number}"
            assert (column in reading.values[key]) != (coordinate in reported)
            value = reading.values[key].get(column)
            if column == "source":
                assert value is None or (isinstance(value, str) and value == value.strip() and len(value) <= 20)
            elif value is not None:
                assert isinstance(value, Decimal) and value.is_finite()
                assert column != "target" or value >= 0
