"""The ledger's seals (docs/ledger.md): every ballot event sealed, in the order it was written, by HMAC-SHA-256
under a key kept outside the database; each seal covers the previous one, the event and its round's decisive
fields after it. Checkpoints of the newest seal go to a file outside the database at every finalisation.

The keys: `TRACKER_LEDGER_KEY` (64 hex digits) when set, else the key files under LEDGER_KEY_DIR
(instance/ledger-keys/, 0700; each key 0600, named by its id; `current` names the one new seals use)."""
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, func, text
from sqlmodel import Session, col, select

from tracker.models import AwardType, BallotEvent, BallotRevision, BallotRound, ClusterYear, LedgerSeal
from tracker.rules.chain import GENESIS, canonical

ROUND_FIELDS = ("id", "cluster_year_id", "award_type_id", "number", "runoff_of_id", "runoff_candidates", "seats",
                "status", "revision", "rule", "illustrative", "chain_head", "held_on", "place",
                "committee")  # what decides about a round, and what its minutes print
REVISION_FIELDS = ("revision", "reason", "counts", "result", "entered_by", "entered_at", "checked_by", "checked_at",
                   "finalised_by", "finalised_at")


class KeyMissing(RuntimeError):
    """No ledger key can be read or made: nothing can be sealed or verified."""


@dataclass(frozen=True)
class Keyring:
    """The ledger keys by id, and the id of the one new seals use."""

    keys: dict[str, bytes]
    current: str

    def mac(self, key_id: str, message: str) -> str | None:
        key = self.keys.get(key_id)
        return hmac.new(key, message.encode(), hashlib.sha256).hexdigest() if key is not None else None


def key_id_of(key: bytes) -> str:
    """A key's id: the first 16 hex digits of its SHA-256 (it names the key, never reveals it)."""
    return hashlib.sha256(key).hexdigest()[:16]


def _folder() -> Path:
    configured = current_app.config.get("LEDGER_KEY_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "ledger-keys"


def checkpoint_file() -> Path:
    """Where the checkpoints of the newest seal are appended (outside the database)."""
    configured = current_app.config.get("LEDGER_CHECKPOINTS")
    return Path(configured) if configured else Path(current_app.instance_path) / "ledger-checkpoints.txt"


def keyring(*, create: bool = True) -> Keyring:
    """The keys: from TRACKER_LEDGER_KEY, or the key folder (a first key made there when `create`)."""
    if not has_app_context():
        raise KeyMissing("the ledger keys are read within the application")
    given = current_app.config.get("LEDGER_KEY")
    if given:
        try:
            key = bytes.fromhex(given)
        except ValueError as error:
            raise KeyMissing("TRACKER_LEDGER_KEY must be 64 hexadecimal digits") from error
        if len(key) != 32:
            raise KeyMissing("TRACKER_LEDGER_KEY must be 64 hexadecimal digits")
        return Keyring({key_id_of(key): key}, key_id_of(key))
    folder = _folder()
    keys = {}
    if folder.is_dir():
        for path in sorted(folder.glob("*.key")):
            key = bytes.fromhex(path.read_text().strip())
            keys[key_id_of(key)] = key
    current_path = folder / "current"
    current = current_path.read_text().strip() if current_path.is_file() else ""
    if current not in keys:
        if not create:
            raise KeyMissing(f"no ledger key in {folder}")
        current = _new_key(folder)
        keys = {**keys, current: bytes.fromhex((folder / f"{current}.key").read_text().strip())}
    return Keyring(keys, current)


def _new_key(folder: Path) -> str:
    """Make a key file (owner-only) and name it current; its id."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    key = secrets.token_bytes(32)
    key_id = key_id_of(key)
    path = folder / f"{key_id}.key"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.hex() + "\n")
    pointer = folder / "current.new"
    descriptor = os.open(pointer, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key_id + "\n")
    os.replace(pointer, folder / "current")
    return key_id


def rotate() -> tuple[str, str]:
    """A new current key (the old ones are kept, so older seals stay verifiable); (old id, new id)."""
    if current_app.config.get("LEDGER_KEY"):
        raise KeyMissing("the key comes from TRACKER_LEDGER_KEY: set a new value there instead")
    old = keyring().current
    return old, _new_key(_folder())


def round_state(round_: BallotRound, revisions: list[BallotRevision], cluster_year: ClusterYear | None,
                award_code: str | None) -> dict:
    """What a seal covers of a round: its decisive fields and those its minutes print, its cluster and year, its
    award, and a digest of every version of its counts (who entered, checked and finalised them, when, and
    why an amendment was made)."""
    state = {name: _plain(getattr(round_, name)) for name in ROUND_FIELDS}
    versions = [{name: _plain(getattr(r, name)) for name in REVISION_FIELDS}
                for r in sorted(revisions, key=lambda r: r.revision)]
    state.update(cluster=cluster_year.cluster_id if cluster_year else None,
                 year=cluster_year.year if cluster_year else None, award=award_code,
                 revisions=hashlib.sha256(canonical(versions).encode()).hexdigest())
    return state


def state_of(session: Session, round_: BallotRound) -> dict:
    """A round's state as a seal covers it, read from the database (two or three queries)."""
    revisions = list(session.exec(select(BallotRevision).where(BallotRevision.round_id == round_.id)).all())
    award = session.get(AwardType, round_.award_type_id)
    return round_state(round_, revisions, session.get(ClusterYear, round_.cluster_year_id),
                       award.code if award else None)


def _plain(value):
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_record(event: BallotEvent) -> dict:
    """An event as a seal covers it."""
    return {"id": event.id, "round": event.round_id, "seq": event.seq, "kind": event.kind, "user": event.user_id,
            "at": _utc(event.at), "payload": event.payload, "prev_hash": event.prev_hash, "hash": event.hash}


def seal_message(position: int, prev_mac: str, event: dict, state: dict) -> str:
    """What a seal's code is computed over."""
    return canonical({"position": position, "prev": prev_mac, "event": event, "round": state})


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _serialise(session: Session) -> None:
    """One sealer at a time (SQLite: the write transaction already is; PostgreSQL: a transaction lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('tracker:ledger'))"))


def _head(session: Session) -> tuple[int, str]:
    last = session.exec(select(LedgerSeal).order_by(col(LedgerSeal.position).desc()).limit(1)).first()
    return (last.position, last.mac) if last is not None else (0, GENESIS)


def finalisation_seal(session: Session, round_id: int) -> LedgerSeal | None:
    """The seal of the round's latest finalisation (one query)."""
    return session.exec(select(LedgerSeal).join(BallotEvent, BallotEvent.id == LedgerSeal.event_id)
                        .where(BallotEvent.round_id == round_id, BallotEvent.kind == "finalised")
                        .order_by(col(BallotEvent.seq).desc()).limit(1)).first()


def seal(session: Session, events: list[BallotEvent], rounds: dict[int, BallotRound] | None = None) -> LedgerSeal:
    """Seal flushed events, in order, each with its round's decisive fields as they stand now; the last seal."""
    ring = keyring()
    _serialise(session)
    position, prev = _head(session)
    made, states = None, {}
    for item in events:
        round_ = (rounds or {}).get(item.round_id) or session.get(BallotRound, item.round_id)
        position += 1
        if round_.id not in states:
            states[round_.id] = state_of(session, round_)
        state = states[round_.id]
        mac = ring.mac(ring.current, seal_message(position, prev, event_record(item), state))
        made = LedgerSeal(position=position, event_id=item.id, round_id=item.round_id, seq=item.seq,
                          key_id=ring.current, state=canonical(state),
                          prev_mac=prev, mac=mac)
        session.add(made)
        prev = mac
    session.flush()
    if made is not None:  # the newest seal goes outside the database once this transaction has committed
        checkpoint_after_commit(session, made, events[-1].kind)
    return made


def seal_legacy(session: Session) -> int:
    """Seal the events written before the ledger had seals, in their stored order, once: only while no seal
    exists and nothing was ever checkpointed (afterwards an unsealed event is one written behind the
    application's back, and a ledger whose seals were all deleted is never sealed again). How many."""
    if session.exec(select(func.count()).select_from(LedgerSeal)).one() or read_checkpoints():
        return 0
    events = list(session.exec(select(BallotEvent).order_by(BallotEvent.id)).all())
    if not events:
        return 0
    rounds = {r.id: r for r in session.exec(select(BallotRound)).all()}
    seal(session, events, rounds)  # each with its round as it stands now: nothing older is known
    return len(events)


def head(session: Session) -> tuple[int, str, str] | None:
    """The newest seal: (position, code, key id), or None for an empty ledger."""
    last = session.exec(select(LedgerSeal).order_by(col(LedgerSeal.position).desc()).limit(1)).first()
    return (last.position, last.mac, last.key_id) if last is not None else None


# ---- checkpoints: the newest seal written outside the database after each finalisation ---------------------

_PENDING = "tracker.ledger.checkpoints"


def checkpoint_after_commit(session: Session, seal_row: LedgerSeal, what: str, *, of_round: bool = True) -> None:
    """Append a checkpoint line once this transaction has committed (never for a change that did not land): the
    newest seal of each transaction that seals, so cutting off the newest events is seen too."""
    where = f"{seal_row.round_id} {seal_row.seq}" if of_round else "- -"
    session.info.setdefault(_PENDING, []).append(
        (checkpoint_file(), f"{seal_row.position} {seal_row.mac} {seal_row.key_id} "
                            f"{datetime.now(UTC).isoformat(timespec='seconds')} {what} {where}\n"))


def mark_restored(session: Session) -> None:
    """Write that the database was restored from a backup with this head: the checkpoints written before beyond
    it belonged to the database it replaced (which is kept aside by the restore)."""
    newest = session.exec(select(LedgerSeal).order_by(col(LedgerSeal.position).desc()).limit(1)).first()
    position, mac, key_id = (newest.position, newest.mac, newest.key_id) if newest else (0, GENESIS, "-")
    session.info.setdefault(_PENDING, []).append(
        (checkpoint_file(), f"{position} {mac} {key_id} {datetime.now(UTC).isoformat(timespec='seconds')} "
                            "restored - -\n"))
    _write_checkpoints(session)


def _write_checkpoints(session: Session) -> None:
    for path, line in session.info.pop(_PENDING, []):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


def _forget_checkpoints(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class Checkpoint:
    """A line of the checkpoint file."""

    line: int
    position: int
    mac: str
    key_id: str
    round_id: int | None = None  # the round of the sealed event (none for a key rotation or a restore)
    seq: int | None = None
    what: str = ""  # the event's kind, "restored" or "key-rotated-to-…"


def read_checkpoints(path: Path | None = None) -> list[Checkpoint | int]:
    """The checkpoint lines; a line that cannot be read is given as its number."""
    path = path or checkpoint_file()
    if not path.is_file():
        return []
    found: list[Checkpoint | int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            where = [int(part) if part.isdigit() else None for part in parts[5:7]] + [None, None]
            found.append(Checkpoint(number, int(parts[0]), parts[1], parts[2], where[0], where[1],
                                    parts[4] if len(parts) > 4 else ""))
        except (IndexError, ValueError):
            found.append(number)
    return found


def install() -> None:
    """Write checkpoints after commit, forget them after a rollback (idempotent)."""
    from sqlalchemy.orm import Session as OrmSession

    for name, listener in (("after_commit", _write_checkpoints), ("after_rollback", _forget_checkpoints)):
        if not event.contains(OrmSession, name, listener):
            event.listen(OrmSession, name, listener)


def parse_head(value: str) -> tuple[int, str] | None:
    """A head as printed ("57:ab12…", the code whole or its start of at least 16 digits), or None."""
    position, _, code = (value or "").strip().partition(":")
    code = code.strip().lower().rstrip("…").rstrip(".")
    if not position.isdigit() or len(code) < 16 or any(ch not in "0123456789abcdef" for ch in code):
        return None
    return int(position), code

