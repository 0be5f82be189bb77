"""SQLite backups: the online backup API copies a consistent snapshot while the server keeps running; a copy
passes `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, and its ledger is verified on the copy itself
(on a migrated scratch copy when it was made by an older version)."""
import sqlite3
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, create_engine
from sqlalchemy.exc import DBAPIError, OperationalError

from tracker.db import create_owner_only, make_engine
from tracker.ops import migrate
from tracker.ops.backup.common import (
    BackupError,
    Check,
    Restored,
    Unverified,
    after_restore,
    count_rows,
    failure,
    free_name,
    head_revision,
    make_directory,
    partial_file,
    revision_of,
    save_copy,
    stamp,
    verify_ledger,
)


def database_path(engine: Engine) -> str:
    """The database file of a SQLite engine (BackupError for an in-memory database)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"Backups need a SQLite database file, not {engine.url.render_as_string()}.")
    return database


def _read_only(path: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)


def copy_file(source: Path | str, target: Path, *, source_read_only: bool = False) -> None:
    """Copy a SQLite database with the online backup API into a self-contained file (rollback journal)."""
    if not Path(source).is_file():
        raise BackupError(f"There is no database file {source}.")
    try:
        src = _read_only(source) if source_read_only else sqlite3.connect(source, timeout=30)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Cannot copy {source}: {error}.") from None


def check_copy(path: Path, *, in_place: bool) -> Check:
    """Check a SQLite copy. in_place: the file is a scratch copy that may be migrated; otherwise a copy at an
    older revision is checked on a scratch copy of it."""
    try:
        connection = _read_only(path)
        try:
            integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            integrity = [] if integrity == ["ok"] else integrity[:20]
            if not integrity:
                integrity = [f"foreign key: {table} row {rowid} refers to a missing {parent}"
                             for table, rowid, parent, _fk in connection.execute("PRAGMA foreign_key_check")][:20]
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}.") from None
    engine = create_engine("sqlite://", creator=lambda: _read_only(path))
    try:
        with engine.connect() as connection:
            revision = revision_of(connection)
            tables = count_rows(connection)
            if integrity:
                return Check(revision, tables, integrity, None, "SQLite integrity check of the copy")
            if revision == head_revision():
                return Check(revision, tables, [], verify_ledger(engine, connection),
                             "SQLite integrity and foreign-key checks, ledger verified on the copy")
    except OperationalError as error:
        raise BackupError(f"{path} cannot be read: {error.orig}.") from None
    finally:
        engine.dispose()
    if in_place:
        return _migrated_check(path, revision, tables)
    with partial_file(path.parent) as scratch:
        copy_file(path, scratch, source_read_only=True)
        return _migrated_check(scratch, revision, tables)


def _migrated_check(path: Path, revision: str, tables: dict[str, int]) -> Check:
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        report = verify_ledger(engine)
    except (DBAPIError, RuntimeError) as error:
        return Check(revision, tables, [f"migrating from revision {revision} failed: {error}"], None,
                     "migration of a scratch copy")
    finally:
        engine.dispose()
    connection = sqlite3.connect(path)  # back to one self-contained file (make_engine switched it to WAL)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    return Check(revision, tables, [], report, f"SQLite integrity and foreign-key checks, ledger verified on a "
                                               f"scratch copy migrated from revision {revision} to {head_revision()}")


def restore(engine: Engine, path: Path, keep: Path, now: datetime | None) -> Restored:
    live = Path(database_path(engine))
    # The candidate is prepared next to the live file: copied, checked and migrated before anything changes.
    with partial_file(live.parent) as candidate:
        copy_file(path, candidate, source_read_only=True)
        check = check_copy(candidate, in_place=True)
        if not check.ok:
            raise Unverified(f"The backup {path} failed its checks ({failure(check)}); the database was not "
                             "changed.", check)
        saved = None
        if live.exists():
            saved = free_name(make_directory(keep), f"tracker-{stamp(now)}-before-restore", ".sqlite3")
            try:
                save_copy(saved, lambda partial: copy_file(live, partial))
            except BackupError as error:
                raise BackupError(f"The current database could not be saved before restoring ({error}); nothing "
                                  "was changed. Move the database file away by hand and run restore again.") \
                    from None
        engine.dispose()
        try:
            create_owner_only(live)  # a database restored where there was none is owner-only too
            src = _read_only(candidate)
            try:
                dst = sqlite3.connect(live, timeout=30)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            finally:
                src.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Copying the backup into {live} failed: {error}." + (
                f" The database as it was is saved in {saved}." if saved else "")) from None
    engine.dispose()
    return Restored(path, saved, after_restore(engine, check.revision))


