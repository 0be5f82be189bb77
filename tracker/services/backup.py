"""Backups of the database and their restoration; a copy is trusted only after it was opened and checked.

SQLite: the online backup API copies a consistent snapshot while the server keeps running. PostgreSQL:
`pg_dump --format=custom`; a restore turns the dump into SQL with `pg_restore` and loads it with `psql` in one
transaction that first drops the tracker's tables.

Checking a copy means: it opens (SQLite: `PRAGMA integrity_check` and `PRAGMA foreign_key_check` are clean;
PostgreSQL: the dump is restored, whole, into a scratch database that is dropped afterwards), its tables are
counted, and the ballot ledger is verified on the copy itself (`tracker.services.ledger.verify`, what
`flask verify` runs). A copy made by an older version of the tracker is checked on a scratch copy migrated to
the newest revision. When the PostgreSQL account may not create a database, the dump is instead read whole by
`pg_restore` and the ledger is verified on exactly the snapshot the dump was taken from.

These functions manage their own connections and files (they are maintenance tasks, not use cases inside a
request): each call either finishes or leaves nothing half-written behind.
"""
import functools
import glob
import os
import re
import secrets
import shutil
import sqlite3
import subprocess  # the PostgreSQL client programs, run with argument lists (never a shell)  # nosec B404
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, func, inspect, select, table, text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlmodel import Session

from tracker import migrate
from tracker.db import make_engine
from tracker.services import ledger

SQLITE_HEADER = b"SQLite format 3\x00"
DUMP_HEADER = b"PGDMP"
# Rows the migrations themselves write: a database holding only these holds no data of its users.
FILLED_BY_MIGRATIONS = frozenset({"award_type", "eligibility_rule", "alembic_version"})
PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


F = TypeVar("F", bound=Callable)


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why in plain English."""


class Unverified(BackupError):
    """A copy that was made but failed its checks (nothing was kept or changed)."""

    def __init__(self, message: str, check: "Check") -> None:
        super().__init__(message)
        self.check = check


@dataclass(frozen=True)
class Check:
    """What checking a copy found."""

    revision: str
    tables: dict[str, int]  # rows per table
    integrity: list[str]  # problems found by the database's own checks; empty when sound
    report: ledger.Report | None  # None when the integrity problems made the ledger check pointless
    method: str  # how the copy was checked, in a sentence
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the copy is sound and its ledger verifies."""
        return not self.integrity and self.report is not None and not self.report.problems

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


@dataclass(frozen=True)
class Backup:
    """A verified backup file."""

    path: Path
    size: int
    check: Check


@dataclass(frozen=True)
class Restored:
    """A restore done: where the replaced database was saved and what the database now holds."""

    source: Path
    saved_to: Path | None  # None when there was no database to save
    check: Check


def _plain_errors(function: F) -> F:
    """Database errors leave as BackupError with the database's own message."""
    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except DBAPIError as error:
            raise BackupError(f"The database answered with an error: {str(error.orig).strip()}.") from None
    return wrapped  # type: ignore[return-value]


def stamp(now: datetime | None = None) -> str:
    """A UTC time for file names: 20250131-235959Z."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%SZ")


def suffix(engine: Engine) -> str:
    """The file extension of a backup of this database."""
    return ".sqlite3" if _is_sqlite(engine) else ".dump"


@_plain_errors
def backup(*, engine: Engine, directory: Path, now: datetime | None = None) -> Backup:
    """Copy the database into directory/tracker-YYYYMMDD-HHMMSSZ.sqlite3 (or .dump) and check the copy; raise
    Unverified (removing the copy) when a check fails and BackupError when it cannot be made."""
    directory = _directory(directory)
    with _partial(directory) as partial:
        if _is_sqlite(engine):
            _sqlite_copy(_sqlite_path(engine), partial)
            check = _check_sqlite(partial, in_place=False)
        else:
            with _snapshot(engine) as (snapshot, connection):
                _pg_dump(engine, partial, snapshot=snapshot)
                check = _check_dump(engine, partial, fallback=connection)
        if not check.ok:
            raise Unverified(f"The copy failed its checks ({failure(check)}); no backup was kept.", check)
        target = _free_name(directory, f"tracker-{stamp(now)}", suffix(engine))
        _commit_file(partial, target)
    return Backup(target, target.stat().st_size, check)


@_plain_errors
def copy_database(*, engine: Engine, target: Path) -> None:
    """Write an unchecked copy of the database to target (the copy saved aside before a restore)."""
    _directory(target.parent)
    with _partial(target.parent) as partial:
        if _is_sqlite(engine):
            _sqlite_copy(_sqlite_path(engine), partial)
        else:
            _pg_dump(engine, partial, snapshot=None)
        _commit_file(partial, target)


@_plain_errors
def contents(*, engine: Engine) -> dict[str, int]:
    """Rows per table of the database as it is now ({} when it does not exist yet)."""
    if _is_sqlite(engine) and not Path(_sqlite_path(engine)).exists():
        return {}
    with engine.connect() as connection:
        return _count(connection)


def held_data(counts: dict[str, int]) -> dict[str, int]:
    """The non-empty tables among counts, leaving out what the migrations themselves fill."""
    return {name: rows for name, rows in counts.items() if rows and name not in FILLED_BY_MIGRATIONS}


@_plain_errors
def restore(*, engine: Engine, path: Path, keep_directory: Path, now: datetime | None = None) -> Restored:
    """Replace the database with a backup: check the file first (nothing changes when it fails), save the
    current database to keep_directory, copy the backup in, migrate it to the newest revision and verify it."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no file {path}.")
    _expect_kind(engine, path)
    if _is_sqlite(engine):
        return _restore_sqlite(engine, path, Path(keep_directory), now)
    return _restore_postgres(engine, path, Path(keep_directory), now)


def failure(check: Check) -> str:
    """What is wrong with a checked copy, in a few words."""
    if check.integrity:
        return f"integrity: {'; '.join(check.integrity[:3])}"
    if check.report is None:
        return "the ledger was not verified"
    count = len(check.report.problems)
    return f"{count} ledger problem{'' if count == 1 else 's'}"


def find_tool(name: str, *, major: int | None = None) -> str:
    """The PostgreSQL client program to use: the one of the server's major version under
    /usr/lib/postgresql/*/bin, else the one on PATH, else the newest installed; BackupError when none."""
    installed = {}
    for directory in glob.glob(PG_BIN_DIRS):
        version = Path(directory).parent.name
        program = Path(directory) / name
        if version.isdigit() and program.is_file() and os.access(program, os.X_OK):
            installed[int(version)] = str(program)
    if major in installed:
        return installed[major]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    newer = [v for v in installed if major is None or v >= major]
    if newer:
        return installed[max(newer)]
    raise BackupError(f"{name} was not found on PATH or under {PG_BIN_DIRS}"
                      + (f" for PostgreSQL {major}" if major else "")
                      + "; install the PostgreSQL client programs of the server's version "
                        "(for example apt-get install postgresql-client).")


# -- files ---------------------------------------------------------------------------------------------------

def _directory(directory: Path) -> Path:
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise BackupError(f"Cannot create the directory {directory}: {error.strerror}.") from None
    return directory


@contextmanager
def _partial(directory: Path) -> Iterator[Path]:
    """A temporary file (owner-only) in directory, removed unless it was renamed into place."""
    try:
        fd, name = tempfile.mkstemp(prefix=".tracker-", suffix=".partial", dir=directory)
    except OSError as error:
        raise BackupError(f"Cannot write in {directory}: {error.strerror}.") from None
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        with suppress(FileNotFoundError):
            path.unlink()


def _free_name(directory: Path, stem: str, extension: str) -> Path:
    target = directory / f"{stem}{extension}"
    number = 1
    while target.exists():
        number += 1
        target = directory / f"{stem}-{number}{extension}"
    return target


def _commit_file(partial: Path, target: Path) -> None:
    """Flush the finished copy to disk, then give it its name (a rename: never a half file under that name)."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _expect_kind(engine: Engine, path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from None
    if _is_sqlite(engine) and head != SQLITE_HEADER:
        found = " (it is a PostgreSQL dump)" if head.startswith(DUMP_HEADER) else ""
        raise BackupError(f"{path} is not a SQLite backup{found}: this tracker runs on SQLite.")
    if not _is_sqlite(engine) and not head.startswith(DUMP_HEADER):
        found = " (it is a SQLite database)" if head == SQLITE_HEADER else ""
        raise BackupError(f"{path} is not a PostgreSQL backup made by pg_dump --format=custom{found}: "
                          "this tracker runs on PostgreSQL.")


# -- what a database holds ---------------------------------------------------------------------------------

def _count(connection: Connection) -> dict[str, int]:
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in sorted(inspect(connection).get_table_names())}


def _revision(connection: Connection) -> str:
    if "alembic_version" not in inspect(connection).get_table_names():
        raise BackupError("The copy holds no alembic_version table: it is not a tracker database.")
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) != 1:
        raise BackupError(f"The copy's alembic_version holds {len(found)} rows instead of one.")
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    if found[0] not in {s.revision for s in script.walk_revisions()}:
        raise BackupError(f"The copy is at revision {found[0]}, which this version of the tracker does not know: "
                          "it was made by a newer version.")
    return found[0]


def _head() -> str:
    return ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()


def _verify(engine: Engine, connection: Connection | None = None) -> ledger.Report:
    with Session(connection if connection is not None else engine) as session:
        return ledger.verify(session)


# -- SQLite ---------------------------------------------------------------------------------------------------

def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"Backups need a SQLite database file, not {engine.url.render_as_string()}.")
    return database


def _read_only(path: Path | str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)


def _sqlite_copy(source: Path | str, target: Path, *, source_read_only: bool = False) -> None:
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


def _check_sqlite(path: Path, *, in_place: bool) -> Check:
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
            revision = _revision(connection)
            tables = _count(connection)
            if integrity:
                return Check(revision, tables, integrity, None, "SQLite integrity check of the copy")
            if revision == _head():
                return Check(revision, tables, [], _verify(engine, connection),
                             "SQLite integrity and foreign-key checks, ledger verified on the copy")
    except OperationalError as error:
        raise BackupError(f"{path} cannot be read: {error.orig}.") from None
    finally:
        engine.dispose()
    if in_place:
        return _migrated_check(path, revision, tables)
    with _partial(path.parent) as scratch:
        _sqlite_copy(path, scratch, source_read_only=True)
        return _migrated_check(scratch, revision, tables)


def _migrated_check(path: Path, revision: str, tables: dict[str, int]) -> Check:
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
        report = _verify(engine)
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
                                               f"scratch copy migrated from revision {revision} to {_head()}")


def _restore_sqlite(engine: Engine, path: Path, keep: Path, now: datetime | None) -> Restored:
    live = Path(_sqlite_path(engine))
    # The candidate is prepared next to the live file: copied, checked and migrated before anything changes.
    with _partial(live.parent) as candidate:
        _sqlite_copy(path, candidate, source_read_only=True)
        check = _check_sqlite(candidate, in_place=True)
        if not check.ok:
            raise Unverified(f"The backup {path} failed its checks ({failure(check)}); the database was not "
                             "changed.", check)
        saved = None
        if live.exists():
            saved = _free_name(_directory(keep), f"tracker-{stamp(now)}-before-restore", ".sqlite3")
            try:
                copy_database(engine=engine, target=saved)
            except BackupError as error:
                raise BackupError(f"The current database could not be saved before restoring ({error}); nothing "
                                  "was changed. Move the database file away by hand and run restore again.") \
                    from None
        engine.dispose()
        try:
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
    return Restored(path, saved, _after_restore(engine, check.revision))


def _after_restore(engine: Engine, revision: str) -> Check:
    """Migrate the restored database to the newest revision (the backup may be older) and check it."""
    if not revision:
        with engine.connect() as connection:
            revision = _revision(connection)
    try:
        migrate.upgrade(engine)
    except (RuntimeError, CommandError) as error:
        raise BackupError(f"The backup was restored, but migrating it from revision {revision} failed: {error}.") \
            from None
    with engine.connect() as connection:
        tables = _count(connection)
    migrated = f"backup at revision {revision}, migrated to {_head()}; " if revision != _head() else ""
    return Check(_head(), tables, [], _verify(engine), f"{migrated}ledger verified on the restored database")


# -- PostgreSQL -----------------------------------------------------------------------------------------------

def _server_major(connection: Connection) -> int:
    return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _libpq(url: URL, database: str | None = None) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries the password."""
    url = url.set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    env = {**os.environ}
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(arguments: list[str], *, env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(arguments, env=env, capture_output=True, check=False)  # no shell  # nosec B603
    except OSError as error:
        raise BackupError(f"{what} could not be started: {error.strerror}.") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"{what} failed: {' / '.join(message[-3:]) or f'exit status {done.returncode}'}.")
    return done


def _tool(engine: Engine, name: str) -> str:
    with engine.connect() as connection:
        return find_tool(name, major=_server_major(connection))


@contextmanager
def _snapshot(engine: Engine) -> Iterator[tuple[str, Connection]]:
    """A repeatable-read transaction whose snapshot pg_dump shares (the fallback verification reads it)."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection.execute(text("SELECT pg_export_snapshot()")).scalar_one(), connection


def _pg_dump(engine: Engine, target: Path, *, snapshot: str | None) -> None:
    uri, env = _libpq(engine.url)
    arguments = [_tool(engine, "pg_dump"), "--format=custom", f"--file={target}", f"--dbname={uri}"]
    if snapshot:
        arguments.append(f"--snapshot={snapshot}")
    _run(arguments, env=env, what="pg_dump")


def _check_dump(engine: Engine, path: Path, *, fallback: Connection | None) -> Check:
    """Restore the dump into a scratch database, migrate it there when it is older, count and verify; without
    the right to create a database, read the dump whole and verify the fallback connection's snapshot."""
    pg_restore = _tool(engine, "pg_restore")
    uri, env = _libpq(engine.url)
    _run([pg_restore, "--list", str(path)], env=env, what=f"Reading {path} (pg_restore --list)")
    try:
        with _scratch_database(engine) as scratch:
            scratch_uri, _ = _libpq(engine.url, scratch)
            _run([pg_restore, "--no-owner", "--exit-on-error", f"--dbname={scratch_uri}", str(path)], env=env,
                 what=f"Restoring {path} into a scratch database (pg_restore)")
            copy = make_engine(engine.url.set(database=scratch).render_as_string(hide_password=False))
            try:
                with copy.connect() as connection:
                    revision = _revision(connection)
                    tables = _count(connection)
                if revision != _head():
                    migrate.upgrade(copy)
                report = _verify(copy)
            finally:
                copy.dispose()
            how = "restored into a scratch database" + (
                f" and migrated from revision {revision} to {_head()}" if revision != _head() else "")
            return Check(revision, tables, [], report, f"{how}, ledger verified there; scratch database dropped")
    except _NoScratch as refused:
        _run([pg_restore, "--file=/dev/null", str(path)], env=env, what=f"Reading {path} whole (pg_restore)")
        note = (f"The account may not create a scratch database ({refused}): the dump was read whole by "
                "pg_restore instead of restored.")
        if fallback is None:
            return Check("", {}, [], None, "dump read whole by pg_restore; the ledger is verified once restored",
                         [note])
        revision = _revision(fallback)
        return Check(revision, _count(fallback), [], _verify(engine, fallback),
                     "dump read whole by pg_restore, ledger verified on the snapshot it was taken from", [note])


class _NoScratch(Exception):
    """The database account may not create the scratch database."""


@contextmanager
def _scratch_database(engine: Engine) -> Iterator[str]:
    name = f"{(engine.url.database or 'tracker')[:40]}_check_{secrets.token_hex(4)}"
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        encoding, collate, ctype = connection.execute(text(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
            "WHERE datname = current_database()")).one()
        quoted = connection.dialect.identifier_preparer.quote(name)
        try:
            connection.execute(text(f"CREATE DATABASE {quoted} TEMPLATE template0 ENCODING '{encoding}' "
                                    f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"))
        except ProgrammingError as error:
            if getattr(error.orig, "sqlstate", None) == "42501":  # insufficient_privilege
                raise _NoScratch(str(error.orig).strip()) from None
            raise
        force = " WITH (FORCE)" if _server_major(connection) >= 13 else ""
        try:
            yield name
        finally:
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))


def _restore_postgres(engine: Engine, path: Path, keep: Path, now: datetime | None) -> Restored:
    check = _check_dump(engine, path, fallback=None)
    if check.integrity or (check.report is not None and check.report.problems):
        raise Unverified(f"The backup {path} failed its checks ({failure(check)}); the database was not changed.",
                         check)
    saved = None
    if contents(engine=engine):
        saved = _free_name(_directory(keep), f"tracker-{stamp(now)}-before-restore", ".dump")
        try:
            copy_database(engine=engine, target=saved)
        except BackupError as error:
            raise BackupError(f"The current database could not be saved before restoring ({error}); nothing was "
                              "changed.") from None
    pg_restore, psql = _tool(engine, "pg_restore"), _tool(engine, "psql")
    uri, env = _libpq(engine.url)
    with _partial(_directory(keep)) as script, _partial(_directory(keep)) as prelude:
        # pg_restore writes the script whole first, so a damaged dump stops here, before the database is touched.
        _run([pg_restore, "--no-owner", f"--file={script}", str(path)], env=env, what=f"Reading {path} (pg_restore)")
        prelude.write_text(_drop_everything(engine), encoding="utf-8")
        engine.dispose()
        # One transaction: the old tables are dropped and the backup's created, or nothing changes.
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", f"--dbname={uri}",
              f"--file={prelude}", f"--file={script}"], env=env,
             what="Restoring (psql)" + (f"; the database as it was is saved in {saved}" if saved else ""))
    engine.dispose()  # pooled connections may hold plans of the dropped tables
    return Restored(path, saved, _after_restore(engine, check.revision))


def _drop_everything(engine: Engine) -> str:
    """SQL dropping the tracker's tables, sequences, views and functions in the current schema (the backup
    brings its own; tables a newer revision added are made again by the migrations)."""
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        rows = connection.execute(text(
            "SELECT 'TABLE', quote_ident(table_name) FROM information_schema.tables "
            "WHERE table_schema = :s AND table_type = 'BASE TABLE' "
            "UNION ALL SELECT 'VIEW', quote_ident(table_name) FROM information_schema.views WHERE table_schema = :s "
            "UNION ALL SELECT 'SEQUENCE', quote_ident(sequence_name) FROM information_schema.sequences "
            "WHERE sequence_schema = :s "
            "UNION ALL SELECT 'FUNCTION', p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' "
            "WHERE n.nspname = :s AND p.prokind = 'f' AND d.objid IS NULL"), {"s": schema}).all()
    order = {"VIEW": 0, "TABLE": 1, "SEQUENCE": 2, "FUNCTION": 3}
    quoted_schema = '"' + schema.replace('"', '""') + '"'
    lines = ["SET client_min_messages = warning;"]
    for kind, name in sorted(rows, key=lambda row: order[row[0]]):
        qualified = name if kind == "FUNCTION" and "." in re.sub(r"\(.*", "", name) else f"{quoted_schema}.{name}"
        lines.append(f"DROP {kind} IF EXISTS {qualified} CASCADE;")
    return "\n".join(lines) + "\n"
