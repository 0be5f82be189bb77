"""Logging in and out, and changing one's own password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from tracker.auth import PUBLIC, READ, access, is_safe_next
from tracker.db import get_session
from tracker.forms import ActionForm, LoginForm, PasswordForm
from tracker.services import accounts
from tracker.services.errors import DomainError
from tracker.views._forms import show_errors

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
@access(PUBLIC)
def login():
    """The login form; after login, go where the user was heading if that is on this site."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_session()
        user = accounts.authenticate(session=db, username=form.username.data, password=form.password.data)
        if user is not None:
            db.commit()
            login_user(user)
            target = form.next.data
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        form.password.errors = [_("Wrong username or password, or the account is disabled.")]
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@access(READ)
def logout():
    """End the session everywhere: the session token changes, so a copied cookie stops working."""
    form = ActionForm()
    if form.validate_on_submit():
        db = get_session()
        accounts.end_sessions(session=db, user=current_user._get_current_object())
        db.commit()
        logout_user()
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
        try:
            accounts.change_password(session=db, user=user, current=form.current_password.data,
                                     new=form.new_password.data)
        except DomainError as error:
            db.rollback()
            show_errors(form, error)
        else:
            db.commit()
            login_user(user)  # the token changed: keep this browser logged in, end the others
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    status = 422 if form.errors or getattr(form, "form_errors", None) else 200
    return render_template("auth/password.html", form=form), status
