"""Databases for the backup and migration tests: filled with a row in every table, compared table by table and
row by row, another empty database beside the test's, the migration history, and changes after a backup (edits,
and a ballot event changed past its trigger)."""
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, make_url, text
from sqlmodel import Session, select

from tests.support.database import PG_URL
from tracker.models import (
    Attachment,
    AuditEvent,
    Board,
    Cluster,
    LoginFailure,
    Meeting,
    SecretaryCluster,
    User,
    metadata,
)
from tracker.ops import demo, migrate, synthetic
from tracker.services import tokens

SMALL = dict(clusters=2, boards_per_cluster=4, years=3, last_year=2025, seed=3)


def fill(session: Session) -> None:
    """The demo, small synthetic data, and a row in every table those two leave empty (flushed)."""
    demo.seed(session)
    synthetic.generate(session=session, **SMALL)
    cluster = session.exec(select(Cluster).order_by(Cluster.id)).first()
    user = User(username="thu_ky_sao_luu", full_name="Thư ký Sao Lưu", role="secretary", password_hash="x",
                must_change_password=False)
    session.add(user)
    session.flush()
    session.add(SecretaryCluster(user_id=user.id, cluster_id=cluster.id))
    tokens.create_token(session=session, user=user, name="Báo cáo Power BI")
    meeting = session.exec(select(Meeting).order_by(Meeting.id)).first()
    session.add(Attachment(meeting_id=meeting.id, stored_name=secrets.token_hex(16) + ".jpg",
                           original_name="Ảnh hội nghị.jpg", content_type="image/jpeg", size=3, sha256="0" * 64,
                           uploaded_by=user.id))
    session.add(LoginFailure(username="thu_ky_sao_luu", address="192.0.2.7"))
    session.add(AuditEvent(kind="login", user_id=user.id, username=user.username, address="192.0.2.7",
                           detail="{}"))
    session.flush()


def filled(app, db) -> Engine:
    """Fill the test database (committed); fail naming any table left empty, so that every table is compared."""
    fill(db)
    db.commit()
    engine = app.extensions["engine"]
    empty = [name for name, rows in snapshot(engine).items() if not rows]
    assert not empty, f"fill() leaves {empty} empty: add a row there so backups and migrations are tested with it"
    return engine


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table as the database driver reads it, ordered by primary key."""
    with engine.connect() as conn:
        return {table.name: [tuple(row) for row in conn.exec_driver_sql(
            f'SELECT * FROM "{table.name}" ORDER BY ' + ", ".join(f'"{c.name}"' for c in table.primary_key.columns))]
            for table in metadata.sorted_tables}


@contextmanager
def other_database(tmp_path: Path, name: str) -> Iterator[str]:
    """The URL of another, empty database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite3'}"
        return
    database = f"tracker_test_{name}_{secrets.token_hex(3)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(PG_URL).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def revisions() -> list[str]:
    """Every migration's revision, oldest first (the history is one line)."""
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    assert len(script.get_heads()) == 1
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def upgrade_to(engine: Engine, revision: str) -> None:
    """Migrate to one revision, as the application migrates to the newest."""
    migrate.upgrade(engine, revision)


def tamper(engine: Engine) -> int:
    """Change a ballot event's payload past the append-only trigger (as someone with file access could);
    returns the round id."""
    with engine.begin() as conn:
        event_id, round_id = conn.execute(text("SELECT id, round_id FROM ballot_event ORDER BY id LIMIT 1")).one()
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER ballot_event_append_only_update"))
        else:
            conn.execute(text("ALTER TABLE ballot_event DISABLE TRIGGER ballot_event_append_only"))
        conn.execute(text("UPDATE ballot_event SET payload = payload || ' ' WHERE id = :id"),
                     {"id": event_id})
        if engine.dialect.name != "sqlite":
            conn.execute(text("ALTER TABLE ballot_event ENABLE TRIGGER ballot_event_append_only"))
    return round_id


def change(db: Session) -> None:
    """Edit, delete and add rows after a backup (committed)."""
    for board in db.exec(select(Board)).all():
        board.name += " (đã sửa)"
    db.exec(text("DELETE FROM score"))
    db.add(Cluster(name="Cụm thêm sau khi sao lưu"))
    db.add(AuditEvent(kind="login", username="admin", address="192.0.2.9", detail="{}"))
    db.commit()


def files(directory: Path) -> list[str]:
    """The names in a directory, hidden partial files included."""
    return sorted(os.listdir(directory)) if directory.exists() else []
