"""Passwords are composed to NFC before they are hashed and before they are checked (NIST SP 800-63B): a Vietnamese
passphrase typed in NFD (as some keyboards and macOS send it) or in NFC is one password. A hash made before this,
from the password exactly as typed in NFD, still opens the account and is replaced by the hash of the NFC form at
that login."""
import unicodedata

import pytest
from argon2 import PasswordHasher

from tracker.models import User
from tracker.services import accounts
from tracker.services.errors import DomainError

PASSPHRASE = "Mật khẩu của tôi rất dài"
NFC = unicodedata.normalize("NFC", PASSPHRASE)
NFD = unicodedata.normalize("NFD", PASSPHRASE)
OLD_STYLE = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # the test cost, as hashes were made before


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


def _account(db, password_hash: str) -> User:
    user = User(username="thuky", role="viewer", password_hash=password_hash, must_change_password=False)
    db.add(user)
    db.commit()
    return user


def _login(db, password: str) -> User | None:
    return accounts.authenticate(session=db, username="thuky", password=password)


def test_the_two_forms_differ():
    assert NFC != NFD and len(NFD) > len(NFC)


def test_the_hash_is_made_from_the_nfc_form():
    stored = accounts.hash_password(NFD)
    assert OLD_STYLE.verify(stored, NFC)
    with pytest.raises(Exception):  # noqa: B017 - argon2's VerifyMismatchError
        OLD_STYLE.verify(stored, NFD)


@pytest.mark.parametrize(("set_as", "typed"), [(NFC, NFD), (NFD, NFC), (NFC, NFC), (NFD, NFD)],
                         ids=["set NFC, typed NFD", "set NFD, typed NFC", "NFC both", "NFD both"])
def test_a_passphrase_logs_in_in_either_form(db, set_as, typed):
    user = _account(db, accounts.hash_password(set_as))
    assert _login(db, typed).id == user.id
    assert accounts.password_matches(user.password_hash, typed)
    assert not _login(db, typed + "!")


def test_nfd_login_against_a_password_changed_to_nfc(db):
    user = _account(db, accounts.hash_password("mot mat khau cu"))
    accounts.change_password(session=db, user=user, current="mot mat khau cu", new=NFC)
    db.commit()
    assert _login(db, NFD).id == user.id


def test_an_old_hash_of_the_raw_nfd_string_still_logs_in_and_is_replaced_by_the_nfc_hash(db):
    old = OLD_STYLE.hash(NFD)  # made before passwords were normalised: the NFD string as typed
    user = _account(db, old)
    assert _login(db, NFD).id == user.id
    db.commit()
    db.refresh(user)
    assert user.password_hash != old
    assert OLD_STYLE.verify(user.password_hash, NFC)  # now the NFC form's hash
    assert _login(db, NFC).id == user.id  # so the NFC form opens it too from now on
    assert _login(db, NFD).id == user.id


def test_an_old_hash_is_not_replaced_on_a_wrong_password(db):
    old = OLD_STYLE.hash(NFD)
    user = _account(db, old)
    assert _login(db, NFD + "x") is None
    db.commit()
    db.refresh(user)
    assert user.password_hash == old


def test_the_current_password_may_be_typed_in_either_form_and_the_new_one_must_differ_after_nfc(db):
    user = _account(db, accounts.hash_password(NFC))
    with pytest.raises(DomainError) as same:
        accounts.change_password(session=db, user=user, current=NFD, new=NFC)  # the same passphrase
    assert same.value.field == "new_password"
    accounts.change_password(session=db, user=user, current=NFD, new=NFD + " mới")
    db.commit()
    assert _login(db, unicodedata.normalize("NFC", NFD + " mới")).id == user.id


def test_the_confirmation_may_be_typed_in_the_other_form(app):
    from tracker.forms.auth import PasswordForm
    with app.test_request_context(method="POST", data={
            "current_password": "x", "new_password": unicodedata.normalize("NFD", "Mật khẩu mới tinh"),
            "confirm": unicodedata.normalize("NFC", "Mật khẩu mới tinh")}):
        form = PasswordForm(meta={"csrf": False})
        form.validate()
        assert "confirm" not in form.errors
