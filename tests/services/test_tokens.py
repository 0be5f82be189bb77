"""Personal API tokens through the service: only a hash is kept, the name is checked, a token opens the API for
its active user until revoked, only its owner revokes it, and its last use is written at most once an hour."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from tracker.models import ApiToken
from tracker.services import tokens
from tracker.services.errors import DomainError, NotFound


def test_a_new_token_is_random_and_only_its_hash_and_prefix_are_kept(db, make_user):
    user = make_user("doc_gia")
    one, raw = tokens.create_token(session=db, user=user, name="  Báo cáo Power BI ")
    two, other = tokens.create_token(session=db, user=user, name="Script")
    db.commit()
    assert raw.startswith("eat_") and len(raw) >= 40 and raw != other
    assert (one.name, one.prefix, one.token_hash) == ("Báo cáo Power BI", raw[:10], tokens.hash_token(raw))
    assert len(one.token_hash) == 64 and raw not in one.token_hash and one.revoked_at is None
    assert [t.id for t in tokens.user_tokens(db, user)] == [two.id, one.id]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "tên\x00lạ"])
def test_a_token_needs_a_short_visible_name(db, make_user, name):
    user = make_user("doc_gia")
    with pytest.raises(DomainError) as error:
        tokens.create_token(session=db, user=user, name=name)
    assert error.value.field == "name"
    db.rollback()
    assert db.exec(select(ApiToken)).all() == []


def test_a_token_authenticates_its_active_user_until_revoked(db, make_user):
    user = make_user("doc_gia")
    token, raw = tokens.create_token(session=db, user=user, name="script")
    db.commit()
    assert tokens.authenticate(session=db, raw=raw) == (token, user)
    for wrong in ("", raw[:-1], raw + "x", raw.removeprefix("eat_"), "eat_" + "a" * 300):
        assert tokens.authenticate(session=db, raw=wrong) is None
    user.active = False
    db.add(user)
    db.commit()
    assert tokens.authenticate(session=db, raw=raw) is None
    user.active = True
    db.add(user)
    revoked = tokens.revoke_token(session=db, user=user, token_id=token.id)
    db.commit()
    assert revoked.revoked_at is not None
    assert tokens.authenticate(session=db, raw=raw) is None
    when = revoked.revoked_at
    assert tokens.revoke_token(session=db, user=user, token_id=token.id).revoked_at == when  # again: no change


def test_only_the_owner_revokes_a_token(db, make_user):
    owner, other = make_user("chu"), make_user("khac")
    token, raw = tokens.create_token(session=db, user=owner, name="script")
    db.commit()
    for token_id in (token.id, 99999):
        with pytest.raises(NotFound):
            tokens.revoke_token(session=db, user=other, token_id=token_id)
    db.rollback()
    assert tokens.user_tokens(db, other) == []
    assert tokens.authenticate(session=db, raw=raw) is not None


def test_last_use_is_recorded_at_most_once_an_hour(db, make_user):
    user = make_user("doc_gia")
    token, _raw = tokens.create_token(session=db, user=user, name="script")
    now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert tokens.touch(session=db, token=token, now=now) is True
    assert tokens.touch(session=db, token=token, now=now + timedelta(minutes=59)) is False
    assert token.last_used_at == now
    assert tokens.touch(session=db, token=token, now=now + timedelta(hours=1)) is True
    db.commit()
    db.expire_all()
    assert db.get(ApiToken, token.id).last_used_at == now + timedelta(hours=1)
