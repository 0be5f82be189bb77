"""The `backup` and `restore` commands: what they print, when they refuse, and that a restore by command brings
back every table as it was (on SQLite and PostgreSQL)."""
import re
from pathlib import Path

import pytest

from tests.support.accounts import CHEAP_HASHING
from tests.support.backup import change, files, filled, snapshot, tamper
from tests.support.database import PG_URL
from tracker import create_app
from tracker.models import Cluster
from tracker.ops import backup


def written(output: str) -> Path:
    found = re.findall(r"^Backup written: (\S+) \(\d+(?:\.\d)? (?:bytes|KB|MB|GB)\)$", output, re.M)
    assert len(found) == 1, output
    return Path(found[0])


@pytest.fixture
def instance(app, tmp_path):
    """The app's instance folder moved to a temporary directory (backups go to instance/backups/)."""
    app.instance_path = str(tmp_path / "instance")
    return Path(app.instance_path)


def test_backup_then_restore_by_command_brings_every_table_back(app, db, runner, instance, tmp_path):
    engine = filled(app, db)
    before = snapshot(engine)
    result = runner.invoke(args=["backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    path = written(result.output)
    assert path.parent == tmp_path / "backups" and path.is_file()
    rows = sum(len(r) for r in before.values()) + 1  # and alembic_version
    assert f"  {len(before) + 1} tables, {rows} rows (revision " in result.output
    assert "ledger verified" in result.output and " finalised results checked: 0 problems." in result.output

    change(db)
    changed = snapshot(engine)
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1
    assert "The database holds data (" in refused.output and f"board {len(changed['board'])}, " in refused.output
    assert "award_type" not in refused.output  # what the migrations wrote is not the users' data
    assert "Run again with --yes" in refused.output
    assert snapshot(engine) == changed

    result = runner.invoke(args=["restore", "--yes", str(path)])
    assert result.exit_code == 0, result.output
    saved = re.search(r"^The database as it was is saved in (\S+)$", result.output, re.M)
    assert saved and Path(saved[1]).is_file() and Path(saved[1]).parent == instance / "backups"
    assert f"Restored {path}" in result.output and " finalised results checked: 0 problems." in result.output
    assert snapshot(engine) == before


def test_backup_goes_to_instance_backups_by_default(app, db, runner, instance):
    filled(app, db)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert written(result.output).parent == instance / "backups"


def test_a_backup_that_fails_verification_exits_1_and_keeps_no_file(app, db, runner, instance):
    round_id = tamper(filled(app, db))
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert f"Ledger: Round {round_id}, event 1: " in result.output
    assert "Error: The copy failed its checks (1 ledger problem); no backup was kept." in result.output
    assert files(instance / "backups") == []


def test_restore_refuses_a_tampered_backup_and_a_file_that_is_not_one(app, db, runner, instance, tmp_path):
    engine = filled(app, db)
    round_id = tamper(engine)
    copy = tmp_path / f"copy{backup.suffix(engine)}"
    backup.copy_database(engine=engine, target=copy)
    before = snapshot(engine)
    result = runner.invoke(args=["restore", "--yes", str(copy)])
    assert result.exit_code == 1
    assert f"Ledger: Round {round_id}, event 1: " in result.output
    assert f"Error: The backup {copy} failed its checks (1 ledger problem); the database was not changed." \
        in result.output

    (tmp_path / "notes.txt").write_text("not a database")
    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "notes.txt")])
    assert result.exit_code == 1
    assert f"Error: Restore failed: {tmp_path / 'notes.txt'} is not a " in result.output
    assert snapshot(engine) == before
    assert files(instance / "backups") == []


def test_an_empty_database_is_restored_without_yes(app, db, runner, instance, tmp_path):
    made = runner.invoke(args=["backup", str(tmp_path)])  # the migrations' own rows only
    assert made.exit_code == 0, made.output
    db.exec(Cluster.__table__.insert().values(name="Cụm thêm", kind="cum", region="", description="", version=1))
    db.commit()  # written behind the ORM's back, so no audit line makes the database hold data afterwards
    assert runner.invoke(args=["restore", str(written(made.output))]).exit_code == 1
    db.exec(Cluster.__table__.delete())
    db.commit()
    result = runner.invoke(args=["restore", str(written(made.output))])
    assert result.exit_code == 0, result.output
    assert len(files(instance / "backups")) == 1  # the database as it was is saved all the same


@pytest.mark.skipif(bool(PG_URL), reason="a SQLite file that does not exist yet")
def test_restore_on_a_new_installation_creates_the_database(app, db, runner, tmp_path):
    filled(app, db)
    path = written(runner.invoke(args=["backup", str(tmp_path / "backups")]).output)
    new = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'tracker.sqlite3'}", "SECRET_KEY": "x",
                      "TESTING": True, "LEDGER_KEY_DIR": app.config["LEDGER_KEY_DIR"],  # the key, brought along
                      "LEDGER_CHECKPOINTS": app.config["LEDGER_CHECKPOINTS"], **CHEAP_HASHING})
    (tmp_path / "new").mkdir()
    new.instance_path = str(tmp_path / "new-instance")  # nothing is saved there: there is no database yet
    with new.app_context():  # the db fixture's app context would otherwise be the one the command runs in
        result = new.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    assert "saved in" not in result.output
    assert snapshot(new.extensions["engine"]) == snapshot(app.extensions["engine"])
    new.extensions["engine"].dispose()


@pytest.mark.skipif(bool(PG_URL), reason="a SQLite file that does not exist yet")
def test_a_backup_restored_without_its_ledger_key_is_refused_saying_so(app, db, runner, tmp_path):
    """The key is kept apart from the backups: a new installation restores a backup only with the old key."""
    filled(app, db)
    path = written(runner.invoke(args=["backup", str(tmp_path / "backups")]).output)
    new = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'tracker.sqlite3'}", "SECRET_KEY": "x",
                      "TESTING": True, "LEDGER_KEY_DIR": str(tmp_path / "no-keys"), **CHEAP_HASHING})
    (tmp_path / "new").mkdir()
    new.instance_path = str(tmp_path / "new-instance")
    with new.app_context():
        result = new.test_cli_runner().invoke(args=["restore", str(path)])
    assert result.exit_code == 1 and "ledger key is missing" in result.output
    assert not (tmp_path / "new" / "tracker.sqlite3").exists() or snapshot(new.extensions["engine"]) != snapshot(
        app.extensions["engine"])
    new.extensions["engine"].dispose()


@pytest.mark.skipif(not PG_URL, reason="pg_dump is only needed for PostgreSQL")
def test_without_pg_dump_the_backup_says_so(app, db, runner, instance, monkeypatch, tmp_path):
    filled(app, db)
    monkeypatch.setattr(backup.postgres, "PG_BIN_DIRS", str(tmp_path / "none" / "*" / "bin"))
    monkeypatch.setenv("PATH", str(tmp_path / "none"))
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert "Error: Backup failed: pg_dump was not found on PATH or under " in result.output
    assert "No backup was kept." in result.output
    assert files(instance / "backups") == []
