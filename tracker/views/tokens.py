"""A user's personal API tokens: list them, create one (shown once, in full), revoke one. For administrators,
every user's tokens (`/admin/tokens/`, reached from the accounts page), any of which they may revoke."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.auth import ADMIN, READ, access
from tracker.db import get_session
from tracker.forms.tokens import RevokeForm, TokenForm
from tracker.models import User
from tracker.services import tokens as service
from tracker.views._audit import address, note
from tracker.views._forms import commit, show_errors, write

# Two homes: a user's own tokens under /account/tokens/, everyone's under /admin/tokens/ (so no url_prefix).
bp = Blueprint("tokens", __name__)
OWN = "/account/tokens"


def _index(form: TokenForm, status: int = 200):
    rows = service.user_tokens(get_session(), current_user)
    return render_template("tokens/index.html", tokens=rows, form=form, revoke_form=RevokeForm(formdata=None),
                           scheme=service.SCHEME), status


@bp.route(f"{OWN}/")
@access(READ)
def index():
    """The user's tokens (revoked ones too) with when each was created and last used, and the form for a new one."""
    return _index(TokenForm(formdata=None))


@bp.route(f"{OWN}/new", methods=["POST"])
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


@bp.route(f"{OWN}/revoke", methods=["POST"])
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


def _account_filter() -> int | None:
    """The account whose tokens the administrators' list shows (?user=ID), or None for every account."""
    user_id = request.args.get("user", type=int)
    return user_id if user_id is not None and 0 < user_id <= 2**31 - 1 else None


@bp.route("/admin/tokens/")
@access(ADMIN)
def admin_index():
    """Every user's tokens, newest first, with their owner, when each was created and last used and whether it is
    revoked; only one account's with ?user=ID (the link on the accounts page)."""
    db = get_session()
    user_id = _account_filter()
    owner = db.get(User, user_id) if user_id is not None else None
    if user_id is not None and owner is None:
        abort(404)
    return render_template("tokens/admin.html", rows=service.all_tokens(db, user_id=user_id), owner=owner,
                           revoke_form=RevokeForm(formdata=None))


@bp.route("/admin/tokens/revoke", methods=["POST"])
@access(ADMIN)
def admin_revoke():
    """An administrator revokes any user's token: requests sending it are refused from now on. Audited."""
    form = RevokeForm()
    token_id = form.token() if form.validate_on_submit() else None
    user_id = _account_filter()
    if token_id is not None:
        db, actor, here = get_session(), current_user._get_current_object(), address()
        token, owner = commit(lambda: service.revoke_any(session=db, token_id=token_id, actor=actor, address=here))
        flash(_("Token “%(name)s” of %(account)s revoked: it no longer opens the API.", name=token.name,
                account=owner.username), "success")
    return redirect(url_for("tokens.admin_index", user=user_id))
