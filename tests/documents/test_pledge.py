"""The printed pledge (bản giao ước thi đua) of a cluster-year, as DOCX and as PDF, from the database.

Three members (one without targets), three indicators in two groups; the targets are illustrative."""
import io
from datetime import date
from decimal import Decimal

import docx
import pytest

from tests.support.documents import LETTERHEAD, MOTTO, docx_text, pdf_text, run
from tracker.documents.data import PledgeDoc, PledgeSection, TargetLine
from tracker.documents.pledge import pledge_docx
from tracker.models import Authority, Board, Indicator, Membership, Pledge, Signature, Target
from tracker.services import papers, years
from tracker.services.errors import NotFound

CLUSTER = "Cụm thi đua các Ban Quản lý miền Đông Nam Bộ"
DONG_NAI = "Ban Quản lý các khu công nghiệp Đồng Nai"
BINH_DUONG = "Ban Quản lý các khu công nghiệp Bình Dương"
TAY_NINH = "Ban Quản lý Khu kinh tế Tây Ninh"
SOURCE_DN = "Quyết định 12/QĐ-UBND ngày 10/01/2018 của UBND tỉnh Đồng Nai"
SOURCE_BD = "Quyết định 45/QĐ-UBND ngày 05/01/2018 của UBND tỉnh Bình Dương"
SIGNER = "Nguyễn Văn A – Trưởng ban"
NOTE = ("Dữ liệu minh họa: các chỉ tiêu trong văn bản này là số liệu giả định để trình diễn, "
        "không phải số liệu công bố.")
TEXT = ("Các đơn vị thành viên thi đua hoàn thành vượt mức chỉ tiêu được giao.\n\n"
        "Tổ chức sơ kết 6 tháng và tổng kết năm đúng thời hạn.\n")


@pytest.fixture
def year(db, make_board, make_cluster):
    """The 2018 pledge: Tây Ninh hosts and has no targets; Đồng Nai sorts between Bình Dương and Tây Ninh."""
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.flush()
    dong_nai = make_board("Đồng Nai", name=DONG_NAI, province="Đồng Nai")
    binh_duong = make_board("Bình Dương", name=BINH_DUONG, province="Bình Dương")
    tay_ninh = make_board("Tây Ninh", name=TAY_NINH, province="Tây Ninh")
    cluster = make_cluster(CLUSTER, years={2018: [(tay_ninh, "head"), (dong_nai, "deputy"), (binh_duong, "member")]},
                           authority_id=authority.id)
    cluster_year = years.find(db, cluster.id, 2018)
    pledge = Pledge(cluster_year_id=cluster_year.id, signed_on=date(2018, 2, 26), place="Hội trường Ban Quản lý",
                    host_board_id=tay_ninh.id, text=TEXT, illustrative=True)
    # created out of catalogue order: printed by position
    procedures = Indicator(cluster_year_id=cluster_year.id, position=3, group="Cải cách hành chính",
                           name="Hồ sơ giải quyết đúng hạn", unit="%")
    capital = Indicator(cluster_year_id=cluster_year.id, position=1, group="Thu hút đầu tư",
                        name="Vốn đầu tư thu hút", unit="triệu USD")
    projects = Indicator(cluster_year_id=cluster_year.id, position=2, group="Thu hút đầu tư",
                         name="Dự án mới", unit="dự án")
    db.add_all([pledge, procedures, capital, projects])
    db.flush()
    db.add_all([
        Target(indicator_id=capital.id, board_id=dong_nai.id, target=Decimal("1234.5"), source=SOURCE_DN),
        Target(indicator_id=projects.id, board_id=dong_nai.id, target=Decimal("40"), source=SOURCE_DN),
        Target(indicator_id=procedures.id, board_id=dong_nai.id, target=Decimal("99.75"), source=SOURCE_DN),
        Target(indicator_id=capital.id, board_id=binh_duong.id, target=Decimal("2000000"), source=SOURCE_BD),
        Target(indicator_id=projects.id, board_id=tay_ninh.id, actual=Decimal("7")),  # a result, no target
        Signature(pledge_id=pledge.id, board_id=dong_nai.id, signed=True, signer=SIGNER),
        Signature(pledge_id=pledge.id, board_id=binh_duong.id, signed=False),
    ])
    db.commit()
    return cluster, pledge, {"DN": dong_nai, "BD": binh_duong, "TN": tay_ninh}


def paper(db, cluster, kind="docx") -> tuple[str, bytes]:
    name, data = papers.pledge_paper(db, cluster_id=cluster.id, year=2018, kind=kind)
    return name, data.getvalue()


def cell_texts(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_has_letterhead_text_targets_and_signatures(db, year):
    cluster, _pledge, _boards = year
    name, data = paper(db, cluster)
    assert name == "giao-uoc-thi-dua-2018.docx"
    text, footer = docx_text(data)
    for expected in (*MOTTO, "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", CLUSTER.upper(), "Số: …/GƯTĐ",
                     "Tây Ninh, ngày 26 tháng 02 năm 2018", "BẢN GIAO ƯỚC THI ĐUA",
                     "Thực hiện phong trào thi đua năm 2018",
                     f"Hôm nay, ngày 26 tháng 02 năm 2018, tại Hội trường Ban Quản lý, các đơn vị thành viên {CLUSTER} "
                     "cùng ký kết giao ước thi đua năm 2018 với các nội dung sau:",
                     "Các đơn vị thành viên thi đua hoàn thành vượt mức chỉ tiêu được giao.",
                     "Tổ chức sơ kết 6 tháng và tổng kết năm đúng thời hạn.", "Chỉ tiêu của từng đơn vị:",
                     f"1. {BINH_DUONG}", f"2. {DONG_NAI}", f"3. {TAY_NINH}", SOURCE_DN, SOURCE_BD, NOTE,
                     "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC", SIGNER):
        assert expected in text
    # Vietnamese order of short names (B, Đ, T), not code-point order (which puts Đ last)
    assert text.index(f"1. {BINH_DUONG}") < text.index(f"2. {DONG_NAI}") < text.index(f"3. {TAY_NINH}")
    assert text.count("Chưa ghi nhận chỉ tiêu.") == 1  # Tây Ninh: its only row holds a result, not a target
    assert "Trang" in footer
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs].index("Chưa ghi nhận chỉ tiêu.") == \
        [p.text for p in document.paragraphs].index(f"3. {TAY_NINH}") + 1


def test_docx_target_tables_in_catalogue_order_with_vietnamese_numbers(db, year):
    cluster, _pledge, _boards = year
    tables = docx.Document(io.BytesIO(paper(db, cluster)[1])).tables
    assert len(tables) == 4  # letterhead, Bình Dương, Đồng Nai, signatures (Tây Ninh has no table)
    header = ["STT", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu giao", "Căn cứ"]
    assert cell_texts(tables[1]) == [header, ["Thu hút đầu tư"] * 5,
                                     ["1", "Vốn đầu tư thu hút", "triệu USD", "2.000.000", SOURCE_BD]]
    assert cell_texts(tables[2]) == [header, ["Thu hút đầu tư"] * 5,  # a group row spans the whole table
                                     ["1", "Vốn đầu tư thu hút", "triệu USD", "1.234,5", SOURCE_DN],
                                     ["2", "Dự án mới", "dự án", "40", SOURCE_DN],
                                     ["Cải cách hành chính"] * 5,
                                     ["3", "Hồ sơ giải quyết đúng hạn", "%", "99,75", SOURCE_DN]]
    group = tables[2].rows[1].cells[0]
    assert len({id(c._tc) for c in tables[2].rows[1].cells}) == 1 and group.paragraphs[0].runs[0].bold


def test_docx_signature_block_for_every_member_two_by_two(db, year):
    cluster, _pledge, _boards = year
    signatures = docx.Document(io.BytesIO(paper(db, cluster)[1])).tables[-1]
    assert len(signatures.rows) == 2
    first, second = ([p.text for p in cell.paragraphs] for cell in signatures.rows[0].cells)
    assert first == [BINH_DUONG.upper(), "(Ký, ghi rõ họ tên)", ""]  # not signed yet: room to sign by hand
    assert second == [DONG_NAI.upper(), "(Ký, ghi rõ họ tên)", SIGNER]
    last = signatures.rows[1].cells
    assert len({id(c._tc) for c in last}) == 1  # the odd one out is centred across the page
    assert [p.text for p in last[0].paragraphs] == [TAY_NINH.upper(), "(Ký, ghi rõ họ tên)", ""]


def test_pdf_text_diacritics_and_font(db, year, tmp_path):
    cluster, _pledge, _boards = year
    name, data = paper(db, cluster, "pdf")
    assert name == "giao-uoc-thi-dua-2018.pdf"
    text = pdf_text(data, tmp_path)
    for expected in (*MOTTO, "BẢN GIAO ƯỚC THI ĐUA", "Thực hiện phong trào thi đua năm 2018", DONG_NAI, BINH_DUONG,
                     TAY_NINH, "Tây Ninh, ngày 26 tháng 02 năm 2018", "Số: …/GƯTĐ", "1.234,5", "2.000.000",
                     "99,75", "Vốn đầu tư thu hút", "Cải cách hành chính", "Chưa ghi nhận chỉ tiêu.", NOTE,
                     "ĐẠI DIỆN CÁC ĐƠN VỊ KÝ GIAO ƯỚC", "ĐỒNG NAI", TAY_NINH.upper(), SIGNER, "Trang 1/"):
        assert expected in text
    assert text.count("(Ký, ghi rõ họ tên)") == 3
    fonts = run("pdffonts", data, tmp_path).splitlines()[2:]
    assert fonts and all("LiberationSerif" in line.split()[0].replace("-", "") for line in fonts)


def test_plain_pledge_without_date_text_or_host(db, year, tmp_path):
    cluster, pledge, _boards = year
    pledge.illustrative, pledge.text, pledge.signed_on, pledge.host_board_id = False, " \n\n ", None, None
    pledge.place = ""
    db.commit()
    text = docx_text(paper(db, cluster)[1])[0]
    assert NOTE not in text and "Dữ liệu minh họa" not in text
    assert "…, ngày … tháng … năm …" in text  # no host board, no place
    assert "Hôm nay, ngày … tháng … năm …, tại …, các đơn vị thành viên" in text
    assert ("Mỗi đơn vị thành viên thi đua phấn đấu hoàn thành vượt mức các chỉ tiêu do Ủy ban nhân dân tỉnh, "
            "thành phố giao năm 2018") in text
    assert NOTE not in pdf_text(paper(db, cluster, "pdf")[1], tmp_path)


def test_place_without_host_board_comes_from_the_pledge(db, year):
    cluster, pledge, _boards = year
    pledge.host_board_id, pledge.place = None, "Biên Hòa"
    db.commit()
    text = docx_text(paper(db, cluster)[1])[0]
    assert "Biên Hòa, ngày 26 tháng 02 năm 2018" in text and "tại Biên Hòa, các đơn vị" in text


def test_user_markup_is_printed_literally(db, year, tmp_path):
    cluster, pledge, boards = year
    markup = '<b>x</b> & "q"'
    pledge.text = f"{markup}\x01 đoạn"  # a pasted control character
    db.add(Signature(pledge_id=pledge.id, board_id=boards["TN"].id, signer=markup))
    db.commit()
    assert f"{markup} đoạn" in pdf_text(paper(db, cluster, "pdf")[1], tmp_path)
    text = docx_text(paper(db, cluster)[1])[0]
    assert f"{markup}  đoạn" in text and text.count(markup) >= 2


def test_queries_do_not_grow_with_members_and_targets(db, year, queries, make_board):
    cluster, pledge, boards = year
    with queries() as counted:
        paper(db, cluster)
    before = len(counted)
    assert before <= 10
    extra = make_board("Bình Phước", name="Ban Quản lý Khu kinh tế Bình Phước")
    db.add(Membership(cluster_year_id=pledge.cluster_year_id, board_id=extra.id))
    indicator = Indicator(cluster_year_id=pledge.cluster_year_id, position=4, name="Nộp ngân sách", unit="tỷ đồng")
    db.add(indicator)
    db.flush()
    db.add_all([Target(indicator_id=indicator.id, board_id=b.id, target=Decimal(5)) for b in (*boards.values(), extra)])
    db.commit()
    with queries() as counted:
        text = docx_text(paper(db, cluster)[1])[0]
    assert len(counted) == before
    assert "Ban Quản lý Khu kinh tế Bình Phước" in text and "Nộp ngân sách" in text


def test_not_found(db, year, make_cluster):
    cluster, pledge, _boards = year
    with pytest.raises(NotFound):
        papers.pledge_paper(db, cluster_id=cluster.id, year=2019, kind="docx")  # no such cluster-year
    with pytest.raises(NotFound):
        papers.pledge_paper(db, cluster_id=cluster.id, year=2018, kind="odt")
    other = make_cluster("Cụm không có giao ước", years={2018: []})
    with pytest.raises(NotFound):
        papers.pledge_paper(db, cluster_id=other.id, year=2018, kind="pdf")  # a year without a pledge
    db.delete(pledge)
    db.commit()
    with pytest.raises(NotFound):
        papers.pledge_paper(db, cluster_id=cluster.id, year=2018, kind="docx")
    assert db.get(Board, _boards["DN"].id) is not None


def test_group_rows_only_when_groups_are_used():
    plain = TargetLine(group="", indicator="Dự án mới", unit="dự án", target="3", source="")
    grouped = TargetLine(group="Thu hút đầu tư", indicator="Vốn", unit="tỷ đồng", target="1,5", source="")
    doc = PledgeDoc(letterhead=LETTERHEAD, subject="Năm 2018", opening="Mở đầu.", paragraphs=("Nội dung.",),
                    sections=(PledgeSection("Ban A", "A", (plain, plain)),
                              PledgeSection("Ban B", "B", (plain, grouped, plain))))
    document = docx.Document(io.BytesIO(pledge_docx(doc)))
    ungrouped, mixed = document.tables[1:]  # no signatures: no signature grid
    assert [row[0] for row in cell_texts(ungrouped)] == ["STT", "1", "2"]
    # lines with no group after a group are headed apart, so they do not read as part of it
    assert [row[0] for row in cell_texts(mixed)] == ["STT", "1", "Thu hút đầu tư", "2", "Chỉ tiêu khác", "3"]
    assert "ĐẠI DIỆN" not in docx_text(pledge_docx(doc))[0]
