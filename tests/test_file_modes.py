"""Files holding the database's contents are readable by their owner only (issue 14, finding 10): the SQLite
database with its -wal and -shm, the instance secret key, uploaded files and their folder, backups and a database
restored where there was none. Before, SQLite and the uploads followed the process's umask (0644, 0640)."""
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.support.accounts import CHEAP_HASHING
from tests.support.database import PG_URL
from tests.support.files import png_bytes
from tracker import config, create_app
from tracker.db import make_engine
from tracker.ops import backup
from tracker.services import uploads


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def _usual_umask():
    """The umask of most servers, under which a file made without care is world-readable."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_sqlite_database_and_its_wal_and_shm_are_owner_only_after_init_db(tmp_path):
    path = tmp_path / "new" / "tracker.sqlite3"
    path.parent.mkdir()
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "modes", "TESTING": True,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), **CHEAP_HASHING})
    try:
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        engine = app.extensions["engine"]
        with engine.connect() as connection:  # WAL: the -wal and -shm files exist while a connection is open
            connection.exec_driver_sql("SELECT count(*) FROM alembic_version")
            assert {p.name: mode(p) for p in path.parent.iterdir()} == {
                "tracker.sqlite3": 0o600, "tracker.sqlite3-wal": 0o600, "tracker.sqlite3-shm": 0o600}
    finally:
        app.extensions["engine"].dispose()


def test_any_engine_creates_its_sqlite_file_owner_only(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
    engine.dispose()
    assert mode(tmp_path / "other.sqlite3") == 0o600


def test_the_instance_secret_key_is_owner_only(tmp_path):
    config._instance_secret(tmp_path)
    assert mode(tmp_path / "secret_key") == 0o600


def test_an_uploaded_file_and_its_folder_are_owner_only(app, db, tmp_path):
    folder = tmp_path / "uploads"
    kind, _name = uploads.check_file("anh.png", png_bytes())
    with app.test_request_context():
        session = Session(app.extensions["engine"])
        stored = uploads.stage(session, folder, kind, png_bytes())
        session.commit()  # the file takes its final name
        session.close()
    assert mode(folder) == 0o700 and mode(folder / stored) == 0o600


@pytest.mark.skipif(bool(PG_URL), reason="the SQLite files; pg_dump's file is made the same way (partial_file)")
def test_a_backup_and_a_database_restored_where_there_was_none_are_owner_only(app, db, tmp_path):
    engine = app.extensions["engine"]
    with app.app_context():
        made = backup.backup(engine=engine, directory=tmp_path / "backups")
    assert mode(made.path) == 0o600 and mode(tmp_path / "backups") == 0o700
    live = tmp_path / "restored" / "tracker.sqlite3"
    live.parent.mkdir()
    target = make_engine(f"sqlite:///{live}")
    try:
        with app.app_context():
            backup.restore(engine=target, path=made.path, keep_directory=tmp_path / "kept")
    finally:
        target.dispose()
    assert mode(live) == 0o600
    assert sqlite3.connect(live).execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
