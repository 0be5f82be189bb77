"""The session cookie is `Secure` whenever the request came over HTTPS, behind a configured proxy too, without a
second setting (issue 14, finding 10); TRACKER_SESSION_COOKIE_SECURE=1 still makes it Secure on every request."""
import pytest

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tracker import create_app


@pytest.fixture
def app_with(database_url, tmp_path, make_user):
    make_user("lan", "viewer")
    made = []

    def make(**settings):
        app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING,
                          **settings})
        made.append(app)
        return app
    yield make
    for app in made:
        app.extensions["engine"].dispose()


def login_cookie(app, **extra) -> str:
    answer = app.test_client().post("/auth/login", data={"username": "lan", "password": PASSWORD}, **extra)
    assert answer.status_code == 302
    return answer.headers["Set-Cookie"]


def test_behind_a_configured_proxy_an_https_login_gets_a_secure_cookie(app_with):
    app = app_with(PROXY_COUNT=1)
    assert "Secure" in login_cookie(app, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    cookie = login_cookie(app, headers={"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"})
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_over_plain_http_the_cookie_is_not_secure_and_a_forged_header_changes_nothing(app_with):
    app = app_with()
    assert "Secure" not in login_cookie(app)
    assert "Secure" not in login_cookie(app, headers={"X-Forwarded-Proto": "https"})  # no proxy configured
    assert "Secure" in login_cookie(app, base_url="https://localhost")  # HTTPS to the server itself


def test_the_setting_still_forces_it(app_with):
    assert "Secure" in login_cookie(app_with(SESSION_COOKIE_SECURE=True))
