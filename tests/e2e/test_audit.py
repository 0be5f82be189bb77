"""Issue 14 in the browser: an administrator follows a board's "History" link to its lines in the audit log, with
the fields before and after; an account attacked from elsewhere is unlocked from the accounts page."""
from datetime import timedelta

from playwright.sync_api import expect

from tests.support.browser import shoot
from tracker.models import LoginFailure, utcnow
from tracker.rules import throttle


def test_a_boards_history_and_an_unlock(page, live_server, log_in, make_board, make_user, db):
    board = make_board("DIZA", name="Ban Quản lý các KCN Đồng Nai")
    make_user("quantri", "admin")
    lan = make_user("lan", "viewer")
    now = utcnow()
    db.add_all([LoginFailure(username="lan", address=f"10.0.0.{i % 250}", at=now - timedelta(minutes=5))
                for i in range(throttle.PER_HOUR)])
    db.commit()
    log_in("quantri")
    page.goto(f"{live_server}/boards/{board.id}/edit")
    page.locator("#name").fill("Ban Quản lý các Khu công nghiệp Đồng Nai")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"{live_server}/boards/{board.id}")
    page.locator("#audit-history").click()
    expect(page.locator("#record")).to_have_value(f"board:{board.id}")
    changed = page.locator('tr[data-kind="changed"]').first
    expect(changed).to_contain_text("quantri")
    expect(changed.locator("del").first).to_contain_text("Ban Quản lý các KCN Đồng Nai")
    expect(changed.locator("ins").first).to_contain_text("Ban Quản lý các Khu công nghiệp Đồng Nai")
    shoot(page, "audit-board-history")

    page.goto(f"{live_server}/admin/users")
    expect(page.locator(f'[data-failures="{throttle.PER_HOUR}"]')).to_be_visible()
    page.locator(f"#unlock-{lan.id}").click()
    expect(page.locator(".alert-success")).to_contain_text("lan")
    expect(page.locator(f"#unlock-{lan.id}")).to_have_count(0)
    page.goto(f"{live_server}/admin/audit?kind=login_unlocked")
    expect(page.locator('tr[data-kind="login_unlocked"]')).to_contain_text("quantri")
