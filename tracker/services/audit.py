"""The audit log: every login (success and failure), refused access, finalisation, amendment, import and account
change, with UTC time, user and address. Append-only (database triggers refuse changes); listed for
administrators."""
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker import labels
from tracker.models import AuditEvent, User
from tracker.rules.chain import canonical

KINDS = tuple(labels.AUDIT_EVENT)  # every kind of line the log holds
PER_PAGE = 100


def record(session: Session, kind: str, *, user: User | None = None, username: str = "", address: str = "",
           detail: Mapping | None = None) -> AuditEvent:
    """Append a line to the audit log (flushed with the caller's transaction)."""
    event = AuditEvent(kind=kind, user_id=user.id if user is not None and user.id else None,
                       username=(user.username if user is not None else username)[:64], address=(address or "")[:64],
                       detail=canonical(dict(detail or {})))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Page:
    """A page of the log, newest first."""

    events: list[AuditEvent]
    number: int
    pages: int
    total: int


def page(session: Session, *, number: int = 1, kind: str | None = None) -> Page:
    """One page of the log, newest first, optionally of one kind (two queries)."""
    query = select(AuditEvent)
    counting = select(func.count()).select_from(AuditEvent)
    if kind:
        query, counting = query.where(AuditEvent.kind == kind), counting.where(AuditEvent.kind == kind)
    total = session.exec(counting).one()
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(1, number), pages)
    events = session.exec(query.order_by(col(AuditEvent.id).desc()).offset((number - 1) * PER_PAGE)
                          .limit(PER_PAGE)).all()
    return Page(list(events), number, pages, total)
