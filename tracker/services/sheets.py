"""Excel in and out for the year's targets and scores: the template, the checked upload, the confirmed import.

An upload is read and checked whole; what it would change travels back to the browser signed (never stored
half-way), and the import writes it in one transaction against the version the upload was checked on."""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from tracker.documents import workbook
from tracker.models import Board, Criterion, Indicator, Score, Target
from tracker.rules.numbers import plain
from tracker.services.errors import DomainError


@dataclass(frozen=True)
class Change:
    """One value an upload changes: which line, which column, the stored value and the uploaded one."""

    key: str  # the sheet row key, e.g. "12:5"
    label: str  # the row as a person reads it
    column: str  # the column key
    header: str
    before: object
    after: object


@dataclass(frozen=True)
class Checked:
    """An upload after checking: the bad cells, or the changes it would make and the signed payload to confirm."""

    errors: list
    changes: list[Change]
    payload: str


def number_or_blank(value) -> str:
    """A value for the signed payload: numbers as plain text, blanks as ""."""
    if value is None:
        return ""
    return plain(value) if isinstance(value, Decimal) else str(value)


def check_upload(*, sheet: workbook.Sheet, data: bytes, filename: str, locale: str, secret: str, salt: str,
                 stamp: str, max_bytes: int) -> Checked:
    """Read an upload against its template. Raises DomainError for a refused file (its reason beside the field)."""
    try:
        reading = workbook.read(data, filename, sheet, locale=locale, max_bytes=max_bytes)
    except workbook.Refused as refused:
        raise DomainError(str(refused), "file") from None
    if reading.errors:
        return Checked(reading.errors, [], "")
    rows = {row.key: row for row in sheet.rows}
    editable = [c for c in sheet.columns if c.kind != "label"]
    changes = []
    for key, values in reading.values.items():
        row = rows[key]
        for column in editable:
            if column.key not in values:
                continue
            before, after = row.values.get(column.key), values[column.key]
            if (before if before != "" else None) != (after if after != "" else None):
                changes.append(Change(key, row_label(sheet, row), column.key, column.header, before, after))
    payload = URLSafeSerializer(secret, salt=salt).dumps(
        {"stamp": stamp, "changes": [[c.key, c.column, number_or_blank(c.after)] for c in changes]})
    return Checked([], changes, payload)


def row_label(sheet: workbook.Sheet, row: workbook.Row) -> str:
    """The label columns of a row, joined as the user reads them."""
    return " – ".join(str(row.values.get(c.key) or "") for c in sheet.columns if c.kind == "label")


def confirmed(payload: str, *, secret: str, salt: str) -> tuple[str, list[tuple[str, str, str]]]:
    """The stamp and the changes of a checked upload; refused if the payload was tampered with."""
    try:
        data = URLSafeSerializer(secret, salt=salt).loads(payload or "")
        return str(data["stamp"]), [(str(k), str(c), str(v)) for k, c, v in data["changes"]]
    except (BadSignature, KeyError, TypeError, ValueError):
        raise DomainError(_("The checked file could not be read back; upload it again.")) from None


def targets_sheet(*, title: str, context: str, members: list[Board], catalogue: list[Indicator],
                  rows: list[Target]) -> workbook.Sheet:
    """The template of a year's targets: a line per member and indicator with its target, source and result."""
    stored = {(t.indicator_id, t.board_id): t for t in rows}
    columns = (workbook.Column("board", _("Board"), "label", 14),
               workbook.Column("indicator", _("Indicator"), "label", 40),
               workbook.Column("unit", _("Unit"), "label", 12),
               workbook.Column("target", _("Target"), "number", 16, minimum=Decimal(0)),
               workbook.Column("source", _("Set by (document)"), "text", 36, max_length=300),
               workbook.Column("actual", _("Result"), "number", 16, minimum=Decimal(0)))
    lines = []
    for board in members:
        for indicator in catalogue:
            row = stored.get((indicator.id, board.id))
            lines.append(workbook.Row(f"{indicator.id}:{board.id}", {
                "board": board.short_name, "indicator": indicator.name, "unit": indicator.unit,
                "target": row.target if row else None, "source": row.source if row else "",
                "actual": row.actual if row else None}))
    return workbook.Sheet(kind="targets", context=context, title=title, columns=columns, rows=tuple(lines),
                          instructions=_("Type targets, the documents that set them, and results; numbers as "
                                         "1.234,5. Grey cells cannot be changed. Do not add lines."))


def scores_sheet(*, title: str, context: str, members: list[Board], criteria: list[Criterion],
                 rows: list[Score]) -> workbook.Sheet:
    """The template of a year's score sheet: a line per member and criterion with its self-score and agreed
    score, each at most the criterion's maximum."""
    stored = {(s.criterion_id, s.board_id): s for s in rows}
    columns = (workbook.Column("board", _("Board"), "label", 14),
               workbook.Column("code", _("Code"), "label", 8),
               workbook.Column("criterion", _("Criterion"), "label", 48),
               workbook.Column("max_points", _("Maximum points"), "label", 12),
               workbook.Column("self_score", _("Self-score"), "number", 14, minimum=Decimal(0)),
               workbook.Column("agreed", _("Agreed score"), "number", 14, minimum=Decimal(0)))
    lines = []
    for board in members:
        for criterion in criteria:
            row = stored.get((criterion.id, board.id))
            lines.append(workbook.Row(f"{criterion.id}:{board.id}", {
                "board": board.short_name, "code": criterion.code, "criterion": criterion.name,
                "max_points": criterion.max_points, "self_score": row.self_score if row else None,
                "agreed": row.agreed if row else None},
                maximum={"self_score": criterion.max_points, "agreed": criterion.max_points}))
    return workbook.Sheet(kind="scores", context=context, title=title, columns=columns, rows=tuple(lines),
                          instructions=_("Type each board's self-score and the score the cluster agreed; numbers "
                                         "as 1.234,5, at most the criterion's maximum. Grey cells cannot be "
                                         "changed."))


def merged(sheet: workbook.Sheet, changes: list[tuple[str, str, str]]) -> list[tuple[int, int, dict]]:
    """The lines a confirmed import touches, each with all its editable values after the changes:
    (first id, board id, {column: value}). Raises DomainError for a line or column not in the sheet."""
    kinds = {c.key: c.kind for c in sheet.columns if c.kind != "label"}
    rows = {row.key: row.values for row in sheet.rows}
    touched: dict[str, dict] = {}
    for key, column, value in changes:
        if key not in rows or column not in kinds:
            raise DomainError(_("The checked file no longer matches the table; upload it again."))
        line = touched.setdefault(key, {c: rows[key].get(c) for c in kinds})
        if kinds[column] == "number":
            line[column] = Decimal(value) if value else None
        else:
            line[column] = value
    return [(*(int(part) for part in key.split(":")), values) for key, values in touched.items()]
