"""Tests for tracker.services.accounts: argon2id passwords, logging in, changing and resetting passwords."""
import pytest

from tests.support.accounts import PASSWORD
from tracker.models import SecretaryCluster, User
from tracker.services import accounts
from tracker.services.errors import DomainError


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


def login(db, username: str, password: str) -> User | None:
    return accounts.authenticate(session=db, username=username, password=password)


def test_passwords_are_hashed_with_argon2id():
    stored = accounts.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.password_matches(stored, PASSWORD)
    assert not accounts.password_matches(stored, PASSWORD + "!")
    assert not accounts.password_matches("not a hash", PASSWORD)


def test_create_user_gives_a_one_time_password_that_must_be_changed(db, make_cluster):
    cluster = make_cluster()
    user, password = accounts.create_user(session=db, username="thuky", role="secretary", cluster_ids=[cluster.id])
    db.commit()
    assert user.must_change_password
    assert user.password_hash.startswith("$argon2id$")
    assert login(db, "thuky", password).id == user.id
    assert accounts.assigned_cluster_ids(db, user.id) == {cluster.id}


def test_create_user_refuses_a_taken_username(db, make_user):
    make_user("thuky")
    with pytest.raises(DomainError) as caught:
        accounts.create_user(session=db, username="thuky", role="viewer")
    assert caught.value.field == "username"


def test_only_secretaries_get_clusters(db, make_cluster):
    cluster = make_cluster()
    user, _ = accounts.create_user(session=db, username="lanhdao", role="viewer", cluster_ids=[cluster.id])
    db.commit()
    assert db.get(SecretaryCluster, (user.id, cluster.id)) is None


@pytest.mark.parametrize(("username", "password", "active", "logged_in"), [
    pytest.param("thuky", PASSWORD, True, True, id="good"),
    pytest.param("thuky", "wrong password", True, False, id="bad password"),
    pytest.param("thuky", PASSWORD.upper(), True, False, id="case matters"),
    pytest.param("thuky", PASSWORD, False, False, id="disabled"),
    pytest.param("nobody", PASSWORD, True, False, id="unknown user"),
])
def test_authenticate(db, make_user, username, password, active, logged_in):
    user = make_user("thuky", active=active)
    result = login(db, username, password)
    assert (result is not None and result.id == user.id) is logged_in
    if not logged_in:
        assert result is None


@pytest.mark.parametrize(("current", "new", "field"), [
    pytest.param("wrong password", "a new long password", "current_password", id="wrong current"),
    pytest.param(PASSWORD, "short", "new_password", id="too short"),
    pytest.param(PASSWORD, "x7#kq2m", "new_password", id="one below the minimum"),
    pytest.param(PASSWORD, "123456789", "new_password", id="a most common password"),
    pytest.param(PASSWORD, PASSWORD, "new_password", id="same as current"),
])
def test_change_password_refused(db, make_user, current, new, field):
    user = make_user("thuky", must_change_password=True)
    token = user.session_token
    with pytest.raises(DomainError) as caught:
        accounts.change_password(session=db, user=user, current=current, new=new)
    assert caught.value.field == field
    db.rollback()
    stored = db.get(User, user.id)
    assert (stored.session_token, stored.must_change_password) == (token, True)
    assert login(db, "thuky", PASSWORD) is not None


def test_change_password_rotates_the_session_and_clears_the_first_login_flag(db, make_user):
    user = make_user("thuky", must_change_password=True)
    token = user.session_token
    accounts.change_password(session=db, user=user, current=PASSWORD, new="a longer secret")
    db.commit()
    stored = db.get(User, user.id)
    assert stored.session_token != token
    assert stored.must_change_password is False
    assert login(db, "thuky", "a longer secret") is not None
    assert login(db, "thuky", PASSWORD) is None


def test_reset_password_gives_a_new_one_time_password(db, make_user):
    user = make_user("thuky")
    token = user.session_token
    _, password = accounts.reset_password(session=db, user_id=user.id)
    db.commit()
    stored = db.get(User, user.id)
    assert stored.must_change_password is True
    assert stored.session_token != token
    assert password != PASSWORD
    assert login(db, "thuky", password) is not None
    assert login(db, "thuky", PASSWORD) is None
    _, again = accounts.reset_password(session=db, user_id=user.id)
    assert again != password


def test_an_administrator_cannot_disable_herself(db, make_user):
    admin = make_user("admin", "admin")
    with pytest.raises(DomainError):
        accounts.set_active(session=db, user_id=admin.id, active=False, acting_user_id=admin.id)
    db.rollback()
    assert db.get(User, admin.id).active is True


def test_disabling_an_account_ends_its_sessions_and_logins(db, make_user):
    admin = make_user("admin", "admin")
    user = make_user("thuky")
    token = user.session_token
    accounts.set_active(session=db, user_id=user.id, active=False, acting_user_id=admin.id)
    db.commit()
    stored = db.get(User, user.id)
    assert (stored.active, stored.session_token != token) == (False, True)
    assert login(db, "thuky", PASSWORD) is None
    accounts.set_active(session=db, user_id=user.id, active=True, acting_user_id=admin.id)
    db.commit()
    assert login(db, "thuky", PASSWORD) is not None


def test_the_only_administrator_keeps_her_role(db, make_user):
    admin = make_user("admin", "admin")
    with pytest.raises(DomainError) as refused:
        accounts.update_user(session=db, user_id=admin.id, version=admin.version, role="viewer", full_name="",
                             cluster_ids=[])
    assert refused.value.field == "role"
    db.rollback()
    make_user("admin2", "admin")
    accounts.update_user(session=db, user_id=admin.id, version=admin.version, role="viewer", full_name="",
                         cluster_ids=[])
    db.commit()
    assert db.get(User, admin.id).role == "viewer"
