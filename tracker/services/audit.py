"""The audit log: every login (success and failure), refused access, finalisation, amendment, import and account
change, and every change of data (written by `tracker.services.changes`), with UTC time, user and address.
Append-only (database triggers refuse changes); listed for administrators."""
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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


@dataclass(frozen=True)
class Filter:
    """Which lines to list: of one kind, about one record and what belongs to it ("cluster_year:3"), by one
    account, from one day to another (UTC, both included)."""

    kind: str = ""
    record: str = ""
    username: str = ""
    since: date | None = None
    until: date | None = None

    def conditions(self) -> list:
        found = []
        if self.kind:
            found.append(AuditEvent.kind == self.kind)
        if self.record:
            found.append(col(AuditEvent.subjects).contains(f" {self.record} ", autoescape=True))
        if self.username:
            found.append(func.lower(AuditEvent.username) == self.username.strip().lower())
        if self.since:
            found.append(AuditEvent.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until:
            found.append(AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=UTC))
        return found


def page(session: Session, *, number: int = 1, kind: str | None = None, where: Filter | None = None) -> Page:
    """One page of the log, newest first, optionally filtered (two queries)."""
    where = where or Filter(kind=kind or "")
    conditions = where.conditions()
    query = select(AuditEvent).where(*conditions)
    counting = select(func.count()).select_from(AuditEvent).where(*conditions)
    total = session.exec(counting).one()
    pages = max(1, -(-total // PER_PAGE))
    number = min(max(1, number), pages)
    events = session.exec(query.order_by(col(AuditEvent.id).desc()).offset((number - 1) * PER_PAGE)
                          .limit(PER_PAGE)).all()
    return Page(list(events), number, pages, total)


@dataclass(frozen=True)
class Readable:
    """A line's detail as a reader takes it: the record, and for a change its fields before and after."""

    record: str
    fields: list[tuple[str, object, object]]  # (field, before, after); empty for a line that is not a change
    rest: dict


def readable(event: AuditEvent) -> Readable:
    """Unpack a line's canonical JSON for the log's page."""
    try:
        detail = json.loads(event.detail or "{}")
    except ValueError:
        detail = {"detail": event.detail}
    if not isinstance(detail, dict):
        detail = {"detail": detail}
    record = str(detail.pop("record", event.record or ""))
    before, after = detail.pop("before", None), detail.pop("after", None)
    if not isinstance(before, dict) and not isinstance(after, dict):
        if before is not None or after is not None:
            detail.update(before=before, after=after)
        return Readable(record, [], detail)
    before, after = before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {}
    names = sorted(set(before) | set(after))
    return Readable(record, [(name, before.get(name), after.get(name)) for name in names], detail)
