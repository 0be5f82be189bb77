"""Fixtures: an app on a real database (SQLite file, or PostgreSQL when TRACKER_TEST_DATABASE_URL is set),
its client and CLI runner, factories for records, and `login(as_role=...)`. Helpers live in tests/support/; its
fixture modules are loaded as plugins below. Every app here hashes passwords cheaply (tests/support/accounts.py)."""
import shutil
from datetime import date

import pytest
from sqlalchemy import create_engine, event, text
from sqlmodel import Session

from tests.support.accounts import CHEAP_HASHING, PASSWORD, password_hash
from tests.support.database import PG_URL, SEEDED
from tracker import create_app
from tracker.db import make_engine
from tracker.models import Board, Cluster, ClusterYear, Membership, User, metadata
from tracker.ops import migrate
from tracker.rules.voting import RuleValues
from tracker.services import voting

pytest_plugins = ["tests.support.world", "tests.support.reports", "tests.support.handover_fuzz"]


def pytest_configure(config):
    """The `slow` marker (tests/slow/conftest.py runs those tests only when asked: `make test-slow`)."""
    config.addinivalue_line("markers", "slow: run only by `make test-slow`, when tests/slow is named, or with "
                                       "TRACKER_RUN_SLOW=1")


@pytest.fixture(scope="session")
def _template_db(tmp_path_factory):
    """Migrate once: a SQLite file copied for each test, or the PostgreSQL schema emptied after each test."""
    if PG_URL:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        engine = make_engine(PG_URL)
        migrate.upgrade(engine)
        with engine.connect() as conn:
            seeded = {name: [dict(r._mapping) for r in conn.execute(metadata.tables[name].select())]
                      for name in SEEDED}
        engine.dispose()
        return seeded
    path = tmp_path_factory.mktemp("template") / "tracker.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def database_url(_template_db, tmp_path):
    """A migrated, empty database for one test."""
    if PG_URL:
        yield PG_URL
        engine = create_engine(PG_URL)
        names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            for name, rows in _template_db.items():
                table = metadata.tables[name]
                conn.execute(table.insert(), rows)
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT max(id) FROM {name}))"))
        engine.dispose()
        return
    path = tmp_path / "tracker.sqlite3"
    shutil.copy(_template_db, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url, tmp_path):
    """The application on the test database, CSRF off (one module switches it on), cheap password hashing."""
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                      "LEDGER_KEY_DIR": str(tmp_path / "ledger-keys"),
                      "LEDGER_CHECKPOINTS": str(tmp_path / "ledger-checkpoints.txt"), **CHEAP_HASHING})
    yield app
    app.extensions["engine"].dispose()


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """The flask command-line runner."""
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A session on the test database, inside an app context."""
    with app.app_context():
        session = Session(app.extensions["engine"], expire_on_commit=False)
        yield session
        session.rollback()
        session.close()


@pytest.fixture
def queries(app):
    """Counts the SQL statements run while the test is in the block `with queries() as counted:`."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counted = []

        def record(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
                counted.append(statement)

        engine = app.extensions["engine"]
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def make_board(db):
    """Create a board: make_board("DIZA", start_date=..., ...)."""
    def make(short_name: str, **values) -> Board:
        values.setdefault("name", f"Ban Quản lý {short_name}")
        board = Board(short_name=short_name, **values)
        db.add(board)
        db.commit()
        return board
    return make


@pytest.fixture
def make_cluster(db):
    """Create a cluster, optionally with years: make_cluster("Cụm 1", years={2019: [(board, "head"), ...]}); a member
    board without a home cluster gets this one (tracker/services/permissions.py)."""
    def make(name: str = "Cụm thi đua thử", years: dict | None = None, **values) -> Cluster:
        cluster = Cluster(name=name, **values)
        db.add(cluster)
        db.flush()
        for year, members in (years or {}).items():
            cy = ClusterYear(cluster_id=cluster.id, year=year)
            db.add(cy)
            db.flush()
            for board, role in members:
                db.add(Membership(cluster_year_id=cy.id, board_id=board.id, role=role))
                if board.cluster_id is None:  # as the migration does: the first cluster that has it keeps it
                    board.cluster_id = cluster.id
                    db.add(board)
        db.commit()
        return cluster
    return make


@pytest.fixture
def make_user(db):
    """Create an account with the shared test password (already changed, so no first-login detour)."""
    def make(username: str, role: str = "viewer", clusters=(), **values) -> User:
        values.setdefault("must_change_password", False)
        user = User(username=username, role=role, password_hash=password_hash(), **values)
        db.add(user)
        db.flush()
        from tracker.models import SecretaryCluster
        for cluster in clusters:
            db.add(SecretaryCluster(user_id=user.id, cluster_id=cluster.id))
        db.commit()
        return user
    return make


@pytest.fixture
def login(client, make_user):
    """Log the test client in: login(as_role="secretary", clusters=[cluster]) returns the user."""
    def do(as_role: str = "admin", clusters=(), username: str | None = None) -> User:
        user = make_user(username or f"{as_role}{len(clusters)}", as_role, clusters)
        response = client.post("/auth/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.data
        return user
    return do


@pytest.fixture
def south_east(make_board, make_cluster):
    """Three boards in a cluster for 2019 (head, deputy, member); the third ended in 2025 with a successor."""
    hepza = make_board("HEPZA")
    diza = make_board("DIZA", start_date=date(1995, 1, 1))
    binh_duong = make_board("BQL Bình Dương", end_date=date(2025, 6, 30), successor_id=hepza.id)
    cluster = make_cluster("Cụm Đông Nam Bộ", years={2019: [(diza, "head"), (hepza, "deputy"), (binh_duong, "member")]})
    return cluster, {"DIZA": diza, "HEPZA": hepza, "BD": binh_duong}


@pytest.fixture
def review(db, make_board, make_cluster, make_user):
    """A nine-member cluster in 2017 with its saved rule (flag 1 seat, certificate 2), two secretaries."""
    boards = [make_board(name) for name in ("BQL1", "BQL2", "BQL3", "BQL4", "BQL5", "BQL6", "BQL7", "BQL8", "BQL9")]
    roster = [(boards[0], "head")] + [(b, "member") for b in boards[1:]]
    cluster = make_cluster("Khối Đông Nam Bộ", years={2017: roster})
    first = make_user("thu_ky_1", "secretary", [cluster])
    second = make_user("thu_ky_2", "secretary", [cluster])
    voting.save_rule(session=db, cluster_id=cluster.id, year=2017, version=None, rule=RuleValues(),
                     seats={"CO_BO": 1, "BK_BO": 2})
    db.commit()
    return cluster, {b.short_name: b.id for b in boards}, first, second
