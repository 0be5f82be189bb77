"""Logging in and out, and changing one's own password."""
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from tracker.auth import PUBLIC, READ, access, is_safe_next
from tracker.db import get_session
from tracker.forms.auth import LoginForm, PasswordForm
from tracker.forms.fields import ActionForm
from tracker.rules.throttle import Refusal
from tracker.services import accounts, audit, changes, devices, throttle
from tracker.views._audit import address
from tracker.views._forms import commit, show_errors, write

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
def login():
    """The login form; after login, go where the user was heading if that is on this site. Too many failures
    for an account refuse the next attempts for a while, before the password is even checked; a browser the
    account logged in from before (its device cookie) is judged by its own failures only, so guessing from
    elsewhere never locks the owner out."""
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        db = get_session()
        name, here, secret = form.username.data, address(), current_app.config["SECRET_KEY"]
        device = devices.nonce_for(secret, request.cookies.get(devices.COOKIE), name,
                                   accounts.device_stamp(db, name))
        refusal = throttle.refused(db, username=name, address=here, device=device)
        if refusal is not None:
            commit(lambda: audit.record(db, "login_throttled", username=name, address=here,
                                        detail={"why": str(refusal), "known_browser": bool(device)}))
            form.password.errors = [THROTTLED[refusal]]
            return render_template("auth/login.html", form=form), 429
        user = accounts.authenticate(session=db, username=name, password=form.password.data)
        if user is not None:
            # a rehash at login is the account's own change, whoever was signed in in this browser before
            changes.acting(db, changes.Actor(user.id, user.username, here))
            commit(lambda: audit.record(db, "login", user=user, address=here))
            session.clear()  # a new session: nothing from before the login carries over
            login_user(user)
            session["login_at"] = session["seen_at"] = int(time.time())
            target = form.next.data
            response = redirect(target if is_safe_next(target) else url_for("main.index"))
            response.set_cookie(devices.COOKIE, devices.after_login(secret, request.cookies.get(devices.COOKIE),
                                                                    name, accounts.device_stamp(db, name)),
                                max_age=devices.MAX_AGE, httponly=True, samesite="Lax",
                                secure=request.is_secure or bool(current_app.config.get("SESSION_COOKIE_SECURE")))
            return response

        def failed():
            throttle.record_failure(db, username=name, address=here, device=device)
            audit.record(db, "login_failed", username=name, address=here)

        commit(failed)
        form.password.errors = [_("Wrong username or password, or the account is disabled.")]
    if form.errors:
        status = 422
    return render_template("auth/login.html", form=form), status


THROTTLED = {
    Refusal.ADDRESS: _l("Too many failed attempts for this account from this computer. Wait a minute, then try "
                        "again."),
    Refusal.ACCOUNT: _l("Too many failed attempts for this account in the last hour from computers it has not "
                        "signed in from. On a computer where you signed in before you can still sign in; otherwise "
                        "wait an hour, or ask an administrator to unlock the account."),
    Refusal.SPRAY: _l("Too many failed logins from this computer in the last hour, for several accounts. On a "
                      "computer where you signed in before you can still sign in; otherwise wait an hour."),
    Refusal.DEVICE: _l("Too many failed attempts for this account in this browser in the last hour. Wait an hour, "
                       "or ask an administrator to unlock the account."),
}


@bp.route("/logout", methods=["POST"])
@access(READ)
def logout():
    """End the session everywhere: the session token changes, so a copied cookie stops working."""
    form = ActionForm()
    if form.validate_on_submit():
        db, user = get_session(), current_user._get_current_object()

        def end():
            accounts.end_sessions(session=db, user=user)
            audit.record(db, "logout", user=user, address=address())

        commit(end)
        logout_user()
        session.clear()
        flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@access(READ)
def password():
    """Change one's own password (required after a one-time password)."""
    form = PasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = current_user._get_current_object()

        def change():
            accounts.change_password(session=db, user=user, current=form.current_password.data,
                                     new=form.new_password.data, address=address())
            audit.record(db, "password_changed", user=user, address=address())

        done = write(change)
        if done.ok:
            login_user(user)  # the token changed: keep this browser logged in, end the others
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
        show_errors(form, done.refused)
    status = 422 if form.errors or getattr(form, "form_errors", None) else 200
    return render_template("auth/password.html", form=form), status
