"""Logging in and out, first-login password change, redirects, disabled accounts, cookie flags."""
import re

import pytest

from tests.support.accounts import PASSWORD


def _login(client, username, password=PASSWORD, **extra):
    return client.post("/auth/login", data={"username": username, "password": password, **extra})


def test_login_then_home_then_logout(client, make_user):
    make_user("thuky", "secretary")
    assert client.get("/clusters/").status_code == 302
    assert _login(client, "thuky").location == "/"
    assert client.get("/clusters/").status_code == 200
    assert client.post("/auth/logout").location == "/auth/login"
    assert client.get("/clusters/").status_code == 302


def test_wrong_password_is_refused_beside_the_field(client, make_user):
    make_user("thuky")
    response = _login(client, "thuky", "wrong password")
    assert response.status_code == 422
    assert b"invalid-feedback" in response.data
    assert client.get("/clusters/").status_code == 302


def test_a_copied_cookie_stops_working_after_logout(app, client, make_user):
    make_user("thuky")
    _login(client, "thuky")
    cookie = client.get_cookie("session")
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/clusters/").status_code == 200
    client.post("/auth/logout")
    assert thief.get("/clusters/").status_code == 302


def test_disabled_account_cannot_log_in_and_its_sessions_end(app, client, make_user, login):
    thuky = make_user("thuky")
    other = app.test_client()
    _login(other, "thuky")
    login(as_role="admin")
    user_id = thuky.id
    assert client.post(f"/admin/users/{user_id}/active").status_code == 302
    assert other.get("/clusters/").status_code == 302
    assert _login(app.test_client(), "thuky").status_code == 422


@pytest.mark.parametrize("target, expected", [
    ("/boards/", "/boards/"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirects_only_within_the_site(client, make_user, target, expected):
    make_user("thuky")
    assert _login(client, "thuky", next=target).location == expected


def test_one_time_password_must_be_changed_first(client, make_user):
    make_user("moi", "viewer", must_change_password=True)
    _login(client, "moi")
    assert client.get("/boards/").location == "/auth/password"
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "short",
                                                   "confirm": "short"})
    assert response.status_code == 422
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "a longer secret",
                                                   "confirm": "a longer secret"})
    assert response.location == "/"
    assert client.get("/boards/").status_code == 200
    client.post("/auth/logout")
    assert _login(client, "moi", "a longer secret").location == "/"


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    make_user("thuky")
    response = _login(client, "thuky")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_admin_creates_an_account_and_sees_its_one_time_password_once(client, login):
    login(as_role="admin")
    response = client.post("/admin/users/new", data={"username": "thuky.dn", "full_name": "Nguyễn Thị Lan",
                                                    "role": "secretary"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="one-time-password"' in page
    password = page.split('id="one-time-password">')[1].split("<")[0]
    assert len(password) >= 12
    assert "thuky.dn" in client.get("/admin/users").get_data(as_text=True)
    assert password not in client.get("/admin/users").get_data(as_text=True)


def test_duplicate_username_is_refused(client, login, make_user):
    login(as_role="admin")
    make_user("thuky")
    response = client.post("/admin/users/new", data={"username": "thuky", "role": "viewer"})
    assert response.status_code == 422
    assert b"invalid-feedback" in response.data


def test_a_secretarys_clusters_are_ticked_when_her_account_is_opened(client, login, make_user, make_cluster):
    mine, other = make_cluster("Cụm A"), make_cluster("Cụm B")
    secretary = make_user("thuky", "secretary", clusters=[mine])
    login(as_role="admin")
    page = client.get(f"/admin/users/{secretary.id}/edit").get_data(as_text=True)
    tags = re.findall(r'<input[^>]*name="clusters"[^>]*>', page)
    boxes = {re.search(r'value="(\d+)"', tag).group(1): tag for tag in tags}
    assert "checked" in boxes[str(mine.id)] and "checked" not in boxes[str(other.id)]
