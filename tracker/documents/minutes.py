"""The vote-count minutes (biên bản kiểm phiếu) of a ballot round, as DOCX and PDF in the Decree 30 layout: the
committee, the rule, the counts, each candidate's votes and result, the closing and the signatures.
A MinutesDoc in, bytes out."""
from docx.shared import Pt

from . import docx_kit as docx
from . import pdf_kit as pdf
from .ballot import unit
from .data import MinutesDoc
from .decree30 import DOTS, clean, letterhead_lines

MINUTES_WORDS = {"title": "BIÊN BẢN", "committee": "Ban kiểm phiếu gồm:", "counts": "Kết quả kiểm phiếu:",
                 "votes": "Số phiếu đồng ý của từng đơn vị:"}
CLOSING = ("Biên bản được lập xong lúc … giờ … cùng ngày, đã được đọc lại cho các thành viên cùng nghe "
           "và nhất trí thông qua.")
# (header, width in mm, alignment): the text width is 210 − 30 − 15 = 165 mm
MINUTES_COLUMNS = (("Hạng", 13, "c"), ("Tên đơn vị", 46, "l"), ("Số phiếu", 20, "c"), ("Tỷ lệ", 17, "c"),
                   ("Kết quả", 24, "c"), ("Lý do", 45, "l"))
COUNT_COLUMNS = (("", 110, "l"), ("", 25, "c"))


def committee_lines(doc: MinutesDoc) -> list[str]:
    """The counting committee, one numbered line each (dotted lines to fill in by hand when none was typed)."""
    if not doc.committee:
        return [f"{i}. {DOTS * 16} – {DOTS * 10}" for i in range(1, 4)]
    return [f"{i}. {name} – {role}" if role else f"{i}. {name}" for i, (name, role) in enumerate(doc.committee, 1)]


def minutes_rows(doc: MinutesDoc) -> list[tuple[str, ...]]:
    """A row per candidate: rank, unit, votes, share, result, reason."""
    return [(str(i if c.rank is None else c.rank), unit(c), str(c.votes), c.share, c.result, c.reason)
            for i, c in enumerate(doc.candidates, 1)]


def minutes_pdf(doc: MinutesDoc) -> bytes:
    """The minutes as PDF."""
    return pdf.render("minutes.html", doc=doc, lh=letterhead_lines(doc.letterhead), title=MINUTES_WORDS["title"],
                      subject=doc.subject, minutes_words=MINUTES_WORDS, committee=committee_lines(doc),
                      rows=minutes_rows(doc), closing=doc.closing or CLOSING, minutes_columns=MINUTES_COLUMNS,
                      count_columns=COUNT_COLUMNS)


def minutes_docx(doc: MinutesDoc) -> bytes:
    """The minutes as DOCX."""
    d = docx.new_document(f"{MINUTES_WORDS['title']} – {clean(doc.subject)}", clean(doc.letterhead.issuing_body))
    docx.letterhead(d, doc.letterhead)
    docx.title(d, MINUTES_WORDS["title"], doc.subject)
    docx.body(d, doc.opening)
    docx.body(d, MINUTES_WORDS["committee"], bold=True)
    for line in committee_lines(doc):
        docx.body(d, line)
    docx.body(d, doc.rule)
    docx.body(d, MINUTES_WORDS["counts"], bold=True)
    docx.table(d, COUNT_COLUMNS, doc.counts, size=13)
    docx.body(d, MINUTES_WORDS["votes"], bold=True).paragraph_format.space_before = Pt(9)
    docx.table(d, MINUTES_COLUMNS, minutes_rows(doc), header=True)
    for text in (doc.result, *doc.notes, doc.closing or CLOSING):
        docx.body(d, text).paragraph_format.space_before = Pt(6)
    docx.signatures(d, doc.signatures)
    docx.recipients(d, doc.recipients)
    docx.footer(d, doc.footer)
    return docx.to_bytes(d)
