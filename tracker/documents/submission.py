"""The submission (tờ trình) proposing a cluster's boards for one award, as DOCX (python-docx) and PDF (Jinja2 +
WeasyPrint).

The same Decree 30 layout as the other papers (letterhead, title, subject, body, "Trang N/M" footer), built on
the DOCX and PDF kits (docx_kit.py, pdf_kit.py): the addressee, the grounds, a table of the proposed boards
with their votes, the closing, then "Nơi nhận" bottom left beside the head's signature block bottom right.
No Flask, no database: a SubmissionDoc in, bytes out.
"""
from dataclasses import dataclass

from docx.enum.table import WD_ALIGN_VERTICAL
from docx.shared import Pt

from . import docx_kit as docx
from . import pdf_kit as pdf
from .data import Letterhead
from .decree30 import WORDS, clean, letterhead_lines

SUBMISSION_WORDS = {"title": "TỜ TRÌNH", "none": "Chưa có đơn vị được đề nghị.", "sign_hint": "(Ký tên, đóng dấu)"}
# (header, width in mm, alignment): 165 mm of text width, as in docx_kit.py
LINE_COLUMNS = (("STT", 14, "c"), ("Tên tập thể", 101, "l"), ("Số phiếu", 25, "c"), ("Tỷ lệ", 25, "c"))
FOOT_WIDTHS = (75, 90)  # "Nơi nhận" on the left, the signature on the right


@dataclass(frozen=True)
class SubmissionLine:
    """A proposed board as the table prints it."""

    name: str  # the board's full name
    short_name: str  # e.g. "DIZA"
    votes: str  # already worded, e.g. "6/9" ("…" when not known)
    share: str  # already formatted, e.g. "66,7%" ("…" when not known)


@dataclass(frozen=True)
class SubmissionDoc:
    """Everything the tờ trình prints, already worded in Vietnamese."""

    letterhead: Letterhead
    subject: str  # under the title, e.g. "Về việc đề nghị tặng Cờ thi đua của Bộ năm 2017"
    addressee: str  # e.g. "Kính gửi: Bộ Kế hoạch và Đầu tư"
    paragraphs: tuple[str, ...]  # the grounds and the request, before the table
    lines: tuple[SubmissionLine, ...]  # the proposed boards, in the order printed
    closing: str  # e.g. "Kính trình Bộ Kế hoạch và Đầu tư xem xét, quyết định./."
    signer_title: str  # e.g. "TRƯỞNG CỤM"
    signer_unit: str = ""  # the head board's name, under the title ("" → omitted)
    signer_name: str = ""  # "" → room to sign and write the name by hand
    recipients: tuple[str, ...] = ()  # "Nơi nhận:" bottom left
    notes: tuple[str, ...] = ()  # extra paragraphs after the closing (illustrative data, ...)


def unit(line: SubmissionLine) -> str:
    """The full name, with the short name after it unless the full name already says it."""
    if line.short_name and line.short_name not in line.name:
        return f"{line.name} ({line.short_name})"
    return line.name


def line_rows(doc: SubmissionDoc) -> list[tuple[str, ...]]:
    """The table's body: STT, name, votes, share."""
    return [(str(i), unit(line), line.votes, line.share) for i, line in enumerate(doc.lines, 1)]


# ---- PDF -------------------------------------------------------------------------------------------------

def submission_pdf(doc: SubmissionDoc) -> bytes:
    """The submission as a PDF for printing and archiving."""
    return pdf.render("submission.html", doc=doc, lh=letterhead_lines(doc.letterhead), title=SUBMISSION_WORDS["title"],
                subject=doc.subject, submission_words=SUBMISSION_WORDS, line_columns=LINE_COLUMNS, rows=line_rows(doc),
                foot_widths=FOOT_WIDTHS)


# ---- DOCX ------------------------------------------------------------------------------------------------

def _foot(d, doc: SubmissionDoc):
    """"Nơi nhận" bottom left and the signature block bottom right, side by side as Decree 30 places them."""
    table = docx.table(d, (("", FOOT_WIDTHS[0], "l"), ("", FOOT_WIDTHS[1], "c")), [("", "")], grid=False,
                   valign=WD_ALIGN_VERTICAL.TOP)
    docx.row_flag(table.rows[0], "w:cantSplit")
    left, right = table.rows[0].cells
    if doc.recipients:
        docx.paragraph(left, WORDS["recipients"], bold=True, italic=True, size=12, align="l", before=12)
        for item in doc.recipients:
            docx.paragraph(left, f"- {item}", size=11, align="l")
    docx.paragraph(right, doc.signer_title.upper(), bold=True, size=13, before=12)
    if doc.signer_unit:
        docx.paragraph(right, doc.signer_unit, bold=True, size=13)
    docx.paragraph(right, SUBMISSION_WORDS["sign_hint"], italic=True, size=13, after=60)
    docx.paragraph(right, doc.signer_name, bold=True, size=13)


def submission_docx(doc: SubmissionDoc) -> bytes:
    """The submission as a DOCX the secretary can edit before signing."""
    d = docx.new_document(f"{SUBMISSION_WORDS['title']} – {clean(doc.subject)}", clean(doc.letterhead.issuing_body))
    docx.letterhead(d, doc.letterhead)
    docx.title(d, SUBMISSION_WORDS["title"], doc.subject)
    docx.paragraph(d, doc.addressee, size=14, after=12)
    for text in doc.paragraphs:
        docx.body(d, text)
    if doc.lines:
        table = docx.table(d, LINE_COLUMNS, line_rows(doc), header=True)
        for row in table.rows[1:]:
            docx.row_flag(row, "w:cantSplit")
    else:
        docx.body(d, SUBMISSION_WORDS["none"], italic=True)
    docx.body(d, doc.closing).paragraph_format.space_before = Pt(6)
    for note in doc.notes:
        docx.body(d, note, italic=True).paragraph_format.space_before = Pt(6)
    _foot(d, doc)
    docx.footer(d, "")
    return docx.to_bytes(d)
