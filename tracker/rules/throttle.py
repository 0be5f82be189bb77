"""Login throttling: how many failed logins are allowed before the next attempt is refused. Pure."""
import enum
from datetime import timedelta

PER_MINUTE = 5  # failures of one account name from one address within a minute
PER_HOUR = 100  # failures of one account name from any address within an hour
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
KEPT = timedelta(days=1)  # failures older than this are pruned


class Refusal(enum.StrEnum):
    """Why a login attempt is refused before its password is even checked."""

    ADDRESS = "address"  # too many failures of this account from this address in the last minute
    ACCOUNT = "account"  # too many failures of this account in the last hour


def refusal(failures_last_minute_here: int, failures_last_hour: int) -> Refusal | None:
    """Whether the next attempt is refused, and why."""
    if failures_last_hour >= PER_HOUR:
        return Refusal.ACCOUNT
    if failures_last_minute_here >= PER_MINUTE:
        return Refusal.ADDRESS
    return None


def account_key(username: str) -> str:
    """The name failures are counted under: trimmed and lower-cased, cut to the column's length."""
    return (username or "").strip().lower()[:64]
