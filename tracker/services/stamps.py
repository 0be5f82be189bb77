"""The version of a set of rows (a catalogue, a grid of targets or scores), carried by the form that edits them."""
import hashlib
from collections.abc import Iterable

from tracker.services.errors import Conflict


def stamp(rows: Iterable) -> str:
    """A short fingerprint of rows' ids and versions: it changes whenever one of them is saved, added or removed."""
    keys = sorted(f"{type(row).__name__}:{row.id}:{row.version}" for row in rows)
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]


def check_stamp(rows: list, expected: str | None) -> None:
    """Refuse a save made on a table that someone else has changed since the form was opened."""
    if expected != stamp(rows):
        raise Conflict(rows)
