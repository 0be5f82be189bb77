"""The migrations build exactly the schema the models describe, running them again changes nothing, and a
database holding the demo data loses no row on its way through every migration."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from tests.support.backup import filled, other_database, revisions, snapshot, upgrade_to
from tracker.db import make_engine
from tracker.models import metadata
from tracker.ops import migrate


def test_migrations_match_the_models(app):
    engine = app.extensions["engine"]
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_init_db_is_safe_to_run_again(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output


def test_a_database_holding_the_demo_loses_no_row_through_every_migration(app, db, tmp_path):
    """Every migration runs over a database that already holds the demo data, and no row is lost or changed.

    The demo is written by today's services on today's models, so it cannot be loaded into an old schema
    directly; and a filled database cannot be walked down to an old revision, since downgrades drop the very
    tables under test. So the demo (plus small synthetic data and a row in every table the two leave empty,
    tests.services.test_backup.fill) is written once into a database at head and exported as the rows of
    every table, as the driver reads them. Then, for every revision R from the first to head:

    1. an empty database is migrated to R;
    2. every exported row R's schema can hold is inserted: the tables R has, the columns R has (foreign-key
       checks off while inserting, since rows go in table by table; rows the migrations up to R wrote
       themselves, such as the award types, are already there and are left as they are);
    3. the database is upgraded to head through every later migration (SQLite's batch rebuilds, which copy,
       drop and rename whole tables, are where rows could be lost; migrate.upgrade also runs SQLite's
       foreign-key check at the end);
    4. every exported row of every table R had is still there, by primary key, with the same values in
       R's columns.

    A later migration that changes a column's type would need the exported value converted for R's column.
    """
    engine = filled(app, db)
    export = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            result = conn.exec_driver_sql(f'SELECT * FROM "{table.name}"')
            names = list(result.keys())
            export[table.name] = [dict(zip(names, row, strict=True)) for row in result]
    assert sum(len(rows) for rows in export.values()) == sum(len(rows) for rows in snapshot(engine).values())

    checked = {}
    for index, revision in enumerate(revisions()):
        with other_database(tmp_path, f"r{index}") as url:
            old = make_engine(url)
            try:
                upgrade_to(old, revision)
                columns = _fill_at_revision(old, export)
                migrate.upgrade(old)
                with old.connect() as conn:
                    for name, kept in columns.items():
                        key = [c.name for c in metadata.tables[name].primary_key.columns]
                        result = conn.exec_driver_sql(f'SELECT * FROM "{name}"')
                        names = list(result.keys())
                        now = {tuple(row[k] for k in key): row for row in
                               (dict(zip(names, r, strict=True)) for r in result)}
                        for row in export[name]:
                            there = now.get(tuple(row[k] for k in key))
                            assert there is not None, f"{name} row {row} lost on the way from {revision} to head"
                            assert {c: there[c] for c in kept} == {c: row[c] for c in kept}, (name, revision)
            finally:
                old.dispose()
        checked[revision] = sum(len(export[name]) for name in columns)
    assert len(checked) >= 7 and min(checked.values()) > 100, checked
    assert max(checked.values()) == sum(len(rows) for rows in export.values())


def _fill_at_revision(engine: Engine, export: dict[str, list[dict]]) -> dict[str, list[str]]:
    """Insert the exported rows an older schema can hold (foreign-key checks off); the tables and columns used."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        inspector = inspect(conn)
        present = set(inspector.get_table_names())
        columns = {t.name: [c["name"] for c in inspector.get_columns(t.name)]
                   for t in metadata.sorted_tables if t.name in present}
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                if not sqlite:
                    conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK or trigger checks
                for name, kept in columns.items():
                    key = [c.name for c in metadata.tables[name].primary_key.columns]
                    there = {tuple(row) for row in conn.exec_driver_sql(
                        f'SELECT {", ".join(key)} FROM "{name}"')}
                    rows = [{c: row[c] for c in kept} for row in export[name]
                            if tuple(row[k] for k in key) not in there]
                    if rows:
                        quoted = ", ".join(f'"{c}"' for c in kept)
                        binds = ", ".join(f":c{i}" for i in range(len(kept)))
                        conn.execute(text(f'INSERT INTO "{name}" ({quoted}) VALUES ({binds})'),
                                     [{f"c{i}": row[c] for i, c in enumerate(kept)} for row in rows])
                    if not sqlite and key == ["id"]:
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                                          f'(SELECT max(id) FROM "{name}")) WHERE EXISTS (SELECT 1 FROM "{name}")'))
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
    return columns
