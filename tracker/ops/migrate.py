"""Alembic driven from the application: upgrade to head, or write a new revision."""
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from tracker.paths import MIGRATIONS


def _config(connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest revision (or to `revision`); running it again changes nothing."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        if sqlite:
            # Table rebuilds in batch mode would otherwise cascade deletes; the pragma only
            # works outside a transaction, so it goes to the driver before BEGIN.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                command.upgrade(_config(connection), revision)
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if problems:
            raise RuntimeError(f"foreign key check failed after migration: {problems[:5]}")


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a revision from the difference between the models and the database."""
    with engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)
