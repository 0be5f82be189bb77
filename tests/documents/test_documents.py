"""The vote-count minutes and the blank ballot paper, as DOCX and as PDF, on the South-East block's 2017 review.

The nine members are the block's 2020 membership (the 2017 one is not published); all vote counts are illustrative.
"""
import dataclasses
import io
import re
from datetime import date

import docx
import pytest

from tests.support.documents import LETTERHEAD, MARKUP, MOTTO, docx_text, pdf_text, run
from tracker.documents.ballot import ballot_docx, ballot_pdf
from tracker.documents.data import BallotPaper, CandidateLine, MinutesDoc
from tracker.documents.minutes import minutes_docx, minutes_pdf

HASH = "3fa94c0d1be27a5f86c4e1d09b7a3c52e8f0d6b41a9c73e25d08f6b1c4a7e93d"
FOOTER = f"Mã kiểm chứng (SHA-256): {HASH}"
BOARDS = (
    ("Ban Quản lý Khu kinh tế Ninh Thuận", "Ninh Thuận"),
    ("Ban Quản lý các khu công nghiệp Bình Thuận", "Bình Thuận"),
    ("Ban Quản lý các khu công nghiệp Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Ban Quản lý các khu công nghiệp Đồng Nai", "DIZA"),
    ("Ban Quản lý các khu công nghiệp Bình Dương", "Bình Dương"),
    ("Ban Quản lý các khu công nghiệp Bình Phước", "Bình Phước"),
    ("Ban Quản lý các khu công nghiệp Việt Nam - Singapore", "Việt Nam - Singapore"),
    ("Ban Quản lý các khu chế xuất và công nghiệp Thành phố Hồ Chí Minh", "HEPZA"),
    ("Ban Quản lý Khu kinh tế Tây Ninh", "Tây Ninh"),
)
FLAG = (  # (board index, votes, share, result, reason), flag round: 1 seat, more than 1/2 of 9 members
    (3, 6, "66,7%", "Được suy tôn", "6/9 thành viên = 66,7% > 50% → được suy tôn (hạng 1)"),
    (4, 2, "22,2%", "Không đạt", "2/9 thành viên = 22,2% ≤ 50% → không đạt: dưới ngưỡng"),
    (7, 1, "11,1%", "Không đạt", "1/9 thành viên = 11,1% ≤ 50% → không đạt: dưới ngưỡng"),
)
COUNTS = (("Số thành viên của Cụm", "9"), ("Số thành viên có mặt, tham gia bỏ phiếu", "9"),
          ("Số phiếu phát ra", "9"), ("Số phiếu thu về", "9"), ("Số phiếu không hợp lệ", "0"),
          ("Số phiếu hợp lệ", "9"))


def candidate(index, votes=0, share="", result="", reason="", rank=None):
    name, short = BOARDS[index]
    return CandidateLine(rank=rank, name=name, short_name=short, votes=votes, share=share, result=result,
                         reason=reason)


MINUTES = MinutesDoc(
    letterhead=LETTERHEAD,
    subject="Kiểm phiếu suy tôn đơn vị đề nghị tặng Cờ thi đua của Bộ năm 2017",
    opening="Vào lúc 15 giờ 30 phút ngày 26 tháng 02 năm 2018, tại Ban Quản lý Khu kinh tế Tây Ninh, Cụm thi đua "
            "tổ chức bỏ phiếu kín suy tôn đơn vị đề nghị Bộ trưởng Bộ Kế hoạch và Đầu tư tặng Cờ thi đua năm 2017.",
    committee=(("Nguyễn Văn A", "Trưởng ban"), ("Trần Thị B", "Thành viên"), ("Lê Văn C", "Thư ký")),
    rule="Đơn vị được suy tôn phải đạt trên 1/2 tổng số thành viên của Cụm; lấy theo thứ tự số phiếu từ cao xuống "
         "thấp, tối đa 1 đơn vị (Quy chế hoạt động của Cụm thi đua, Điều 8).",
    counts=COUNTS,
    candidates=tuple(candidate(i, v, s, res, why, rank) for rank, (i, v, s, res, why) in enumerate(FLAG, 1)),
    result="Căn cứ kết quả kiểm phiếu, đơn vị được suy tôn đề nghị tặng Cờ thi đua của Bộ năm 2017: "
           "Ban Quản lý các khu công nghiệp Đồng Nai (DIZA).",
    notes=("Số liệu minh họa: số phiếu trong biên bản này là dữ liệu minh họa.",),
    signatures=(("Thư ký", "Lê Văn C"), ("Trưởng ban kiểm phiếu", "Nguyễn Văn A")),
    recipients=("Bộ Kế hoạch và Đầu tư (Vụ Thi đua - Khen thưởng);", "Các thành viên Cụm thi đua;", "Lưu: Cụm."),
    footer=FOOTER,
)
BALLOT = BallotPaper(
    letterhead=dataclasses.replace(LETTERHEAD, number="", day=None),
    subject="Suy tôn đơn vị đề nghị tặng Bằng khen của Bộ trưởng năm 2017",
    seats=2,
    candidates=tuple(candidate(i) for i in range(9) if i != 3),
)


def test_minutes_docx_has_every_part():
    text, footer = docx_text(minutes_docx(MINUTES))
    for expected in (*MOTTO, "BIÊN BẢN", MINUTES.subject, "Tây Ninh, ngày 26 tháng 02 năm 2018",
                     "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "CỤM THI ĐUA BAN QUẢN LÝ CÁC KCN, KCX, KKT CÁC TỈNH MIỀN ĐÔNG NAM BỘ",
                     "1. Nguyễn Văn A – Trưởng ban", MINUTES.rule, MINUTES.result, MINUTES.notes[0],
                     "TRƯỞNG BAN KIỂM PHIẾU", "(Ký, ghi rõ họ tên)", "Nơi nhận:", "- Lưu: Cụm.", "đọc lại"):
        assert expected in text
    for label, value in COUNTS:
        assert label in text and f"{label}\n{value}" in text
    for line in MINUTES.candidates:
        assert all(part in text for part in (line.name, str(line.votes), line.share, line.result, line.reason))
    assert FOOTER in footer and "Trang" in footer


def test_minutes_docx_layout():
    document = docx.Document(io.BytesIO(minutes_docx(MINUTES)))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 13
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(docx.oxml.ns.qn(f"w:{k}")) for k in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    motto = [r for p in document.tables[0].rows[0].cells[1].paragraphs for r in p.runs]
    assert [(r.text, r.bold, bool(r.underline)) for r in motto] == [(MOTTO[0], True, False), (MOTTO[1], True, True)]


def test_ballot_docx_has_every_candidate_and_a_box_each():
    data = ballot_docx(BALLOT)
    text, footer = docx_text(data)
    for expected in (*MOTTO, "PHIẾU BẦU", BALLOT.subject, "tối đa 2 đơn vị", "Tây Ninh, ngày … tháng … năm …",
                     "Đồng ý"):
        assert expected in text
    assert all(c.name in text for c in BALLOT.candidates) and BOARDS[3][0] not in text
    table = docx.Document(io.BytesIO(data)).tables[1]
    assert len(table.rows) == 1 + len(BALLOT.candidates)
    assert all(len(row.cells[2].tables) == 1 for row in table.rows[1:])
    assert footer.strip() == ""


def test_minutes_pdf_text_and_font(tmp_path):
    data = minutes_pdf(MINUTES)
    text = pdf_text(data, tmp_path)
    for expected in (*MOTTO, "BIÊN BẢN", "Ban Quản lý các khu công nghiệp Đồng Nai", "được suy tôn",
                     "Tây Ninh, ngày 26 tháng 02 năm 2018", "Kiểm phiếu suy tôn đơn vị đề nghị tặng Cờ thi đua",
                     "Số phiếu hợp lệ", "66,7%", "TRƯỞNG BAN KIỂM PHIẾU", "Nơi nhận:", FOOTER, "Trang 1/"):
        assert expected in text
    fonts = run("pdffonts", data, tmp_path).splitlines()[2:]  # WeasyPrint names them "ABCDEF+Liberation-Serif-Bold"
    assert fonts and all("LiberationSerif" in line.split()[0].replace("-", "") for line in fonts)  # no fallback


def test_ballot_pdf_text(tmp_path):
    text = pdf_text(ballot_pdf(BALLOT), tmp_path)
    for expected in (*MOTTO, "PHIẾU BẦU", "tối đa 2", "Bằng khen của Bộ trưởng", "Tây Ninh, ngày … tháng … năm …"):
        assert expected in text
    assert all(c.name in text for c in BALLOT.candidates)


def test_ballot_instruction_can_be_given():
    paper = dataclasses.replace(BALLOT, instruction="Gạch tên đơn vị không chọn.")
    assert "Gạch tên đơn vị không chọn." in docx_text(ballot_docx(paper))[0]


@pytest.mark.parametrize("field", ["subject", "result", "footer"])
def test_user_markup_is_printed_literally(field, tmp_path):
    doc = dataclasses.replace(MINUTES, **{field: f"{MARKUP} \x0b {field}"},
                              candidates=(dataclasses.replace(MINUTES.candidates[0], name=MARKUP),))
    assert f"{MARKUP} {field}" in pdf_text(minutes_pdf(doc), tmp_path)
    text, footer = docx_text(minutes_docx(doc))
    assert MARKUP in text and f"{MARKUP}   {field}" in (footer if field == "footer" else text)


def test_empty_committee_and_signature_names_leave_room(tmp_path):
    doc = dataclasses.replace(MINUTES, committee=(), signatures=(("Thư ký", ""), ("Trưởng ban kiểm phiếu", "")),
                              recipients=(), notes=(), footer="")
    text, footer = docx_text(minutes_docx(doc))
    assert text.count("…" * 16) == 3 and "THƯ KÝ" in text and "Nơi nhận" not in text
    assert footer.startswith("Trang")
    pdf = pdf_text(minutes_pdf(doc), tmp_path)
    assert pdf.count("…" * 16) == 3 and "THƯ KÝ" in pdf and "Trang 1/" in pdf


@pytest.mark.parametrize("footer", ['Mã "kiểm chứng" \\ C:\\tmp\\"x"', "\\", '"', "'); } @page { x", "\\A \\22"])
def test_footer_with_quotes_and_backslashes(footer, tmp_path):
    doc = dataclasses.replace(MINUTES, footer=footer)
    assert re.sub(r"\s+", " ", footer) in pdf_text(minutes_pdf(doc), tmp_path)
    assert footer in docx_text(minutes_docx(doc))[1]


def test_date_line_pads_day_and_early_months():
    text = docx_text(ballot_docx(dataclasses.replace(BALLOT, letterhead=dataclasses.replace(
        LETTERHEAD, place="", day=date(2019, 12, 5)))))[0]
    assert "…, ngày 05 tháng 12 năm 2019" in text
