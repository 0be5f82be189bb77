"""Languages (Vietnamese by default, English on request) and the formats of dates and numbers."""
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, format_decimal, get_locale

from tracker.paths import TRANSLATIONS


def select_locale() -> str:
    """The language chosen in this browser session, else Vietnamese."""
    chosen = session.get("lang") if has_request_context() else None
    return chosen if chosen in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]


def format_day(value: date | datetime | None) -> str:
    """A date as 26/02/2018, in both languages (the form Vietnamese papers use)."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def format_number(value, digits: int | None = None) -> str:
    """A number in the current language: 1.234,5 in Vietnamese, 1,234.5 in English."""
    if value is None:
        return ""
    if digits is not None:
        return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")
    return format_decimal(value)


def format_amount(value) -> str:
    """A typed amount with up to four decimals, grouped the current language's way ("1.234,5")."""
    return "" if value is None else format_decimal(value, format="#,##0.####")


def format_share(value) -> str:
    """A ratio as a percentage with one decimal ("112,4%"); 1 is 100%. An exact fraction (a share of votes) is
    divided out first."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format_decimal(value * 100, format="#,##0.0") + "%"


def init_app(app: Flask) -> None:
    """Install Flask-Babel and the template filters."""
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["amount"] = format_amount
    app.jinja_env.filters["share"] = format_share
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale())
