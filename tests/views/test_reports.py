"""The report pages as a reader from leadership uses them: the dashboard she lands on, the year report with its
filters and pages, cluster and board reports, and every export (XLSX read back, CSV with its BOM, PDF as text)."""
import csv
import io
import subprocess

import pytest
from openpyxl import load_workbook


@pytest.fixture
def reader(client, login):
    login(as_role="viewer")
    return client


def test_a_viewer_lands_on_the_dashboard(client, login, carried):
    login(as_role="viewer")
    response = client.get("/")
    assert response.status_code == 302 and response.location.endswith("/reports/")
    page = client.get("/reports/").get_data(as_text=True)
    assert "Tổng quan năm 2017" in page
    assert "Khối Đông Nam Bộ" in page
    assert "data-chart=" in page and "chart.umd.min.js" in page
    assert "<script>" not in page  # charts read their data from the canvas, no inline script


def test_other_roles_keep_the_cluster_list_as_home(client, login, carried):
    login(as_role="secretary")
    assert client.get("/").status_code == 200


def test_the_year_report_shows_rounds_proposals_and_decisions(reader, carried):
    page = reader.get("/reports/years/2017").get_data(as_text=True)
    for text in ("Báo cáo năm 2017", "Khối Đông Nam Bộ", "BQL4", "66,7%", "1234/QĐ-BKHĐT", "Bộ Kế hoạch và Đầu tư",
                 "1/2 đạt"):
        assert text in page, text
    assert reader.get("/reports/years/").location.endswith("/reports/years/2017")


@pytest.mark.parametrize("query", ["?page=abc", "?page=-4", "?page=99999999999", "?authority=x", "?authority=-1",
                                   "?region=" + "ư" * 500, "?region=%00", "?region=a%01b", "?year=abc"])
def test_odd_filters_are_ignored_never_an_error(reader, carried, query):
    assert reader.get("/reports/years/2017" + query).status_code == 200
    assert reader.get("/reports/" + query).status_code == 200


def test_unknown_years_clusters_and_boards_are_not_found(reader, carried):
    assert reader.get("/reports/years/2031").status_code == 404
    assert reader.get("/reports/years/2031.xlsx").status_code == 404
    assert reader.get("/reports/clusters/999999").status_code == 404
    assert reader.get("/reports/boards/999999.pdf").status_code == 404
    assert reader.get("/reports/years/2017.docx").status_code == 404


def test_the_year_report_exports_to_xlsx_csv_and_pdf(reader, carried):
    response = reader.get("/reports/years/2017.xlsx")
    assert response.status_code == 200 and "bao-cao-nam-2017" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.worksheets) == 3
    values = [c.value for row in book.worksheets[1].iter_rows() for c in row]
    assert "BQL4" in values and 6 in values

    response = reader.get("/reports/years/2017.csv?table=proposals")
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Cụm thi đua"
    assert ["BQL4", "Cờ thi đua của Bộ"] == rows[1][1:3]

    response = reader.get("/reports/years/2017.pdf")
    assert response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "Báo cáo năm 2017" in text and "BQL4" in text


@pytest.mark.parametrize("url", ["/reports/dashboard.xlsx", "/reports/dashboard.csv?table=top5",
                                 "/reports/dashboard.pdf", "/reports/clusters/{cluster}.xlsx",
                                 "/reports/clusters/{cluster}.csv?table=awards", "/reports/clusters/{cluster}.pdf",
                                 "/reports/boards/{board}.xlsx", "/reports/boards/{board}.csv?table=years",
                                 "/reports/boards/{board}.pdf"])
def test_every_report_exports(reader, carried, url):
    cluster, ids, _authority = carried
    response = reader.get(url.format(cluster=cluster.id, board=ids["BQL4"]))
    assert response.status_code == 200
    assert response.data[:4] in (b"PK\x03\x04", b"%PDF", b"\xef\xbb\xbf" + response.data[3:4])


def test_the_cluster_and_board_reports(reader, carried):
    cluster, ids, _authority = carried
    page = reader.get(f"/reports/clusters/{cluster.id}").get_data(as_text=True)
    assert "Khối Đông Nam Bộ" in page and "CO_BO" in page
    page = reader.get(f"/reports/boards/{ids['BQL4']}").get_data(as_text=True)
    assert "BQL4" in page and "Cờ thi đua của Bộ: 6 (66,7%)" in page


def test_english_reports(reader, carried):
    reader.post("/language", data={"lang": "en"})
    page = reader.get("/reports/years/2017").get_data(as_text=True)
    assert "Year report 2017" in page and "66.7%" in page


# pages with ballot results run one more statement the first time a finalised result is read (then it is cached)
BOUNDS = {"/reports/": 16, "/reports/years/{year}": 15, "/reports/years/{year}?page=2&region=Đông Nam Bộ": 15,
          "/reports/years/{year}.csv?table=results": 15, "/reports/clusters/{cluster}": 15,
          "/reports/boards/{board}": 15, "/reports/dashboard.csv": 16}


@pytest.mark.parametrize("size", [(2, 3, 3), (7, 6, 5)], ids=["small", "large"])
def test_report_pages_run_the_same_bounded_number_of_queries_whatever_the_size(app, db, client, login, queries,
                                                                                size):
    from sqlmodel import select

    from tracker.models import Board, Cluster, ClusterYear
    from tracker.ops import synthetic

    clusters, boards, years = size
    synthetic.generate(session=db, clusters=clusters, boards_per_cluster=boards, years=years, last_year=2025, seed=3)
    db.commit()
    cluster = db.exec(select(Cluster).order_by(Cluster.id)).first()
    board = db.exec(select(Board).where(Board.successor_id.is_(None)).order_by(Board.id.desc())).first()
    year = db.exec(select(ClusterYear.year).order_by(ClusterYear.year)).first() + years - 2
    login(as_role="viewer")
    for pattern, bound in BOUNDS.items():
        url = pattern.format(year=year, cluster=cluster.id, board=board.id)
        with queries() as counted:
            assert client.get(url).status_code == 200
        assert len(counted) <= bound, (url, len(counted), counted)


def test_a_report_too_long_for_a_pdf_goes_back_with_a_message(reader, carried, monkeypatch):
    from tracker.views import reports as views

    monkeypatch.setattr(views, "MAX_PDF_ROWS", 2)
    response = reader.get("/reports/years/2017.pdf?region=Đông Nam Bộ")
    assert response.status_code == 302 and "/reports/years/2017?region=" in response.location
    page = reader.get(response.location).get_data(as_text=True)
    assert "quá nhiều để in (tối đa 2)" in page
    assert reader.get("/reports/years/2017.xlsx").status_code == 200  # the spreadsheet is still there
