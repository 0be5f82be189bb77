"""Backups of the database and their restoration; a copy is trusted only after it was opened and checked.

One module per engine (`sqlite`, `postgres`); what they share is in `common`. Checking a copy means: it opens,
its tables are counted, and the ballot ledger is verified on the copy itself (`tracker.services.ledger.verify`,
what `flask verify` runs). A copy made by an older version of the tracker is checked on a scratch copy migrated
to the newest revision.

These functions manage their own connections and files (they are maintenance tasks, not use cases inside a
request): each call either finishes or leaves nothing half-written behind.
"""
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from tracker.ops.backup import postgres, sqlite
from tracker.ops.backup.common import (
    DUMP_HEADER,
    SQLITE_HEADER,
    Backup,
    BackupError,
    Check,
    Restored,
    Unverified,
    commit_file,
    count_rows,
    failure,
    free_name,
    is_sqlite,
    make_directory,
    partial_file,
    plain_errors,
    save_copy,
    stamp,
)
from tracker.ops.backup.postgres import find_tool

# Rows the migrations themselves write: a database holding only these holds no data of its users.
FILLED_BY_MIGRATIONS = frozenset({"award_type", "eligibility_rule", "alembic_version"})

__all__ = ["Backup", "BackupError", "Check", "Restored", "Unverified", "backup", "contents", "copy_database",
           "failure", "find_tool", "held_data", "restore", "stamp", "suffix"]


def suffix(engine: Engine) -> str:
    """The file extension of a backup of this database."""
    return ".sqlite3" if is_sqlite(engine) else ".dump"


@plain_errors
def backup(*, engine: Engine, directory: Path, now: datetime | None = None) -> Backup:
    """Copy the database into directory/tracker-YYYYMMDD-HHMMSSZ.sqlite3 (or .dump) and check the copy; raise
    Unverified (removing the copy) when a check fails and BackupError when it cannot be made."""
    directory = make_directory(directory)
    with partial_file(directory) as partial:
        if is_sqlite(engine):
            sqlite.copy_file(sqlite.database_path(engine), partial)
            check = sqlite.check_copy(partial, in_place=False)
        else:
            with postgres.snapshot(engine) as (snapshot, connection):
                postgres.dump(engine, partial, snapshot=snapshot)
                check = postgres.check_dump(engine, partial, fallback=connection)
        if not check.ok:
            raise Unverified(f"The copy failed its checks ({failure(check)}); no backup was kept.", check)
        target = free_name(directory, f"tracker-{stamp(now)}", suffix(engine))
        commit_file(partial, target)
    return Backup(target, target.stat().st_size, check)


@plain_errors
def copy_database(*, engine: Engine, target: Path) -> None:
    """Write an unchecked copy of the database to target (the copy saved aside before a restore)."""
    if is_sqlite(engine):
        save_copy(target, lambda partial: sqlite.copy_file(sqlite.database_path(engine), partial))
    else:
        save_copy(target, lambda partial: postgres.dump(engine, partial, snapshot=None))


@plain_errors
def contents(*, engine: Engine) -> dict[str, int]:
    """Rows per table of the database as it is now ({} when it does not exist yet)."""
    if is_sqlite(engine) and not Path(sqlite.database_path(engine)).exists():
        return {}
    with engine.connect() as connection:
        return count_rows(connection)


def held_data(counts: dict[str, int]) -> dict[str, int]:
    """The non-empty tables among counts, leaving out what the migrations themselves fill."""
    return {name: rows for name, rows in counts.items() if rows and name not in FILLED_BY_MIGRATIONS}


@plain_errors
def restore(*, engine: Engine, path: Path, keep_directory: Path, now: datetime | None = None) -> Restored:
    """Replace the database with a backup: check the file first (nothing changes when it fails), save the
    current database to keep_directory, copy the backup in, migrate it to the newest revision and verify it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    expect_kind(engine, path)
    module = sqlite if is_sqlite(engine) else postgres
    return module.restore(engine, path, Path(keep_directory), now)


def expect_kind(engine: Engine, path: Path) -> None:
    """Refuse a file that is not a backup of this engine (a SQLite file for PostgreSQL, say)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
    if is_sqlite(engine) and head != SQLITE_HEADER:
        found = " (it is a PostgreSQL dump)" if head.startswith(DUMP_HEADER) else ""
        raise BackupError(f"{path} is not a SQLite backup{found}: this tracker runs on SQLite.")
    if not is_sqlite(engine) and not head.startswith(DUMP_HEADER):
        found = " (it is a SQLite database)" if head == SQLITE_HEADER else ""
        raise BackupError(f"{path} is not a PostgreSQL backup made by pg_dump --format=custom{found}: "
                          "this tracker runs on PostgreSQL.")


