"""One uploaded cell at a time: a number or a text as the table wants it, or the reason it is refused."""
import math
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from tracker.rules.numbers import MAX_DECIMALS, MAX_DIGITS, NumberError, parse_number, plain
from tracker.rules.text import has_control_characters, normalise

from .layout import Column, present, shown

_PLAIN_VALUES = (type(None), str, int, float, Decimal, datetime, date, time, timedelta)

NOT_A_NUMBER = _l("Enter a number such as 1.234,5.")
FORMULA = _l("Type the value, not a formula.")
CONTROL = _l("The text contains invisible control characters; please retype it.")


class BadCell(Exception):
    """One cell's value is refused; `message` says why (internal to the workbook package)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _is_formula(value, data_type: str) -> bool:
    """A formula: plain, shared, array or data table (read-only openpyxl marks every one of them "f")."""
    return data_type == "f" or not isinstance(value, _PLAIN_VALUES)


def read_number(value, data_type: str, column: Column, top: Decimal | None, locale: str) -> Decimal | None:
    """A number cell as an exact Decimal within its bounds; blank is None. Raises BadCell."""
    # In a number cell, text that starts with "=" is a formula typed where a value was wanted, too.
    if _is_formula(value, data_type) or (isinstance(value, str) and value.lstrip().startswith("=")):
        raise BadCell(FORMULA)
    if not present(value):
        return None
    if isinstance(value, str):
        try:
            number = parse_number(value, locale)
        except NumberError:
            raise BadCell(NOT_A_NUMBER) from None
    elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise BadCell(NOT_A_NUMBER)  # TRUE/FALSE, dates, times
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise BadCell(NOT_A_NUMBER)
        number = Decimal(repr(value))
    else:
        number = Decimal(value)
    number = _exact(number)
    if column.minimum is not None and number < column.minimum:
        raise BadCell(_l("At least %(min)s.", min=shown(column.minimum, locale)))
    if top is not None and number > top:
        raise BadCell(_l("At most %(max)s.", max=shown(top, locale)))
    return number


def _exact(number: Decimal) -> Decimal:
    """The number normalised, within the digits a typed number may have. Raises BadCell."""
    if not number.is_finite():
        raise BadCell(NOT_A_NUMBER)
    if number == 0:
        return Decimal(0)
    number = number.normalize()
    _, digits, exponent = number.as_tuple()
    if -exponent > MAX_DECIMALS or len(digits) + exponent > MAX_DIGITS:
        raise BadCell(NOT_A_NUMBER)
    return number


def read_text(value, data_type: str, column: Column) -> str | None:
    """A text cell trimmed and in NFC; blank is None. Raises BadCell."""
    if _is_formula(value, data_type):
        raise BadCell(FORMULA)
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = str(value).upper()
    elif isinstance(value, float) and math.isfinite(value):
        text = plain(Decimal(repr(value)))
    elif isinstance(value, Decimal) and value.is_finite():
        text = plain(value)
    elif isinstance(value, datetime):
        text = value.strftime("%d/%m/%Y %H:%M" if value.time() != time() else "%d/%m/%Y")
    elif isinstance(value, date):
        text = value.strftime("%d/%m/%Y")
    elif isinstance(value, time):
        text = value.strftime("%H:%M")
    else:
        text = str(value)
    if has_control_characters(text):
        raise BadCell(CONTROL)
    text = normalise(text)
    if not text:
        return None
    if len(text) > column.max_length:
        raise BadCell(_l("At most %(max)d characters.", max=column.max_length))
    return text
