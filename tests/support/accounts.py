"""Accounts in the tests: the shared password, and cheap password hashing for every app the tests build.

Production hashing (argon2id, 64 MiB, 3 passes) costs about a second per login on a busy machine; the apps of
the tests set PASSWORD_HASH_COST to "test" instead (tracker/config.py): in-process apps by merging CHEAP_HASHING
into their configuration, served ones (gunicorn) through CHEAP_HASHING_ENV. Only
tests/services/test_password_policy.py builds an app without it, to prove what production stores."""
from flask import current_app

from tracker.services import accounts

PASSWORD = "correct horse battery"
CHEAP_HASHING = {"PASSWORD_HASH_COST": "test"}
CHEAP_HASHING_ENV = {"TRACKER_PASSWORD_HASH_COST": "test"}

_HASHES: dict[str, str] = {}


def password_hash() -> str:
    """A hash of PASSWORD at the current app's cost (made once per cost: production hashing is slow)."""
    cost = current_app.config["PASSWORD_HASH_COST"]
    if cost not in _HASHES:
        _HASHES[cost] = accounts.hash_password(PASSWORD)
    return _HASHES[cost]
