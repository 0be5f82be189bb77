"""The 2018 pledge of the South-East block in the browser: indicators, the signing, targets typed in a grid and
uploaded from Excel, the signing meeting with a photo, year-end results, scores, completion and ranking, and the
printed pledge."""
import openpyxl
from PIL import Image
from playwright.sync_api import expect

NAMES = ["BQL KKT Ninh Thuận", "BQL Bình Thuận", "BQL Bà Rịa – Vũng Tàu", "DIZA", "BQL Bình Dương",
         "BQL Bình Phước", "BQL VSIP", "HEPZA", "BQL KKT Tây Ninh"]
INDICATORS = [("Vốn đầu tư thu hút", "tỷ đồng", "higher"), ("Dự án mới", "dự án", "higher"),
              ("Thời gian giải quyết hồ sơ", "ngày", "lower")]
BY_GRID = ["DIZA", "HEPZA", "BQL KKT Tây Ninh"]  # the other six boards come from the Excel file


def test_the_2018_pledge_from_indicators_to_the_printed_paper(page, live_server, log_in, make_board, make_cluster,
                                                             make_user, screenshot, tmp_path):
    boards = {name: make_board(name) for name in NAMES}
    cluster = make_cluster("Cụm thi đua Đông Nam Bộ", years={2018: [(boards["BQL KKT Tây Ninh"], "head")] + [
        (b, "member") for n, b in boards.items() if n != "BQL KKT Tây Ninh"]})
    make_user("thuky", "secretary", clusters=[cluster])
    log_in("thuky")
    year_url = f"{live_server}/clusters/{cluster.id}/years/2018"

    # The indicator catalogue.
    page.goto(year_url)
    page.get_by_role("link", name="Giao ước và chỉ tiêu").click()
    page.get_by_role("link", name="Sửa danh mục chỉ tiêu").click()
    for n, (name, unit, direction) in enumerate(INDICATORS):
        page.locator(f"#name_{n}").fill(name)
        page.locator(f"#unit_{n}").fill(unit)
        page.locator(f"#direction_{n}").select_option(direction)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#catalogue")).to_contain_text("Thời gian giải quyết hồ sơ")

    # The signing: date, place, the head hosts, every member signs.
    page.get_by_role("link", name="Ghi nhận giao ước").click()
    page.locator("#signed_on").fill("26/02/2018")
    page.locator("#place").fill("Ban Quản lý Khu kinh tế tỉnh Tây Ninh")
    page.locator("#text").fill("Mỗi đơn vị phấn đấu hoàn thành vượt mức các chỉ tiêu do UBND tỉnh giao.")
    for board in boards.values():
        page.locator(f"#signed_{board.id}").check()
    page.locator(f"#signer_{boards['DIZA'].id}").fill("Trưởng ban DIZA")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#signing")).to_contain_text("9/9 thành viên đã ký")

    # Targets of three boards typed in the board grid, with the keyboard.
    for name in BY_GRID:
        page.locator(f"#board-{boards[name].id}").get_by_role("link", name="Nhập cho đơn vị này").click()
        first = page.locator("input[data-column=target]").first
        first.click()
        for value in ("1.234,5", "12", "10"):
            page.keyboard.type(value)
            page.keyboard.press("ArrowDown")
        for row, source in enumerate(page.locator("input[data-column=source]").all()):
            source.fill(f"Quyết định {row + 1}/QĐ-UBND ngày 10/01/2018")
        page.keyboard.press("Enter")
        expect(page.locator(".alert-success")).to_contain_text("Đã lưu: 6 giá trị thay đổi")

    # The other six boards from the Excel template.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải mẫu Excel (XLSX)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "chi-tieu-2018.xlsx"
    book = openpyxl.load_workbook(template)
    sheet = book.active
    header = next(row for row in sheet.iter_rows(values_only=True) if "Kế hoạch giao" in row)
    target, source = header.index("Kế hoạch giao"), header.index("Căn cứ giao (văn bản)")
    for row in sheet.iter_rows():
        values = [c.value for c in row]
        if values[1] in NAMES and values[1] not in BY_GRID:
            row[target].value = {"tỷ đồng": 800, "dự án": 5, "ngày": 12}[values[3]]
            row[source].value = "Kế hoạch năm 2018 của UBND tỉnh"
    upload = tmp_path / "chi-tieu-2018.xlsx"
    book.save(upload)
    page.locator("#file").set_input_files(str(upload))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("#changes")).to_contain_text("36 giá trị")
    page.get_by_role("button", name="Lưu các thay đổi này").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập: 36 giá trị thay đổi")

    # The signing meeting with a photo.
    page.goto(year_url)
    page.get_by_role("link", name="Thêm cuộc họp").first.click()
    page.locator("#kind").select_option("pledge")
    page.locator("#held_on").fill("26/02/2018")
    page.locator("#place").fill("Ban Quản lý Khu kinh tế tỉnh Tây Ninh")
    page.locator("#delegates").fill("40")
    page.locator("#summary").fill("Ký kết giao ước thi đua năm 2018.")
    page.get_by_role("button", name="Lưu").click()
    photo = tmp_path / "ky-ket-2018.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(photo)
    page.locator("#file").set_input_files(str(photo))
    page.locator("#upload #caption").fill("Lễ ký kết giao ước thi đua năm 2018")
    page.locator("#upload").get_by_role("button", name="Tải lên").click()
    expect(page.locator("figure img[alt='Lễ ký kết giao ước thi đua năm 2018']")).to_be_visible()
    screenshot("meeting-photo")

    # Year-end results, one indicator for every board.
    page.goto(year_url + "/pledge")
    for name, unit, _direction in INDICATORS:
        page.locator("#catalogue tr", has_text=name).get_by_role("link", name="Nhập cho mọi đơn vị").click()
        results = {"tỷ đồng": "1.500", "dự án": "11", "ngày": "8"}
        for field in page.locator("input[data-column=actual]").all():
            field.fill(results[unit])
        page.get_by_role("button", name="Lưu").click()
        expect(page.locator(".alert-success")).to_contain_text("9 giá trị thay đổi")
    diza = page.locator(f"#board-{boards['DIZA'].id}")
    expect(diza).to_contain_text("1.234,5")
    expect(diza.locator("[data-overall]")).to_contain_text("2/3 chỉ tiêu đạt")  # 11 new projects of 12: not met
    expect(diza).to_contain_text("121,5%")
    expect(diza).to_contain_text("vượt mức")
    screenshot("pledge-completion")

    # Scores and the ranking.
    page.goto(year_url + "/scores")
    page.get_by_role("link", name="Sửa tiêu chí chấm điểm").click()
    for n, (code, name, points) in enumerate([("I", "Thực hiện nhiệm vụ chuyên môn", "60"),
                                              ("II", "Công tác thi đua, khen thưởng", "40")]):
        page.locator(f"#code_{n}").fill(code)
        page.locator(f"#name_{n}").fill(name)
        page.locator(f"#max_points_{n}").fill(points)
    page.get_by_role("button", name="Lưu").click()
    for name, agreed in (("DIZA", ("55", "35,5")), ("HEPZA", ("56", "34,5")), ("BQL VSIP", ("50", "30"))):
        page.locator("#ranking tr", has_text=name).get_by_role("link", name="Chấm điểm").click()
        page.locator("input[data-column=agreed]").nth(0).fill(agreed[0])
        page.locator("input[data-column=agreed]").nth(1).fill(agreed[1])
        page.get_by_role("button", name="Lưu").click()
    ranking = page.locator("#ranking")
    expect(ranking.locator("tr", has_text="DIZA")).to_contain_text("đồng hạng")  # 90,5 each
    expect(ranking.locator("tr", has_text="HEPZA")).to_contain_text("đồng hạng")
    expect(ranking.locator("tbody tr").nth(2)).to_contain_text("BQL VSIP")
    screenshot("score-ranking")

    # The printed pledge.
    page.goto(year_url + "/pledge")
    for kind, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as download:
            page.locator(f"a[href$='/pledge.{kind}']").click()
        data = download.value.path().read_bytes()
        assert data.startswith(magic) and len(data) > 10_000
