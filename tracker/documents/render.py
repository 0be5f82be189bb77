"""The vote-count minutes and the blank ballot paper as DOCX (python-docx) and PDF (Jinja2 + WeasyPrint).

Layout of Decree 30/2020/NĐ-CP: A4, margins 20/20/30/15 mm, a Times New Roman–metric font at 13 pt, the
letterhead in two columns, the title and subject centred. Both formats share the words and the table columns
defined here; each format only lays them out. No Flask, no database: dataclasses in, bytes out.
"""
import io
import re
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from weasyprint import HTML

from .data import BallotPaper, CandidateLine, Letterhead, MinutesDoc

TEMPLATES = Path(__file__).parent / "templates"
DOCX_FONT = "Times New Roman"  # Word has it; LibreOffice substitutes the metric-compatible Liberation Serif
DOTS = "…"
WORDS = {  # every fixed word of both papers, shared by the DOCX code and the templates
    "motto": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "slogan": "Độc lập - Tự do - Hạnh phúc",
    "minutes": "BIÊN BẢN", "ballot": "PHIẾU BẦU", "committee": "Ban kiểm phiếu gồm:", "counts": "Kết quả kiểm phiếu:",
    "votes": "Số phiếu đồng ý của từng đơn vị:", "sign_hint": "(Ký, ghi rõ họ tên)", "recipients": "Nơi nhận:",
    "page": "Trang",
}
CLOSING = ("Biên bản được lập xong lúc … giờ … cùng ngày, đã được đọc lại cho các thành viên cùng nghe "
           "và nhất trí thông qua.")
INSTRUCTION = ("Đánh dấu (X) vào ô bên cạnh tên đơn vị được chọn; chọn tối đa {seats} đơn vị. "
               "Phiếu chọn quá {seats} đơn vị là phiếu không hợp lệ.")
# (header, width in mm, alignment): the text width is 210 − 30 − 15 = 165 mm
MINUTES_COLUMNS = (("Hạng", 13, "c"), ("Tên đơn vị", 46, "l"), ("Số phiếu", 20, "c"), ("Tỷ lệ", 17, "c"),
                   ("Kết quả", 24, "c"), ("Lý do", 45, "l"))
COUNT_COLUMNS = (("", 110, "l"), ("", 25, "c"))
BALLOT_COLUMNS = (("STT", 15, "c"), ("Tên đơn vị", 122, "l"), ("Đồng ý", 28, "c"))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # pasted control characters break DOCX


def clean(text) -> str:
    """User text as printable: characters XML cannot carry become spaces (escaping is each format's job)."""
    return _NOT_XML.sub(" ", "" if text is None else str(text))


def dateline(lh: Letterhead) -> str:
    """"Tây Ninh, ngày 26 tháng 02 năm 2018": days below 10 and months 1–2 get a leading zero (Decree 30)."""
    place = lh.place or DOTS
    if lh.day is None:
        return f"{place}, ngày {DOTS} tháng {DOTS} năm {DOTS}"
    month = f"{lh.day.month:02d}" if lh.day.month < 3 else str(lh.day.month)
    return f"{place}, ngày {lh.day.day:02d} tháng {month} năm {lh.day.year}"


def letterhead_lines(lh: Letterhead) -> dict[str, str]:
    return {"parent": lh.parent_body.upper(), "issuing": lh.issuing_body.upper(), "number": lh.number,
            "dateline": dateline(lh)}


def unit(c: CandidateLine) -> str:
    """The full name, with the short name after it unless the full name already says it."""
    return f"{c.name} ({c.short_name})" if c.short_name and c.short_name not in c.name else c.name


def committee_lines(doc: MinutesDoc) -> list[str]:
    if not doc.committee:
        return [f"{i}. {DOTS * 16} – {DOTS * 10}" for i in range(1, 4)]
    return [f"{i}. {name} – {role}" if role else f"{i}. {name}" for i, (name, role) in enumerate(doc.committee, 1)]


def minutes_rows(doc: MinutesDoc) -> list[tuple[str, ...]]:
    return [(str(i if c.rank is None else c.rank), unit(c), str(c.votes), c.share, c.result, c.reason)
            for i, c in enumerate(doc.candidates, 1)]


def ballot_rows(paper: BallotPaper) -> list[tuple[str, ...]]:
    return [(str(i), unit(c), "") for i, c in enumerate(paper.candidates, 1)]


def instruction(paper: BallotPaper) -> str:
    return paper.instruction or INSTRUCTION.format(seats=paper.seats)


# ---- PDF -------------------------------------------------------------------------------------------------

def _finalize(value):
    return value if isinstance(value, Markup) else clean(value)  # template output (super(), macros) stays as is


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
_env.globals.update(words=WORDS, minutes_columns=MINUTES_COLUMNS, count_columns=COUNT_COLUMNS,
                    ballot_columns=BALLOT_COLUMNS)


def _pdf(template: str, **context) -> bytes:
    html = _env.get_template(template).render(**context)
    return HTML(string=html).write_pdf()


def minutes_pdf(doc: MinutesDoc) -> bytes:
    return _pdf("minutes.html", doc=doc, lh=letterhead_lines(doc.letterhead), title=WORDS["minutes"],
                subject=doc.subject, committee=committee_lines(doc), rows=minutes_rows(doc),
                closing=doc.closing or CLOSING)


def ballot_pdf(paper: BallotPaper) -> bytes:
    return _pdf("ballot.html", paper=paper, lh=letterhead_lines(paper.letterhead), title=WORDS["ballot"],
                subject=paper.subject, instruction=instruction(paper), rows=ballot_rows(paper))


# ---- DOCX ------------------------------------------------------------------------------------------------

_ALIGN = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}


def _new_docx(title: str, author: str) -> DocxDocument:
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.footer_distance = Mm(8)
    defaults = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    defaults.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    for fonts in (defaults.find(qn("w:rFonts")), d.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()):
        fonts.attrib.clear()  # theme fonts would win over the names
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{script}"), DOCX_FONT)
    normal = d.styles["Normal"]
    normal.font.size = Pt(13)
    normal.paragraph_format.line_spacing, normal.paragraph_format.space_after = 1.1, Pt(0)
    d.styles["Footer"].font.size = Pt(9)
    d.core_properties.title, d.core_properties.author, d.core_properties.language = title, author, "vi-VN"
    return d


def _p(box, text="", *, bold=False, italic=False, underline=False, size=None, align="c", before=0, after=0,
       indent=None):
    """A paragraph of one run; in a table cell the cell's own empty first paragraph is used first."""
    fresh = isinstance(box, _Cell) and len(box.paragraphs) == 1 and box.paragraphs[0]._p.pPr is None
    p = box.paragraphs[0] if fresh else box.add_paragraph()
    p.alignment = _ALIGN[align]
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.first_line_indent = Pt(before), Pt(after), indent
    if text:
        run = p.add_run(clean(text))
        run.bold, run.italic, run.underline = bold or None, italic or None, underline or None  # None: inherit
        if size:
            run.font.size = Pt(size)
    return p


def _body(d, text, *, bold=False, italic=False):
    return _p(d, text, bold=bold, italic=italic, align="j", before=3, after=3, indent=Mm(10))


def _rule(cell, width_mm: float):
    """A short centred line under the issuing body: a top border on a narrow, empty paragraph."""
    p = cell.add_paragraph()
    border, top = OxmlElement("w:pBdr"), OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    p._p.get_or_add_pPr().append(border)  # first child, so python-docx keeps the schema order below
    side = Mm((width_mm - 22) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing, p.paragraph_format.space_after = Pt(6), Pt(0)


def _row_flag(row, tag: str):
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _table(d, columns, rows, *, header=False, grid=True, size=12, valign=WD_ALIGN_VERTICAL.CENTER):
    table = d.add_table(rows=0, cols=len(columns))
    table.style, table.autofit, table.alignment = ("Table Grid" if grid else None), False, WD_TABLE_ALIGNMENT.CENTER
    for column, (_, width, _) in zip(table.columns, columns, strict=True):
        column.width = Mm(width)
    for number, values in enumerate(([tuple(h for h, _, _ in columns)] if header else []) + list(rows)):
        row = table.add_row()
        if header and number == 0:
            _row_flag(row, "w:tblHeader")  # repeated on every page
        for cell, value, (_, width, align) in zip(row.cells, values, columns, strict=True):
            cell.width, cell.vertical_alignment = Mm(width), valign
            if value:
                head = header and number == 0
                _p(cell, value, bold=head, size=size, align="c" if head else align, before=2, after=2)
    return table


def _letterhead(d, lh: Letterhead):
    lines, (left, right) = letterhead_lines(lh), (66, 99)
    table = _table(d, (("", left, "c"), ("", right, "c")), [("", ""), ("", "")], grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    top_left, top_right = table.rows[0].cells
    if lines["parent"]:
        _p(top_left, lines["parent"], size=12)
    _p(top_left, lines["issuing"], bold=True, size=12)
    _rule(top_left, left)
    _p(top_right, WORDS["motto"], bold=True, size=12)
    _p(top_right, WORDS["slogan"], bold=True, underline=True, size=13)
    _p(table.rows[1].cells[0], lines["number"], size=13, before=4)
    _p(table.rows[1].cells[1], lines["dateline"], italic=True, size=13, before=4)


def _title(d, title: str, subject: str):
    _p(d, title, bold=True, size=14, before=18)
    _p(d, subject, bold=True, size=14, after=12)


def _signatures(d, signatures):
    if not signatures:
        return
    width = 165 / len(signatures)
    table = _table(d, [("", width, "c")] * len(signatures), [[""] * len(signatures)], grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    _row_flag(table.rows[0], "w:cantSplit")
    for cell, (title, name) in zip(table.rows[0].cells, signatures, strict=True):
        _p(cell, title.upper(), bold=True, size=13, before=12)
        _p(cell, WORDS["sign_hint"], italic=True, size=13, after=60)
        _p(cell, name, bold=True, size=13)


def _recipients(d, recipients):
    if recipients:
        _p(d, WORDS["recipients"], bold=True, italic=True, size=12, align="l", before=12)
        for item in recipients:
            _p(d, f"- {item}", size=11, align="l")


def _field(p, instruction: str):
    field, run, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), f" {instruction} ")
    text.text = "1"  # shown until the reader updates the field
    run.append(text)
    field.append(run)
    p._p.append(field)


def _footer(d, text: str):
    """The text (if any) over "Trang N/M" at the foot of every page."""
    p = d.sections[0].footer.paragraphs[0]
    p.style, p.alignment = d.styles["Footer"], WD_ALIGN_PARAGRAPH.CENTER
    if text:
        p.add_run(clean(text)).add_break()
    p.add_run(f"{WORDS['page']} ")
    _field(p, "PAGE")
    p.add_run("/")
    _field(p, "NUMPAGES")


def _box(cell):
    """An empty square to mark, as a 7 mm one-cell table centred in the cell."""
    cell._tc.remove(cell.paragraphs[0]._p)
    box = cell.add_table(rows=1, cols=1)
    box.style, box.alignment, box.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    box.rows[0].height, box.rows[0].height_rule = Mm(7), WD_ROW_HEIGHT_RULE.EXACTLY
    box.columns[0].width = box.cell(0, 0).width = Mm(7)
    cell.paragraphs[-1].paragraph_format.line_spacing = Pt(1)


def _bytes(d) -> bytes:
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


def minutes_docx(doc: MinutesDoc) -> bytes:
    d = _new_docx(f"{WORDS['minutes']} – {clean(doc.subject)}", clean(doc.letterhead.issuing_body))
    _letterhead(d, doc.letterhead)
    _title(d, WORDS["minutes"], doc.subject)
    _body(d, doc.opening)
    _body(d, WORDS["committee"], bold=True)
    for line in committee_lines(doc):
        _body(d, line)
    _body(d, doc.rule)
    _body(d, WORDS["counts"], bold=True)
    _table(d, COUNT_COLUMNS, doc.counts, size=13)
    _body(d, WORDS["votes"], bold=True).paragraph_format.space_before = Pt(9)
    _table(d, MINUTES_COLUMNS, minutes_rows(doc), header=True)
    for text in (doc.result, *doc.notes, doc.closing or CLOSING):
        _body(d, text).paragraph_format.space_before = Pt(6)
    _signatures(d, doc.signatures)
    _recipients(d, doc.recipients)
    _footer(d, doc.footer)
    return _bytes(d)


def ballot_docx(paper: BallotPaper) -> bytes:
    d = _new_docx(f"{WORDS['ballot']} – {clean(paper.subject)}", clean(paper.letterhead.issuing_body))
    _letterhead(d, paper.letterhead)
    _title(d, WORDS["ballot"], paper.subject)
    _body(d, instruction(paper), italic=True).paragraph_format.space_after = Pt(9)
    table = _table(d, BALLOT_COLUMNS, ballot_rows(paper), header=True, size=13)
    for row in table.rows[1:]:
        row.height = Mm(11)
        _box(row.cells[2])
    return _bytes(d)
