"""Absolute URLs come from the PUBLIC_URL setting, never from the Host header a client sent (issue 14, finding 9):
the API's `next` links, url_for(..., _external=True) anywhere, the redirect that adds a missing slash."""
import pytest
from flask import url_for

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tracker import config, create_app

EVIL = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}


def app_with(database_url, tmp_path, **settings):
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING,
                       **settings})


@pytest.fixture
def served(database_url, tmp_path, make_user, make_board):
    """served(**settings): a logged-in viewer's client on an app with these settings, two boards in the database."""
    make_user("viewer", "viewer")
    make_board("DIZA")
    make_board("HEPZA")
    made = []

    def make(**settings):
        app = app_with(database_url, tmp_path, **settings)
        made.append(app)
        client = app.test_client()
        assert client.post("/auth/login", data={"username": "viewer", "password": PASSWORD}).status_code == 302
        cookie = client.get_cookie("session")
        client.set_cookie(cookie.key, cookie.value, domain="evil.example")  # the login, sent to the forged host too
        return client
    yield make
    for app in made:
        app.extensions["engine"].dispose()


def test_the_apis_next_link_is_built_on_the_public_url_not_the_host_header(served):
    client = served(PUBLIC_URL="https://thidua.example.gov.vn/")
    body = client.get("/api/v1/boards?per_page=1", headers=EVIL).get_json()
    assert body["next"] == "https://thidua.example.gov.vn/api/v1/boards?per_page=1&page=2"


def test_without_a_public_url_no_link_names_the_clients_host(served):
    client = served()
    body = client.get("/api/v1/boards?per_page=1", headers=EVIL).get_json()
    assert body["next"] == "http://localhost/api/v1/boards?per_page=1&page=2"
    assert "evil" not in client.get("/boards", headers=EVIL).headers.get("Location", "")


def test_the_redirect_adding_a_slash_and_every_external_url_use_the_public_url(served, database_url, tmp_path):
    client = served(PUBLIC_URL="https://thidua.example.gov.vn:8443")
    answer = client.get("/boards", headers=EVIL)
    assert answer.status_code == 308 and answer.headers["Location"] == "https://thidua.example.gov.vn:8443/boards/"
    assert client.get("/boards/", headers=EVIL).status_code == 200  # routes still match whatever the host
    app = app_with(database_url, tmp_path, PUBLIC_URL="https://thidua.example.gov.vn")
    with app.test_request_context("/", headers=EVIL):
        assert url_for("api.years", _external=True) == "https://thidua.example.gov.vn/api/v1/years"
        assert url_for("api.years") == "/api/v1/years"
    app.extensions["engine"].dispose()


@pytest.mark.parametrize("wrong", ["ftp://thidua.example.gov.vn", "https://thidua.example.gov.vn/tracker",
                                   "thidua.example.gov.vn", "https://user@thidua.example.gov.vn",
                                   "https://thidua.example.gov.vn/?x=1", "https://"])
def test_a_public_url_that_is_not_a_sites_address_stops_the_app(wrong):
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        config.public_url(wrong)


def test_the_setting_is_read_from_the_environment(monkeypatch, database_url):
    monkeypatch.setenv("TRACKER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_SECRET_KEY", "public-url-test")
    monkeypatch.setenv("TRACKER_PUBLIC_URL", "https://THIDUA.example.gov.vn/")
    app = create_app()
    assert app.config["PUBLIC_URL"] == "https://thidua.example.gov.vn"
    app.extensions["engine"].dispose()
