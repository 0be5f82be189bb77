"""Backups (tracker.ops.backup): a restored backup equals the database it was taken from, table by table
and row by row; a copy whose ballot ledger does not verify is not kept; a damaged or tampered backup is refused
before the database is touched; an older backup is migrated to the newest schema. On SQLite and PostgreSQL.

The helpers (fill, snapshot, other_database, upgrade_to...) are in tests/support/backup.py, shared with
tests/test_migrations.py and tests/test_backup_cli.py."""
import re
import secrets
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text
from sqlmodel import Session, select

from tests.support.backup import change, files, filled, other_database, revisions, snapshot, tamper, upgrade_to
from tests.support.database import PG_URL
from tracker.db import make_engine, writer
from tracker.models import (
    BallotEvent,
    Board,
)
from tracker.ops import backup

NAME = re.compile(r"tracker-\d{8}-\d{6}Z\.(sqlite3|dump)")


def test_a_restored_backup_equals_the_database_it_was_taken_from(app, db, tmp_path):
    engine = filled(app, db)
    before = snapshot(engine)
    with app.app_context():
        made = backup.backup(engine=engine, directory=tmp_path / "backups")
    assert NAME.fullmatch(made.path.name) and made.path.suffix == backup.suffix(engine)
    assert files(tmp_path / "backups") == [made.path.name]  # no partial file left beside it
    assert made.size == made.path.stat().st_size > 0
    assert made.check.ok and made.check.report.events == len(before["ballot_event"]) > 0
    assert made.check.tables == {**{name: len(rows) for name, rows in before.items()}, "alembic_version": 1}
    if PG_URL:  # the scratch database the dump was checked in is gone
        with engine.connect() as conn:
            assert conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE '%\\_check\\_%'")).all() == []

    change(db)
    changed = snapshot(engine)
    assert changed != before
    with app.app_context():
        restored = backup.restore(engine=engine, path=made.path, keep_directory=tmp_path / "kept")
    assert snapshot(engine) == before
    assert restored.check.ok and restored.check.rows == made.check.rows
    assert restored.saved_to.parent == tmp_path / "kept" and restored.saved_to.name.endswith(
        "-before-restore" + backup.suffix(engine))

    # The copy saved aside holds the database as it was just before; restoring it brings the changes back.
    with app.app_context():
        backup.restore(engine=engine, path=restored.saved_to, keep_directory=tmp_path / "kept")
    assert snapshot(engine) == changed
    assert len(files(tmp_path / "kept")) == 2


def test_a_copy_whose_ledger_does_not_verify_is_not_kept(app, db, tmp_path):
    engine = filled(app, db)
    round_id = tamper(engine)
    with app.app_context(), pytest.raises(backup.Unverified) as refused:
        backup.backup(engine=engine, directory=tmp_path / "backups")
    assert "(1 ledger problem)" in str(refused.value) and "no backup was kept" in str(refused.value)
    assert [p.round_id for p in refused.value.check.report.problems] == [round_id]
    assert files(tmp_path / "backups") == []


def test_a_tampered_backup_is_refused_and_the_database_is_left_as_it_is(app, db, tmp_path):
    engine = filled(app, db)
    round_id = tamper(engine)
    copy = tmp_path / f"tampered{backup.suffix(engine)}"
    backup.copy_database(engine=engine, target=copy)  # an unchecked copy, as a backup made by hand would be
    change(db)
    before = snapshot(engine)
    with app.app_context(), pytest.raises(backup.Unverified) as refused:
        backup.restore(engine=engine, path=copy, keep_directory=tmp_path / "kept")
    assert "the database was not changed" in str(refused.value)
    assert [p.round_id for p in refused.value.check.report.problems] == [round_id]
    assert snapshot(engine) == before
    assert files(tmp_path / "kept") == []


def damaged(engine: Engine, tmp_path: Path) -> dict[str, Path]:
    """Files that are not backups this database can restore: text, truncated backups, the other kind, nothing."""
    good = backup.backup(engine=engine, directory=tmp_path / "good").path
    data = good.read_bytes()
    made = {
        "text": b"name,board\n1,DIZA\n",
        "truncated": data[: len(data) // 2],
        "cut short": data[:-1000],
        "other kind": b"PGDMP\x01\x0e\x00" + bytes(200) if engine.dialect.name == "sqlite"
        else b"SQLite format 3\x00" + bytes(4080),
        "empty": b"",
    }
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in made}


def test_files_that_are_not_good_backups_are_refused_with_a_reason(app, db, tmp_path):
    engine = filled(app, db)
    with app.app_context():
        bad = damaged(engine, tmp_path)
    before = snapshot(engine)
    reasons = {}
    for name, path in bad.items():
        with app.app_context(), pytest.raises(backup.BackupError) as refused:
            backup.restore(engine=engine, path=path, keep_directory=tmp_path / "kept")
        reasons[name] = str(refused.value)
        assert str(path) in reasons[name] or "failed its checks" in reasons[name], reasons[name]
    assert "is not a" in reasons["text"] and "is not a" in reasons["empty"]
    assert "(it is a " in reasons["other kind"]
    with app.app_context(), pytest.raises(backup.BackupError, match="There is no file"):
        backup.restore(engine=engine, path=tmp_path / "missing", keep_directory=tmp_path / "kept")
    assert snapshot(engine) == before
    assert files(tmp_path / "kept") == []
    assert not [name for name in files(engine_dir(engine)) if name.endswith(".partial")]


def engine_dir(engine: Engine) -> Path:
    """Where a SQLite database's scratch files go (nowhere for PostgreSQL)."""
    return Path(engine.url.database).parent if engine.dialect.name == "sqlite" else Path("/nonexistent")


def test_an_older_backup_is_migrated_to_the_newest_schema(app, db, tmp_path):
    previous = revisions()[-2]
    with other_database(tmp_path, "old") as url:
        old = make_engine(url)
        try:
            upgrade_to(old, previous)
            with writer(old).begin() as conn:
                conn.execute(text("INSERT INTO board (short_name, name, kind, province, address, phone, fax, "
                                  "email, website, note, version) VALUES ('CU', 'Ban Quản lý cũ', 'other', '', "
                                  "'', '', '', '', '', '', 1)"))
            with app.app_context():
                made = backup.backup(engine=old, directory=tmp_path / "backups")
            with old.connect() as conn:  # checking it migrated a scratch copy, never the database or the file
                assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == previous
        finally:
            old.dispose()
    assert made.check.ok and made.check.revision == previous
    assert "migrated from revision " + previous in made.check.method

    engine = filled(app, db)
    with app.app_context():
        restored = backup.restore(engine=engine, path=made.path, keep_directory=tmp_path / "kept")
    assert restored.check.ok and f"backup at revision {previous}" in restored.check.method
    with Session(engine) as session:
        assert [b.short_name for b in session.exec(select(Board)).all()] == ["CU"]
        assert session.exec(select(BallotEvent)).first() is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == revisions()[-1]


def test_the_postgresql_programs_are_found_or_named_when_missing(tmp_path, monkeypatch):
    for version in ("14", "15", "16"):
        program = tmp_path / "lib" / version / "bin" / "pg_dump"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    monkeypatch.setattr(backup.postgres, "PG_BIN_DIRS", str(tmp_path / "lib" / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert backup.find_tool("pg_dump", major=15) == str(tmp_path / "lib/15/bin/pg_dump")
    assert backup.find_tool("pg_dump", major=13) == str(tmp_path / "lib/16/bin/pg_dump")
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found .* for PostgreSQL 17; install"):
        backup.find_tool("pg_dump", major=17)
    with pytest.raises(backup.BackupError, match=r"pg_restore was not found on PATH or under "):
        backup.find_tool("pg_restore", major=15)


@pytest.mark.skipif(not PG_URL, reason="a PostgreSQL account without the right to create databases")
def test_without_the_right_to_create_a_database_the_dump_is_read_whole_and_its_snapshot_verified(app, db, tmp_path):
    engine = filled(app, db)
    role = f"tracker_reader_{secrets.token_hex(3)}"
    with engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role} LOGIN NOCREATEDB IN ROLE pg_read_all_data"))
    reader = make_engine(make_url(PG_URL).set(username=role).render_as_string(hide_password=False))
    try:
        with app.app_context():
            made = backup.backup(engine=reader, directory=tmp_path / "backups")
        assert made.check.ok and made.check.report.events == len(snapshot(engine)["ballot_event"])
        assert made.check.method == "dump read whole by pg_restore, ledger verified on the snapshot it was taken from"
        assert "may not create a scratch database" in made.check.notes[0]
        tamper(engine)
        with app.app_context(), pytest.raises(backup.Unverified):
            backup.backup(engine=reader, directory=tmp_path / "backups")
        assert files(tmp_path / "backups") == [made.path.name]
    finally:
        reader.dispose()
        with engine.begin() as conn:
            conn.execute(text(f"DROP ROLE {role}"))
