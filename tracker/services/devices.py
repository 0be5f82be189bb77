"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): after a successful login the
browser gets a cookie, signed with the application's secret key, naming the account, a random nonce and a stamp
of the account's current password (`accounts.device_stamp`). A later attempt that carries it, for the same account
and password, is judged by that browser's own failures (`tracker.rules.throttle`); after a password reset or
change every earlier cookie of the account counts as an unknown browser. The cookie holds no password and grants
no access by itself; it only changes how failures are counted."""
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from tracker.rules.throttle import account_key

COOKIE = "tracker_device"
MAX_AGE = 365 * 24 * 3600  # a year
KEPT_ACCOUNTS = 8  # accounts remembered by one browser (a shared office computer), the latest first
_SALT = "tracker-device-cookie"


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def read(secret_key: str, cookie: str | None) -> dict[str, tuple[str, str]]:
    """The accounts this browser logged in as, with their nonces and password stamps; nothing for a missing,
    forged or mangled cookie."""
    if not cookie or len(cookie) > 4000:
        return {}
    try:
        value = _signer(secret_key).loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return {}
    if not isinstance(value, list):
        return {}
    return {name: (nonce, stamp) for name, nonce, stamp in (entry for entry in value if _entry(entry))}


def nonce_for(secret_key: str, cookie: str | None, username: str, stamp: str) -> str:
    """The nonce this browser holds for the account typed, while its password is the one it logged in with (""
    otherwise: an unknown browser)."""
    nonce, held = read(secret_key, cookie).get(account_key(username), ("", ""))
    return nonce if stamp and held == stamp else ""


def after_login(secret_key: str, cookie: str | None, username: str, stamp: str) -> str:
    """The cookie's new value once the account logged in here: a fresh nonce for it, the others kept."""
    known = read(secret_key, cookie)
    key = account_key(username)
    known.pop(key, None)
    entries = [[key, secrets.token_urlsafe(16), stamp], *([name, *held] for name, held in known.items())]
    return _signer(secret_key).dumps(entries[:KEPT_ACCOUNTS])


def _entry(entry) -> bool:
    return (isinstance(entry, list) and len(entry) == 3 and all(isinstance(part, str) for part in entry)
            and 0 < len(entry[0]) <= 64 and 0 < len(entry[1]) <= 32 and len(entry[2]) <= 64)
