"""Numbers as people type them: "1.234,5" in Vietnamese, "1,234.5" in English, exact Decimals underneath."""
from decimal import Decimal, InvalidOperation

MAX_DIGITS = 15  # digits before the decimal mark; more is a typing slip, not a target
MAX_DECIMALS = 4


class NumberError(ValueError):
    """The text is not a number in the expected format."""


def parse_number(text: str, locale: str = "vi") -> Decimal | None:
    """Read a typed number; blank is None. Vietnamese groups thousands with "." and marks decimals with ",";
    English the other way round. A lone mark that cannot be a thousands separator ("12.5" in Vietnamese)
    is read as the decimal mark, since that is what the person meant. Raises NumberError."""
    raw = (text or "").strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not raw:
        return None
    group, point = (".", ",") if locale.startswith("vi") else (",", ".")
    sign = ""
    if raw[0] in "+-−":
        sign = "-" if raw[0] in "-−" else ""
        raw = raw[1:].strip()
    raw = raw.replace(" ", "")
    if not raw or any(ch not in "0123456789.," for ch in raw):
        raise NumberError(text)
    if group in raw and point in raw:
        if raw.rfind(group) > raw.rfind(point):
            raise NumberError(text)
        whole, _, fraction = raw.rpartition(point)
        whole = _ungroup(whole, group, text)
    elif point in raw:
        if raw.count(point) > 1:
            raise NumberError(text)
        whole, _, fraction = raw.partition(point)
    elif group in raw:
        parts = raw.split(group)
        if len(parts) == 2 and len(parts[1]) != 3:
            whole, fraction = parts  # "12.5" typed with the other mark
        else:
            whole, fraction = _ungroup(raw, group, text), ""
    else:
        whole, fraction = raw, ""
    if not whole and not fraction:
        raise NumberError(text)
    if len(whole.lstrip("0")) > MAX_DIGITS or len(fraction) > MAX_DECIMALS:
        raise NumberError(text)
    try:
        value = Decimal(f"{sign}{whole or '0'}.{fraction or '0'}")
    except InvalidOperation:
        raise NumberError(text) from None
    return value.normalize() if value != 0 else Decimal(0)


def _ungroup(whole: str, group: str, text: str) -> str:
    """Digits grouped by threes ("1.234.567") without the separators."""
    parts = whole.split(group)
    if not parts[0] or len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:]):
        raise NumberError(text)
    return "".join(parts)


def plain(value: Decimal | None) -> str:
    """A decimal without exponent or trailing zeros ("1234.5"), for storage and spreadsheets."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text
