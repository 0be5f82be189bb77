"""Every change of data in the audit log: listeners on every session write, in the same transaction as the
change (just before it commits), one line per row created, changed or deleted, with the fields before and after,
who (the signed-in account, or the actor a command names), from which address, and the records it belongs to
(its "subjects": the row itself and its owners up to the cluster-year, the cluster, the board, the decision), so
a record's page can list its own history and everything under it.

What is not logged field by field: the audit log itself, the failed-login counter, and bookkeeping a read
updates (an API token's last use). Secrets (password hashes, session and token hashes) and a round's counts
(blind until their second entry; its own ledger keeps them) are logged as changed, never with their value."""
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache

from flask import g, has_request_context, request
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import SQLModel

from tracker.models import AuditEvent, utcnow
from tracker.rules.chain import canonical

UNLOGGED = frozenset({"audit_event", "login_failure", "alembic_version", "ledger_seal"})  # seals: their own record
SECRET = frozenset({("user", "password_hash"), ("user", "session_token"), ("api_token", "token_hash"),
                    # a round's counts and event payloads are kept by its own chained ledger; logged here they
                    # would show counts waiting for their second entry to whoever reads the log
                    ("ballot_revision", "counts"), ("ballot_event", "payload")})
QUIET = frozenset({("api_token", "last_used_at")})  # a read updates it: not a change of data
LONGEST = 1000  # characters of a text value kept in the log; longer ones keep their start and a SHA-256

# A row's owners: (column, the table it points at). A row belongs to its owners and to theirs, so the history of a
# cluster-year lists every change under it, and a board's history every row that names it.
OWNERS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "cluster": (("authority_id", "authority"),),
    "board": (("cluster_id", "cluster"), ("successor_id", "board")),
    "cluster_year": (("cluster_id", "cluster"),),
    "secretary_cluster": (("user_id", "user"), ("cluster_id", "cluster")),
    "membership": (("cluster_year_id", "cluster_year"), ("board_id", "board")),
    "voting_rule": (("cluster_year_id", "cluster_year"),),
    "seats": (("cluster_year_id", "cluster_year"),),
    "ballot_round": (("cluster_year_id", "cluster_year"),),
    "ballot_revision": (("round_id", "ballot_round"),),
    "ballot_event": (("round_id", "ballot_round"),),
    "proposal": (("cluster_year_id", "cluster_year"), ("board_id", "board")),
    "proposal_event": (("proposal_id", "proposal"),),
    "decision": (("cluster_id", "cluster"),),
    "award": (("decision_id", "decision"), ("board_id", "board")),
    "indicator": (("cluster_year_id", "cluster_year"),),
    "pledge": (("cluster_year_id", "cluster_year"),),
    "signature": (("pledge_id", "pledge"), ("board_id", "board")),
    "target": (("indicator_id", "indicator"), ("board_id", "board")),
    "meeting": (("cluster_year_id", "cluster_year"),),
    "meeting_board": (("meeting_id", "meeting"), ("board_id", "board")),
    "attachment": (("meeting_id", "meeting"),),
    "criterion": (("cluster_year_id", "cluster_year"),),
    "score": (("criterion_id", "criterion"), ("board_id", "board")),
    "api_token": (("user_id", "user"),),
}
FOLLOWED = frozenset({"cluster_year", "ballot_round", "proposal", "decision", "indicator", "pledge", "meeting",
                      "criterion"})  # owners whose own owners are looked up (a board's keeper is not)


@dataclass(frozen=True)
class Actor:
    """Who makes the changes of a session outside a request (a command, an import run by name)."""

    user_id: int | None
    username: str
    address: str = ""


def acting(session: OrmSession, actor: Actor) -> None:
    """Name who makes this session's changes (a request names its signed-in account by itself)."""
    session.info["actor"] = actor


def value(raw, *, secret: bool = False):
    """A field's value as the log keeps it (JSON: dates as ISO text, decimals as text, long text cut)."""
    if raw is None:
        return None
    if secret:
        return "•••"
    if isinstance(raw, Enum):
        raw = raw.value
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if isinstance(raw, Decimal):
        return str(raw)
    if isinstance(raw, bytes):
        return f"{len(raw)} bytes, SHA-256 {hashlib.sha256(raw).hexdigest()}"
    if isinstance(raw, bool | int | float):
        return raw
    if isinstance(raw, dict | list):
        raw = json.dumps(raw, ensure_ascii=False, sort_keys=True)
    text = str(raw)
    if len(text) > LONGEST:
        return f"{text[:LONGEST]}… ({len(text)} characters, SHA-256 {hashlib.sha256(text.encode()).hexdigest()})"
    return text


def subject(table: str, record_id) -> str:
    """How the log names a record: "table:id"."""
    return f"{table}:{record_id}"


def _actor(session: OrmSession) -> Actor:
    named = session.info.get("actor")
    if named is not None:
        return named
    if not has_request_context():
        return Actor(None, "")
    user = getattr(g, "_login_user", None)  # never loaded here: a query inside a flush would flush again
    address = (request.remote_addr or "")[:64]
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(None, "", address)
    return Actor(user.id, user.username, address)


class _Owners:
    """Finds the owners of rows, from the objects the session holds or, failing that, one query per owner."""

    def __init__(self, session: OrmSession, connection, flushed: Iterable):
        self.session, self.connection = session, connection
        self.known: dict[tuple[str, int], Mapping] = {(obj.__tablename__, _record_id(obj)): _columns(obj)
                                                     for obj in flushed}

    def row(self, table: str, record_id: int) -> Mapping | None:
        if (table, record_id) in self.known:
            return self.known[(table, record_id)]
        held = self.session.identity_map.get(self.session.identity_key(_classes()[table], record_id))
        found = _columns(held) if held is not None else None
        if found is None:
            owned = SQLModel.metadata.tables[table]
            columns = [owned.c[name] for name, _ in OWNERS.get(table, ())]
            if columns:
                fetched = self.connection.execute(select(*columns).where(owned.c.id == record_id)).first()
                found = dict(fetched._mapping) if fetched is not None else {}
            else:
                found = {}
        self.known[(table, record_id)] = found
        return found

    def of(self, table: str, values: Mapping, depth: int = 0) -> set[str]:
        found: set[str] = set()
        for column, owner in OWNERS.get(table, ()):
            owner_id = values.get(column)
            if owner_id is None:
                continue
            found.add(subject(owner, owner_id))
            if owner in FOLLOWED and depth < 3:
                found |= self.of(owner, self.row(owner, owner_id) or {}, depth + 1)
        return found


def _record_id(obj):
    """A row's primary key: its id, or its key columns joined by "-" (a secretary's cluster: user-cluster)."""
    identity = inspect(obj).mapper.primary_key_from_instance(obj)  # set by the INSERT, before the identity is
    return identity[0] if len(identity) == 1 else "-".join(str(part) for part in identity)


def _columns(obj) -> dict:
    """The fields of a row the session holds (those loaded)."""
    state = inspect(obj)
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs if attr.key in state.dict}


@cache
def _classes() -> dict[str, type]:
    return {mapper.local_table.name: mapper.class_ for mapper in SQLModel._sa_registry.mappers}


def _field_values(table: str, values: Mapping) -> dict:
    return {name: value(raw, secret=(table, name) in SECRET) for name, raw in sorted(values.items())}


def _changed_fields(obj) -> tuple[dict, dict]:
    state, table = inspect(obj), obj.__tablename__
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes() or (table, attr.key) in QUIET:
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        secret = (table, attr.key) in SECRET
        before[attr.key], after[attr.key] = value(old, secret=secret), value(new, secret=secret)
    return before, after


def _logged(obj) -> bool:
    return isinstance(obj, SQLModel) and getattr(obj, "__tablename__", None) not in UNLOGGED


def _after_flush(session: OrmSession, _context) -> None:
    """Note this flush's changes; several flushes of one transaction make one line per record (see _merge)."""
    new = [obj for obj in session.new if _logged(obj)]
    dirty = [obj for obj in session.dirty if _logged(obj) and session.is_modified(obj, include_collections=False)]
    deleted = [obj for obj in session.deleted if _logged(obj)]
    if not (new or dirty or deleted):
        return
    owners = _Owners(session, session.connection(), [*new, *dirty, *deleted])
    pending: dict[str, dict] = session.info.setdefault(PENDING, {})

    def note(kind: str, obj, before: dict, after: dict) -> None:
        table, values = obj.__tablename__, _columns(obj)
        record = subject(table, _record_id(obj))
        subjects = {record} | owners.of(table, values)
        _merge(pending, record, {"record": record, "kind": kind, "before": before, "after": after,
                                 "subjects": subjects})

    for obj in new:
        note("created", obj, {}, _field_values(obj.__tablename__, _columns(obj)))
    for obj in dirty:
        before, after = _changed_fields(obj)
        if after or before:
            note("changed", obj, before, after)
    for obj in deleted:
        note("deleted", obj, _field_values(obj.__tablename__, _columns(obj)), {})


def _merge(pending: dict[str, dict], record: str, change: dict) -> None:
    """One line per record and transaction: created then changed is created with the last values; changed twice
    keeps the first before and the last after (and vanishes if they agree); created then deleted leaves nothing;
    deleted then created (a new row given the old one's id) stays two lines."""
    earlier = pending.get(record)
    if earlier is None:
        pending[record] = change
        return
    earlier["subjects"] |= change["subjects"]
    if change["kind"] == "deleted":
        if earlier["kind"] == "created":
            del pending[record]
            return
        earlier.update(kind="deleted", before={**change["before"], **earlier["before"]}, after={})
        return
    if change["kind"] == "created":  # a new row under a deleted row's key (SQLite reuses ids): a line of its own
        pending[f"{record}#{len(pending)}"] = pending.pop(record)
        pending[record] = change
        return
    if earlier["kind"] == "changed":
        for name, old in change["before"].items():
            earlier["before"].setdefault(name, old)
    earlier["after"].update(change["after"])
    if earlier["kind"] == "changed":
        _drop_unchanged(earlier)
        if not earlier["after"] and not earlier["before"]:
            del pending[record]


def _drop_unchanged(change: dict) -> None:
    for name in [name for name in change["after"] if change["before"].get(name, _MISSING) == change["after"][name]]:
        change["before"].pop(name, None)
        change["after"].pop(name, None)


def _before_commit(session: OrmSession) -> None:
    """Write the transaction's lines, in the same transaction as the changes they describe."""
    session.flush()  # what is still pending is flushed (and noted) first
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    actor, now = _actor(session), utcnow()
    lines = [{"at": now, "kind": change["kind"], "user_id": actor.user_id, "username": actor.username[:64],
              "address": actor.address[:64], "record": change["record"][:64],
              "subjects": " " + " ".join(sorted(change["subjects"])) + " ",
              "detail": canonical({"record": change["record"],
                                   **({"before": change["before"]} if change["kind"] != "created" else {}),
                                   **({"after": change["after"]} if change["kind"] != "deleted" else {})})}
             for change in pending.values()]
    session.connection().execute(AuditEvent.__table__.insert(), lines)


def _forget(session: OrmSession, *_args) -> None:
    """A rolled-back transaction changed nothing: its notes go."""
    session.info.pop(PENDING, None)


PENDING = "tracker.audit.pending"
_MISSING = object()


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, listener in (("after_flush", _after_flush), ("before_commit", _before_commit),
                           ("after_rollback", _forget), ("after_soft_rollback", _forget)):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)
