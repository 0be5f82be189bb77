"""Database engine per application and one session per request.

SQLite (the embedded default) runs in WAL mode with foreign keys on, a busy timeout and
synchronous=FULL; a session opened for a request that may write begins its transaction with
BEGIN IMMEDIATE, so two writers queue instead of one failing half-way.

Files it creates (the SQLite database, its -wal and -shm) are readable by their owner only.
"""
import os

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def make_engine(url: str, *, busy_timeout_ms: int = 15000) -> Engine:
    """Create an engine; for SQLite, install the pragmas and explicit BEGIN handling. Every session's changes of
    data go to the audit log (`tracker.services.changes`)."""
    from tracker.services import changes, seals

    changes.install()
    seals.install()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )
    database = engine.url.database

    @event.listens_for(engine, "do_connect")
    def _owner_only(_dialect, _record, _args, _kwargs):
        # SQLite would create a missing file with the process's umask (world-readable, 0644); made here first, it
        # is owner-only, and SQLite gives its -wal and -shm files the database file's permissions.
        if database and database != ":memory:" and not database.startswith("file:"):
            create_owner_only(database)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, issue BEGIN (so it can be IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def create_owner_only(path) -> None:
    """Create an empty file readable and writable by its owner only (0600), unless it exists already."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def writer(engine: Engine) -> Engine:
    """The same engine, beginning transactions with BEGIN IMMEDIATE on SQLite."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_begin="IMMEDIATE")
    return engine


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session at teardown."""
    app.extensions["engine"] = make_engine(
        app.config["DATABASE_URL"], busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"]
    )
    # Per request, not per app context: a test that holds an app context open runs many requests in it.
    app.teardown_request(close_session)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    """The current application's engine."""
    return current_app.extensions["engine"]


def get_session() -> Session:
    """The request's session; a request that may write gets an IMMEDIATE transaction."""
    if "db_session" not in g:
        engine = get_engine()
        if has_request_context() and request.method not in SAFE_METHODS:
            engine = writer(engine)
        g.db_session = Session(engine, expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Roll back whatever was not committed and close the session."""
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
