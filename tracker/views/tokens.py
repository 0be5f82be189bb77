"""A user's personal API tokens: list them, create one (shown once, in full), revoke one."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth import READ, access
from tracker.db import get_session
from tracker.forms.tokens import RevokeForm, TokenForm
from tracker.services import tokens as service
from tracker.views._audit import note
from tracker.views._forms import commit, show_errors, write

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _index(form: TokenForm, status: int = 200):
    rows = service.user_tokens(get_session(), current_user)
    return render_template("tokens/index.html", tokens=rows, form=form, revoke_form=RevokeForm(formdata=None),
                           scheme=service.SCHEME), status


@bp.route("/")
@access(READ)
def index():
    """The user's tokens (revoked ones too) with when each was created and last used, and the form for a new one."""
    return _index(TokenForm(formdata=None))


@bp.route("/new", methods=["POST"])
@access(READ)
def create():
    """Create a token and show it in full, once. Rendered, not redirected: the token must not travel in the
    session cookie; the page is not cached."""
    form = TokenForm()
    if form.validate_on_submit():
        db = get_session()

        def create_it():
            token, raw = service.create_token(session=db, user=current_user, name=form.name.data)
            note("token_created", token=token.prefix, name=token.name)
            return token, raw

        done = write(create_it)
        if done.ok:
            token, raw = done.value
            response = render_template("tokens/created.html", token=token, raw=raw)
            return response, 200, {"Cache-Control": "no-store"}
        show_errors(form, done.refused)
    return _index(form, 422)


@bp.route("/revoke", methods=["POST"])
@access(READ)
def revoke():
    """Revoke one of the user's own tokens: requests sending it are refused from now on. Another user's token is
    not found."""
    form = RevokeForm()
    token_id = form.token() if form.validate_on_submit() else None
    if token_id is not None:
        db = get_session()

        def revoke_it():
            token = service.revoke_token(session=db, user=current_user, token_id=token_id)
            note("token_revoked", token=token.prefix, name=token.name)
            return token

        token = commit(revoke_it)
        flash(_("Token “%(name)s” revoked: it no longer opens the API.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
