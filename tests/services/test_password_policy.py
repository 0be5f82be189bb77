"""The password policy as the accounts service applies it: the stored argon2id hash meets the OWASP/ASVS
minimums, and a new password is refused when too short, too long or common (tracker.rules.passwords).

Production hashing is proved here once, on an app built as an installation is; every other app of the tests
hashes cheaply (PASSWORD_HASH_COST = "test", tests/support/accounts.py)."""
import base64
import re

import pytest
from sqlalchemy import select
from sqlmodel import Session

from tests.support.accounts import PASSWORD
from tracker import create_app
from tracker.models import User
from tracker.rules.passwords import MAX_LENGTH, password_problem
from tracker.services import accounts
from tracker.services.errors import DomainError

# PHC string format of argon2: $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>
ARGON2ID = re.compile(r"\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")

# OWASP Password Storage Cheat Sheet, the smallest argon2id setting it allows (ASVS 4.0 V2.4 / 5.0 V11.4 defer
# to it): 19 MiB of memory, 2 passes, 1 lane. Salt and tag as RFC 9106 recommends: 128 and 256 bits.
MIN_MEMORY_KIB, MIN_PASSES, MIN_LANES, MIN_SALT_BYTES, MIN_HASH_BYTES = 19_456, 2, 1, 16, 32


@pytest.fixture(autouse=True)
def _in_request(app):
    """Services run inside a request: messages read the language from the browser session."""
    with app.test_request_context():
        yield


def unb64(value: str) -> bytes:
    return base64.b64decode(value + "=" * (-len(value) % 4))


def stored_hash(db, user_id: int) -> str:
    """The hash as the database holds it, read from the table past the ORM's objects."""
    table = User.__table__
    return db.execute(select(table.c.password_hash).where(table.c.id == user_id)).scalar_one()


def parameters(stored: str) -> tuple[int, int, int, int, int, int]:
    """(version, memory KiB, passes, lanes, salt bytes, hash bytes) of a stored argon2id hash."""
    match = ARGON2ID.fullmatch(stored)
    assert match, stored
    version, memory, passes, lanes = (int(group) for group in match.groups()[:4])
    return version, memory, passes, lanes, len(unb64(match[5])), len(unb64(match[6]))


def test_an_app_built_without_the_test_setting_stores_production_hashes(app, database_url, tmp_path):
    """The one test of production hashing (every other app of the tests hashes cheaply): an app configured as an
    installation is, without PASSWORD_HASH_COST, stores argon2id with m=64 MiB, t=3, p=4, above the OWASP/ASVS
    minimums; and a cheap hash the tests made is replaced by a production one at its first login there."""
    cheap = accounts.hash_password(PASSWORD)  # by the test app
    production = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "production-hashing", "TESTING": True,
                             "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    try:
        assert production.config["PASSWORD_HASH_COST"] == "production"
        with production.test_request_context(), Session(production.extensions["engine"]) as db:
            user, password = accounts.create_user(session=db, username="thuky_moi", role="secretary")
            db.commit()
            stored = stored_hash(db, user.id)
            version, memory, passes, lanes, salt, digest = parameters(stored)
            assert (version, memory, passes, lanes, salt, digest) == (19, 64 * 1024, 3, 4, 16, 32)  # argon2 1.3
            assert memory >= MIN_MEMORY_KIB
            assert passes >= MIN_PASSES
            assert lanes >= MIN_LANES
            assert salt >= MIN_SALT_BYTES
            assert digest >= MIN_HASH_BYTES
            assert password not in stored
            assert accounts.password_matches(stored, password)

            old = User(username="cu", role="viewer", password_hash=cheap, must_change_password=False)
            db.add(old)
            db.commit()
            assert accounts.authenticate(session=db, username="cu", password=PASSWORD).id == old.id
            db.commit()
            assert parameters(stored_hash(db, old.id))[1:4] == (64 * 1024, 3, 4)
    finally:
        production.extensions["engine"].dispose()


def test_the_tests_hash_cheaply_and_those_hashes_verify(app, db, make_user):
    assert app.config["PASSWORD_HASH_COST"] == "test"
    stored = accounts.hash_password(PASSWORD)
    assert parameters(stored) == (19, 8, 1, 1, 16, 32)  # cheap in time and memory only: salt and tag full size
    assert accounts.password_matches(stored, PASSWORD)
    assert not accounts.password_matches(stored, PASSWORD + "!")
    user = make_user("thuky")
    assert accounts.authenticate(session=db, username="thuky", password=PASSWORD).id == user.id
    assert not accounts.authenticate(session=db, username="thuky", password=PASSWORD.upper())
    assert user.password_hash == stored_hash(db, user.id) and parameters(user.password_hash)[1:4] == (8, 1, 1)


@pytest.mark.parametrize("cost", ["cheap", "Test", "", None])
def test_only_the_two_hashing_costs_are_accepted(database_url, tmp_path, cost):
    with pytest.raises(ValueError, match="PASSWORD_HASH_COST"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "s", "UPLOAD_FOLDER": str(tmp_path),
                    "PASSWORD_HASH_COST": cost})


def test_each_hash_has_its_own_salt():
    first, second = accounts.hash_password("correct horse battery"), accounts.hash_password("correct horse battery")
    assert first != second
    assert ARGON2ID.fullmatch(first)[5] != ARGON2ID.fullmatch(second)[5]


def test_the_one_time_password_meets_the_policy(db):
    for n in range(3):
        _, password = accounts.create_user(session=db, username=f"nguoi_dung_{n}", role="viewer")
        assert password_problem(password) is None


# The service's own check (accounts.check_new_password) must follow tracker.rules.passwords.
@pytest.mark.parametrize(("password", "refused"), [
    pytest.param("x7#kq2m", True, id="7 characters"),
    pytest.param("x7#kq2mz", False, id="8 characters"),
    pytest.param("x7#kq2mz" * 16, False, id="128 characters"),
    pytest.param("x7#kq2mz" * 16 + "a", True, id="129 characters"),
    pytest.param("password", True, id="common"),
    pytest.param("1234567890", True, id="common, 10 characters"),
    pytest.param("Qwertyuiop", True, id="common, other case"),
    pytest.param("aaaaaaaaaaaa", False, id="no composition rules"),
    pytest.param("mật khẩu của tôi dài lắm", False, id="Vietnamese passphrase"),
])
def test_check_new_password_follows_the_policy(password, refused):
    assert len("x7#kq2mz" * 16) == MAX_LENGTH
    if refused:
        with pytest.raises(DomainError) as caught:
            accounts.check_new_password(password)
        assert caught.value.field == "new_password"
    else:
        accounts.check_new_password(password)


def test_changing_to_a_common_password_is_refused(db, make_user):
    user = make_user("thuky")
    before = user.password_hash
    with pytest.raises(DomainError) as caught:
        accounts.change_password(session=db, user=user, current=PASSWORD, new="Password1")
    assert caught.value.field == "new_password"
    assert user.password_hash == before
