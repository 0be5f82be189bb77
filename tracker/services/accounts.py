"""Accounts: creating users, passwords (argon2id), enabling, disabling and cluster assignments."""
import hashlib
import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, func, select

from tracker.models import ApiToken, Cluster, Role, SecretaryCluster, User
from tracker.rules import passwords
from tracker.services import tokens
from tracker.services.errors import DomainError, NotFound, check_version

# The argon2id parameters new hashes get, by the PASSWORD_HASH_COST setting (tracker/config.py):
#   "production" (the default): the library's defaults, RFC 9106's low-memory profile: t=3, m=64 MiB, p=4.
#   "test": the cheapest argon2id argon2-cffi accepts (t=1, m=8 KiB, p=1), same salt and tag sizes; for the test
#           suite only, where every login would otherwise pay the production cost.
# A stored hash carries its own parameters, so either kind verifies under either setting; at the next login a
# hash whose parameters differ from the app's is replaced (so a cheap hash never survives a production login).
_HASHERS = {
    "production": PasswordHasher(),
    "test": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


def _hasher() -> PasswordHasher:
    """The hasher of the current app's PASSWORD_HASH_COST; outside an app, always the production one."""
    if not has_app_context():
        return _HASHERS["production"]
    return _HASHERS[current_app.config.get("PASSWORD_HASH_COST", "production")]  # config.load refuses others


def hash_password(password: str) -> str:
    """An argon2id hash of the password composed to NFC (at the cost PASSWORD_HASH_COST names: production unless
    set): a passphrase typed in NFD or NFC is one password (NIST SP 800-63B)."""
    return _hasher().hash(passwords.canonical(password))


def _verifies(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _match(stored_hash: str, password: str) -> str | None:
    """How the password matches the stored hash: "nfc" (its NFC form, as hashes are made now), "typed" (exactly as
    typed, not NFC: a hash made before passwords were normalised, to be replaced), or None."""
    composed = passwords.canonical(password)
    if _verifies(stored_hash, composed):
        return "nfc"
    if composed != password and _verifies(stored_hash, password):
        return "typed"
    return None


def password_matches(stored_hash: str, password: str) -> bool:
    """True when the password matches the stored hash (checked with the parameters the hash itself names): its NFC
    form, or exactly as typed for a hash made before passwords were normalised."""
    return _match(stored_hash, password) is not None


def one_time_password() -> str:
    """A random password to hand over once; the user must change it at first login."""
    return secrets.token_urlsafe(12)


def check_new_password(password: str, *, field: str = "new_password") -> None:
    """Refuse a password that is too short, too long or one of the 10,000 most common ones (no composition rules,
    as ASVS asks)."""
    problem = passwords.password_problem(password)
    if problem == "too_short":
        raise DomainError(_l("The password must have at least %(n)d characters.", n=passwords.MIN_LENGTH), field)
    if problem == "too_long":
        raise DomainError(_l("The password must have at most %(n)d characters.", n=passwords.MAX_LENGTH), field)
    if problem == "common":
        raise DomainError(_l("This password is one of the most common ones: choose another."), field)


def get_user(session: Session, user_id: int) -> User:
    """The account with this id, or NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound
    return user


def create_user(
    *, session: Session, username: str, role: str, full_name: str = "", cluster_ids: Iterable[int] = ()
) -> tuple[User, str]:
    """Create an account with a one-time password; returns the user and that password."""
    if role not in set(Role):
        raise DomainError(_l("Choose a valid role."), "role")
    # Names differing only in case are one name: failed logins and device cookies are counted under the lower-case
    # name, so "LAN" beside "lan" would share (and could spend) lan's allowance.
    taken = session.exec(select(User).where(func.lower(User.username) == username.lower())).first()
    if taken is not None:
        raise DomainError(_l("The username %(name)s is already taken.", name=taken.username), "username")
    password = one_time_password()
    user = User(username=username, role=role, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    _assign(session, user, cluster_ids)
    return user, password


def update_user(
    *, session: Session, user_id: int, version: int | None, role: str, full_name: str,
    cluster_ids: Iterable[int],
) -> User:
    """Change an account's role, name and assigned clusters."""
    user = get_user(session, user_id)
    check_version(user, version)
    if role not in set(Role):
        raise DomainError(_l("Choose a valid role."), "role")
    if user.role == Role.ADMIN and role != Role.ADMIN and user.active and count_admins(session) == 1:
        raise DomainError(_l("This is the only active administrator: make another account administrator first."),
                          "role")
    user.role, user.full_name = role, full_name
    _assign(session, user, cluster_ids)
    session.add(user)
    session.flush()
    return user


def _assign(session: Session, user: User, cluster_ids: Iterable[int]) -> None:
    wanted = set(cluster_ids) if user.role == Role.SECRETARY else set()
    if wanted:
        known = set(session.exec(select(Cluster.id).where(Cluster.id.in_(wanted))).all())
        if known != wanted:
            raise DomainError(_l("Choose clusters from the list."), "clusters")
    held = {row.cluster_id: row for row in session.exec(
        select(SecretaryCluster).where(SecretaryCluster.user_id == user.id)).all()}
    for cluster_id in sorted(set(held) - wanted):  # row by row, so the audit log names each change
        session.delete(held[cluster_id])
    for cluster_id in sorted(wanted - set(held)):
        session.add(SecretaryCluster(user_id=user.id, cluster_id=cluster_id))
    session.flush()


def assigned_cluster_ids(session: Session, user_id: int) -> set[int]:
    """The clusters a secretary may edit."""
    rows = session.exec(select(SecretaryCluster.cluster_id).where(SecretaryCluster.user_id == user_id))
    return set(rows.all())


def device_stamp(session: Session, username: str) -> str:
    """What binds a device cookie to the account's current password: a digest of its hash ("" for no such account).
    A password reset or change makes every earlier device cookie of the account an unknown browser's."""
    found = session.exec(select(User.password_hash).where(User.username == username)).first()
    return hashlib.sha256(found.encode()).hexdigest()[:16] if found else ""


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active account with this username and password, or None (the same answer for every failure)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        _hasher().hash(password)  # spend the same time, so timing does not reveal usernames
        if passwords.canonical(password) != password:
            _hasher().hash(password)  # as a known account tries the password twice (NFC, then as typed)
        return None
    matched = _match(user.password_hash, password)
    if matched is None or not user.active:
        return None
    if matched == "typed" or _hasher().check_needs_rehash(user.password_hash):
        # an old hash of the password as typed (not NFC), or other parameters than the app's: replace it now
        user.password_hash = hash_password(password)
        session.add(user)
    return user


def change_password(*, session: Session, user: User, current: str, new: str, address: str = "") -> None:
    """Set a new password after checking the current one; other sessions of the user end and her API tokens are
    revoked (a changed password is often a suspected leak)."""
    if not password_matches(user.password_hash, current):
        raise DomainError(_l("The current password is not correct."), "current_password")
    if passwords.canonical(new) == passwords.canonical(current):
        raise DomainError(_l("Choose a password different from the current one."), "new_password")
    check_new_password(new)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_access(session=session, user=user, reason="password_changed", actor=user, address=address)


def reset_password(*, session: Session, user_id: int, actor: User | None = None,
                   address: str = "") -> tuple[User, str]:
    """Give an account a new one-time password (for a user who forgot hers): its sessions end and its API tokens
    are revoked (audited as done by `actor`, from `address`)."""
    user = get_user(session, user_id)
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    end_access(session=session, user=user, reason="password_reset", actor=actor, address=address)
    return user, password


def set_active(*, session: Session, user_id: int, active: bool, acting_user_id: int, address: str = "") -> User:
    """Disable or re-enable an account; an administrator cannot disable herself. Disabling ends the account's
    sessions and revokes its API tokens (re-enabling opens neither again)."""
    user = get_user(session, user_id)
    if not active and user.id == acting_user_id:
        raise DomainError(_l("You cannot disable your own account."))
    user.active = active
    user.version += 1
    if not active:
        end_access(session=session, user=user, reason="account_disabled", actor=session.get(User, acting_user_id),
                   address=address)
    session.add(user)
    session.flush()
    return user


def end_sessions(*, session: Session, user: User) -> None:
    """Rotate the account's session token: every cookie issued before stops working. Its API tokens stay: this
    alone is a logout (the user leaving her browsers); see `end_access`."""
    user.session_token = secrets.token_urlsafe(32)
    session.add(user)
    session.flush()


def end_access(*, session: Session, user: User, reason: str, actor: User | None = None,
               address: str = "") -> list[ApiToken]:
    """Close every way into the account: end its sessions and revoke its API tokens (kept listed, marked
    revoked, one audit line each naming `reason`). For an administrator's "end sessions", a one-time password,
    a password change and disabling; returns the tokens revoked now."""
    end_sessions(session=session, user=user)
    return tokens.revoke_all(session=session, user=user, reason=reason, actor=actor, address=address)


def count_admins(session: Session) -> int:
    """How many active administrator accounts exist."""
    return len(session.exec(select(User.id).where(User.role == Role.ADMIN, User.active)).all())
