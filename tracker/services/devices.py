"""Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): after a successful login the
browser gets a cookie, signed with the application's secret key, naming the account and a random nonce. A later
attempt that carries it is judged by that browser's own failures (`tracker.rules.throttle`). The cookie holds no
password and grants no access by itself; it only changes how failures are counted."""
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from tracker.rules.throttle import account_key

COOKIE = "tracker_device"
MAX_AGE = 365 * 24 * 3600  # a year
KEPT_ACCOUNTS = 8  # accounts remembered by one browser (a shared office computer), the latest first
_SALT = "tracker-device-cookie"


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def read(secret_key: str, cookie: str | None) -> dict[str, str]:
    """The accounts this browser logged in as, with their nonces; nothing for a missing, forged or mangled cookie."""
    if not cookie or len(cookie) > 4000:
        return {}
    try:
        value = _signer(secret_key).loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return {}
    if not isinstance(value, list):
        return {}
    return {name: nonce for name, nonce in (pair for pair in value if _pair(pair))}


def nonce_for(secret_key: str, cookie: str | None, username: str) -> str:
    """The nonce this browser holds for the account typed ("" when it never logged in as it)."""
    return read(secret_key, cookie).get(account_key(username), "")


def after_login(secret_key: str, cookie: str | None, username: str) -> str:
    """The cookie's new value once the account logged in here: a fresh nonce for it, the others kept."""
    known = read(secret_key, cookie)
    key = account_key(username)
    known.pop(key, None)
    pairs = [[key, secrets.token_urlsafe(16)], *([name, nonce] for name, nonce in known.items())]
    return _signer(secret_key).dumps(pairs[:KEPT_ACCOUNTS])


def _pair(pair) -> bool:
    return (isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            and 0 < len(pair[0]) <= 64 and 0 < len(pair[1]) <= 32)
