"""What every table shares: constraint names, foreign-key columns, timestamps, exact decimals."""
import secrets
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

# Named constraints let Alembic alter tables in batch mode on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def new_token() -> str:
    """A random token for session cookies."""
    return secrets.token_urlsafe(32)


def fk(target: str, *, nullable: bool = True, ondelete: str | None = None) -> Column:
    """An indexed foreign-key column."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)




class DecimalText(TypeDecorator):
    """An exact decimal kept as its text ("1234.5"): the same on SQLite and PostgreSQL, never a binary float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store the decimal's plain text."""
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f")

    def process_result_value(self, value, dialect):
        """Read the text back as a Decimal."""
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            return None
