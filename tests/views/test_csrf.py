"""With CSRF protection on, as in production: every POST needs the form's token."""
import re

import pytest
from sqlmodel import select

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tracker import create_app
from tracker.models import Board


@pytest.fixture
def csrf_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "csrf-test", "WTF_CSRF_ENABLED": True,
                      **CHEAP_HASHING})
    yield app
    app.extensions["engine"].dispose()


def _token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()


def test_login_without_token_is_refused_with_a_clear_page(csrf_app, make_user):
    make_user("thuky")
    client = csrf_app.test_client()
    response = client.post("/auth/login", data={"username": "thuky", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/clusters/").status_code == 302


def test_posts_with_the_token_work_and_without_it_change_nothing(csrf_app, make_user, db):
    make_user("admin", "admin")
    client = csrf_app.test_client()
    token = _token(client.get("/auth/login").data)
    response = client.post("/auth/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    form = {"name": "Ban Quản lý các KCN Đồng Nai", "short_name": "DIZA", "kind": "industrial_zones"}
    assert client.post("/boards/new", data=form).status_code == 400
    assert db.exec(select(Board)).all() == []
    token = _token(client.get("/boards/new").data)
    assert client.post("/boards/new", data={**form, "csrf_token": token}).status_code == 302
    db.rollback()  # end the test session's read snapshot
    assert [b.short_name for b in db.exec(select(Board)).all()] == ["DIZA"]


def test_logout_needs_the_token(csrf_app, make_user):
    make_user("thuky")
    client = csrf_app.test_client()
    token = _token(client.get("/auth/login").data)
    client.post("/auth/login", data={"username": "thuky", "password": PASSWORD, "csrf_token": token})
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/clusters/").status_code == 200
