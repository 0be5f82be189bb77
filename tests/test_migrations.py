"""The migrations build exactly the schema the models describe, and running them again changes nothing."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tracker.models import metadata


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
