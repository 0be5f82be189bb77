"""Logging in and out in a real browser: first login, a wrong password, a copied cookie after logout."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.accounts import PASSWORD

NEW_PASSWORD = "mật khẩu mới của tôi"
LOGOUT = "nav form[action='/auth/logout'] button"


@pytest.fixture
def admin(db, make_user):
    """An administrator, "quantri", with the shared test password."""
    return make_user("quantri", "admin")


def test_first_login_asks_for_a_new_password_then_logout(page, live_server, log_in, admin, db, make_cluster):
    make_cluster("Cụm Đông Nam Bộ")
    admin.must_change_password = True  # make_user cannot take it as a keyword (see tests/conftest.py)
    db.add(admin)
    db.commit()

    log_in("quantri")
    expect(page).to_have_url(f"{live_server}/auth/password")
    page.locator("#current_password").fill(PASSWORD)
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#confirm").fill(NEW_PASSWORD)
    page.locator("form:has(#confirm) button[type=submit]").click()

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("link", name="Cụm Đông Nam Bộ")).to_be_visible()

    page.locator(LOGOUT).click()
    expect(page).to_have_url(f"{live_server}/auth/login")

    log_in("quantri", NEW_PASSWORD)  # the new password is the one that works now
    expect(page).to_have_url(f"{live_server}/")


def test_wrong_password_is_shown_next_to_the_field(page, live_server, log_in, admin):
    log_in("quantri", "not the password", wait=False)

    expect(page.locator("#password ~ .invalid-feedback")).to_be_visible()
    expect(page).to_have_url(f"{live_server}/auth/login")
    expect(page.locator(LOGOUT)).to_have_count(0)


def test_a_copied_session_cookie_stops_working_after_logout(page, live_server, log_in, new_context, admin):
    log_in("quantri")
    expect(page).to_have_url(f"{live_server}/")
    cookies = page.context.cookies()

    # The copy works while the user is logged in ...
    before = new_context()
    before.add_cookies(cookies)
    copy = before.new_page()
    copy.goto(f"{live_server}/")
    expect(copy).to_have_url(f"{live_server}/")

    page.locator(LOGOUT).click()
    expect(page).to_have_url(f"{live_server}/auth/login")

    # ... and no longer after logout.
    after = new_context()
    after.add_cookies(cookies)
    copy = after.new_page()
    copy.goto(f"{live_server}/")
    expect(copy).to_have_url(re.compile(rf"^{re.escape(live_server)}/auth/login(\?|$)"))
