"""Leadership in the browser: a viewer logs in and lands on the dashboard with its charts, opens the 2017 year
report and downloads it as XLSX (read back by openpyxl), CSV (UTF-8 with BOM) and PDF (read by pdftotext)."""
import csv
import io
import subprocess
from datetime import date

import openpyxl
from playwright.sync_api import expect
from sqlmodel import select

from tests.support.ballots import award
from tracker.models import Authority, BallotRound, Board
from tracker.ops import demo
from tracker.services import decisions, proposals


def test_a_viewer_reads_the_dashboard_and_exports_the_2017_report(db, page, live_server, log_in, make_user, tmp_path):
    demo.seed(db)
    db.commit()
    for round_ in db.exec(select(BallotRound)).all():
        proposals.create_from_round(session=db, user=None, round_id=round_.id)
    mpi = db.exec(select(Authority).where(Authority.name == "Bộ Kế hoạch và Đầu tư")).one()
    decision = decisions.save_decision(session=db, decision_id=None, version=None, data=decisions.DecisionData(
        number="1234/QĐ-BKHĐT", decided_on=date(2018, 5, 10), authority_id=mpi.id))
    diza = db.exec(select(Board).where(Board.short_name == "DIZA")).one()
    decisions.add_award(session=db, user=None, decision_id=decision.id,
                        line=decisions.AwardLine(diza.id, award(db, "CO_BO"), 2017))
    db.commit()
    make_user("lanh_dao", "viewer", full_name="Lãnh đạo Bộ")

    log_in("lanh_dao")
    expect(page).to_have_url(f"{live_server}/reports/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tổng quan năm")
    # every chart is drawn by Chart.js (served from static/) and has its table beside it
    charts = page.locator("canvas[data-chart]")
    expect(charts).to_have_count(4)
    page.wait_for_function("() => [...document.querySelectorAll('canvas[data-chart]')]"
                           ".every(c => window.Chart && Chart.getChart(c))")
    expect(page.locator("#awards-by-year")).to_contain_text("2017")
    expect(page.locator("#top5")).to_contain_text("DIZA")

    page.get_by_role("link", name="Báo cáo năm", exact=True).click()
    page.get_by_role("link", name="2017", exact=True).first.click()
    expect(page).to_have_url(f"{live_server}/reports/years/2017")
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo năm 2017")
    expect(page.locator("main")).to_contain_text("DIZA 6 (66,7%)")
    expect(page.locator("main")).to_contain_text("1234/QĐ-BKHĐT")

    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "bao-cao-nam-2017.xlsx"
    book = openpyxl.load_workbook(path)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert "DIZA" in cells and "1234/QĐ-BKHĐT" in cells

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV: Đơn vị được suy tôn").click()
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert any(row[4:7] == ["DIZA", "Ban Quản lý các Khu công nghiệp Đồng Nai", "6"] for row in rows)

    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    text = subprocess.run(["pdftotext", "-layout", str(download.value.path()), "-"], capture_output=True,
                          check=True).stdout.decode()
    assert "Báo cáo năm 2017" in text and "DIZA" in text and "66,7%" in text
