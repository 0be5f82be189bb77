"""The DOCX kit (python-docx): an A4 page in the Decree 30 layout (margins 20/20/30/15 mm, a Times New
Roman–metric font at 13 pt) and its parts, the letterhead in two columns, the centred title and subject, justified
body text, tables, signature blocks, "Nơi nhận", the "Trang N/M" footer. Each paper module lays its content out with
these; no Flask, no database."""
import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from .data import Letterhead
from .decree30 import WORDS, clean, letterhead_lines

FONT = "Times New Roman"  # Word has it; LibreOffice substitutes the metric-compatible Liberation Serif
_ALIGN = {"c": WD_ALIGN_PARAGRAPH.CENTER, "l": WD_ALIGN_PARAGRAPH.LEFT, "j": WD_ALIGN_PARAGRAPH.JUSTIFY}


def new_document(title: str, author: str) -> DocxDocument:
    """An empty A4 document in Vietnamese, titled, with the Decree 30 margins and font."""
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
            fonts.set(qn(f"w:{script}"), FONT)
    normal = d.styles["Normal"]
    normal.font.size = Pt(13)
    normal.paragraph_format.line_spacing, normal.paragraph_format.space_after = 1.1, Pt(0)
    d.styles["Footer"].font.size = Pt(9)
    d.core_properties.title, d.core_properties.author, d.core_properties.language = title, author, "vi-VN"
    return d


def paragraph(box, text="", *, bold=False, italic=False, underline=False, size=None, align="c", before=0, after=0,
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


def body(d, text, *, bold=False, italic=False):
    """A justified body paragraph with a first-line indent."""
    return paragraph(d, text, bold=bold, italic=italic, align="j", before=3, after=3, indent=Mm(10))


def rule(cell, width_mm: float):
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


def row_flag(row, tag: str):
    """Set a row property: w:tblHeader (repeated on every page) or w:cantSplit (kept on one page)."""
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def table(d, columns, rows, *, header=False, grid=True, size=12, valign=WD_ALIGN_VERTICAL.CENTER):
    """A table of (header, width in mm, alignment) columns; with header, the first row repeats on every page."""
    made = d.add_table(rows=0, cols=len(columns))
    made.style, made.autofit, made.alignment = ("Table Grid" if grid else None), False, WD_TABLE_ALIGNMENT.CENTER
    for column, (_, width, _) in zip(made.columns, columns, strict=True):
        column.width = Mm(width)
    for number, values in enumerate(([tuple(h for h, _, _ in columns)] if header else []) + list(rows)):
        row = made.add_row()
        if header and number == 0:
            row_flag(row, "w:tblHeader")  # repeated on every page
        for cell, value, (_, width, align) in zip(row.cells, values, columns, strict=True):
            cell.width, cell.vertical_alignment = Mm(width), valign
            if value:
                head = header and number == 0
                paragraph(cell, value, bold=head, size=size, align="c" if head else align, before=2, after=2)
    return made


def letterhead(d, lh: Letterhead):
    """The two-column letterhead: issuing body and number left, motto and date line right."""
    lines, (left, right) = letterhead_lines(lh), (66, 99)
    grid = table(d, (("", left, "c"), ("", right, "c")), [("", ""), ("", "")], grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    top_left, top_right = grid.rows[0].cells
    if lines["parent"]:
        paragraph(top_left, lines["parent"], size=12)
    paragraph(top_left, lines["issuing"], bold=True, size=12)
    rule(top_left, left)
    paragraph(top_right, WORDS["motto"], bold=True, size=12)
    paragraph(top_right, WORDS["slogan"], bold=True, underline=True, size=13)
    paragraph(grid.rows[1].cells[0], lines["number"], size=13, before=4)
    paragraph(grid.rows[1].cells[1], lines["dateline"], italic=True, size=13, before=4)


def title(d, text: str, subject: str):
    """The paper's name and its subject, centred in bold."""
    paragraph(d, text, bold=True, size=14, before=18)
    paragraph(d, subject, bold=True, size=14, after=12)


def signatures(d, signatures):
    """A row of signature blocks, one per (title, name), kept on one page."""
    if not signatures:
        return
    width = 165 / len(signatures)
    grid = table(d, [("", width, "c")] * len(signatures), [[""] * len(signatures)], grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    row_flag(grid.rows[0], "w:cantSplit")
    for cell, (title, name) in zip(grid.rows[0].cells, signatures, strict=True):
        paragraph(cell, title.upper(), bold=True, size=13, before=12)
        paragraph(cell, WORDS["sign_hint"], italic=True, size=13, after=60)
        paragraph(cell, name, bold=True, size=13)


def recipients(d, recipients):
    """"Nơi nhận:" and its list."""
    if recipients:
        paragraph(d, WORDS["recipients"], bold=True, italic=True, size=12, align="l", before=12)
        for item in recipients:
            paragraph(d, f"- {item}", size=11, align="l")


def _field(p, instruction: str):
    field, run, text = OxmlElement("w:fldSimple"), OxmlElement("w:r"), OxmlElement("w:t")
    field.set(qn("w:instr"), f" {instruction} ")
    text.text = "1"  # shown until the reader updates the field
    run.append(text)
    field.append(run)
    p._p.append(field)


def footer(d, text: str):
    """The text (if any) over "Trang N/M" at the foot of every page."""
    p = d.sections[0].footer.paragraphs[0]
    p.style, p.alignment = d.styles["Footer"], WD_ALIGN_PARAGRAPH.CENTER
    if text:
        p.add_run(clean(text)).add_break()
    p.add_run(f"{WORDS['page']} ")
    _field(p, "PAGE")
    p.add_run("/")
    _field(p, "NUMPAGES")


def box(cell):
    """An empty square to mark, as a 7 mm one-cell table centred in the cell."""
    cell._tc.remove(cell.paragraphs[0]._p)
    box = cell.add_table(rows=1, cols=1)
    box.style, box.alignment, box.autofit = "Table Grid", WD_TABLE_ALIGNMENT.CENTER, False
    box.rows[0].height, box.rows[0].height_rule = Mm(7), WD_ROW_HEIGHT_RULE.EXACTLY
    box.columns[0].width = box.cell(0, 0).width = Mm(7)
    cell.paragraphs[-1].paragraph_format.line_spacing = Pt(1)


def to_bytes(d) -> bytes:
    """The document as DOCX bytes."""
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()
