"""Pledge pages: the signing, the catalogue copied forward, both grids in Vietnamese numbers, Excel in and out,
the pledge paper, stale grids, and a bounded number of queries."""
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest

from tests.support.pages import feedback, grid_data
from tracker.services import pledges, scores, years
from tracker.services.stamps import stamp


@pytest.fixture
def year(db, south_east, login):
    """The 2019 cluster of three boards with three indicators; a secretary of the cluster is logged in."""
    cluster, boards = south_east
    lines = [pledges.IndicatorLine(None, "Vốn đầu tư thu hút", "tỷ đồng"),
             pledges.IndicatorLine(None, "Dự án mới", "dự án"),
             pledges.IndicatorLine(None, "Thời gian giải quyết hồ sơ", "ngày", direction="lower")]
    indicators = pledges.save_catalogue(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), lines=lines)
    db.commit()
    login("secretary", clusters=[cluster])
    return cluster, boards, indicators, f"/clusters/{cluster.id}/years/2019"


def test_the_pledge_is_recorded_with_its_signatures(client, db, year):
    cluster, boards, _indicators, url = year
    page = client.get(url + "/pledge/edit").get_data(as_text=True)
    assert f'<option selected value="{boards["DIZA"].id}"' in page  # the head hosts by default
    diza = boards["DIZA"].id
    response = client.post(url + "/pledge/edit", data={
        "version": "0", "signed_on": "26/02/2019", "place": "Tây Ninh", "host_board_id": str(diza),
        "text": "Vượt mức chỉ tiêu", f"signed_{diza}": "y", f"signer_{diza}": "Nguyễn Văn A – Trưởng ban"})
    assert response.status_code == 302
    page = client.get(url + "/pledge").get_data(as_text=True)
    assert "26/02/2019" in page and "Nguyễn Văn A – Trưởng ban" in page and "1/3" in page.replace(" ", "")


def test_a_grid_takes_vietnamese_numbers_and_shows_completion(client, db, year):
    cluster, boards, (invest, projects, days), url = year
    diza = boards["DIZA"].id
    page = client.get(f"{url}/targets/board/{diza}").get_data(as_text=True)
    data = {**grid_data(page), f"target_{invest.id}_{diza}": "1.234,5", f"source_{invest.id}_{diza}": "QĐ 12/QĐ-UBND",
            f"actual_{invest.id}_{diza}": "1.500", f"target_{days.id}_{diza}": "10", f"actual_{days.id}_{diza}": "12,5"}
    assert client.post(f"{url}/targets/board/{diza}", data=data).status_code == 302
    stored = {t.indicator_id: t for t in pledges.targets(db, years.find(db, cluster.id, 2019).id)}
    assert (stored[invest.id].target, stored[invest.id].actual, stored[days.id].actual) == (D("1234.5"), D(1500),
                                                                                            D("12.5"))
    page = client.get(url + "/pledge").get_data(as_text=True)
    assert "1.234,5" in page and "121,5%" in page and "80,0%" in page  # 1500/1234,5 and 10/12,5 (fewer days wins)


def test_bad_numbers_are_refused_beside_their_cell_and_nothing_is_saved(client, db, year):
    cluster, boards, (invest, *_), url = year
    hepza = boards["HEPZA"].id
    page = client.get(f"{url}/targets/indicator/{invest.id}").get_data(as_text=True)
    data = {**grid_data(page), f"target_{invest.id}_{hepza}": "mười", f"actual_{invest.id}_{hepza}": "-5",
            f"target_{invest.id}_{boards['DIZA'].id}": "100"}
    response = client.post(f"{url}/targets/indicator/{invest.id}", data=data)
    assert response.status_code == 422
    assert feedback(response, f"target_{invest.id}_{hepza}") and feedback(response, f"actual_{invest.id}_{hepza}")
    assert pledges.targets(db, years.find(db, cluster.id, 2019).id) == []


def test_a_stale_grid_shows_both_values_and_saves_nothing(client, db, year):
    cluster, boards, (invest, *_), url = year
    diza = boards["DIZA"].id
    page = client.get(f"{url}/targets/board/{diza}").get_data(as_text=True)
    pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]),
                         cells=[pledges.TargetCell(invest.id, diza, D(900), "", None)])
    db.commit()
    response = client.post(f"{url}/targets/board/{diza}", data={**grid_data(page),
                                                                f"target_{invest.id}_{diza}": "1.000"})
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert 'id="conflict"' in text and "900" in text and "1.000" in text
    assert pledges.targets(db, years.find(db, cluster.id, 2019).id)[0].target == D(900)


def test_the_catalogue_is_offered_from_the_last_year_and_saved(client, db, year, make_cluster):
    cluster, boards, _indicators, url = year
    years.save_roster(session=db, cluster_id=cluster.id, year=2020, version=0, data=years.RosterData(
        rows=[years.rules.Row(boards["DIZA"].id, True, "head")]))
    db.commit()
    page = client.get(f"/clusters/{cluster.id}/years/2020/indicators").get_data(as_text=True)
    assert 'id="copied"' in page and "Thời gian giải quyết hồ sơ" in page
    data = {"stamp": grid_data(page)["stamp"], "name_0": "Vốn đầu tư thu hút", "unit_0": "tỷ đồng",
            "direction_0": "higher", "name_1": "Dự án mới", "direction_1": "higher", "name_2": "Dự án mới",
            "direction_2": "higher"}
    response = client.post(f"/clusters/{cluster.id}/years/2020/indicators", data=data)
    assert response.status_code == 422 and feedback(response, "name_2")
    data["name_2"] = "Kim ngạch xuất khẩu"
    assert client.post(f"/clusters/{cluster.id}/years/2020/indicators", data=data).status_code == 302
    assert [i.name for i in pledges.indicators(db, years.find(db, cluster.id, 2020).id)] == [
        "Vốn đầu tư thu hút", "Dự án mới", "Kim ngạch xuất khẩu"]


def _upload(client, url, book, name="chi-tieu.xlsx"):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(url + "/targets/upload", data={"file": (io.BytesIO(buffer.getvalue()), name)},
                       content_type="multipart/form-data")


def _find(sheet, board, indicator):
    for row in sheet.iter_rows():
        values = [c.value for c in row]
        if board in values and indicator in values:
            return {values_header: cell for values_header, cell in zip(_headers(sheet), row, strict=False)}
    raise AssertionError(f"no line {board} / {indicator}")


def _headers(sheet):
    for row in sheet.iter_rows(values_only=True):
        if "Chỉ tiêu" in row:
            return list(row)
    raise AssertionError("no header row")


def test_excel_template_upload_preview_and_import(client, db, year):
    cluster, boards, (invest, projects, days), url = year
    response = client.get(url + "/targets.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = next(ws for ws in book.worksheets if ws.sheet_state == "visible")
    line = _find(sheet, "DIZA", "Dự án mới")
    line["Kế hoạch giao"].value = 12
    line["Thực hiện"].value = "15"
    line = _find(sheet, "HEPZA", "Vốn đầu tư thu hút")
    line["Kế hoạch giao"].value = "2.500,5"
    response = _upload(client, url, book)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="changes"' in page and "2.500,5" in page
    assert pledges.targets(db, years.find(db, cluster.id, 2019).id) == []  # nothing written before confirming
    payload = re.search(r'name="payload" type="hidden" value="([^"]*)"', page).group(1)
    assert client.post(url + "/targets/import", data={"payload": payload}).status_code == 302
    db.rollback()  # end the test's read snapshot
    stored = {(t.board_id, t.indicator_id): t for t in pledges.targets(db, years.find(db, cluster.id, 2019).id)}
    assert stored[(boards["DIZA"].id, projects.id)].target == D(12)
    assert stored[(boards["DIZA"].id, projects.id)].actual == D(15)
    assert stored[(boards["HEPZA"].id, invest.id)].target == D("2500.5")
    # The same checked file cannot be imported twice over changes made since.
    assert client.post(url + "/targets/import", data={"payload": payload}).status_code == 302
    assert len(stored) == 2
    # A tampered payload is refused.
    assert client.post(url + "/targets/import", data={"payload": payload[:-2] + "xx"}).status_code == 302


def test_excel_bad_cells_are_all_listed_and_nothing_is_written(client, db, year):
    cluster, _boards, _indicators, url = year
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "/targets.xlsx").data))
    sheet = next(ws for ws in book.worksheets if ws.sheet_state == "visible")
    _find(sheet, "DIZA", "Dự án mới")["Kế hoạch giao"].value = "mười hai"
    _find(sheet, "HEPZA", "Dự án mới")["Thực hiện"].value = -3
    response = _upload(client, url, book)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("<code>") == 2
    assert pledges.targets(db, years.find(db, cluster.id, 2019).id) == []


@pytest.mark.parametrize(("name", "content"), [
    ("chi-tieu.xlsx", b"ten,chi tieu\nDIZA,12\n"), ("virus.exe", b"MZ\x90\x00" * 100), ("empty.xlsx", b""),
    ("chi-tieu.xlsx", b"PK\x03\x04 not really a zip"),
])
def test_a_renamed_or_broken_file_is_refused_clearly(client, year, name, content):
    _cluster, _boards, _indicators, url = year
    response = client.post(url + "/targets/upload", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert feedback(response, "file")


def test_the_pledge_paper_downloads(client, db, year):
    cluster, boards, _indicators, url = year
    assert client.get(url + "/pledge.docx").status_code == 302  # nothing to print before the pledge is recorded
    pledges.save_pledge(session=db, cluster_id=cluster.id, year=2019, version=0, data=pledges.PledgeData())
    db.commit()
    for kind, mimetype in (("docx", "wordprocessingml"), ("pdf", "pdf")):
        response = client.get(f"{url}/pledge.{kind}")
        assert response.status_code == 200 and mimetype in response.mimetype


def test_the_year_work_pages_run_a_bounded_number_of_queries(client, db, year, make_board, queries):
    cluster, boards, indicators, url = year
    criteria = scores.save_criteria(session=db, cluster_id=cluster.id, year=2019, stamp=stamp([]), lines=[
        scores.CriterionLine(None, "I", "Nhiệm vụ", D(60)), scores.CriterionLine(None, "II", "Thi đua", D(40))])
    db.commit()
    pages = ["/pledge", "/indicators", f"/targets/board/{boards['DIZA'].id}", f"/targets/indicator/{indicators[0].id}",
             "/scores", "/criteria", f"/scores/board/{boards['DIZA'].id}", "/targets.xlsx", "/scores.xlsx", ""]
    counts: dict[str, list[int]] = {}
    for n in range(2):
        for page in pages:
            with queries() as counted:
                assert client.get(url + page).status_code == 200, page
            counts.setdefault(page, []).append(len(counted))
        # Six more members, each with targets and scores.
        extra = [make_board(f"THÊM {n} {i}") for i in range(6)]
        cy = years.find(db, cluster.id, 2019)
        current = {m.board_id: m.role for m in years.memberships(db, cy.id)}
        rows = [years.rules.Row(b, True, r) for b, r in current.items()] + [
            years.rules.Row(b.id, True, "member") for b in extra]
        years.save_roster(session=db, cluster_id=cluster.id, year=2019, version=cy.version,
                          data=years.RosterData(rows=rows))
        pledges.save_targets(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(pledges.targets(db, cy.id)),
                             cells=[pledges.TargetCell(i.id, b.id, D(5), "", D(6)) for i in indicators for b in extra])
        scores.save_scores(session=db, cluster_id=cluster.id, year=2019, stamp=stamp(scores.scores(db, cy.id)),
                           cells=[scores.ScoreCell(c.id, b.id, D(30), D(25)) for c in criteria for b in extra])
        db.commit()
    for page, (small, big) in counts.items():
        assert small == big and big <= 15, (page, small, big)


def test_in_english_numbers_are_typed_and_shown_the_english_way(client, db, year):
    cluster, boards, (invest, *_), url = year
    client.post("/language", data={"lang": "en"})
    diza = boards["DIZA"].id
    page = client.get(f"{url}/targets/board/{diza}").get_data(as_text=True)
    data = {**grid_data(page), f"target_{invest.id}_{diza}": "1,234.5", f"actual_{invest.id}_{diza}": "2,000"}
    assert client.post(f"{url}/targets/board/{diza}", data=data).status_code == 302
    (row,) = pledges.targets(db, years.find(db, cluster.id, 2019).id)
    assert (row.target, row.actual) == (D("1234.5"), D(2000))
    page = client.get(url + "/pledge").get_data(as_text=True)
    assert "1,234.5" in page and "162.0%" in page


def test_a_year_or_id_no_record_can_have_is_not_found(client, year):
    cluster, _boards, _indicators, _url = year
    for path in (f"/clusters/{cluster.id}/years/99999999999999999999/pledge",
                 f"/clusters/{cluster.id}/years/2019/targets/board/99999999999999999999",
                 "/clusters/99999999999999999999/years/2019/scores"):
        assert client.get(path).status_code == 404
