"""Reading the papers the app makes: the text of a DOCX, the text of a PDF (poppler's pdftotext, or another
poppler tool through `run`), and the letterhead and national motto every paper carries."""
import io
import re
import subprocess
import unicodedata
from datetime import date

import docx

from tracker.documents.data import Letterhead

MARKUP = '<b>x</b> & "q"'
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
LETTERHEAD = Letterhead(
    parent_body="Bộ Kế hoạch và Đầu tư",
    issuing_body="Cụm thi đua Ban Quản lý các KCN, KCX, KKT các tỉnh miền Đông Nam Bộ",
    number="Số: 01/BB-CTĐ",
    place="Tây Ninh",
    day=date(2018, 2, 26),
)


def docx_text(data: bytes) -> tuple[str, str]:
    """All body text (paragraphs and table cells, nested tables too) and the footer text of a DOCX."""
    document = docx.Document(io.BytesIO(data))
    body = "\n".join(t.text for t in document.element.body.iter(docx.oxml.ns.qn("w:t")) if t.text)
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert all(line in body for line in (paragraphs + "\n" + cells).split("\n"))
    return paragraphs + "\n" + cells, footer


def run(tool: str, data: bytes, tmp_path, *args) -> str:
    """The output of a poppler tool (pdftotext, pdffonts, pdfinfo...) on the PDF `data`."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
                          check=True, capture_output=True, text=True).stdout


def pdf_text(data: bytes, tmp_path) -> str:
    """The text of a PDF in reading layout, NFC, with runs of white space made one space."""
    assert data.startswith(b"%PDF")
    text = run("pdftotext", data, tmp_path, "-layout", "-enc", "UTF-8")
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))
