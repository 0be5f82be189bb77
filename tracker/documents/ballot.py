"""The blank ballot paper (phiếu bầu) of a round, as DOCX and PDF in the Decree 30 layout: the instruction and
a box to mark beside each candidate. A BallotPaper in, bytes out."""
from docx.shared import Mm, Pt

from . import docx_kit as docx
from . import pdf_kit as pdf
from .data import BallotPaper, CandidateLine
from .decree30 import clean, letterhead_lines

BALLOT_WORDS = {"title": "PHIẾU BẦU"}
INSTRUCTION = ("Đánh dấu (X) vào ô bên cạnh tên đơn vị được chọn; chọn tối đa {seats} đơn vị. "
               "Phiếu chọn quá {seats} đơn vị là phiếu không hợp lệ.")
BALLOT_COLUMNS = (("STT", 15, "c"), ("Tên đơn vị", 122, "l"), ("Đồng ý", 28, "c"))


def unit(c: CandidateLine) -> str:
    """The full name, with the short name after it unless the full name already says it."""
    return f"{c.name} ({c.short_name})" if c.short_name and c.short_name not in c.name else c.name


def ballot_rows(paper: BallotPaper) -> list[tuple[str, ...]]:
    """A row per candidate: number, unit, an empty box."""
    return [(str(i), unit(c), "") for i, c in enumerate(paper.candidates, 1)]


def instruction(paper: BallotPaper) -> str:
    """How to mark the paper (the round's own wording when it has one)."""
    return paper.instruction or INSTRUCTION.format(seats=paper.seats)


def ballot_pdf(paper: BallotPaper) -> bytes:
    """The ballot paper as PDF."""
    return pdf.render("ballot.html", paper=paper, lh=letterhead_lines(paper.letterhead), title=BALLOT_WORDS["title"],
                      subject=paper.subject, instruction=instruction(paper), rows=ballot_rows(paper),
                      ballot_columns=BALLOT_COLUMNS)


def ballot_docx(paper: BallotPaper) -> bytes:
    """The ballot paper as DOCX."""
    d = docx.new_document(f"{BALLOT_WORDS['title']} – {clean(paper.subject)}", clean(paper.letterhead.issuing_body))
    docx.letterhead(d, paper.letterhead)
    docx.title(d, BALLOT_WORDS["title"], paper.subject)
    docx.body(d, instruction(paper), italic=True).paragraph_format.space_after = Pt(9)
    table = docx.table(d, BALLOT_COLUMNS, ballot_rows(paper), header=True, size=13)
    for row in table.rows[1:]:
        row.height = Mm(11)
        docx.box(row.cells[2])
    return docx.to_bytes(d)
