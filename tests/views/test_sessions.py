"""Sessions, login throttling and the audit log: each control with a test that fails without it."""
import time
from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import select, text

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tests.support.ballots import all_votes
from tests.support.pages import form_of, log_in_as
from tracker.models import AuditEvent, LoginFailure, utcnow
from tracker.rules import throttle as rules


def log_in(client, username, password=PASSWORD, **extra):
    return client.post("/auth/login", data={"username": username, "password": password}, **extra)


CHANGES = ("created", "changed", "deleted")  # lines about changes of data (tests/views/test_change_audit.py)


def security_lines(db) -> list[AuditEvent]:
    """The log's lines about logins, refusals and accounts, oldest first (changes of data left out)."""
    db.expire_all()
    return list(db.exec(select(AuditEvent).where(AuditEvent.kind.not_in(CHANGES)).order_by(AuditEvent.id)).all())


def kinds(db):
    return [e.kind for e in security_lines(db)]


# ---- cookies and session lifetime ----------------------------------------------------------------------

def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_when_configured(app, client, make_user):
    make_user("lan", "viewer")
    cookie = log_in(client, "lan").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    app.config["SESSION_COOKIE_SECURE"] = True
    other = app.test_client()
    cookie = log_in(other, "lan", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_login_starts_a_new_session(client, make_user):
    make_user("lan", "viewer")
    with client.session_transaction() as before:
        before["planted"] = "by an attacker"
    log_in(client, "lan")
    with client.session_transaction() as after:
        assert "planted" not in after and "login_at" in after


def _age(client, **seconds):
    with client.session_transaction() as s:
        for key, value in seconds.items():
            s[key] = s[key] - value


def test_an_idle_session_ends_after_thirty_minutes(client, make_user):
    make_user("lan", "viewer")
    log_in(client, "lan")
    _age(client, seen_at=29 * 60)
    assert client.get("/clusters/").status_code == 200
    _age(client, seen_at=31 * 60)
    response = client.get("/clusters/")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert client.get("/clusters/").status_code == 302  # logged out for good


def test_a_busy_session_still_ends_after_twelve_hours(client, make_user):
    make_user("lan", "viewer")
    log_in(client, "lan")
    _age(client, login_at=11 * 3600)
    assert client.get("/clusters/").status_code == 200
    _age(client, login_at=2 * 3600)
    assert client.get("/clusters/").status_code == 302
    assert client.get("/api/v1/years").status_code == 401


def _stolen(app, client):
    """A second browser with a copy of the first one's cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_logout_ends_every_session_and_a_replayed_cookie_is_refused(app, client, make_user):
    make_user("lan", "viewer")
    log_in(client, "lan")
    thief = _stolen(app, client)
    assert thief.get("/clusters/").status_code == 200
    client.post("/auth/logout")
    assert thief.get("/clusters/").status_code == 302


def test_an_administrator_ends_a_users_sessions(app, client, login, make_user, db):
    user = make_user("lan", "viewer")
    browser = app.test_client()
    log_in(browser, "lan")
    assert browser.get("/clusters/").status_code == 200
    login(as_role="admin")
    assert client.post(f"/admin/users/{user.id}/sessions").status_code == 302
    assert browser.get("/clusters/").status_code == 302
    assert "sessions_ended" in kinds(db)


def test_disabling_an_account_ends_its_sessions(app, client, login, make_user):
    user = make_user("lan", "viewer")
    browser = app.test_client()
    log_in(browser, "lan")
    login(as_role="admin")
    client.post(f"/admin/users/{user.id}/active")
    assert browser.get("/clusters/").status_code == 302


# ---- throttling ----------------------------------------------------------------------------------------

def test_five_failures_in_a_minute_refuse_the_sixth_attempt_even_with_the_right_password(client, make_user, db):
    make_user("lan", "viewer")
    for _ in range(rules.PER_MINUTE):
        assert log_in(client, "LAN ", "sai mật khẩu").status_code == 422
    response = log_in(client, "lan")
    assert response.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in response.get_data(as_text=True)
    assert kinds(db)[-1] == "login_throttled"


def test_another_address_is_not_held_up_by_the_minute_limit(client, make_user):
    make_user("lan", "viewer")
    for _ in range(rules.PER_MINUTE):
        log_in(client, "lan", "sai", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert log_in(client, "lan").status_code == 302


def test_a_minute_later_the_account_opens_again(client, make_user, db):
    make_user("lan", "viewer")
    for _ in range(rules.PER_MINUTE):
        log_in(client, "lan", "sai")
    for failure in db.exec(select(LoginFailure)).all():
        db.delete(failure)
        db.add(LoginFailure(username=failure.username, address=failure.address,
                            at=failure.at - timedelta(seconds=61)))
    db.commit()
    assert log_in(client, "lan").status_code == 302


def test_a_hundred_failures_in_an_hour_refuse_every_address(client, make_user, db):
    make_user("lan", "viewer")
    now = utcnow()
    db.add_all([LoginFailure(username="lan", address=f"10.0.{i // 250}.{i % 250}", at=now - timedelta(minutes=30))
                for i in range(rules.PER_HOUR)])
    db.commit()
    response = log_in(client, "lan", environ_base={"REMOTE_ADDR": "192.168.1.1"})
    assert response.status_code == 429 and "trong một giờ qua" in response.get_data(as_text=True)


# ---- the audit log -------------------------------------------------------------------------------------

def test_logins_refusals_and_account_changes_are_in_the_audit_log(client, login, make_user, db):
    make_user("lan", "viewer")
    log_in(client, "lan", "sai")
    log_in(client, "lan")
    assert client.get("/admin/users").status_code == 403
    client.post("/auth/logout")
    admin = login(as_role="admin")
    client.post("/admin/users/new", data={"username": "moi", "role": "viewer", "full_name": "Người mới"})
    lines = security_lines(db)
    assert [e.kind for e in lines] == ["login_failed", "login", "forbidden", "logout", "login", "account_created"]
    failed, ok, refused = lines[0], lines[1], lines[2]
    assert (failed.username, failed.user_id, failed.address) == ("lan", None, "127.0.0.1")
    assert ok.username == "lan" and ok.user_id is not None
    assert '"/admin/users"' in refused.detail
    assert lines[-1].user_id == admin.id and '"moi"' in lines[-1].detail
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "tài khoản được tạo" in page and "127.0.0.1" in page
    assert client.get("/admin/audit?kind=login_failed&page=abc").status_code == 200


def test_the_database_refuses_to_change_or_delete_an_audit_line(db, client, make_user):
    make_user("lan", "viewer")
    log_in(client, "lan")
    for statement in ("UPDATE audit_event SET kind = 'x'", "DELETE FROM audit_event"):
        with pytest.raises((IntegrityError, DBAPIError)):
            db.execute(text(statement))
        db.rollback()
    assert kinds(db) == ["login"]


def test_the_time_is_utc(db, client, make_user):
    make_user("lan", "viewer")
    before = time.time()
    log_in(client, "lan")
    [line] = security_lines(db)
    assert line.at.utcoffset() == timedelta(0)
    assert abs(line.at.timestamp() - before) < 900  # now, not hours off (generous: CI can be slow)


def test_finalisation_and_amendment_are_in_the_audit_log(client, db, flag):

    _cluster, ids, _round, url = flag
    log_in_as(client, "thu_ky_1")
    client.post(url + "/enter", data=form_of(ids, all_votes(ids, BQL4=6)))
    log_in_as(client, "thu_ky_2")
    client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=6), version=2))
    assert client.post(url + "/finalise", data={"version": "3"}).status_code == 302
    response = client.post(url + "/amend", data=form_of(ids, all_votes(ids, BQL4=7), version=4, reason="Đếm lại"))
    assert response.status_code == 302
    lines = [(e.kind, e.username) for e in db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
             if e.kind in ("finalised", "amended")]
    assert lines == [("finalised", "thu_ky_2"), ("amended", "thu_ky_2")]


def test_behind_a_configured_proxy_the_clients_address_is_logged(database_url, tmp_path, make_user, db):
    from tracker import create_app

    make_user("lan", "viewer")
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "proxy", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path), "PROXY_COUNT": 1,
                      **CHEAP_HASHING})
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    log_in(app.test_client(), "lan", "sai", headers=forwarded)
    plain = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "proxy", "TESTING": True,
                        "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path), **CHEAP_HASHING})
    log_in(plain.test_client(), "lan", "sai", headers=forwarded)  # without the setting the header is not trusted
    for each in (app, plain):
        each.extensions["engine"].dispose()
    assert [e.address for e in security_lines(db)] == [
        "203.0.113.7", "127.0.0.1"]
