"""What a template is made of: where its parts lie, the table it describes, and what reading it gives back.

Plain data shared by building a template and reading an upload; no openpyxl here.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import format_decimal

FORMAT_VERSION = "1"  # bump when the layout changes: older templates are then refused
META_SHEET = "_tracker"
COLUMNS_MARKER = "#columns"  # column A of the hidden row holding the column keys
TITLE_ROW, NOTE_ROW, HEADER_ROW, KEYS_ROW, FIRST_ROW = 1, 2, 3, 4, 5
KEY_COLUMN = 1  # column A, hidden: the row keys
LABEL, NUMBER, TEXT = "label", "number", "text"
EDITABLE = (NUMBER, TEXT)


@dataclass(frozen=True)
class Column:
    """One column of the table: a read-only label, an editable number or an editable text."""

    key: str
    header: str
    kind: str
    width: int = 16
    max_length: int = 300
    minimum: Decimal | None = None


@dataclass(frozen=True)
class Row:
    """One row of the table: a stable key, the current values by column key, upper bounds by column key."""

    key: str
    values: Mapping[str, object]
    maximum: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Sheet:
    """A whole table: which template it is (kind, context), its heading, columns and rows."""

    kind: str
    context: str
    title: str
    instructions: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CellError:
    """A bad cell: where it is ("D7"), the row's labels, the column header, and why."""

    cell: str
    row: str
    column: str  # empty when the error is about the whole row
    message: str


@dataclass(frozen=True)
class Reading:
    """What an upload holds: editable values by row key and column key, and every bad cell."""

    values: dict[str, dict[str, object]]
    errors: list[CellError]


class Refused(Exception):
    """The whole file is refused; `message` (also `str(exc)`) says why in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def shown(value, locale: str) -> str:
    """A number as the user reads it: "1.234,5" in Vietnamese."""
    return format_decimal(value, format="#,##0.####", locale=locale)


def present(value) -> bool:
    """The cell holds something (blank text counts as empty)."""
    return value is not None and not (isinstance(value, str) and not value.strip())
