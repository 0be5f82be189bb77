"""The version of a set of rows (a catalogue, a grid of targets or scores), carried by the form that edits them,
and saving an ordered list of rows as a form shows it."""
import hashlib
from collections.abc import Iterable

from sqlalchemy import inspect

from tracker.services.errors import Conflict


def stamp(rows: Iterable) -> str:
    """A short fingerprint of rows' ids, versions and values: it changes whenever one of them is saved, added or
    removed (values count too, since a row removed and added again may get back the same id and version)."""
    keys = sorted(f"{type(row).__name__}:{_values(row)}" for row in rows)
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:16]


def _values(row) -> list[tuple[str, str]]:
    """Every column of a row (loaded if it was expired)."""
    return [(a.key, str(getattr(row, a.key))) for a in inspect(row).mapper.column_attrs]


def check_stamp(rows: list, expected: str | None) -> None:
    """Refuse a save made on a table that someone else has changed since the form was opened."""
    if expected != stamp(rows):
        raise Conflict(rows)


def replace_lines(session, model, cluster_year_id: int, current: list, kept: list[tuple[object, dict]]) -> list:
    """Make a cluster-year's ordered list (indicators, criteria) what a form shows: rows not kept are deleted,
    kept rows get their values and position (their version counts a change), new lines are added."""
    kept_ids = {row.id for row, _values in kept if row is not None}
    for row in current:
        if row.id not in kept_ids:
            session.delete(row)
    session.flush()
    saved = []
    for position, (row, values) in enumerate(kept, start=1):
        values = {**values, "position": position}
        if row is None:
            row = model(cluster_year_id=cluster_year_id, **values)
            session.add(row)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
        saved.append(row)
    session.flush()
    return saved
