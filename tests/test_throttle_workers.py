"""Login throttling holds across gunicorn workers: the failures are counted in the database, not in a process.
Two hundred wrong passwords for one account, sent eight at a time to four workers: five are checked, every
other one is refused before its password is looked at."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tracker.rules import throttle

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str) -> int:
    data = urllib.parse.urlencode({"username": "lan", "password": "không phải mật khẩu"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_hundred_bad_logins_through_four_workers(database_url, make_user, tmp_path):
    make_user("lan", "viewer")
    port = _free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_SECRET_KEY": "workers",
           "TRACKER_WTF_CSRF_ENABLED": "0", "TRACKER_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
                               "tracker.wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/auth/login"
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(_post, [url] * 200))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert statuses.count(422) == throttle.PER_MINUTE  # wrong password, said so
    assert statuses.count(429) == 200 - throttle.PER_MINUTE  # refused before the password was checked
