"""Excel round trips: download a template, fill it in, upload it back.

A template holds one visible worksheet: the title (row 1), one line of instructions (row 2), the column headers
(row 3), a hidden row of column keys (row 4), then one row per table row from row 5 with the row's key in the
hidden column A. Rows and columns are matched by these keys, never by position, so a table the user sorted
still reads back right. A very hidden worksheet "_tracker" names the kind of table, what it belongs to and the
format version, so the template of another year, cluster or table is recognised and refused.

Reading treats the upload as hostile: the container is checked (size, ZIP magic, unpacked size, compression
ratio, encryption, macros) before openpyxl sees it, openpyxl then runs in read-only mode over a bounded number
of rows, and anything that goes wrong inside it becomes `Refused`. Every bad cell is collected, not only the
first. Plain data in, plain data out: no Flask request, no database.

The modules, by concept: `layout` (where the parts of a template lie, the table and what reading gives back),
`template` (building the template), `container` (checking the uploaded file before parsing it), `cells`
(checking one uploaded cell) and `upload` (reading an upload). Callers use this package's names only.
"""
from .cells import CONTROL, FORMULA, NOT_A_NUMBER
from .container import (
    EMPTY,
    LOCKED,
    MACROS,
    MAX_RATIO,
    MAX_UNPACKED,
    NOT_XLSX,
    OLD_OR_LOCKED,
    OLE_MAGIC,
    RATIO_FLOOR,
    TOO_BIG_UNPACKED,
    UNREADABLE,
    ZIP_MAGIC,
)
from .layout import (
    COLUMNS_MARKER,
    EDITABLE,
    FIRST_ROW,
    FORMAT_VERSION,
    HEADER_ROW,
    KEY_COLUMN,
    KEYS_ROW,
    LABEL,
    META_SHEET,
    NOTE_ROW,
    NUMBER,
    TEXT,
    TITLE_ROW,
    CellError,
    Column,
    Reading,
    Refused,
    Row,
    Sheet,
)
from .template import NUMBER_FORMAT, build
from .upload import (
    DUPLICATE_ROW,
    EXTRA_COLUMNS,
    EXTRA_ROWS,
    LAYOUT,
    NOT_TEMPLATE,
    OTHER_TEMPLATE,
    ROW_SEPARATOR,
    UNKNOWN_ROW,
    read,
)

__all__ = [
    "COLUMNS_MARKER", "CONTROL", "DUPLICATE_ROW", "EDITABLE", "EMPTY", "EXTRA_COLUMNS", "EXTRA_ROWS", "FIRST_ROW",
    "FORMAT_VERSION", "FORMULA", "HEADER_ROW", "KEYS_ROW", "KEY_COLUMN", "LABEL", "LAYOUT", "LOCKED", "MACROS",
    "MAX_RATIO", "MAX_UNPACKED", "META_SHEET", "NOTE_ROW", "NOT_A_NUMBER", "NOT_TEMPLATE", "NOT_XLSX", "NUMBER",
    "NUMBER_FORMAT", "OLD_OR_LOCKED", "OLE_MAGIC", "OTHER_TEMPLATE", "RATIO_FLOOR", "ROW_SEPARATOR", "TEXT",
    "TITLE_ROW", "TOO_BIG_UNPACKED", "UNKNOWN_ROW", "UNREADABLE", "ZIP_MAGIC",
    "CellError", "Column", "Reading", "Refused", "Row", "Sheet", "build", "read",
]
