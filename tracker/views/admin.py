"""Accounts, for administrators: create, edit roles and clusters, disable, re-enable, reset a password."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlmodel import select

from tracker import labels
from tracker.auth import ADMIN, access
from tracker.db import get_session
from tracker.forms.admin import AuditFilterForm, AwardTypeForm, UserForm
from tracker.forms.fields import ActionForm
from tracker.models import AwardType, Cluster, SecretaryCluster, User
from tracker.rules import throttle as throttle_rules
from tracker.rules.text import vi_sorted
from tracker.services import accounts, audit, catalog, ledger, seals, throttle, voting
from tracker.views._audit import address, note
from tracker.views._forms import commit, data_for, run_edit, show_errors, write

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _cluster_choices(db):
    return [(c.id, c.name) for c in vi_sorted(db.exec(select(Cluster)).all(), key=lambda c: c.name)]


@bp.route("/users")
@access(ADMIN)
def users():
    """Every account with its role, state and assigned clusters."""
    db = get_session()
    rows = vi_sorted(db.exec(select(User)).all(), key=lambda u: u.username)
    clusters = {c.id: c for c in db.exec(select(Cluster)).all()}
    assigned: dict[int, list[Cluster]] = {}
    for link in db.exec(select(SecretaryCluster)).all():
        assigned.setdefault(link.user_id, []).append(clusters[link.cluster_id])
    return render_template("admin/users.html", users=rows, assigned=assigned, roles=labels.ACCOUNT_ROLE,
                           action=ActionForm(), failures=throttle.recent_failures(db),
                           account_key=throttle_rules.account_key)


@bp.route("/users/new", methods=["GET", "POST"])
@access(ADMIN)
def user_new():
    """Create an account; its one-time password is shown once, on this page, never stored in clear."""
    db = get_session()
    form = UserForm()
    form.role.choices = labels.choices(labels.ACCOUNT_ROLE)
    form.clusters.choices = _cluster_choices(db)
    if form.validate_on_submit():
        def create():
            user, password = accounts.create_user(
                session=db, username=form.username.data, role=form.role.data,
                full_name=form.full_name.data, cluster_ids=form.clusters.data)
            note("account_created", account=user.username, role=user.role)
            return user, password

        done = write(create)
        if done.ok:
            # Rendered, not redirected: the password must not travel in the session cookie.
            user, password = done.value
            return render_template("admin/password_shown.html", user=user, password=password)
        show_errors(form, done.refused)
    return render_template("admin/user_edit.html", form=form, user=None), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@access(ADMIN)
def user_edit(user_id: int):
    """Change an account's name, role and clusters."""
    db = get_session()
    user = accounts.get_user(db, user_id)
    form = UserForm(obj=user, data={"clusters": sorted(accounts.assigned_cluster_ids(db, user_id))})
    form.role.choices = labels.choices(labels.ACCOUNT_ROLE)
    form.clusters.choices = _cluster_choices(db)
    form.username.data = user.username  # the username is not editable
    def save():
        changed = accounts.update_user(session=db, user_id=user_id, version=form.version.data, role=form.role.data,
                                       full_name=form.full_name.data, cluster_ids=form.clusters.data)
        note("account_changed", account=changed.username, role=changed.role,
             clusters=sorted(accounts.assigned_cluster_ids(db, user_id)))
        return changed

    return run_edit(
        form=form,
        save=save,
        conflict_fields=["full_name", "role"],
        template="admin/user_edit.html",
        saved=_("Account %(name)s saved.", name=user.username),
        next_url=lambda _row: url_for("admin.users"),
        user=user,
    )


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@access(ADMIN)
def user_toggle(user_id: int):
    """Disable an account (its sessions end at once) or re-enable it."""
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        user = accounts.get_user(db, user_id)

        def toggle():
            accounts.set_active(session=db, user_id=user_id, active=not user.active, acting_user_id=current_user.id,
                                address=address())  # disabling also revokes its API tokens, audited
            note("account_enabled" if user.active else "account_disabled", account=user.username)

        done = write(toggle)
        if not done.ok:
            flash(str(done.refused.message), "danger")
        else:
            if user.active:
                flash(_("Account %(name)s enabled.", name=user.username), "success")
            else:
                flash(_("Account %(name)s disabled.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@access(ADMIN)
def user_reset(user_id: int):
    """Give an account a new one-time password, shown once."""
    db = get_session()
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("admin.users"))

    def reset():  # the account's sessions end and its API tokens are revoked, audited
        user, password = accounts.reset_password(session=db, user_id=user_id,
                                                 actor=current_user._get_current_object(), address=address())
        note("password_reset", account=user.username)
        return user, password

    user, password = commit(reset)
    return render_template("admin/password_shown.html", user=user, password=password)


@bp.route("/users/<int:user_id>/sessions", methods=["POST"])
@access(ADMIN)
def user_sessions(user_id: int):
    """End every session of an account: each browser where it is logged in must log in again, and its API tokens
    are revoked (each audited)."""
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        user = accounts.get_user(db, user_id)

        def end():
            note("sessions_ended", account=user.username)
            return accounts.end_access(session=db, user=user, reason="sessions_ended",
                                       actor=current_user._get_current_object(), address=address())

        revoked = commit(end)
        flash(_("Every session of %(name)s has ended.", name=user.username), "success")
        if revoked:
            flash(ngettext("%(num)d API token of %(name)s revoked.", "%(num)d API tokens of %(name)s revoked.",
                           len(revoked), name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@access(ADMIN)
def user_unlock(user_id: int):
    """Forget the account's failed logins, so no browser is refused for them any more (audited)."""
    db = get_session()
    form = ActionForm()
    if form.validate_on_submit():
        user = accounts.get_user(db, user_id)

        def unlock():
            forgotten = throttle.unlock(db, username=user.username)
            note("login_unlocked", account=user.username, failures=forgotten)

        commit(unlock)
        flash(_("The failed logins of %(name)s are forgotten: every browser may try again.", name=user.username),
              "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
@access(ADMIN)
def audit_log():
    """The audit log, newest first, a page at a time, filtered by kind, record (with what belongs to it), account
    and dates."""
    form = AuditFilterForm(formdata=request.args)
    form.kind.choices = [("", _("Every kind")), *labels.choices(labels.AUDIT_EVENT)]
    where = audit.Filter()
    if form.validate():
        where = audit.Filter(kind=form.kind.data or "", record=form.record.data or "",
                             username=form.username.data or "", since=form.since.data, until=form.until.data)
    found = audit.page(get_session(), number=request.args.get("page", 1, type=int), where=where)
    paging = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("admin/audit.html", found=found, form=form, paging=paging, kinds=labels.AUDIT_EVENT,
                           read=audit.readable)



@bp.route("/award-types")
@access(ADMIN)
def award_types():
    """The award types, highest first."""
    return render_template("admin/award_types.html", award_types=voting.award_types(get_session()),
                           kinds=labels.AWARD_KIND)


@bp.route("/award-types/new", methods=["GET", "POST"])
@access(ADMIN)
def award_type_new():
    """Add an award type."""
    return _edit_award_type(None)


@bp.route("/award-types/<int:award_type_id>/edit", methods=["GET", "POST"])
@access(ADMIN)
def award_type_edit(award_type_id: int):
    """Change an award type."""
    return _edit_award_type(award_type_id)


def _edit_award_type(award_type_id: int | None):
    db = get_session()
    award = catalog.get(db, AwardType, award_type_id) if award_type_id else None
    form = AwardTypeForm(obj=award, data=None if award else {"active": True})
    form.kind.choices = labels.choices(labels.AWARD_KIND)
    return run_edit(
        form=form,
        save=lambda: voting.save_award_type(session=db, award_type_id=award_type_id, version=form.version.data,
                                            data=voting.AwardTypeData(**data_for(form, voting.AwardTypeData))),
        conflict_fields=["code", "name_vi", "name_en", "kind", "level", "precedence", "active"],
        template="admin/award_type_edit.html",
        saved=_("Award type saved."),
        next_url=lambda _row: url_for("admin.award_types"),
        award=award,
    )


@bp.route("/ledger")
@access(ADMIN)
def ledger_check():
    """Recompute every ballot chain and finalised result, as `flask --app tracker verify` does."""
    db = get_session()
    newest = seals.head(db)
    return render_template("admin/ledger.html", report=ledger.verify(db),
                           head=f"{newest[0]}:{newest[1]}" if newest else None,
                           clusters={r.id: (r, c) for r, c in ledger.round_places(db)})
