"""The submission (tờ trình) proposing boards for an award, as DOCX and as PDF: from plain data, and from the
2017 review's finalised rounds in the database."""
import dataclasses
import io
from datetime import date

import docx
import pytest

from tests.support.ballots import all_votes, award, run, through
from tests.support.documents import LETTERHEAD, MARKUP, MOTTO, docx_text, pdf_text
from tracker.documents.submission import SubmissionDoc, SubmissionLine, submission_docx, submission_pdf
from tracker.models import Authority, Board, Cluster
from tracker.services import ballots, papers, proposals
from tracker.services.errors import DomainError, NotFound

DOC = SubmissionDoc(
    letterhead=dataclasses.replace(LETTERHEAD, number="Số: 12/TTr-CTĐ", day=date(2018, 3, 1)),
    subject="Về việc đề nghị tặng Cờ thi đua của Bộ năm 2017",
    addressee="Kính gửi: Bộ Kế hoạch và Đầu tư",
    paragraphs=("Căn cứ Biên bản kiểm phiếu ngày 26/02/2018 tại Tây Ninh;",
                "Cụm thi đua kính trình Bộ Kế hoạch và Đầu tư xem xét, tặng Cờ thi đua của Bộ năm 2017 cho 2 tập thể:"),
    lines=(SubmissionLine("Ban Quản lý các khu công nghiệp Đồng Nai", "DIZA", "6", "66,7%"),
           SubmissionLine("Ban Quản lý Khu kinh tế Tây Ninh", MARKUP, "5", "55,6%")),
    closing="Kính trình Bộ Kế hoạch và Đầu tư xem xét, quyết định./.",
    signer_title="Trưởng cụm",
    signer_unit="Ban Quản lý Khu kinh tế Tây Ninh",
    recipients=("Như trên;", "Các đơn vị thành viên Cụm;", "Lưu: VT."),
)


def test_the_docx_has_every_part():
    text, footer = docx_text(submission_docx(DOC))
    for expected in (*MOTTO, "TỜ TRÌNH", DOC.subject, DOC.addressee, "Số: 12/TTr-CTĐ",
                     "Tây Ninh, ngày 01 tháng 3 năm 2018", "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", *DOC.paragraphs,
                     "STT", "Tên tập thể", "Số phiếu", "Tỷ lệ", "Ban Quản lý các khu công nghiệp Đồng Nai (DIZA)",
                     "66,7%", f"Ban Quản lý Khu kinh tế Tây Ninh ({MARKUP})", DOC.closing, "TRƯỞNG CỤM",
                     DOC.signer_unit, "Nơi nhận:", "- Lưu: VT."):
        assert expected in text, expected
    assert "Trang" in footer
    document = docx.Document(io.BytesIO(submission_docx(DOC)))
    table = document.tables[1]  # after the letterhead
    assert [c.text for c in table.rows[0].cells] == ["STT", "Tên tập thể", "Số phiếu", "Tỷ lệ"]
    assert [c.text for c in table.rows[1].cells] == ["1", "Ban Quản lý các khu công nghiệp Đồng Nai (DIZA)", "6",
                                                     "66,7%"]


def test_the_pdf_keeps_the_diacritics_and_prints_user_text_as_text(tmp_path):
    text = pdf_text(submission_pdf(DOC), tmp_path)
    for expected in (*MOTTO, "TỜ TRÌNH", DOC.subject, DOC.addressee, "Số: 12/TTr-CTĐ", "Đồng Nai (DIZA)", "66,7%",
                     MARKUP, "TRƯỞNG CỤM", "Nơi nhận:", "Trang 1/1"):
        assert expected in text, expected


def test_an_empty_list_says_so():
    text, _footer = docx_text(submission_docx(dataclasses.replace(DOC, lines=())))
    assert "Chưa có đơn vị được đề nghị." in text


@pytest.fixture
def proposed(db, review):
    """The 2017 review under its ministry: the flag round elects BQL4 (6 of 9), proposed and submitted."""
    cluster, ids, first, second = review
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.flush()
    row = db.get(Cluster, cluster.id)
    row.authority_id = authority.id
    head = db.get(Board, ids["BQL1"])
    head.name, head.province = "Ban Quản lý Khu kinh tế Tây Ninh", "Tây Ninh"
    db.get(Board, ids["BQL4"]).name = "Ban Quản lý các khu công nghiệp Đồng Nai"
    db.commit()
    flag = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
               award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    flag = through(db, flag, ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    flag.held_on = date(2018, 2, 26)  # `through` enters the counts without the date
    db.commit()
    [proposal] = run(db, proposals.create_from_round, user=first, round_id=flag.id)
    return cluster, ids, proposal


def test_the_paper_from_the_database_lists_the_proposed_boards_with_their_votes(db, proposed, tmp_path):
    cluster, ids, proposal = proposed
    name, data = papers.submission_paper(db, cluster_id=cluster.id, year=2017, award_type_id=award(db, "CO_BO"),
                                              kind="docx")
    assert name == "to-trinh-co_bo-2017.docx"
    text, _footer = docx_text(data.getvalue())
    for expected in ("TỜ TRÌNH", "Về việc đề nghị tặng Cờ thi đua của Bộ năm 2017", "Kính gửi: Bộ Kế hoạch và Đầu tư",
                     "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "KHỐI ĐÔNG NAM BỘ", "Số: …/TTr-CTĐ", "ngày 26/02/2018 tại Tây Ninh",
                     "9/9 thành viên có mặt", "trên 50% tổng số thành viên",
                     "Ban Quản lý các khu công nghiệp Đồng Nai (BQL4)", "66,7%", "TRƯỞNG CỤM",
                     "Ban Quản lý Khu kinh tế Tây Ninh"):
        assert expected in text, expected
    assert "BQL2" not in text  # not elected, not proposed

    proposals.save_submission(session=db, user=None, cluster_id=cluster.id, year=2017, proposal_ids=[proposal.id],
                              versions={proposal.id: proposal.version}, number="12/TTr-CTĐ",
                              submitted_on=date(2018, 3, 1))
    db.commit()
    _name, data = papers.submission_paper(db, cluster_id=cluster.id, year=2017,
                                               award_type_id=award(db, "CO_BO"), kind="pdf")
    text = pdf_text(data.getvalue(), tmp_path)
    for expected in ("Số: 12/TTr-CTĐ", "Tây Ninh, ngày 01 tháng 3 năm 2018", "Cờ thi đua của Bộ năm 2017",
                     "Đồng Nai (BQL4)", "66,7%", "TRƯỞNG CỤM"):
        assert expected in text, expected


def test_no_paper_without_proposals_or_for_an_unknown_year_award_or_kind(db, proposed):
    cluster, ids, _proposal = proposed
    with pytest.raises(DomainError):
        papers.submission_paper(db, cluster_id=cluster.id, year=2017, award_type_id=award(db, "BK_BO"),
                                     kind="pdf")
    for year, award_id, kind in ((2016, award(db, "CO_BO"), "pdf"), (2017, 9999, "pdf"),
                                 (2017, award(db, "CO_BO"), "odt")):
        with pytest.raises(NotFound):
            papers.submission_paper(db, cluster_id=cluster.id, year=year, award_type_id=award_id, kind=kind)


def test_the_authority_in_force_on_the_date_is_addressed(db, proposed):
    cluster, ids, proposal = proposed
    old = db.get(Cluster, cluster.id).authority_id
    new = Authority(name="Bộ Tài chính")
    db.add(new)
    db.flush()
    row = db.get(Authority, old)
    row.valid_to, row.successor_id = date(2025, 2, 28), new.id
    db.commit()

    def addressee() -> str:
        _name, data = papers.submission_paper(db, cluster_id=cluster.id, year=2017,
                                                   award_type_id=award(db, "CO_BO"), kind="docx")
        return next(line for line in docx_text(data.getvalue())[0].splitlines() if line.startswith("Kính gửi"))

    assert addressee() == "Kính gửi: Bộ Kế hoạch và Đầu tư"  # the vote of 26/02/2018: the name then
    proposals.save_submission(session=db, user=None, cluster_id=cluster.id, year=2017, proposal_ids=[proposal.id],
                              versions={proposal.id: proposal.version}, number="3/TTr-CTĐ",
                              submitted_on=date(2025, 3, 10))
    db.commit()
    assert addressee() == "Kính gửi: Bộ Tài chính"
