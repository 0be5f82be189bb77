"""The Decree 30/2020/NĐ-CP layout both kits share: the fixed words of every paper's head and foot, the
letterhead's lines and the date line, and user text made printable. Plain values in, strings out."""
import re

from .data import Letterhead

DOTS = "…"
WORDS = {  # the fixed words every paper shares, used by the DOCX kit and the PDF templates
    "motto": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "slogan": "Độc lập - Tự do - Hạnh phúc",
    "sign_hint": "(Ký, ghi rõ họ tên)", "recipients": "Nơi nhận:", "page": "Trang",
}
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
    """The letterhead's four lines: parent body, issuing body (both in capitals), number, date line."""
    return {"parent": lh.parent_body.upper(), "issuing": lh.issuing_body.upper(), "number": lh.number,
            "dateline": dateline(lh)}
