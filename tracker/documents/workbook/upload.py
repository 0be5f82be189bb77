"""Reading an upload: the container is checked, openpyxl reads a bounded number of rows in read-only mode, rows
and columns are matched by their keys and every editable cell is checked; every bad cell is collected."""
import codecs
import contextlib
import io
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tracker.rules.text import normalise

from .cells import BadCell, read_number, read_text
from .container import UNREADABLE, check_container
from .layout import (
    COLUMNS_MARKER,
    EDITABLE,
    FIRST_ROW,
    FORMAT_VERSION,
    KEY_COLUMN,
    LABEL,
    META_SHEET,
    NUMBER,
    CellError,
    Column,
    Reading,
    Refused,
    Sheet,
    present,
    shown,
)

EXTRA_ROWS = 1000  # rows read beyond the expected ones; more and the file is refused
EXTRA_COLUMNS = 20  # columns read beyond the expected ones (a column the user inserted shifts the others)
ROW_SEPARATOR = " – "

NOT_TEMPLATE = _l("This file is not a template downloaded from this application. Download the template again.")
OTHER_TEMPLATE = _l("This file is the template of another year, cluster or table. Download the template again.")
LAYOUT = _l("The layout of the template was changed. Download the template again and fill it in without adding "
            "or removing columns.")
UNKNOWN_ROW = _l("This row is not part of the table; download the template again.")
DOCTYPE = _l("This workbook contains XML declarations that Excel never writes (a DOCTYPE). Download the template "
             "again, fill it in and upload it again.")
DUPLICATE_ROW = _l("This row appears twice in the file; delete one of the copies.")


@dataclass
class _Line:
    """One row of the uploaded sheet below the key row: its number, key and cells by column key."""

    number: int
    key: object
    cells: dict[str, tuple[object, str]]  # column key -> (value, openpyxl data type)


def read(data: bytes, filename: str, expected: Sheet, *, locale: str = "vi", max_bytes: int = 2_000_000) -> Reading:
    """Read an uploaded template against the table it should be; raises only Refused, bad cells are collected."""
    check_container(data, filename, max_bytes, locale)
    _refuse_doctypes(data)
    workbook = None
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, odd dates); they change nothing we read
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            _check_meta(workbook, expected)
            columns, lines = _scan(workbook, expected)
    except Refused:
        raise
    except Exception as exc:  # a hostile file can break the parser in any way: refuse it, never crash
        raise Refused(UNREADABLE) from exc
    finally:
        if workbook is not None:
            with contextlib.suppress(Exception):  # closing an in-memory archive; nothing to report
                workbook.close()
    return _interpret(columns, lines, expected, locale)


def _refuse_doctypes(data: bytes) -> None:
    """Refuse a package any of whose parts declares a DOCTYPE or an entity (entity expansion, external entities,
    parameter entities, external DTDs), in whatever encoding the part is written: Excel never writes one.

    Every member of the ZIP is parsed by defusedxml (with DTDs forbidden) before openpyxl sees the file, whatever
    its name says (openpyxl follows the package's relationships, which may point at any name). A part the standard
    library's expat cannot read as bytes (UTF-32, UTF-7, EBCDIC, a multi-byte encoding, a BOM contradicting the
    declaration) is decoded as XML's rules say (its BOM, its first bytes, its declaration) and parsed again as
    text; one that still is not XML is refused when its name or its first character says it is XML, else it is
    not XML (an image) and openpyxl does not parse it as such. The container check bounds what is unpacked here."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # the container check opened it already; defensive
        raise Refused(UNREADABLE) from exc
    with archive:
        for member in archive.infolist():
            try:
                content = archive.read(member)
            except Exception as exc:  # a member that cannot be unpacked
                raise Refused(UNREADABLE) from exc
            _check_part(member.filename, content)


def _check_part(name: str, content: bytes) -> None:
    """Refuse one part declaring a DOCTYPE or an entity, or named or written as XML but not well-formed."""
    text = _decoded(content)
    well_formed = _parse(content) or (text is not None and _parse(_without_declaration(text)))
    # Also refuse the words of a declaration in a part that is not well-formed (a DOCTYPE after the root, which a
    # lenient parser might still honour) or inside a comment: in a part Excel writes, a "<" of the user's text is
    # always escaped. An undecodable part is searched byte by byte, NULs dropped (UTF-16 or UTF-32 read as bytes).
    searched = text if text is not None else content.decode("latin-1")
    if _DECLARATION_WORDS.search(searched.replace("\x00", "")):
        raise Refused(DOCTYPE)
    if not well_formed and (name.lower().endswith(_XML_NAMES) or (text or "").lstrip(" \t\r\n").startswith("<")):
        raise Refused(UNREADABLE)


_XML_NAMES = (".xml", ".rels", ".vml")
_CHUNK = 1 << 16


class _Nothing:
    """A parser target that keeps nothing: the parse only has to see every declaration, not build a tree."""

    def start(self, *_args) -> None: ...
    def end(self, *_args) -> None: ...
    def data(self, *_args) -> None: ...
    def close(self) -> None: ...


def _parse(content: bytes | str) -> bool:
    """Parse the part with defusedxml; True when it is well-formed XML without a DOCTYPE, False when it is not
    XML this parser reads; a DOCTYPE or an entity declaration is refused."""
    parser = DefusedXMLParser(target=_Nothing(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        for start in range(0, len(content), _CHUNK):
            parser.feed(content[start:start + _CHUNK])
        parser.close()
    except DefusedXmlException as exc:
        raise Refused(DOCTYPE) from exc
    except Exception:  # ParseError, an encoding expat does not know (ValueError, LookupError, UnicodeError)
        return False
    return True


def _without_declaration(text: str) -> str:
    """Decoded text with its BOM and XML declaration removed: its encoding is no longer the bytes'."""
    return _DECLARATION.sub("", text.removeprefix("\ufeff"), count=1)


# XML 1.0, appendix F: the first bytes of a document tell its encoding family before the declaration names it.
_BOMS = ((codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"))
_FIRST_BYTES = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<\x00?", "utf-16-be"),
                (b"<\x00?\x00", "utf-16-le"), (b"\x4c\x6f\xa7\x94", "cp037"))
_DECLARATION = re.compile(r"""^\s*<\?xml\s[^>]*?\?>""")
_DECLARATION_WORDS = re.compile(r"<!\s*(doctype|entity)", re.IGNORECASE)
_ENCODING = re.compile(r"""^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")


def _decoded(content: bytes) -> str | None:
    """The part as text, decoded as an XML parser would: by its BOM, else by its first bytes and then the encoding
    its declaration names; None when it cannot be decoded (not text, or an encoding Python does not know)."""
    bom = next(((mark, codec) for mark, codec in _BOMS if content.startswith(mark)), None)
    try:
        if bom is not None:  # the BOM decides (a declaration contradicting it makes the part unreadable below)
            return content[len(bom[0]):].decode(bom[1])
        family = next((codec for head, codec in _FIRST_BYTES if content.startswith(head)), "utf-8")
        if family in ("utf-8", "cp037"):  # an 8-bit family: the declaration names the real encoding
            named = _ENCODING.match(content[:200].decode(family, errors="replace"))
            if named is not None:
                return content.decode(named.group(1))
        return content.decode(family)
    except (LookupError, UnicodeError, ValueError):
        return None


def _check_meta(workbook, expected: Sheet) -> None:
    """Refuse a workbook that is not the template of the expected table."""
    if META_SHEET not in workbook.sheetnames:
        raise Refused(NOT_TEMPLATE)
    found: dict[str, object] = {}
    for name, value in workbook[META_SHEET].iter_rows(min_row=1, max_row=20, min_col=1, max_col=2,
                                                      values_only=True):
        if isinstance(name, str):
            found.setdefault(name, value)
    if (_as_text(found.get("format")) != FORMAT_VERSION or _as_text(found.get("kind")) != expected.kind
            or _as_text(found.get("context")) != expected.context):
        raise Refused(OTHER_TEMPLATE)


def _as_text(value) -> str | None:
    """A stored key as text ("1" and 1 alike); None when absent."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _scan(workbook, expected: Sheet) -> tuple[dict[str, int], list[_Line]]:
    """The column positions (from the key row) and the rows below it, reading a bounded number of rows."""
    ws = next((sheet for sheet in workbook.worksheets if sheet.title != META_SHEET), None)
    if ws is None:
        raise Refused(LAYOUT)
    width = KEY_COLUMN + len(expected.columns) + EXTRA_COLUMNS
    last = FIRST_ROW - 1 + len(expected.rows) + EXTRA_ROWS  # rows that may hold something
    # Below them, empty rows (formatting only) are tolerated for a while. openpyxl yields row `bound + 1` only
    # when the sheet has a row there or further down, so a sheet a million rows long is refused after a few
    # thousand rows, never parsed to its end.
    bound = last + EXTRA_ROWS
    too_many = _l("The table has too many rows (at most %(count)d).", count=len(expected.rows))
    columns: dict[str, int] | None = None
    lines: list[_Line] = []
    rows = ws.iter_rows(min_row=1, max_row=bound + 1, min_col=1, max_col=width)
    for number, row in enumerate(rows, start=1):
        cells = [(cell.value, cell.data_type) for cell in row]
        if number > last:
            if columns is None:
                raise Refused(LAYOUT)
            if number > bound or any(present(value) for value, _ in cells):
                raise Refused(too_many)
            continue
        if columns is None:
            if cells and cells[0][0] == COLUMNS_MARKER:
                columns = _column_positions(cells, expected)
            continue
        lines.append(_Line(number, cells[0][0] if cells else None,
                           {key: cells[index - 1] for key, index in columns.items() if index <= len(cells)}))
    if columns is None:
        raise Refused(LAYOUT)
    return columns, lines


def _column_positions(cells: list[tuple[object, str]], expected: Sheet) -> dict[str, int]:
    """Column key -> column number, from the hidden key row; every editable column must be there once."""
    keys = {column.key for column in expected.columns}
    positions: dict[str, int] = {}
    for index, (value, _) in enumerate(cells, start=1):
        if index != KEY_COLUMN and isinstance(value, str) and value in keys:
            if value in positions:
                raise Refused(LAYOUT)
            positions[value] = index
    if any(column.kind in EDITABLE and column.key not in positions for column in expected.columns):
        raise Refused(LAYOUT)
    return positions


def _interpret(columns: dict[str, int], lines: list[_Line], expected: Sheet, locale: str) -> Reading:
    """Match rows by key and check every editable cell."""
    rows = {row.key: row for row in expected.rows}
    editable = [column for column in expected.columns if column.kind in EDITABLE]
    labels = [column for column in expected.columns if column.kind == LABEL]
    first = get_column_letter(min(columns.values(), default=KEY_COLUMN + 1))
    values: dict[str, dict[str, object]] = {}
    errors: list[CellError] = []
    for line in lines:
        key = _row_key(line.key)
        row = rows.get(key) if key is not None else None
        if row is None or key in values:
            filled = any(present(line.cells.get(column.key, (None, "n"))[0]) for column in editable)
            if key is not None or filled:
                label_values = {c.key: line.cells[c.key][0] for c in labels if c.key in line.cells}
                errors.append(CellError(f"{first}{line.number}", _row_label(label_values, labels, locale), "",
                                        str(UNKNOWN_ROW if row is None else DUPLICATE_ROW)))
            continue
        label = _row_label(row.values, labels, locale)
        got: dict[str, object] = {}
        for column in editable:
            value, data_type = line.cells.get(column.key, (None, "n"))
            try:
                if column.kind == NUMBER:
                    got[column.key] = read_number(value, data_type, column, row.maximum.get(column.key), locale)
                else:
                    got[column.key] = read_text(value, data_type, column)
            except BadCell as bad:
                coordinate = f"{get_column_letter(columns[column.key])}{line.number}"
                errors.append(CellError(coordinate, label, column.header, str(bad.message)))
        values[key] = got
    return Reading(values, errors)


def _row_key(value) -> str | None:
    """The key in column A as text; None when blank."""
    if value is None or isinstance(value, bool):
        return None
    text = _as_text(value)
    return text or None


def _row_label(values: Mapping[str, object], labels: list[Column], locale: str) -> str:
    """The row as a person names it: its label cells joined by " – "."""
    parts = []
    for column in labels:
        value = values.get(column.key)
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            try:
                parts.append(shown(value, locale))
            except Exception:  # a NaN or an odd number in a label column only loses its display
                continue
        elif present(value):
            parts.append(normalise(str(value)))
    return ROW_SEPARATOR.join(parts)
