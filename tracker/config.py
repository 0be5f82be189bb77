"""Configuration: defaults in code, then instance/config.py, then TRACKER_* environment variables."""
import os
import secrets
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite file in instance/
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "WTF_CSRF_ENABLED": True,
    "WTF_I18N_ENABLED": False,  # WTForms has no Vietnamese catalogue; every message is our own
    "BABEL_DEFAULT_LOCALE": "vi",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    "LANGUAGES": ("vi", "en"),
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,  # the whole request; above the largest upload plus its form
    "UPLOAD_FOLDER": None,  # None: instance/uploads (meeting photos and scanned minutes)
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,  # one uploaded file
    "SQLITE_BUSY_TIMEOUT_MS": 15000,
    "SESSION_IDLE_MINUTES": 30,  # a login unused this long ends
    "SESSION_MAX_HOURS": 12,  # a login ends this long after it began, however busy
    "PROXY_COUNT": 0,  # reverse proxies in front that set X-Forwarded-For/-Proto (trusted for the client address)
    # The address users reach the site at, scheme and host only ("https://thidua.example.gov.vn"): every absolute
    # URL the application emits (the API's `next` links, the token page's example, redirects to add a missing
    # slash) is built on it, never on the Host header a client sent (tracker/security.py). Unset: http://localhost,
    # right only on the machine itself; set TRACKER_PUBLIC_URL in every installation.
    "PUBLIC_URL": None,
    # The cost of new password hashes (tracker/services/accounts.py): "production", argon2id with t=3, m=64 MiB,
    # p=4, for every real installation; "test", argon2id with the cheapest parameters the library allows, set
    # only by the test suite (tests/conftest.py, TRACKER_PASSWORD_HASH_COST=test for the apps it serves) so that
    # a login costs microseconds there. Leave it unset in an installation; any other value stops the app at start.
    "PASSWORD_HASH_COST": "production",
    # The ballot ledger's keys and checkpoints (docs/ledger.md), kept outside the database and backed up apart
    # from it: LEDGER_KEY (64 hex digits, e.g. from a secrets store) or the key files of LEDGER_KEY_DIR
    # (None: instance/ledger-keys/, a first key made there when needed); LEDGER_CHECKPOINTS, the file the newest
    # seal is appended to at each finalisation (None: instance/ledger-checkpoints.txt).
    "LEDGER_KEY": None,
    "LEDGER_KEY_DIR": None,
    "LEDGER_CHECKPOINTS": None,
}

PASSWORD_HASH_COSTS = ("production", "test")

# Values read from the environment are strings; these keys are converted.
_BOOLEAN = {"SESSION_COOKIE_SECURE", "WTF_CSRF_ENABLED"}
_INTEGER = {"MAX_CONTENT_LENGTH", "SQLITE_BUSY_TIMEOUT_MS", "UPLOAD_MAX_BYTES", "SESSION_IDLE_MINUTES",
            "SESSION_MAX_HOURS", "PROXY_COUNT"}


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, TRACKER_* variables (or a test mapping)."""
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True, mode=0o700)  # database, secret key: owner-only
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, value in os.environ.items():
            if name.startswith("TRACKER_"):
                key = name.removeprefix("TRACKER_")
                if key in _BOOLEAN:
                    value = value.lower() in {"1", "true", "yes", "on"}
                elif key in _INTEGER:
                    value = int(value)
                app.config[key] = value
    else:
        app.config.from_mapping(test_config)
    if app.config["PASSWORD_HASH_COST"] not in PASSWORD_HASH_COSTS:
        raise ValueError(f"PASSWORD_HASH_COST must be one of {PASSWORD_HASH_COSTS}, "
                         f"not {app.config['PASSWORD_HASH_COST']!r}")
    app.config["PUBLIC_URL"] = public_url(app.config.get("PUBLIC_URL"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'tracker.sqlite3'}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")


LOCAL_URL = "http://localhost"  # the base of absolute URLs when PUBLIC_URL is not set
# Where gunicorn expects the reverse proxy when TRACKER_PROXY_COUNT is set (README: it binds 127.0.0.1).
PROXY_ADDRESSES = "127.0.0.1,::1"


def public_url(value: str | None) -> str:
    """PUBLIC_URL as the base of absolute URLs: scheme and host (with a port if given), without a final slash;
    anything else (another scheme, a path, a query, a user name) stops the app at start."""
    if not value:
        return LOCAL_URL
    parts = urlsplit(str(value).strip())
    if (parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"} or parts.query
            or parts.fragment or parts.username is not None or parts.password is not None):
        raise ValueError(f"PUBLIC_URL must be the site's address, scheme and host only (such as "
                         f"https://thidua.example.gov.vn), not {value!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def forwarded_allow_ips(environ: Mapping[str, str] = os.environ) -> str:
    """gunicorn's forwarded_allow_ips (gunicorn.conf.py): the addresses whose X-Forwarded-Proto it believes.
    Nobody's unless TRACKER_PROXY_COUNT is set (then the proxy on this machine: PROXY_ADDRESSES, or gunicorn's
    FORWARDED_ALLOW_IPS when given): by default a client on the machine could otherwise claim HTTPS over plain
    HTTP."""
    if not int(environ.get("TRACKER_PROXY_COUNT") or 0):
        return ""
    return environ.get("FORWARDED_ALLOW_IPS") or PROXY_ADDRESSES


def _instance_secret(instance: Path) -> str:
    """Read the secret key kept in instance/, creating it (owner-only) on first run."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker starting at the same moment
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)  # another worker is still writing it
    raise RuntimeError(f"{path} is empty")
