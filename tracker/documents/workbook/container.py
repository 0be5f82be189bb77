"""The first line of defence against a hostile upload: the .xlsx container is checked before any XML parser sees it."""
import io
import zipfile

from babel.numbers import format_decimal
from flask_babel import lazy_gettext as _l

from .layout import Refused

MAX_UNPACKED = 50_000_000  # bytes, all members together
MAX_RATIO = 100
RATIO_FLOOR = 1_000_000  # a small member may compress very well (empty styled cells); only big ones are bombs
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and also any Office file locked by a password

EMPTY = _l("The file is empty.")
NOT_XLSX = _l("This file is not an Excel workbook (.xlsx). Download the template, fill it in and upload it again.")
OLD_OR_LOCKED = _l("This is an old Excel file (.xls) or a workbook locked by a password. Save it as an Excel "
                   "Workbook (.xlsx) without a password and upload it again.")
LOCKED = _l("The workbook is locked by a password. Save it without a password and upload it again.")
TOO_BIG_UNPACKED = _l("The workbook is too large once unpacked. Download the template again and fill it in.")
MACROS = _l("Workbooks with macros are not accepted. Save it as an Excel Workbook (.xlsx) and upload it again.")
UNREADABLE = _l("The workbook cannot be read; it may be damaged. Download the template again and fill it in.")


def check_container(data: bytes, filename: str, max_bytes: int, locale: str) -> None:
    """Refuse what is not a plain, reasonably sized .xlsx ZIP before any XML parser sees it."""
    if not data:
        raise Refused(EMPTY)
    if len(data) > max_bytes:
        raise Refused(_l("The file is larger than %(size)s.", size=_size(max_bytes, locale)))
    if not (filename or "").strip().lower().endswith(".xlsx"):
        raise Refused(NOT_XLSX)
    head = bytes(data[:8])
    if head == OLE_MAGIC:
        raise Refused(OLD_OR_LOCKED)
    if head[:4] != ZIP_MAGIC:
        raise Refused(NOT_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except Exception as exc:  # BadZipFile, but also OSError, ValueError, EOFError on a mangled directory
        raise Refused(UNREADABLE) from exc
    # The sizes come from the central directory; zipfile stops reading a member at its declared size, so
    # checking them here bounds what openpyxl can ever unpack.
    if sum(m.file_size for m in members) > MAX_UNPACKED or any(
            m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise Refused(TOO_BIG_UNPACKED)
    if any(m.flag_bits & 0x1 for m in members):
        raise Refused(LOCKED)
    names = {m.filename for m in members}
    if any(name.lower().rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
        raise Refused(MACROS)
    if "xl/workbook.xml" not in names:  # a .docx or .pptx renamed, or some other ZIP
        raise Refused(NOT_XLSX)


def _size(count: int, locale: str) -> str:
    """A size in bytes as a person reads it: "2 MB", "1,5 MB", "500 KB"."""
    if count >= 1_000_000:
        return format_decimal(count / 1_000_000, format="#,##0.#", locale=locale) + " MB"
    return format_decimal(max(count, 1_000) / 1_000, format="#,##0", locale=locale) + " KB"
