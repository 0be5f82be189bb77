"""Report tables exported as XLSX (typed cells, neutralised texts), CSV (UTF-8 with BOM) and PDF (WeasyPrint).

The table is the South-East block's 2017 results; the numbers are illustrative."""
import csv
import io
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.documents import pdf_text, run
from tracker.documents import tables
from tracker.documents.tables import Column, Report, Table, filename, neutralise, to_csv, to_pdf, to_xlsx

DONG_NAI = "Ban Quản lý các khu công nghiệp Đồng Nai"
BINH_DUONG = "Ban Quản lý các khu công nghiệp Bình Dương"
FLAG = "Cờ thi đua của Bộ"
HOSTILE = "<script>alert(1)</script>"
DANGEROUS = ("=1+1", "@SUM(A1)", "+cmd", "-2+3", "=cmd|' /C calc'!A0", "\t=1", "\r=1", " =1+1")
COLUMNS = (Column("Đơn vị"), Column("Năm", "int"), Column("Vốn đầu tư (triệu USD)", "decimal"),
           Column("Tỷ lệ phiếu", "share"), Column("Ngày họp", "date"), Column("Danh hiệu"))
ROWS = (
    (DONG_NAI, 2017, Decimal("1234.5"), Fraction(2, 3), date(2018, 2, 26), FLAG),
    (BINH_DUONG, -5, Decimal("-0.125"), Decimal("1.124"), None, "Bằng khen của Bộ trưởng"),
    ("=1+1", None, None, None, None, "@SUM(A1)"),
    ("+cmd", 1, Decimal(2), Fraction(1, 9), date(2017, 12, 31), "-2+3"),
    ("Dòng có \x00ký tự\x1f điều khiển\x0b", 1_000_000, Decimal("0.001"), 0, None, HOSTILE),
)
RESULTS = Table("results", "Kết quả bình xét năm 2017", COLUMNS, ROWS, note="Dữ liệu minh họa")
EMPTY = Table("empty", "Bảng trống: không có dòng nào [2017]", (Column("Đơn vị"), Column("Số phiếu", "int")), ())
REPORT = Report(title="Báo cáo năm 2017", subtitle="Cơ quan: Bộ Kế hoạch và Đầu tư · Vùng: Đông Nam Bộ",
                generated="Lập ngày 24/11/2026", tables=(RESULTS, EMPTY))


def vi_text(value, kind: str) -> str:
    """A Vietnamese formatter as the views pass it: "1.234,5", "66,7%", "26/02/2018"."""
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "share":
        number = f"{float(value) * 100:,.1f}%"
    elif kind == "decimal":
        number = f"{Decimal(value).normalize():,f}"
    elif kind == "int":
        number = f"{value:,}"
    else:
        return str(value)
    return number.replace(",", " ").replace(".", ",").replace(" ", ".")


def workbook(report=REPORT):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))


# ---- neutralise ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", DANGEROUS + ("-", "=", "\t", "\n=1", "＝1+1", "＠SUM(A1)"))
def test_neutralise_prefixes_formulas(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ("", " ", "Cờ thi đua", "1+1", "'=1", "a=b", "2017", "x-5", "(5)", "\n"))
def test_neutralise_leaves_other_texts(text):
    assert neutralise(text) == text


STARTS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text())
def test_neutralise_never_leaves_a_formula_start(text):
    out = neutralise(text)
    assert not out.startswith(STARTS) and not out.lstrip().startswith(STARTS)
    assert out in (text, "'" + text)
    if not text.startswith(tables.FORMULA_STARTS) and not text.lstrip().startswith(tables.FORMULA_STARTS):
        assert out == text


SIGNS = tuple(sign for sign in tables.FORMULA_STARTS if not sign.isspace())


@given(st.text(alphabet=" \t\r\n\u00a0"), st.sampled_from(SIGNS), st.text())
def test_neutralise_always_catches_a_formula_sign_even_after_spaces(spaces, sign, rest):
    text = spaces + sign + rest
    assert neutralise(text) == "'" + text


@given(st.sampled_from(("\t", "\r")), st.text())
def test_neutralise_always_catches_a_leading_tab_or_carriage_return(start, rest):
    assert neutralise(start + rest) == "'" + start + rest


# ---- file names ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "table", "extension", "expected"), [
    ("bao-cao-2017", RESULTS, "csv", "bao-cao-2017-results.csv"),
    ("bao-cao-2017", None, "xlsx", "bao-cao-2017.xlsx"),
    ("Báo cáo Đồng Nai năm 2017", None, ".PDF", "bao-cao-dong-nai-nam-2017.pdf"),
    ("tong-quan-", None, "xlsx", "tong-quan.xlsx"),
    ('../"; rm -rf /\r\n', Table("../x y", "", (), ()), "csv", "rm-rf-x-y.csv"),
    ("", None, "pdf", "report.pdf"),
])
def test_filename_is_ascii_and_safe(name, table, extension, expected):
    assert filename(name, table, extension) == expected


def test_filename_is_bounded():
    assert len(filename("Bảng " * 200, Table("t" * 200, "", (), ()), "xlsx")) <= 80 + 1 + 40 + 5


# ---- XLSX ------------------------------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_table_with_title_lines_header_and_note():
    wb = workbook()
    assert wb.sheetnames == ["Kết quả bình xét năm 2017", "Bảng trống không có dòng nào"]
    assert wb.properties.title == REPORT.title
    ws = wb["Kết quả bình xét năm 2017"]
    assert [ws.cell(row=r, column=1).value for r in range(1, 5)] == [REPORT.title, REPORT.subtitle,
                                                                     REPORT.generated, RESULTS.title]
    header = [c for c in ws[tables.HEADER_ROW]]
    assert [c.value for c in header] == [c.label for c in COLUMNS]
    assert all(c.font.b for c in header)
    assert ws.freeze_panes == f"A{tables.FIRST_ROW}"
    last = tables.HEADER_ROW + len(ROWS)
    assert ws.auto_filter.ref == f"A{tables.HEADER_ROW}:F{last}"
    assert ws.cell(row=last + 2, column=1).value == "Dữ liệu minh họa"
    assert ws.max_row == last + 2
    assert ws.page_setup.orientation == "landscape"
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEF"]
    assert all(tables.MIN_WIDTH <= w <= tables.MAX_WIDTH for w in widths)
    assert widths[0] > widths[1]  # the names are wider than the years


def test_xlsx_cells_are_typed_with_number_formats():
    ws = workbook()["Kết quả bình xét năm 2017"]
    first, second = ws[tables.FIRST_ROW], ws[tables.FIRST_ROW + 1]
    assert first[0].value == DONG_NAI and first[5].value == FLAG and first[0].data_type == "s"
    assert (first[1].value, first[1].number_format, first[1].data_type) == (2017, "#,##0", "n")
    assert (first[2].value, first[2].number_format) == (1234.5, "#,##0.0##")
    assert first[3].value == pytest.approx(2 / 3) and first[3].number_format == "0.0%"
    assert (first[4].value, first[4].number_format) == (datetime(2018, 2, 26), "dd/mm/yyyy")
    assert first[4].is_date
    assert (second[1].value, second[2].value, second[3].value) == (-5, -0.125, 1.124)
    assert second[4].value is None
    empty = ws[tables.FIRST_ROW + 2]
    assert [c.value for c in empty[1:5]] == [None] * 4
    last = ws[tables.FIRST_ROW + 4]
    assert (last[1].value, last[2].value, last[3].value) == (1_000_000, 0.001, 0)


def test_xlsx_texts_are_plain_strings_and_never_formulas():
    ws = workbook()["Kết quả bình xét năm 2017"]
    cells = {c.value: c for row in ws.iter_rows(min_row=tables.FIRST_ROW) for c in row if isinstance(c.value, str)}
    for text in ("=1+1", "@SUM(A1)", "+cmd", "-2+3"):
        cell = cells["'" + text]
        assert cell.data_type == "s"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert cells[HOSTILE].data_type == "s"
    assert "Dòng có ký tự điều khiển" in cells  # control characters removed, Vietnamese intact


def test_xlsx_sheet_names_are_valid_and_unique():
    long = "Kết quả: bình xét [năm 2017] * các đơn vị / cụm? \\ thi đua"
    same = Table("a", long, (Column("x"),), (("1",),))
    report = Report("R", "", "", (same, same, Table("b", long.upper(), (), ()),
                                  Table("c", "", (), ()), Table("d", "'History'", (), ()),
                                  Table("e", "Đ" * 40, (), ()), Table("f", "Đ" * 35, (), ())))
    names = workbook(report).sheetnames
    assert len(names) == 7 and len({n.lower() for n in names}) == 7
    assert names[5:] == ["Đ" * 31, "Đ" * 27 + " (2)"]
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name) and name[0] != "'" and name[-1] != "'"
    assert names[0] == "Kết quả bình xét năm 2017 các"
    assert names[1].endswith(" (2)") and names[2].endswith(" (3)")


def test_xlsx_empty_table_and_report_without_tables():
    ws = workbook()["Bảng trống không có dòng nào"]
    assert [c.value for c in ws[tables.HEADER_ROW]] == ["Đơn vị", "Số phiếu"]
    assert ws.auto_filter.ref == f"A{tables.HEADER_ROW}:B{tables.HEADER_ROW}"
    assert ws.max_row == tables.HEADER_ROW
    wb = workbook(Report("Báo cáo trống", "", "Lập ngày 24/11/2026", ()))
    assert wb.sheetnames == ["Báo cáo trống"]
    assert wb.active["A1"].value == "Báo cáo trống"


def test_xlsx_hostile_title_lines_are_neutralised_and_output_is_deterministic():
    report = Report("=HYPERLINK(\"http://x\")", "-1+1", "@x", (Table("t", "+t", (Column("=h"),), ()),))
    ws = workbook(report).active
    assert [ws.cell(row=r, column=1).value for r in range(1, 6)] == ["'=HYPERLINK(\"http://x\")", "'-1+1", "'@x",
                                                                     "'+t", "'=h"]
    assert to_xlsx(REPORT) == to_xlsx(REPORT)


# ---- CSV -------------------------------------------------------------------------------------------------

def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_is_utf8_with_bom_and_reads_back_as_shown():
    data = to_csv(RESULTS, text=vi_text)
    assert data.count(b"\r\n") == len(ROWS) + 1 and b"\n" not in data.replace(b"\r\n", b"")
    rows = read_csv(data)
    assert rows[0] == [c.label for c in COLUMNS]
    assert rows[1] == [DONG_NAI, "2.017", "1.234,5", "66,7%", "26/02/2018", FLAG]
    assert rows[2] == [BINH_DUONG, "-5", "-0,125", "112,4%", "", "Bằng khen của Bộ trưởng"]
    assert rows[3] == ["'=1+1", "", "", "", "", "'@SUM(A1)"]
    assert rows[4] == ["'+cmd", "1", "2", "11,1%", "31/12/2017", "'-2+3"]
    assert rows[5] == ["Dòng có ký tự điều khiển", "1.000.000", "0,001", "0,0%", "", HOSTILE]
    assert len(rows) == len(ROWS) + 1


def test_csv_numbers_keep_their_sign_but_stray_texts_in_number_columns_are_neutralised():
    table = Table("t", "t", (Column("a", "int"), Column("b", "decimal"), Column("c", "share"), Column("d", "date")),
                  (("-2+3", "=cmd|' /C calc'!A0", "-12,5 %", "@now"), ("+7", "-1.234,5", "-5%", "-")))
    rows = read_csv(to_csv(table, text=lambda value, kind: str(value)))
    assert rows[1] == ["'-2+3", "'=cmd|' /C calc'!A0", "-12,5 %", "'@now"]
    assert rows[2] == ["+7", "-1.234,5", "-5%", "'-"]


def test_csv_keeps_commas_quotes_and_line_breaks_and_an_empty_table_has_its_header():
    text = 'Ban "A", khu 1\nkhu 2'
    rows = read_csv(to_csv(Table("t", "t", (Column("=Tên"),), ((text,),)), text=vi_text))
    assert rows == [["'=Tên"], [text]]
    assert read_csv(to_csv(EMPTY, text=vi_text)) == [["Đơn vị", "Số phiếu"]]


# ---- PDF -------------------------------------------------------------------------------------------------

def test_pdf_prints_title_lines_tables_and_notes(tmp_path):
    data = to_pdf(REPORT, text=vi_text)
    text = pdf_text(data, tmp_path)
    for expected in (REPORT.title, REPORT.subtitle, REPORT.generated, RESULTS.title, "Dữ liệu minh họa", EMPTY.title,
                     DONG_NAI, BINH_DUONG, FLAG, "Bằng khen của Bộ trưởng", "1.234,5", "66,7%", "26/02/2018",
                     "1.000.000", "Vốn đầu tư", "Dòng có ký tự điều khiển", "Trang 1/1"):
        assert expected in text
    assert HOSTILE in text  # printed as text, not parsed as markup
    assert "=1+1" in text and "'=1+1" not in text  # a PDF is not a spreadsheet: nothing to neutralise
    info = run("pdfinfo", data, tmp_path)
    assert re.search(r"Page size:\s+841.89 x 595.2\d* pts \(A4\)", info)
    assert re.search(r"Title:\s+Báo cáo năm 2017", unicodedata.normalize("NFC", info))
    assert "Liberation" in run("pdffonts", data, tmp_path)


def test_pdf_repeats_the_header_on_every_page_and_numbers_every_page(tmp_path):
    rows = tuple((f"{DONG_NAI} {i}", i, Decimal(i) / 4, Fraction(i, 300), date(2018, 2, 26), FLAG)
                 for i in range(1, 121))
    data = to_pdf(Report("Báo cáo dài", "", "", (Table("long", "Bảng dài", COLUMNS, rows),)), text=vi_text)
    pages = unicodedata.normalize("NFC", run("pdftotext", data, tmp_path, "-layout", "-enc", "UTF-8"))
    pages = [page for page in pages.split("\f") if page.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert "Đơn vị" in page and "Tỷ lệ phiếu" in page
        assert f"Trang {number}/{len(pages)}" in page
    text = re.sub(r"\s+", " ", "".join(pages))
    assert all(f"{DONG_NAI} {i} " in text for i in range(1, 121))


def test_pdf_of_an_empty_table_and_of_a_report_without_tables(tmp_path):
    text = pdf_text(to_pdf(Report("Báo cáo", "", "", (EMPTY,)), text=vi_text), tmp_path)
    assert EMPTY.title in text and "Số phiếu" in text
    assert "Báo cáo trống" in pdf_text(to_pdf(Report("Báo cáo trống", "", "", ()), text=vi_text), tmp_path)


def test_pdf_in_a_request_uses_its_language(app, tmp_path):
    with app.test_request_context("/"):
        data = to_pdf(Report("Báo cáo", "", "", (EMPTY,)), text=vi_text)
    assert re.search(r"\S+ 1/1", pdf_text(data, tmp_path))


def test_every_format_survives_characters_no_format_can_carry(tmp_path):
    nasty = "a\x00b\x1f\x7f\x85c\ud800d\ufffe\uffffe"
    table = Table("x", nasty, (Column(nasty), Column("n", "int")), ((nasty, 1),), nasty)
    report = Report(nasty, nasty, nasty, (table,))
    assert workbook(report).active["A1"].value == "abcde"
    assert read_csv(to_csv(table, text=vi_text))[1] == ["abcde", "1"]
    assert "abcde" in pdf_text(to_pdf(report, text=vi_text), tmp_path)
