"""The cluster-year's pledge (bản giao ước thi đua) as DOCX (python-docx) and PDF (Jinja2 + WeasyPrint).

The same Decree 30 layout as the ballot papers (letterhead, title, body, signatures, "Trang N/M" footer), built
on the DOCX and PDF kits (docx_kit.py, pdf_kit.py): the pledge's text, then each member's targets in a
table, then one signature block per member in a two-column grid. No Flask, no database: a PledgeDoc in, bytes out.
"""
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from . import docx_kit as docx
from . import pdf_kit as pdf
from .data import PledgeDoc, PledgeSection
from .decree30 import WORDS, clean, letterhead_lines

PLEDGE_WORDS = {
    "title": "BẢN GIAO ƯỚC THI ĐUA", "targets": "Chỉ tiêu của từng đơn vị:", "no_targets": "Chưa ghi nhận chỉ tiêu.",
    "signers": "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC", "other_group": "Chỉ tiêu khác",
}
# (header, width in mm, alignment): 165 mm of text width, as in docx_kit.py
TARGET_COLUMNS = (("STT", 12, "c"), ("Chỉ tiêu", 60, "l"), ("Đơn vị tính", 22, "c"), ("Chỉ tiêu giao", 28, "c"),
                  ("Căn cứ", 43, "l"))
SIGNATURE_COLUMNS = 2


def heading(number: int, section: PledgeSection) -> str:
    """"1. Ban Quản lý các khu công nghiệp Đồng Nai (DIZA)": the short name unless the full name says it."""
    name = section.name
    if section.short_name and section.short_name not in section.name:
        name = f"{name} ({section.short_name})"
    return f"{number}. {name}"


def section_rows(section: PledgeSection) -> list[str | tuple[str, ...]]:
    """The table's body: a group name (str) before the lines of each new group, then numbered lines (tuples)."""
    rows: list[str | tuple[str, ...]] = []
    previous = ""
    for number, line in enumerate(section.lines, 1):
        if line.group != previous:
            rows.append(line.group or PLEDGE_WORDS["other_group"])
            previous = line.group
        rows.append((str(number), line.indicator, line.unit, line.target, line.source))
    return rows


def signature_rows(doc: PledgeDoc) -> list[tuple[tuple[str, str], ...]]:
    """The signature blocks two by two; an odd last one stands alone (centred across the page)."""
    return [doc.signatures[i:i + SIGNATURE_COLUMNS] for i in range(0, len(doc.signatures), SIGNATURE_COLUMNS)]


# ---- PDF -------------------------------------------------------------------------------------------------

def pledge_pdf(doc: PledgeDoc) -> bytes:
    """The pledge as a PDF for printing and archiving."""
    sections = [(heading(i, s), section_rows(s)) for i, s in enumerate(doc.sections, 1)]
    return pdf.render("pledge.html", doc=doc, lh=letterhead_lines(doc.letterhead), title=PLEDGE_WORDS["title"],
                subject=doc.subject, pledge_words=PLEDGE_WORDS, target_columns=TARGET_COLUMNS, sections=sections,
                signature_rows=signature_rows(doc))


# ---- DOCX ------------------------------------------------------------------------------------------------

def _targets(d, section: PledgeSection):
    rows = section_rows(section)
    table = docx.table(d, TARGET_COLUMNS, [(r, "", "", "", "") if isinstance(r, str) else r for r in rows],
                   header=True)
    for row, value in zip(table.rows[1:], rows, strict=True):
        docx.row_flag(row, "w:cantSplit")
        if isinstance(value, str):  # a group's sub-heading across the whole row
            cell = row.cells[0].merge(row.cells[-1])
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
            for run in cell.paragraphs[0].runs:
                run.bold = True


def _signature_grid(d, doc: PledgeDoc):
    signers = docx.paragraph(d, PLEDGE_WORDS["signers"], bold=True, size=13, before=18, after=6)
    signers.paragraph_format.keep_with_next = True
    rows = signature_rows(doc)
    width = 165 / SIGNATURE_COLUMNS
    table = docx.table(d, [("", width, "c")] * SIGNATURE_COLUMNS, [[""] * SIGNATURE_COLUMNS] * len(rows), grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    for row, pair in zip(table.rows, rows, strict=True):
        docx.row_flag(row, "w:cantSplit")
        cells = row.cells if len(pair) == SIGNATURE_COLUMNS else [row.cells[0].merge(row.cells[-1])]
        for cell, (title, name) in zip(cells, pair, strict=True):
            docx.paragraph(cell, title.upper(), bold=True, size=13, before=12)
            docx.paragraph(cell, WORDS["sign_hint"], italic=True, size=13, after=60)
            docx.paragraph(cell, name, bold=True, size=13, after=6)


def pledge_docx(doc: PledgeDoc) -> bytes:
    """The pledge as a DOCX the secretary can edit before signing."""
    d = docx.new_document(f"{PLEDGE_WORDS['title']} – {clean(doc.subject)}", clean(doc.letterhead.issuing_body))
    docx.letterhead(d, doc.letterhead)
    docx.title(d, PLEDGE_WORDS["title"], doc.subject)
    docx.body(d, doc.opening)
    for text in doc.paragraphs:
        docx.body(d, text)
    docx.body(d, PLEDGE_WORDS["targets"], bold=True).paragraph_format.space_before = Pt(9)
    for number, section in enumerate(doc.sections, 1):
        head = docx.paragraph(d, heading(number, section), bold=True, align="l", before=9, after=3)
        head.paragraph_format.keep_with_next = True
        if section.lines:
            _targets(d, section)
        else:
            docx.body(d, PLEDGE_WORDS["no_targets"], italic=True)
    for note in doc.notes:
        docx.body(d, note, italic=True).paragraph_format.space_before = Pt(9)
    if doc.signatures:
        _signature_grid(d, doc)
    docx.footer(d, "")
    return docx.to_bytes(d)
