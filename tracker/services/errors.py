"""Errors a use case raises, each with a message fit to show a user, and the check of one typed text."""
from flask_babel import lazy_gettext as _l

from tracker import labels
from tracker.rules.text import normalise, refused_character


class DomainError(Exception):
    """A rule refused the change; `field` names the form field the message belongs beside."""

    def __init__(self, message, field: str | None = None, errors: dict | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        # Several messages at once, keyed by field name (None: the whole form).
        self.errors = errors if errors is not None else {field: [message]}


class Conflict(Exception):
    """Someone saved the record after this form was opened; `current` is the stored row."""

    def __init__(self, current):
        super().__init__("stale version")
        self.current = current


class NotFound(Exception):
    """The record asked for does not exist."""


def check_version(row, expected: int | None) -> None:
    """Refuse a save made against an older version of the row, then count the new version."""
    if expected is None or int(expected) != row.version:
        raise Conflict(row)
    row.version += 1


def checked_text(value: str | None, *, field: str, limit: int, required=None) -> str:
    """A typed text as kept: NFC and trimmed; refused beside `field` when longer than `limit`, when it holds
    invisible control characters, or when empty and `required` (the message to show) is given."""
    text = normalise(value or "")
    if required is not None and not text:
        raise DomainError(required, field)
    if len(text) > limit:
        raise DomainError(_l("At most %(max)d characters.", max=limit), field)
    found = refused_character(text)
    if found is not None:
        raise DomainError(labels.refused_character(found), field)
    return text
