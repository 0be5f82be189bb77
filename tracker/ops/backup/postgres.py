"""PostgreSQL backups: `pg_dump --format=custom`; a dump is checked by restoring it, whole, into a scratch
database that is dropped afterwards (or, when the account may not create one, by reading it whole and verifying
the snapshot it was taken from). A restore turns the dump into SQL with `pg_restore` and loads it with `psql` in
one transaction that first drops the tracker's tables."""
import glob
import os
import re
import secrets
import shutil
import subprocess  # the PostgreSQL client programs, run with argument lists (never a shell)  # nosec B404
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, text
from sqlalchemy.exc import ProgrammingError

from tracker.db import make_engine
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

PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


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
def snapshot(engine: Engine) -> Iterator[tuple[str, Connection]]:
    """A repeatable-read transaction whose snapshot pg_dump shares (the fallback verification reads it)."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection.execute(text("SELECT pg_export_snapshot()")).scalar_one(), connection


def dump(engine: Engine, target: Path, *, snapshot: str | None) -> None:
    """pg_dump the database into target (sharing `snapshot` when given)."""
    uri, env = _libpq(engine.url)
    arguments = [_tool(engine, "pg_dump"), "--format=custom", f"--file={target}", f"--dbname={uri}"]
    if snapshot:
        arguments.append(f"--snapshot={snapshot}")
    _run(arguments, env=env, what="pg_dump")


def check_dump(engine: Engine, path: Path, *, fallback: Connection | None) -> Check:
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
                    revision = revision_of(connection)
                    tables = count_rows(connection)
                if revision != head_revision():
                    migrate.upgrade(copy)
                report = verify_ledger(copy)
            finally:
                copy.dispose()
            how = "restored into a scratch database" + (
                f" and migrated from revision {revision} to {head_revision()}" if revision != head_revision() else "")
            return Check(revision, tables, [], report, f"{how}, ledger verified there; scratch database dropped")
    except _NoScratch as refused:
        _run([pg_restore, "--file=/dev/null", str(path)], env=env, what=f"Reading {path} whole (pg_restore)")
        note = (f"The account may not create a scratch database ({refused}): the dump was read whole by "
                "pg_restore instead of restored.")
        if fallback is None:
            return Check("", {}, [], None, "dump read whole by pg_restore; the ledger is verified once restored",
                         [note])
        revision = revision_of(fallback)
        return Check(revision, count_rows(fallback), [], verify_ledger(engine, fallback),
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


def restore(engine: Engine, path: Path, keep: Path, now: datetime | None) -> Restored:
    check = check_dump(engine, path, fallback=None)
    if check.integrity or (check.report is not None and check.report.problems):
        raise Unverified(f"The backup {path} failed its checks ({failure(check)}); the database was not changed.",
                         check)
    saved = None
    with engine.connect() as connection:
        held = any(count_rows(connection).values())
    if held:
        saved = free_name(make_directory(keep), f"tracker-{stamp(now)}-before-restore", ".dump")
        try:
            save_copy(saved, lambda partial: dump(engine, partial, snapshot=None))
        except BackupError as error:
            raise BackupError(f"The current database could not be saved before restoring ({error}); nothing was "
                              "changed.") from None
    pg_restore, psql = _tool(engine, "pg_restore"), _tool(engine, "psql")
    uri, env = _libpq(engine.url)
    with partial_file(make_directory(keep)) as script, partial_file(make_directory(keep)) as prelude:
        # pg_restore writes the script whole first, so a damaged dump stops here, before the database is touched.
        _run([pg_restore, "--no-owner", f"--file={script}", str(path)], env=env, what=f"Reading {path} (pg_restore)")
        prelude.write_text(_drop_everything(engine), encoding="utf-8")
        engine.dispose()
        # One transaction: the old tables are dropped and the backup's created, or nothing changes.
        _run([psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", f"--dbname={uri}",
              f"--file={prelude}", f"--file={script}"], env=env,
             what="Restoring (psql)" + (f"; the database as it was is saved in {saved}" if saved else ""))
    engine.dispose()  # pooled connections may hold plans of the dropped tables
    return Restored(path, saved, after_restore(engine, check.revision))


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
