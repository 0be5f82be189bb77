"""Command-line tasks: migrate, create accounts, load the demo, first start, synthetic data, backups."""
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlmodel import Session, select

from tracker.db import get_engine, writer
from tracker.models import Cluster, LedgerSeal, Role, User
from tracker.ops import backup, demo, migrate, synthetic
from tracker.rules.names import plain_username
from tracker.services import accounts, audit, changes, handover, handover_import, ledger, seals
from tracker.services.errors import DomainError

DEFAULT_ADMIN = "admin"  # offered at first run; choosing another name makes guessing harder


def _interactive() -> bool:
    """Whether someone at a terminal can answer a question."""
    return sys.stdin.isatty()


def _session() -> Session:
    """A writing session whose changes the audit log says came from this command on the server."""
    session = Session(writer(get_engine()), expire_on_commit=False)
    context = click.get_current_context(silent=True)
    changes.acting(session, changes.Actor(None, "", f"flask {context.info_name}" if context else "flask"))
    return session


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration (safe to run again); seal the ballot events
    written before the ledger had seals."""
    migrate.upgrade(get_engine())
    _seal_legacy()
    click.echo("Database is up to date.")


def _seal_legacy() -> None:
    with _session() as session:
        sealed = seals.seal_legacy(session)
        session.commit()
    if sealed:
        click.echo(f"{sealed} ballot events written before the ledger had seals are sealed now (docs/ledger.md).")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "full_name", default="", help="Full name shown in the interface.")
@click.option("--cluster", "clusters", multiple=True, help="Cluster name or id a secretary edits (repeatable).")
def create_user(username: str, role: str, full_name: str, clusters: tuple[str, ...]) -> None:
    """Create an account and print its one-time password."""
    if not plain_username(username):
        raise click.ClickException(f"{username!r}: use 1 to 64 letters without accents, digits, dot, dash and "
                                   "underscore.")
    with _session() as session:
        ids = [_cluster(session, ref).id for ref in clusters]
        try:
            user, password = accounts.create_user(session=session, username=username, role=role,
                                                  full_name=full_name, cluster_ids=ids)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        session.commit()
    click.echo(f"Created {role} {user.username}. One-time password (change it at first login): {password}")


def _cluster(session: Session, ref: str) -> Cluster:
    """A cluster by id or name (ClickException when there is none)."""
    column = Cluster.id if ref.isdigit() else Cluster.name
    cluster = session.exec(select(Cluster).where(column == (int(ref) if ref.isdigit() else ref))).first()
    if cluster is None:
        raise click.ClickException(f"No cluster {ref!r}.")
    return cluster


@click.command("export-cluster")
@with_appcontext
@click.argument("cluster")
@click.option("--year", type=int, default=None, help="Only this year (and the decisions of its awards).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def export_cluster(cluster: str, year: int | None, output: str) -> None:
    """Write a cluster's hand-over package (JSON, docs/handover.schema.json) to a file."""
    with _session() as session:
        try:
            document = handover.export_cluster(session, _cluster(session, cluster).id, year)
        except DomainError as refused:
            raise click.ClickException(str(refused.message)) from None
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(handover.dumps(document))
    click.echo(f"Wrote {output}: {len(document['years'])} years.")


@click.command("import-cluster")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_cluster(path: str) -> None:
    """Check a hand-over package whole, then import it in one transaction (nothing on any problem)."""
    with open(path, "rb") as handle:
        data = handle.read()
    with _session() as session:
        try:
            report = handover_import.import_cluster(session=session, document=handover_import.parse(data))
        except handover_import.Refused as refused:
            for problem in refused.problems:
                click.echo(f"{problem.path}: {problem.message}", err=True)
            raise click.ClickException(f"Nothing imported: {len(refused.problems)} problems.") from None
        audit.record(session, "import", address="command line", detail={
            "what": "handover", "cluster": report.cluster.name, "created": report.created, "kept": report.kept})
        session.commit()
    click.echo(f"Imported {report.cluster.name}: years written {report.created or '-'}, "
               f"kept as they were {report.kept or '-'}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo clusters and boards (adds only what is missing)."""
    with _session() as session:
        demo.seed(session)
        session.commit()
    click.echo("Demo data loaded.")


@click.command("first-run")
@click.option("--admin-name", envvar="TRACKER_FIRST_ADMIN", default=None,
              help="Username of the first administrator (asked for on a terminal; otherwise 'admin').")
@with_appcontext
def first_run(admin_name: str | None) -> None:
    """On the first start: migrate, load the demo, and create the first administrator, under a name chosen here
    (a guessable name helps whoever guesses passwords)."""
    migrate.upgrade(get_engine())
    _seal_legacy()
    with _session() as session:
        if session.exec(select(Cluster.id)).first() is None:
            demo.seed(session)
            click.echo("Demo data loaded (clusters, boards and memberships; assumed data is marked).")
        if session.exec(select(User.id)).first() is None:
            if admin_name is None and _interactive():
                admin_name = click.prompt("Username of the first administrator", default=DEFAULT_ADMIN)
            elif admin_name is None:
                admin_name = DEFAULT_ADMIN
                click.echo(f"Warning: no terminal to ask for the first administrator's name, so it is "
                           f"'{DEFAULT_ADMIN}'; a name of your own (--admin-name or TRACKER_FIRST_ADMIN) is harder "
                           "to guess.", err=True)
            admin_name = admin_name.strip()
            if not plain_username(admin_name):
                raise click.ClickException(f"{admin_name!r}: use 1 to 64 letters without accents, digits, dot, dash "
                                           "and underscore.")
            try:
                user, password = accounts.create_user(session=session, username=admin_name,
                                                      role=Role.ADMIN, full_name="Quản trị viên")
            except DomainError as error:
                raise click.ClickException(f"{admin_name!r}: {error.message}") from error
            click.echo("")
            click.echo("  First administrator account created.")
            click.echo(f"  Username: {user.username}")
            click.echo(f"  One-time password: {password}")
            click.echo("  You must change it at first login. It is not shown again.")
            click.echo("")
        session.commit()


@click.command("generate-data")
@with_appcontext
@click.option("--clusters", type=int, required=True, help="How many clusters (1 or more).")
@click.option("--boards-per-cluster", type=int, required=True, help="Boards in each cluster (3 or more).")
@click.option("--years", type=int, required=True, help="How many years, ending with --last-year.")
@click.option("--last-year", type=int, default=2025, show_default=True, help="The year in progress.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data.")
def generate_data(clusters: int, boards_per_cluster: int, years: int, last_year: int, seed: int) -> None:
    """Fill the database with synthetic clusters, boards and years (marked as synthetic) to measure speed."""
    started = time.perf_counter()
    with _session() as session:
        try:
            summary = synthetic.generate(session=session, clusters=clusters, boards_per_cluster=boards_per_cluster,
                                         years=years, last_year=last_year, seed=seed)
        except DomainError as error:
            raise click.ClickException(str(error.message)) from None
        session.commit()
    click.echo(f"Synthetic data (seed {summary.seed}, years {summary.first_year}-{summary.last_year}) written in "
               f"{time.perf_counter() - started:.1f} s:")
    for table, count in summary.counts.items():
        if count:
            click.echo(f"  {table:<16} {count:>10}")


@click.command("db-revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a draft migration from the difference between the models and the database (for developers)."""
    migrate.revision(get_engine(), message)


@click.command("verify")
@click.option("--head", "printed", default=None, metavar="POSITION:CODE",
              help="Also check that a head printed on a paper (as on the minutes) is a seal of the ledger.")
@with_appcontext
def verify(printed: str | None) -> None:
    """Recompute every seal, every ballot round's hash chain and finalised result, and the checkpoints; exit 1
    naming the first broken event."""
    session = Session(get_engine())
    try:
        report = ledger.verify(session)
        found = ledger.head_is_sealed(session, printed) if printed is not None else None
    finally:
        session.close()
    if printed is not None:
        click.echo(f"{printed}: " + ("a seal of this ledger." if found else "NOT a seal of this ledger."),
                   err=not found)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    click.echo(_("%(rounds)d rounds, %(events)d events, %(finalised)d finalised results checked: %(n)d problems.",
                 rounds=report.rounds, events=report.events, finalised=report.finalised, n=len(report.problems)))
    if report.problems or found is False:
        raise SystemExit(1)


@click.command("ledger-head")
@with_appcontext
def ledger_head() -> None:
    """Print the newest seal of the ballot ledger (position:code key id), to keep a copy off site."""
    with Session(get_engine()) as session:
        newest = seals.head(session)
    if newest is None:
        click.echo("The ledger is empty.")
        return
    click.echo(f"{newest[0]}:{newest[1]} (key {newest[2]})")


@click.command("ledger-rotate-key")
@with_appcontext
def ledger_rotate_key() -> None:
    """Make a new ledger key for new seals; the old keys are kept so older seals stay verifiable (audited, and
    written to the checkpoint file)."""
    try:
        old, new = seals.rotate()
    except seals.KeyMissing as error:
        raise click.ClickException(str(error)) from None
    with _session() as session:
        audit.record(session, "ledger_key_rotated", address=session.info["actor"].address,
                     detail={"old": old, "new": new})
        newest = session.exec(select(LedgerSeal).order_by(LedgerSeal.position.desc()).limit(1)).first()
        if newest is not None:
            seals.checkpoint_after_commit(session, newest, f"key-rotated-to-{new}", of_round=False)
        session.commit()
    click.echo(f"New ledger key {new} (the old key {old} is kept). Back the folder up apart from the database.")


def _backups_dir() -> Path:
    return Path(current_app.instance_path) / "backups"


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""  # not reached


def _echo_check(check: backup.Check) -> None:
    """Print what checking a copy found: tables and rows, integrity, the ledger (problems on stderr)."""
    if check.tables:
        click.echo(f"  {len(check.tables)} tables, {check.rows} rows (revision {check.revision}).")
    click.echo(f"  Checked: {check.method}.")
    for note in check.notes:
        click.echo(f"  Note: {note}")
    for problem in check.integrity:
        click.echo(f"  Integrity: {problem}", err=True)
    if check.report is not None:
        with force_locale("en"):  # the rest of these commands' output is English too
            for problem in check.report.problems:
                click.echo(f"  Ledger: {problem}", err=True)
        report = check.report
        click.echo(f"  Ledger: {report.rounds} rounds, {report.events} events, {report.finalised} finalised "
                   f"results checked: {len(report.problems)} problems.")


@click.command("backup")
@with_appcontext
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def backup_db(directory: Path | None) -> None:
    """Copy the database (SQLite backup API, or pg_dump) into DIRECTORY (default instance/backups/) and check
    the copy: it opens, its ballot ledger verifies. Exit 1 keeping no file when anything fails."""
    try:
        done = backup.backup(engine=get_engine(), directory=directory or _backups_dir())
    except backup.Unverified as refused:
        _echo_check(refused.check)
        raise click.ClickException(str(refused)) from None
    except backup.BackupError as error:
        raise click.ClickException(f"Backup failed: {error} No backup was kept.") from None
    click.echo(f"Backup written: {done.path} ({_size(done.size)})")
    _echo_check(done.check)


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database even though it holds data.")
def restore_db(file: Path, yes: bool) -> None:
    """Replace the database with a backup made by `backup`: check the backup, save the current database to
    instance/backups/, copy the backup in, migrate it to the newest schema and verify the ballot ledger."""
    engine = get_engine()
    try:
        held = backup.held_data(backup.contents(engine=engine))
        if held and not yes:
            listed = ", ".join(f"{name} {rows}" for name, rows in sorted(held.items()))
            raise click.ClickException(
                f"The database holds data ({sum(held.values())} rows: {listed}). Restoring {file} replaces all of "
                "it with the backup; the current database is saved to instance/backups/ first. Run again with "
                "--yes to do it.")
        done = backup.restore(engine=engine, path=file, keep_directory=_backups_dir())
    except backup.Unverified as refused:
        _echo_check(refused.check)
        raise click.ClickException(str(refused)) from None
    except backup.BackupError as error:
        raise click.ClickException(f"Restore failed: {error}") from None
    if done.saved_to:
        click.echo(f"The database as it was is saved in {done.saved_to}")
    click.echo(f"Restored {file}")
    _echo_check(done.check)
    if not done.check.ok:
        raise click.ClickException("The restored database fails the ledger verification (see above).")


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (init_db, create_user, seed_demo, first_run, db_revision, verify, export_cluster, import_cluster,
                    generate_data, backup_db, restore_db, ledger_head, ledger_rotate_key):
        app.cli.add_command(command)
