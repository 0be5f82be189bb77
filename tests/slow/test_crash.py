"""Crash safety: boards are created through the real form by four browsers while gunicorn (master and workers) is
killed with SIGKILL twenty times at random moments and started again. Every save the server acknowledged (the
redirect to the new board's page) must be in the database afterwards, with its values, and the SQLite file must
pass `PRAGMA integrity_check`. A save in flight at the kill was never acknowledged and may be lost."""
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlmodel import select

from tests.support.accounts import PASSWORD
from tests.support.served import (
    CONNECTION_LOST,
    READY,
    browser,
    environment,
    free_port,
    gunicorn,
    send,
    serving,
    stop,
    wait_until,
)
from tracker.models import Board

CLIENTS, KILLS = 4, 20
ACKS_BEFORE_KILL = 3  # each server generation acknowledges at least this many saves before it is killed
SAVED = re.compile(r"^(?:https?://[^/]+)?/boards/(\d+)$")


@dataclass
class Run:
    """What the browsers saw, shared between their threads and the killer."""

    generation: int = 0  # how many times the server has been started again
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: dict[str, tuple[int, dict]] = field(default_factory=dict)  # short name -> (id, values sent)
    per_generation: Counter = field(default_factory=Counter)  # saves acknowledged surely by that generation
    lost: int = 0  # requests cut off by a kill (no answer)
    unexpected: list = field(default_factory=list)


def _client(base: str, number: int, run: Run) -> None:
    """One browser: log in, then add boards one after another until told to stop; log in again when needed."""
    opener, logged_in, count = browser(), False, 0
    while not run.stop.is_set():
        try:
            if not logged_in:
                status, where = send(opener, base + "/auth/login", {"username": f"quantri{number}",
                                                                     "password": PASSWORD})
                if status != 302:
                    with run.lock:
                        run.unexpected.append(("login", status, where[:300]))
                    return
                logged_in = True
            short = f"K{number}-{count}"
            count += 1
            values = {"name": f"Ban Quản lý thử {short}", "short_name": short, "kind": "economic_zone",
                      "province": f"Tỉnh {number}", "note": f"Ghi chú của {short}: đã lưu trước khi sập",
                      "version": ""}
            before = run.generation
            status, where = send(opener, base + "/boards/new", values)
            after = run.generation
        except CONNECTION_LOST:
            with run.lock:
                run.lost += 1
            time.sleep(0.05)
            continue
        saved = SAVED.match(where) if status == 302 else None
        with run.lock:
            if saved:
                run.acknowledged[short] = (int(saved.group(1)), values)
                if before == after:  # sent to and answered by the same server
                    run.per_generation[after] += 1
            elif status == 302 and "/auth/login" in where:
                logged_in = False
            else:
                run.unexpected.append((short, status, where[:300]))
                return


def test_twenty_kills_during_a_stream_of_saves_lose_no_acknowledged_save(database_url, db, make_user, tmp_path):
    for n in range(CLIENTS):
        make_user(f"quantri{n}", "admin")
    seed = int(os.environ.get("TRACKER_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(database_url, tmp_path, "crash")
    run = Run()
    started = time.monotonic()
    with open(tmp_path / "gunicorn.log", "ab") as log:

        def start() -> subprocess.Popen:
            # Its own process group, so one killpg takes the master and every worker at once.
            server = gunicorn(port, 2, env, stdout=log, stderr=log, start_new_session=True)
            try:
                serving(base, server)
            except AssertionError:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=READY)
                raise
            return server

        server = start()
        try:
            with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
                browsers = [pool.submit(_client, base, n, run) for n in range(CLIENTS)]
                try:
                    for _ in range(KILLS):
                        generation = run.generation
                        wait_until(lambda g=generation: run.per_generation[g] >= ACKS_BEFORE_KILL or run.unexpected,
                                   f"{ACKS_BEFORE_KILL} saves acknowledged by server {generation}")
                        assert not run.unexpected, run.unexpected
                        time.sleep(rng.uniform(0, 0.4))  # a random moment in the stream of saves
                        os.killpg(server.pid, signal.SIGKILL)
                        server.wait(timeout=READY)
                        run.generation += 1
                        server = start()
                    wait_until(lambda: run.per_generation[KILLS] >= ACKS_BEFORE_KILL or run.unexpected,
                               f"{ACKS_BEFORE_KILL} saves acknowledged by the last server")
                finally:
                    run.stop.set()
                    for browser in browsers:
                        browser.result()
        finally:
            if server.poll() is None:
                stop(server)
    elapsed = time.monotonic() - started
    print(f"\ncrash test (seed {seed}): {KILLS} kills in {elapsed:.1f} s, {len(run.acknowledged)} saves acknowledged,"
          f" {run.lost} requests cut off, per server: {sorted(run.per_generation.items())}")

    assert not run.unexpected, run.unexpected
    for generation in range(KILLS + 1):  # the server really came back every time
        assert run.per_generation[generation] >= ACKS_BEFORE_KILL, (generation, run.per_generation)
    db.expire_all()  # read what the servers stored
    stored = {b.short_name: b for b in db.exec(select(Board)).all()}
    missing = sorted(set(run.acknowledged) - set(stored))
    assert not missing, f"acknowledged but lost: {missing}"
    for short, (board_id, values) in run.acknowledged.items():
        board = stored[short]
        assert (board.id, board.name, board.kind, board.province, board.note) == (
            board_id, values["name"], values["kind"], values["province"], values["note"])
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as check:
            assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert check.execute("PRAGMA foreign_key_check").fetchall() == []
            assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        check.close()
