"""No lost updates through the real forms: eight browsers save the same board fifty times each, at the same time,
through gunicorn's four workers. Each save is acknowledged (redirect) or refused as a conflict (409 with both
versions shown); every acknowledged save must have moved the version on by one, and the last one must be what is
stored."""
import re
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from tests.support.accounts import PASSWORD
from tests.support.served import browser, environment, free_port, gunicorn, send, serving, stop
from tracker.models import Board

CLIENTS, EDITS = 8, 50


def _client(base, board_id, number, username) -> list[tuple[str, int]]:
    """One browser: log in, then open the edit form and save a new note, fifty times."""
    opener = browser()
    assert send(opener, base + "/auth/login", {"username": username, "password": PASSWORD})[0] == 302
    outcomes = []
    for edit in range(EDITS):
        status, page = send(opener, f"{base}/boards/{board_id}/edit")
        assert status == 200
        version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
        note = f"trình duyệt {number}, lần {edit}"
        status, page = send(opener, f"{base}/boards/{board_id}/edit", {
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
    port = free_port()
    server = gunicorn(port, 4, environment(database_url, tmp_path, "lost-updates"))
    base = f"http://127.0.0.1:{port}"
    try:
        serving(base, server)
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(lambda n: _client(base, board.id, n, f"quantri{n}"), range(CLIENTS)))
    finally:
        stop(server)
    acknowledged = [note for outcomes in results for note, status in outcomes if status == 302]
    conflicts = [note for outcomes in results for note, status in outcomes if status == 409]
    assert len(acknowledged) + len(conflicts) == CLIENTS * EDITS
    assert acknowledged and conflicts  # the race really happened
    db.expire_all()  # read what the server stored, not the board as this test created it
    stored = db.exec(select(Board).where(Board.id == board.id)).one()
    assert stored.version == 1 + len(acknowledged)  # each acknowledged save moved the version on: none was lost
    assert stored.note in acknowledged
