"""No lost updates through the real forms: eight browsers save the same board fifty times each, at the same time,
through gunicorn's four workers. Each save is acknowledged (redirect) or refused as a conflict (409 with both
versions shown); every acknowledged save must have moved the version on by one, and the last one must be what is
stored."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

from sqlmodel import select

from tests.conftest import PASSWORD
from tracker.models import Board

ROOT = Path(__file__).resolve().parent.parent
CLIENTS, EDITS = 8, 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect())


def _send(opener, url, data=None) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(urllib.request.Request(url, data=body), timeout=60) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:  # redirects are not followed: a 302 answers where it leads
        return error.code, error.headers.get("Location") if error.code == 302 else error.read().decode()


def _client(base, board_id, number, username) -> list[tuple[str, int]]:
    """One browser: log in, then open the edit form and save a new note, fifty times."""
    opener = _browser()
    assert _send(opener, base + "/auth/login", {"username": username, "password": PASSWORD})[0] == 302
    outcomes = []
    for edit in range(EDITS):
        status, page = _send(opener, f"{base}/boards/{board_id}/edit")
        assert status == 200
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
        note = f"trình duyệt {number}, lần {edit}"
        status, page = _send(opener, f"{base}/boards/{board_id}/edit", {
            "name": "Ban Quản lý thử", "short_name": "BQL thử", "kind": "industrial_zones", "note": note,
            "version": version})
        assert status in (302, 409), (status, page[:300])
        assert status == 409 or page == f"/boards/{board_id}", page  # saved: on to the board's page
        if status == 409:
            assert note in page  # the refused values are shown beside what is stored
        outcomes.append((note, status))
    return outcomes


def test_eight_browsers_saving_the_same_board_lose_no_acknowledged_save(database_url, db, make_user, make_board,
                                                                        tmp_path):
    board = make_board("BQL thử", name="Ban Quản lý thử")
    for n in range(CLIENTS):
        make_user(f"quantri{n}", "admin")
    port = _free_port()
    env = {**os.environ, "TRACKER_DATABASE_URL": database_url, "TRACKER_SECRET_KEY": "lost-updates",
           "TRACKER_WTF_CSRF_ENABLED": "0", "TRACKER_UPLOAD_FOLDER": str(tmp_path / "uploads")}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}",
                               "tracker.wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/auth/login", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(lambda n: _client(base, board.id, n, f"quantri{n}"), range(CLIENTS)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    acknowledged = [note for outcomes in results for note, status in outcomes if status == 302]
    conflicts = [note for outcomes in results for note, status in outcomes if status == 409]
    assert len(acknowledged) + len(conflicts) == CLIENTS * EDITS
    assert acknowledged and conflicts  # the race really happened
    db.expire_all()  # read what the server stored, not the board as this test created it
    stored = db.exec(select(Board).where(Board.id == board.id)).one()
    assert stored.version == 1 + len(acknowledged)  # each acknowledged save moved the version on: none was lost
    assert stored.note in acknowledged
