"""Login throttling kept in the database, so that every worker process counts the same failures."""
from datetime import datetime

from sqlalchemy import delete, func, text
from sqlmodel import Session, select

from tracker.models import LoginFailure, utcnow
from tracker.rules import throttle as rules


def _serialise(session: Session, key: str) -> None:
    """Let one attempt per account name at a time count and record (SQLite: the request's write transaction
    already does; PostgreSQL: a transaction-level advisory lock on the name)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": "login:" + key})


def refused(session: Session, *, username: str, address: str, device: str = "",
            now: datetime | None = None) -> rules.Refusal | None:
    """Whether this attempt is refused before its password is checked (one count, or three). `device` is the
    nonce of this browser's device cookie for the account ("" when it never logged in here)."""
    now = now or utcnow()
    key = rules.account_key(username)
    _serialise(session, key)
    ours = (LoginFailure.username == key)

    def count(*conditions) -> int:
        return session.exec(select(func.count()).select_from(LoginFailure).where(ours, *conditions)).one()

    if device:
        return rules.refusal(known_browser=True, this_browser_last_hour=count(
            LoginFailure.device == device[:32], LoginFailure.at > now - rules.HOUR))
    unknown = (LoginFailure.device == "")
    spraying = session.exec(select(func.count()).select_from(LoginFailure).where(
        unknown, LoginFailure.address == address[:64], LoginFailure.at > now - rules.HOUR)).one()
    return rules.refusal(known_browser=False,
                         here_last_minute=count(unknown, LoginFailure.address == address[:64],
                                                LoginFailure.at > now - rules.MINUTE),
                         unknown_last_hour=count(unknown, LoginFailure.at > now - rules.HOUR),
                         address_last_hour=spraying)


def record_failure(session: Session, *, username: str, address: str, device: str = "",
                   now: datetime | None = None) -> None:
    """Count a failed login (in this known browser, or among the unknown ones), and forget failures older than a
    day."""
    now = now or utcnow()
    session.add(LoginFailure(username=rules.account_key(username), address=address[:64], device=device[:32], at=now))
    session.exec(delete(LoginFailure).where(LoginFailure.at < now - rules.KEPT))
    session.flush()


def recent_failures(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Failed logins of the last hour per account name (one query), for the administrator's list of accounts."""
    now = now or utcnow()
    rows = session.exec(select(LoginFailure.username, func.count()).where(LoginFailure.at > now - rules.HOUR)
                        .group_by(LoginFailure.username)).all()
    return dict(rows)


def unlock(session: Session, *, username: str) -> int:
    """Forget every counted failure of an account, so no browser is refused for them any more; how many."""
    key = rules.account_key(username)
    _serialise(session, key)
    rows = session.exec(select(LoginFailure).where(LoginFailure.username == key)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)
