"""Login throttling: which failed logins refuse the next attempt, without letting an attacker lock the owner out.
Pure.

OWASP's device cookies: a browser in which an account logged in successfully carries a signed cookie naming
that account (`tracker.services.devices`). Its failures count on their own, against a small allowance; the
failures of every other browser count together, per address within a minute and from anywhere within an hour.
Someone guessing from elsewhere can make the account refuse browsers it has never logged in from, never the
browser its owner uses; an administrator's unlock clears the count."""
import enum
from datetime import timedelta

PER_MINUTE = 5  # failures of one account name from one address, in browsers it never logged in from, in a minute
PER_HOUR = 100  # failures of one account name from every browser it never logged in from, in an hour
PER_DEVICE = 10  # failures of one account name in one browser it logged in from before, in an hour
PER_ADDRESS = 50  # failures of every account name from one address, in browsers they never logged in from, in an hour
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
KEPT = timedelta(days=1)  # failures older than this are pruned


class Refusal(enum.StrEnum):
    """Why a login attempt is refused before its password is even checked."""

    ADDRESS = "address"  # too many failures of this account from this address in the last minute
    ACCOUNT = "account"  # too many failures of this account from unknown browsers in the last hour
    DEVICE = "device"  # too many failures of this account in this (known) browser in the last hour
    SPRAY = "spray"  # too many failures of any account from this address in the last hour (password spraying)


def refusal(*, known_browser: bool, here_last_minute: int = 0, unknown_last_hour: int = 0,
            this_browser_last_hour: int = 0, address_last_hour: int = 0) -> Refusal | None:
    """Whether the next attempt is refused, and why. A browser the account logged in from before is judged by its
    own failures only."""
    if known_browser:
        return Refusal.DEVICE if this_browser_last_hour >= PER_DEVICE else None
    if unknown_last_hour >= PER_HOUR:
        return Refusal.ACCOUNT
    if address_last_hour >= PER_ADDRESS:
        return Refusal.SPRAY
    if here_last_minute >= PER_MINUTE:
        return Refusal.ADDRESS
    return None


def account_key(username: str) -> str:
    """The name failures are counted under: trimmed and lower-cased, cut to the column's length."""
    return (username or "").strip().lower()[:64]
