"""The second secretary's view of a round in the browser (issue 15, finding 1): before her entry she sees who typed
the counts and when, no figures, no minutes, and a blank form; the first secretary is not offered the second
entry; after a match both see the result."""
from playwright.sync_api import expect

from tests.support.browser import NAMES, fill_counts, second_secretary, shoot


def test_the_checker_sees_nothing_of_the_first_entry_until_hers_matches(page, new_context, live_server, log_in,
                                                                        make_board, make_cluster, make_user):
    boards = {name: make_board(name) for name in NAMES}
    cluster = make_cluster("Khối thi đua Đông Nam Bộ", years={2017: [(boards["BQL KKT Tây Ninh"], "head")] + [
        (b, "member") for n, b in boards.items() if n != "BQL KKT Tây Ninh"]})
    make_user("thuky", "secretary", clusters=[cluster])
    make_user("thuky2", "secretary", clusters=[cluster])
    log_in("thuky")
    page.goto(f"{live_server}/clusters/{cluster.id}/years/2017/rule")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"{live_server}/clusters/{cluster.id}/years/2017/ballots/new")
    page.get_by_role("button", name="Mở vòng bỏ phiếu").click()
    round_url = page.url
    page.get_by_role("link", name="Nhập số liệu kiểm phiếu").click()
    fill_counts(page, boards, {"DIZA": 6, "HEPZA": 2})
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.locator("#entry-state")).to_contain_text("chỉ bạn thấy")
    expect(page.locator(".result-table").first).to_contain_text("DIZA")
    expect(page.get_by_role("link", name="Nhập lần hai (kiểm tra)")).to_have_count(0)  # not offered to her

    other = second_secretary(new_context, live_server)
    other.goto(f"{live_server}/second-entries")
    expect(other.locator("#waiting")).to_contain_text("thuky")
    other.goto(round_url)
    expect(other.locator("#entry-state")).to_contain_text("thuky")
    expect(other.locator(".result-table")).to_have_count(0)
    expect(other.locator("#counts")).to_have_count(0)
    expect(other.get_by_role("link", name="DOCX")).to_have_count(1)  # the blank ballot paper only
    shoot(other, "second-secretary-before")
    other.get_by_role("link", name="Nhập lần hai (kiểm tra)").click()
    expect(other.locator("#issued")).to_have_value("")
    fill_counts(other, boards, {"DIZA": 6, "HEPZA": 2})
    other.get_by_role("button", name="Đối chiếu và kiểm tra").click()
    expect(other.locator("#round-status")).to_have_text("đã kiểm tra, chờ khóa")
    expect(other.locator(".result-table").first).to_contain_text("DIZA")
    shoot(other, "second-secretary-after")
