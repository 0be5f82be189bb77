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


def refused(session: Session, *, username: str, address: str, now: datetime | None = None) -> rules.Refusal | None:
    """Whether this attempt is refused before its password is checked (two counts)."""
    now = now or utcnow()
    key = rules.account_key(username)
    _serialise(session, key)
    here = session.exec(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == key, LoginFailure.address == address[:64],
        LoginFailure.at > now - rules.MINUTE)).one()
    anywhere = session.exec(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.username == key, LoginFailure.at > now - rules.HOUR)).one()
    return rules.refusal(here, anywhere)


def record_failure(session: Session, *, username: str, address: str, now: datetime | None = None) -> None:
    """Count a failed login, and forget failures older than a day."""
    now = now or utcnow()
    session.add(LoginFailure(username=rules.account_key(username), address=address[:64], at=now))
    session.exec(delete(LoginFailure).where(LoginFailure.at < now - rules.KEPT))
    session.flush()
