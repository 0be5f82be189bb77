"""What the security controls keep: failed logins (to throttle guessing across every worker) and the append-only
audit log of who did what, from where, when (UTC)."""
from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from tracker.models.base import fk, utcnow

__all__ = ["LoginFailure", "AuditEvent"]


class LoginFailure(SQLModel, table=True):
    """A failed login for an account name from an address; kept in the database so that every worker counts the
    same failures (pruned after a day)."""

    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, index=True)  # as typed, lower-cased
    address: str = Field(default="", max_length=64)
    device: str = Field(default="", max_length=32)  # the nonce of a browser it logged in from before ("" for others)
    at: datetime = Field(default_factory=utcnow, index=True)


class AuditEvent(SQLModel, table=True):
    """One line of the audit log (database triggers refuse updates and deletes)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=32, index=True)
    user_id: int | None = Field(default=None, sa_column=fk("user.id"))
    username: str = Field(default="", max_length=64)  # the account named (for a failed login, as typed)
    address: str = Field(default="", max_length=64)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # canonical JSON
    # A change of data: the record ("board:5") and every record it belongs to, space-separated and space-padded
    # (" board:5 cluster:2 "), so a record's history is a search for " board:5 ".
    record: str = Field(default="", max_length=64, index=True)
    subjects: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
