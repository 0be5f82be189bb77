"""API tokens through the pages: a logout keeps them; an administrator's "end sessions", a one-time password,
disabling an account and a password change revoke them; administrators see every user's tokens (from the accounts
page) and revoke any, audited; nobody else may, and the forms need the CSRF token."""
import json
import re

import pytest
from sqlmodel import select

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tracker.models import ApiToken, AuditEvent
from tracker.services import tokens


def _api(app, raw: str) -> int:
    return app.test_client().get("/api/v1/years", headers={"Authorization": f"Bearer {raw}"}).status_code


@pytest.fixture
def reader(db, make_user):
    """A viewer with an open API token: (user, token row, the token in full)."""
    user = make_user("doc_gia")
    token, raw = tokens.create_token(session=db, user=user, name="Báo cáo Power BI")
    db.commit()
    return user, token, raw


def _revocations(db) -> list[dict]:
    db.rollback()
    db.expire_all()
    return [json.loads(e.detail) | {"by": e.username} for e in
            db.exec(select(AuditEvent).where(AuditEvent.kind == "token_revoked").order_by(AuditEvent.id)).all()]


def test_a_logout_keeps_the_users_api_tokens(app, client, db, reader):
    _user, _token, raw = reader
    assert client.post("/auth/login", data={"username": "doc_gia", "password": PASSWORD}).status_code == 302
    assert client.post("/auth/logout").status_code == 302
    assert _api(app, raw) == 200
    assert _revocations(db) == []


@pytest.mark.parametrize(("action", "reason"), [("sessions", "sessions_ended"), ("reset", "password_reset"),
                                                 ("active", "account_disabled")])
def test_an_administrators_action_on_an_account_revokes_its_tokens(app, client, db, login, reader, action, reason):
    user, token, raw = reader
    admin = login("admin")
    assert _api(app, raw) == 200
    response = client.post(f"/admin/users/{user.id}/{action}")
    assert response.status_code in (200, 302)
    if action == "active":  # enabled again: the token stays revoked
        assert client.post(f"/admin/users/{user.id}/active").status_code == 302
    assert _api(app, raw) == 401
    db.rollback()
    db.expire_all()
    assert db.get(ApiToken, token.id).revoked_at is not None  # kept, marked revoked
    assert _revocations(db) == [{"token": token.prefix, "name": token.name, "account": user.username,
                                 "reason": reason, "by": admin.username}]


def test_ending_the_sessions_says_how_many_tokens_were_revoked(client, login, reader):
    user, _token, _raw = reader
    login("admin")
    page = client.post(f"/admin/users/{user.id}/sessions", follow_redirects=True).get_data(as_text=True)
    assert "1 API token" in page or "1 mã truy cập API" in page


def test_changing_ones_password_revokes_ones_tokens(app, client, db, reader):
    user, token, raw = reader
    client.post("/auth/login", data={"username": "doc_gia", "password": PASSWORD})
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "mật khẩu mới dài",
                                                   "confirm": "mật khẩu mới dài"})
    assert response.status_code == 302
    assert _api(app, raw) == 401
    assert [line["reason"] for line in _revocations(db)] == ["password_changed"]


def test_an_administrator_sees_every_users_tokens_from_the_accounts_page(client, db, login, reader, make_user):
    user, token, _raw = reader
    other = make_user("nguoi_khac")
    theirs, _ = tokens.create_token(session=db, user=other, name="Script của người khác")
    db.commit()
    login("admin")
    accounts_page = client.get("/admin/users").get_data(as_text=True)
    assert 'href="/admin/tokens/"' in accounts_page and f'href="/admin/tokens/?user={user.id}"' in accounts_page
    page = client.get("/admin/tokens/").get_data(as_text=True)
    for row, owner in ((token, user), (theirs, other)):
        assert f'id="token-{row.id}"' in page and row.prefix in page and owner.username in page and row.name in page
    assert row.token_hash not in page
    one = client.get(f"/admin/tokens/?user={user.id}").get_data(as_text=True)
    assert f'id="token-{token.id}"' in one and f'id="token-{theirs.id}"' not in one
    for bad in ("99999", "abc", "-1", "99999999999999"):
        assert client.get(f"/admin/tokens/?user={bad}").status_code in (200, 404)
    assert client.get("/admin/tokens/?user=99999").status_code == 404


def test_an_administrator_revokes_another_users_token_audited(app, client, db, login, reader):
    user, token, raw = reader
    admin = login("admin")
    response = client.post(f"/admin/tokens/revoke?user={user.id}", data={"token_id": str(token.id)})
    assert response.status_code == 302 and response.location.endswith(f"/admin/tokens/?user={user.id}")
    assert _api(app, raw) == 401
    db.rollback()
    db.expire_all()
    assert db.get(ApiToken, token.id).revoked_at is not None
    assert _revocations(db) == [{"token": token.prefix, "name": token.name, "account": user.username,
                                 "reason": "administrator", "by": admin.username}]
    page = client.get("/admin/tokens/").get_data(as_text=True)
    assert f'id="token-{token.id}"' in page and 'name="token_id"' not in page  # listed, no revoke button
    assert client.post("/admin/tokens/revoke", data={"token_id": str(token.id)}).status_code == 302  # again: fine
    assert len(_revocations(db)) == 1
    assert client.post("/admin/tokens/revoke", data={"token_id": "99999"}).status_code == 404
    for garbled in ("", "abc", "99999999999999", "-1"):
        assert client.post("/admin/tokens/revoke", data={"token_id": garbled}).status_code == 302


@pytest.mark.parametrize("role", ["viewer", "secretary"])
def test_nobody_but_an_administrator_lists_or_revokes_others_tokens(app, client, db, login, reader, role):
    _user, token, raw = reader
    login(role)
    assert client.get("/admin/tokens/").status_code == 403
    assert client.post("/admin/tokens/revoke", data={"token_id": str(token.id)}).status_code == 403
    assert _api(app, raw) == 200


def test_the_administrators_revoke_form_needs_the_csrf_token(database_url, make_user, db):
    from tracker import create_app

    user = make_user("doc_gia")
    token, raw = tokens.create_token(session=db, user=user, name="Script")
    db.commit()
    make_user("quan_tri", "admin")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "csrf-test", "WTF_CSRF_ENABLED": True,
                      **CHEAP_HASHING})
    try:
        client = app.test_client()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                         client.get("/auth/login").get_data(as_text=True)).group(1)
        client.post("/auth/login", data={"username": "quan_tri", "password": PASSWORD, "csrf_token": csrf})
        assert client.post("/admin/tokens/revoke", data={"token_id": str(token.id)}).status_code == 400
        assert _api(app, raw) == 200
        page = client.get("/admin/tokens/").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/admin/tokens/revoke", data={"token_id": str(token.id), "csrf_token": csrf})
        assert response.status_code == 302
        assert _api(app, raw) == 401
    finally:
        app.extensions["engine"].dispose()
