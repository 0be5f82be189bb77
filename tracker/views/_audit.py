"""Writing the audit log from a view: who (the logged-in account), from where (the client's address), what."""
from flask import request
from flask_login import current_user

from tracker.db import get_session
from tracker.services import audit


def address() -> str:
    """The client's address as this server sees it (behind a reverse proxy, configure it to pass the client's)."""
    return (request.remote_addr or "")[:64]


def note(kind: str, **detail) -> None:
    """Append a line for the logged-in account, in the request's transaction (committed with the change)."""
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    audit.record(get_session(), kind, user=actor, address=address(), detail=detail)
