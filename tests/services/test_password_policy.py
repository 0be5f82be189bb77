"""The password policy as the accounts service applies it: the stored argon2id hash meets the OWASP/ASVS
minimums, and a new password is refused when too short, too long or common (tracker.rules.passwords)."""
import base64
import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
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


def test_the_stored_hash_meets_the_argon2id_minimums(db):
    user, password = accounts.create_user(session=db, username="thuky_moi", role="secretary")
    db.commit()
    stored = stored_hash(db, user.id)
    match = ARGON2ID.fullmatch(stored)
    assert match, stored
    version, memory, passes, lanes = (int(group) for group in match.groups()[:4])
    salt, digest = unb64(match[5]), unb64(match[6])
    assert version == 19  # argon2 1.3
    assert memory >= MIN_MEMORY_KIB
    assert passes >= MIN_PASSES
    assert lanes >= MIN_LANES
    assert len(salt) >= MIN_SALT_BYTES
    assert len(digest) >= MIN_HASH_BYTES
    assert password not in stored
    assert accounts.password_matches(stored, password)


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
