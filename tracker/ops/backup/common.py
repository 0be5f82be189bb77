"""What backups on either engine share: the checked copy's report, files written whole, counting and
verifying a copy."""
import functools
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, func, inspect, select, table, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from tracker.ops import migrate
from tracker.services import ledger, seals

SQLITE_HEADER = b"SQLite format 3\x00"
DUMP_HEADER = b"PGDMP"

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


def plain_errors(function: F) -> F:
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


def failure(check: Check) -> str:
    """What is wrong with a checked copy, in a few words."""
    if check.integrity:
        return f"integrity: {'; '.join(check.integrity[:3])}"
    if check.report is None:
        return "the ledger was not verified"
    count = len(check.report.problems)
    return f"{count} ledger problem{'' if count == 1 else 's'}"


def is_sqlite(engine: Engine) -> bool:
    """True for the embedded SQLite database."""
    return engine.dialect.name == "sqlite"


# -- files ---------------------------------------------------------------------------------------------------

def make_directory(directory: Path) -> Path:
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise BackupError(f"Cannot create the directory {directory}: {error.strerror}.") from None
    return directory


@contextmanager
def partial_file(directory: Path) -> Iterator[Path]:
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


def free_name(directory: Path, stem: str, extension: str) -> Path:
    target = directory / f"{stem}{extension}"
    number = 1
    while target.exists():
        number += 1
        target = directory / f"{stem}-{number}{extension}"
    return target


def commit_file(partial: Path, target: Path) -> None:
    """Flush the finished copy to disk, then give it its name (a rename: never a half file under that name)."""
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_copy(target: Path, write: Callable[[Path], None]) -> None:
    """Write an unchecked copy to target through write(partial): a file under that name is always whole."""
    make_directory(target.parent)
    with partial_file(target.parent) as partial:
        write(partial)
        commit_file(partial, target)


# -- what a database holds ---------------------------------------------------------------------------------

def count_rows(connection: Connection) -> dict[str, int]:
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in sorted(inspect(connection).get_table_names())}


def revision_of(connection: Connection) -> str:
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


def head_revision() -> str:
    return ScriptDirectory(str(migrate.MIGRATIONS)).get_current_head()


def verify_ledger(engine: Engine, connection: Connection | None = None) -> ledger.Report:
    """The ledger of a backup (or of the database it was restored into): checkpoints written after the backup was
    taken are newer than it, not missing from it."""
    with Session(connection if connection is not None else engine) as session:
        return ledger.verify(session, newer_allowed=True)


def after_restore(engine: Engine, revision: str) -> Check:
    """Migrate the restored database to the newest revision (the backup may be older) and check it."""
    if not revision:
        with engine.connect() as connection:
            revision = revision_of(connection)
    try:
        migrate.upgrade(engine)
    except (RuntimeError, CommandError) as error:
        raise BackupError(f"The backup was restored, but migrating it from revision {revision} failed: {error}.") \
            from None
    with engine.connect() as connection:
        tables = count_rows(connection)
    head = head_revision()
    migrated = f"backup at revision {revision}, migrated to {head}; " if revision != head else ""
    report = verify_ledger(engine)
    if not report.problems:
        with Session(engine) as session:
            seals.mark_restored(session)  # later checkpoints beyond the restored head no longer speak for it
    return Check(head, tables, [], report, f"{migrated}ledger verified on the restored database")


