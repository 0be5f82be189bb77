"""Personal API tokens: created by a user for the read-only API, shown once, kept only as a SHA-256 hash with a
short prefix to tell them apart, revocable. A token acts for its user with viewer rights at most.

A revoked token stays listed (its row is kept, marked revoked). Besides its owner revoking it, every token of an
account is revoked when an administrator issues a one-time password, ends the account's sessions or disables it,
and when the user changes her password (`revoke_all`, called by tracker/services/accounts.py); an administrator
may revoke any user's token (`revoke_any`). Every revocation done here writes its audit line."""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker.models import ApiToken, User, utcnow
from tracker.services import audit
from tracker.services.errors import NotFound, checked_text

SCHEME = "eat_"  # "emulation award tracker": a recognisable start, so a leaked token is easy to spot in a scan
PREFIX_LENGTH = 10  # what the token list shows: the scheme and the first six random characters
MAX_NAME = 100
TOUCH_EVERY = timedelta(hours=1)  # last use is recorded at most this often, so a GET rarely writes


def hash_token(raw: str) -> str:
    """The SHA-256 of a token as stored (hex); the token itself is never kept."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(*, session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the user: returns the stored row and the token in full, which is shown once and is not
    kept anywhere."""
    name = checked_text(name, field="name", limit=MAX_NAME, required=_l("This field is required."))
    raw = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw), prefix=raw[:PREFIX_LENGTH])
    session.add(token)
    session.flush()
    return token, raw


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, revoked ones included, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())
    return list(session.exec(query).all())


def revoke_token(*, session: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (revoking it again changes nothing); another user's token is not
    found."""
    token = session.exec(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
                         .with_for_update()).first()
    if token is None:
        raise NotFound
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return token


def all_tokens(session: Session, *, user_id: int | None = None) -> list[tuple[ApiToken, User]]:
    """Every token with its owner (one query), newest first; only one account's when user_id is given. For the
    administrators' list."""
    query = select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(col(ApiToken.id).desc())
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return [(token, owner) for token, owner in session.exec(query).all()]


def _revoked(session: Session, token: ApiToken, owner: User, *, reason: str, actor: User | None,
             address: str) -> None:
    token.revoked_at = utcnow()
    session.add(token)
    audit.record(session, "token_revoked", user=actor, address=address,
                 detail={"token": token.prefix, "name": token.name, "account": owner.username, "reason": reason})


def revoke_any(*, session: Session, token_id: int, actor: User | None, address: str = "") -> tuple[ApiToken, User]:
    """An administrator revokes any user's token (revoking it again changes nothing and writes nothing); the
    revocation is audited (reason "administrator"). The caller checks that the actor is an administrator."""
    row = session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                       .where(ApiToken.id == token_id).with_for_update()).first()
    if row is None:
        raise NotFound
    token, owner = row
    if token.revoked_at is None:
        _revoked(session, token, owner, reason="administrator", actor=actor, address=address)
        session.flush()
    return token, owner


def revoke_all(*, session: Session, user: User, reason: str, actor: User | None = None,
               address: str = "") -> list[ApiToken]:
    """Revoke every token of the account still open (rows kept, marked revoked), one audit line each naming the
    reason (the audit kind of what caused it: "password_reset", "password_changed", "sessions_ended",
    "account_disabled"); returns the tokens revoked now."""
    live = list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id, col(ApiToken.revoked_at).is_(None))
                             .order_by(col(ApiToken.id)).with_for_update()).all())
    for token in live:
        _revoked(session, token, user, reason=reason, actor=actor, address=address)
    session.flush()
    return live


def authenticate(*, session: Session, raw: str) -> tuple[ApiToken, User] | None:
    """The token and its user for a token sent with a request (one query); None when it is unknown, revoked,
    or its user is disabled."""
    if not raw or not raw.startswith(SCHEME) or len(raw) > 200:
        return None
    row = session.exec(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                       .where(ApiToken.token_hash == hash_token(raw))).first()
    if row is None:
        return None
    token, user = row
    if token.revoked_at is not None or not user.active:
        return None
    return token, user


def touch(*, session: Session, token: ApiToken, now: datetime | None = None) -> bool:
    """Record the token's use when the last record is an hour old or more; True when it wrote (then the caller
    commits)."""
    now = now or utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return False
    token.last_used_at = now
    session.add(token)
    session.flush()
    return True
