"""The embedded SQLite database: durable settings on every connection, and writers that queue."""
import threading
import time

import pytest
from sqlalchemy import text

from tracker.db import writer


@pytest.fixture
def engine(app):
    engine = app.extensions["engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    return engine

def test_every_connection_has_wal_foreign_keys_and_full_sync(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000

def test_a_second_writer_waits_for_the_first_instead_of_failing(engine):
    """Read-then-write by two requests at once: with BEGIN IMMEDIATE the second waits for the first to commit.

    With a deferred BEGIN the second would write first and the first would then fail on its stale snapshot.
    """
    first = writer(engine).connect()
    assert first.execute(text("SELECT count(*) FROM authority")).scalar() == 0
    done = []

    def second():
        with writer(engine).begin() as conn:
            count = conn.execute(text("SELECT count(*) FROM authority")).scalar()
            conn.execute(text(f"INSERT INTO authority (name, short_name, version) VALUES ('B{count}', '', 1)"))
        done.append(time.monotonic())

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert done == []  # waiting for the first writer
    first.execute(text("INSERT INTO authority (name, short_name, version) VALUES ('A', '', 1)"))
    committed_at = time.monotonic()
    first.commit()
    first.close()
    thread.join(300)  # minutes, never seconds: CI machines are shared and slow at times
    assert done and done[0] >= committed_at
    with engine.connect() as conn:
        names = sorted(conn.execute(text("SELECT name FROM authority")).scalars())
    assert names == ["A", "B1"]  # the second saw the first's row
