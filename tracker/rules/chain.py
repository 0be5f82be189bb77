"""The hash chain of a ballot round's events: each hash is SHA-256 over a canonical JSON of the event and the
previous hash, so changing, removing or reordering any stored event breaks every later link."""
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

GENESIS = "0" * 64  # the "previous hash" of a chain's first event


def canonical(value) -> str:
    """One spelling of a JSON value: sorted keys, no spaces, Unicode kept as is (text is already NFC)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def link(prev_hash: str, payload: str) -> str:
    """The hash of an event: SHA-256 of the canonical JSON {"prev": prev_hash, "event": payload}."""
    return hashlib.sha256(canonical({"prev": prev_hash, "event": payload}).encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """A stored event as the chain sees it."""

    seq: int
    payload: str
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Break:
    """Where a chain stops holding: the event's position and what is wrong."""

    seq: int
    problem: str  # "sequence", "previous hash", "hash" or "head"


def first_break(events: Sequence[Link], head: str) -> Break | None:
    """The first event (in stored order) whose link does not hold, or the head that does not match the last hash."""
    prev = GENESIS
    for position, event in enumerate(events, start=1):
        if event.seq != position:
            return Break(event.seq, "sequence")
        if event.prev_hash != prev:
            return Break(event.seq, "previous hash")
        if link(prev, event.payload) != event.hash:
            return Break(event.seq, "hash")
        prev = event.hash
    if head != (events[-1].hash if events else ""):
        return Break(len(events), "head")
    return None
