"""Login sessions and the access rule every route declares."""
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, logout_user
from sqlmodel import select

from tracker.db import get_session
from tracker.models import Role, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"

# Access levels a route can declare; the route x role test reads them from each view.
PUBLIC, READ, ADMIN, EDIT_CLUSTER, EDIT_BOARD, CREATE_BOARD = (
    "public", "read", "admin", "edit_cluster", "edit_board", "create_board")


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Find the account by its session token; a rotated token logs the cookie out."""
    user = get_session().exec(select(User).where(User.session_token == token)).first()
    return user if user is not None and user.active else None


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site may be a redirect target after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and all(ord(ch) > 31 for ch in target)


def access(level: str, check=None):
    """Declare and enforce who may use a route.

    `check(user, **view_args) -> bool` decides object-level rights (a secretary's own clusters).
    """
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if level != PUBLIC:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if level == ADMIN and current_user.role != Role.ADMIN:
                    abort(403)
                if level in (EDIT_CLUSTER, EDIT_BOARD, CREATE_BOARD):
                    if current_user.role == Role.VIEWER:
                        abort(403)
                    if current_user.role == Role.SECRETARY and check is not None and not check(current_user, **kwargs):
                        abort(403)
            return view(*args, **kwargs)

        wrapper.access = level
        return wrapper

    return decorate


def require_password_change():
    """An account with a one-time password must choose its own before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in {"auth.password", "auth.logout", "static", "main.set_language"}
    ):
        if request.path.startswith("/api/"):  # a program gets a JSON refusal, not a password form
            return jsonify(error=_("Change the one-time password at login before using the API.")), 403
        return redirect(url_for("auth.password"))
    return None


def expire_session():
    """End a login idle longer than SESSION_IDLE_MINUTES (30) or older than SESSION_MAX_HOURS (12): the browser
    must log in again. Otherwise note that the session was seen now (at most once a minute, to keep the cookie
    quiet)."""
    if not current_user.is_authenticated:
        return None
    now = int(time.time())
    config = current_app.config
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    idle, longest = 60 * config["SESSION_IDLE_MINUTES"], 3600 * config["SESSION_MAX_HOURS"]
    if (not isinstance(login_at, int) or not isinstance(seen_at, int)
            or now - seen_at > idle or now - login_at > longest):
        logout_user()
        session.clear()
        if request.path.startswith("/api/"):
            return jsonify(error=_("Your session has ended. Log in again.")), 401
        flash(_("Your session has ended after a while without use. Log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    if now - seen_at >= 60:
        session["seen_at"] = now
    return None


def forget_user(_exc: BaseException | None = None) -> None:
    """Drop the user loaded for this request, so the next request loads it afresh."""
    g.pop("_login_user", None)


def init_app(app: Flask) -> None:
    """Install Flask-Login and the first-login password check."""
    login_manager.init_app(app)
    app.before_request(expire_session)
    app.before_request(require_password_change)
    app.teardown_request(forget_user)
