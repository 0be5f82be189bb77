"""Login throttling holds across gunicorn workers: the failures are counted in the database, not in a process.
Two hundred wrong passwords for one account, sent eight at a time to four workers: five are checked, every
other one is refused before its password is looked at."""
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from tests.support.served import REQUEST, environment, free_port, gunicorn, serving, stop
from tracker.rules import throttle


def _post(url: str) -> int:
    data = urllib.parse.urlencode({"username": "lan", "password": "không phải mật khẩu"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=REQUEST) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        with error:
            return error.code


def test_two_hundred_bad_logins_through_four_workers(database_url, make_user, tmp_path):
    make_user("lan", "viewer")
    port = free_port()
    server = gunicorn(port, 4, environment(database_url, tmp_path, "workers"))
    try:
        base = f"http://127.0.0.1:{port}"
        serving(base, server)
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(_post, [base + "/auth/login"] * 200))
    finally:
        stop(server)
    assert statuses.count(422) == throttle.PER_MINUTE  # wrong password, said so
    assert statuses.count(429) == 200 - throttle.PER_MINUTE  # refused before the password was checked
