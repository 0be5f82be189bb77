"""API tokens do not outlive what closes an account: a one-time password, a password change, an administrator's
"end sessions" and disabling revoke every token of the account (rows kept, marked revoked, one audit line each with
the reason); a logout ends the browser sessions only. An administrator revokes any user's token."""
import json

import pytest
from sqlmodel import select

from tests.support.accounts import PASSWORD
from tracker.models import ApiToken, AuditEvent
from tracker.services import accounts, tokens
from tracker.services.errors import DomainError, NotFound


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


@pytest.fixture
def holder(db, make_user):
    """A viewer with two open tokens and one she revoked herself, a bystander with one token, an administrator."""
    user, other, admin = make_user("doc_gia"), make_user("nguoi_khac"), make_user("quan_tri", "admin")
    opened = [tokens.create_token(session=db, user=user, name=name) for name in ("Power BI", "Script")]
    old, _raw = tokens.create_token(session=db, user=user, name="Cũ")
    tokens.revoke_token(session=db, user=user, token_id=old.id)
    theirs = tokens.create_token(session=db, user=other, name="Của người khác")
    db.commit()
    return user, other, admin, opened, old, theirs


def _opens(db, raw: str) -> bool:
    return tokens.authenticate(session=db, raw=raw) is not None


def _revocation_lines(db) -> list[dict]:
    return [json.loads(e.detail) | {"by": e.username} for e in
            db.exec(select(AuditEvent).where(AuditEvent.kind == "token_revoked").order_by(AuditEvent.id)).all()]


def _check_revoked(db, user, opened, old, theirs, reason: str, by: str) -> None:
    when = old.revoked_at
    db.expire_all()
    for token, raw in opened:
        stored = db.get(ApiToken, token.id)
        assert stored is not None and stored.revoked_at is not None  # kept, marked revoked
        assert not _opens(db, raw)
    assert db.get(ApiToken, old.id).revoked_at == when  # already revoked: untouched
    assert _opens(db, theirs[1]) and db.get(ApiToken, theirs[0].id).revoked_at is None  # another account's: open
    assert len(db.exec(select(ApiToken)).all()) == 4  # nothing deleted
    assert _revocation_lines(db) == [
        {"token": token.prefix, "name": token.name, "account": user.username, "reason": reason, "by": by}
        for token, _raw in opened]


def test_a_one_time_password_revokes_every_token_of_the_account(db, holder):
    user, _other, admin, opened, old, theirs = holder
    accounts.reset_password(session=db, user_id=user.id, actor=admin, address="10.0.0.1")
    db.commit()
    _check_revoked(db, user, opened, old, theirs, "password_reset", admin.username)
    assert {e.address for e in db.exec(select(AuditEvent).where(AuditEvent.kind == "token_revoked"))} == {"10.0.0.1"}


def test_a_password_change_revokes_every_token_of_the_account(db, holder):
    user, _other, _admin, opened, old, theirs = holder
    accounts.change_password(session=db, user=user, current=PASSWORD, new="một mật khẩu mới hơn")
    db.commit()
    _check_revoked(db, user, opened, old, theirs, "password_changed", user.username)


def test_ending_the_sessions_revokes_every_token_of_the_account(db, holder):
    user, _other, admin, opened, old, theirs = holder
    session_token = user.session_token
    revoked = accounts.end_access(session=db, user=user, reason="sessions_ended", actor=admin)
    db.commit()
    assert sorted(t.id for t in revoked) == sorted(t.id for t, _raw in opened)
    assert db.get(type(user), user.id).session_token != session_token
    _check_revoked(db, user, opened, old, theirs, "sessions_ended", admin.username)
    assert accounts.end_access(session=db, user=user, reason="sessions_ended", actor=admin) == []  # again: nothing


def test_disabling_revokes_every_token_and_enabling_again_does_not_reopen_them(db, holder):
    user, _other, admin, opened, old, theirs = holder
    accounts.set_active(session=db, user_id=user.id, active=False, acting_user_id=admin.id, address="10.0.0.2")
    db.commit()
    accounts.set_active(session=db, user_id=user.id, active=True, acting_user_id=admin.id)
    db.commit()
    _check_revoked(db, user, opened, old, theirs, "account_disabled", admin.username)


def test_a_logout_ends_the_sessions_but_keeps_the_tokens(db, holder):
    user, _other, _admin, opened, _old, _theirs = holder
    session_token = user.session_token
    accounts.end_sessions(session=db, user=user)  # what logout calls
    db.commit()
    assert user.session_token != session_token
    assert all(_opens(db, raw) for _token, raw in opened)
    assert _revocation_lines(db) == []


def test_a_refused_disabling_revokes_nothing(db, holder):
    _user, _other, admin, _opened, _old, _theirs = holder
    own, raw = tokens.create_token(session=db, user=admin, name="Của quản trị")
    db.commit()
    with pytest.raises(DomainError):
        accounts.set_active(session=db, user_id=admin.id, active=False, acting_user_id=admin.id)
    db.rollback()
    assert _opens(db, raw)


def test_an_administrator_revokes_any_users_token_once(db, holder):
    user, _other, admin, opened, _old, theirs = holder
    (token, raw), _second = opened
    revoked, owner = tokens.revoke_any(session=db, token_id=token.id, actor=admin, address="10.0.0.3")
    db.commit()
    assert (revoked.id, owner.id) == (token.id, user.id) and revoked.revoked_at is not None
    assert not _opens(db, raw) and _opens(db, opened[1][1]) and _opens(db, theirs[1])
    when = revoked.revoked_at
    assert tokens.revoke_any(session=db, token_id=token.id, actor=admin)[0].revoked_at == when  # again: no change
    db.commit()
    assert _revocation_lines(db) == [{"token": token.prefix, "name": token.name, "account": user.username,
                                      "reason": "administrator", "by": admin.username}]
    with pytest.raises(NotFound):
        tokens.revoke_any(session=db, token_id=99999, actor=admin)


def test_the_administrators_list_holds_every_token_with_its_owner(db, holder):
    user, other, _admin, opened, old, theirs = holder
    every = tokens.all_tokens(db)
    assert [(t.id, u.id) for t, u in every] == sorted(
        [(t.id, user.id) for t, _raw in opened] + [(old.id, user.id), (theirs[0].id, other.id)], reverse=True)
    assert [t.id for t, _u in tokens.all_tokens(db, user_id=other.id)] == [theirs[0].id]
