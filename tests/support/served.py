"""The application served by gunicorn for the tests that need real processes (throttling across workers, lost
updates, crashes), and a browser-like HTTP client that keeps its cookies and does not follow redirects.

No wall-clock limit here is short: a server is waited for by polling its login page for up to READY seconds
(minutes: CI machines are shared and slow at times), and every request may take up to REQUEST seconds."""
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from tests.support.accounts import CHEAP_HASHING_ENV

ROOT = Path(__file__).resolve().parents[2]
READY = 300  # seconds a started server (or anything else waited for) may take
REQUEST = 120  # seconds one request may take
CONNECTION_LOST = (OSError, http.client.HTTPException)  # refused, reset, closed mid-answer, timed out


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(database_url: str, tmp_path, secret: str) -> dict:
    """The TRACKER_* settings of a served test app: the test database, CSRF off (forms posted by scripts), cheap
    password hashing."""
    return {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_SECRET_KEY": secret,
            "TRACKER_WTF_CSRF_ENABLED": "0", "TRACKER_UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING_ENV}


def gunicorn(port: int, workers: int, env: dict, **popen) -> subprocess.Popen:
    """Start gunicorn on tracker.wsgi:app (output discarded unless `stdout`/`stderr` are given)."""
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                             f"127.0.0.1:{port}", "tracker.wsgi:app"], cwd=ROOT, env=env, **popen)


def answers(base: str) -> bool:
    """Whether the server answers its login page (a cheap page: the readiness probe)."""
    try:
        with urllib.request.urlopen(base + "/auth/login", timeout=REQUEST) as answer:
            return answer.status == 200
    except CONNECTION_LOST:
        return False


def wait_until(condition, what: str, seconds: float = READY) -> None:
    """Poll until `condition()` holds; fail the test naming `what` after `seconds` (minutes by default)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.05)


def serving(base: str, server: subprocess.Popen) -> None:
    """Wait until the server started at `base` answers (fail at once if it exits instead)."""
    def ready() -> bool:
        assert server.poll() is None, f"the server at {base} exited with {server.returncode}"
        return answers(base)
    wait_until(ready, f"answer from the server at {base}")


def stop(server: subprocess.Popen) -> None:
    """Stop a server started by `gunicorn` and wait for it to exit."""
    server.terminate()
    server.wait(timeout=READY)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def browser():
    """A client with its own cookies (its own login) that reports redirects instead of following them."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())


def send(opener, url: str, data: dict | None = None, timeout: float = REQUEST) -> tuple[int, str]:
    """GET (or POST `data`): the status and the page, or for a redirect the address it leads to."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location") if error.code == 302 else error.read().decode()
