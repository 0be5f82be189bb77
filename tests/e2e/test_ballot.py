"""The 2017 review in the browser: the rule, both rounds entered, checked by a second secretary, finalised,
the papers downloaded, and a later amendment in the history."""
import re

from playwright.sync_api import expect

from tests.support.browser import NAMES, fill_counts, second_secretary


def run_round(page, other, live_server, cluster_id, boards, award_code, votes):
    page.goto(f"{live_server}/clusters/{cluster_id}/years/2017/ballots/new")
    option = page.locator("#award_type_id option").filter(has_text=re.compile(
        r"^Cờ thi đua của Bộ \(1\)$" if award_code == "CO_BO" else r"^Bằng khen .*\(2\)$"))
    page.locator("#award_type_id").select_option(value=option.get_attribute("value"))
    page.locator("#committee").fill("Nguyễn Thị Hoa – Trưởng ban\nTrần Văn Nam – Thư ký")
    page.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    expect(page.locator("#round-status")).to_have_text("đã mở, chưa có số liệu")
    round_url = page.url
    page.get_by_role("link", name="Nhập số liệu kiểm phiếu").click()
    fill_counts(page, boards, votes)
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator("#round-status")).to_have_text("đã nhập, chờ kiểm tra")
    expect(page.locator(".result-table").first).to_contain_text("được suy tôn")

    other.goto(round_url + "/check")
    expect(other.locator("#issued")).to_have_value("")  # the second entry does not show the first
    fill_counts(other, boards, votes)
    other.get_by_role("button", name="Đối chiếu và kiểm tra").click()
    expect(other.locator("#round-status")).to_have_text("đã kiểm tra, chờ khóa")

    page.reload()
    page.get_by_role("button", name="Hoàn tất và khóa").click()
    expect(page.locator("#round-status")).to_have_text("đã khóa")
    return round_url


def test_the_2017_review_from_the_rule_to_an_amendment(page, new_context, live_server, log_in, make_board,
                                                       make_cluster, make_user, screenshot, tmp_path):
    boards = {name: make_board(name) for name in NAMES}
    cluster = make_cluster("Khối thi đua Đông Nam Bộ", years={2017: [(boards["BQL KKT Tây Ninh"], "head")] + [
        (b, "member") for n, b in boards.items() if n != "BQL KKT Tây Ninh"]})
    make_user("thuky", "secretary", clusters=[cluster])
    make_user("thuky2", "secretary", clusters=[cluster])
    log_in("thuky")
    page.goto(f"{live_server}/clusters/{cluster.id}/years/2017/rule")
    page.locator("#citation").fill("Điều 9 Quy chế hoạt động của Khối")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#voting-rule")).to_contain_text("đã lưu")

    other = second_secretary(new_context, live_server)
    flag = run_round(page, other, live_server, cluster.id, boards, "CO_BO", {"DIZA": 6, "HEPZA": 2, "BQL VSIP": 1})
    expect(page.locator(".result-table tr.table-success")).to_contain_text("DIZA")
    screenshot("ballot-finalised")

    for document, kind, magic in (("minutes", "docx", b"PK"), ("minutes", "pdf", b"%PDF"),
                                  ("ballot", "docx", b"PK"), ("ballot", "pdf", b"%PDF")):
        with page.expect_download() as download:
            page.locator(f"a[href$='/{document}.{kind}']").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        assert path.read_bytes().startswith(magic), path

    certificate = run_round(page, other, live_server, cluster.id, boards, "BK_BO",
                            {"HEPZA": 7, "BQL KKT Tây Ninh": 6, "BQL VSIP": 3, "BQL Bình Dương": 2})
    expect(page.locator(".result-table tr.table-success")).to_have_count(2)
    assert "DIZA" not in page.locator(".result-table").first.inner_text()  # elected for the flag already
    assert certificate != flag

    page.goto(flag + "/amend")
    page.locator("#votes_" + str(boards["HEPZA"].id)).fill("3")
    page.locator("#votes_" + str(boards["BQL VSIP"].id)).fill("0")
    page.locator("#reason").fill("Ban kiểm phiếu đọc nhầm phiếu của HEPZA")
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator("#round-status")).to_have_text("đã nhập, chờ kiểm tra")
    expect(page.locator("#history")).to_contain_text("Ban kiểm phiếu đọc nhầm phiếu của HEPZA")
    expect(page.locator("#history")).to_contain_text("Phiên bản 1")
    screenshot("ballot-amended")
