"""Eligibility rules, for administrators: the list with citations and years in force, add, edit, delete."""
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker import labels
from tracker.auth import ADMIN, access
from tracker.db import get_session
from tracker.forms.eligibility import RuleForm, award_choices
from tracker.forms.fields import VersionForm
from tracker.models import EligibilityRule
from tracker.services import catalog, voting
from tracker.services import eligibility as service
from tracker.views._forms import data_for, run_edit, run_step

bp = Blueprint("eligibility", __name__, url_prefix="/admin/eligibility")


@bp.route("/")
@access(ADMIN)
def index():
    """Every eligibility rule, in the order they were added, with its citation and the years it is in force."""
    db = get_session()
    rules = service.all_rules(db)
    return render_template("eligibility/index.html", rules=rules, award_types=service.award_types(db),
                           delete_form=VersionForm(formdata=None))


@bp.route("/new", methods=["GET", "POST"])
@access(ADMIN)
def new():
    """Add an eligibility rule."""
    return _edit(None)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@access(ADMIN)
def edit(rule_id: int):
    """Change an eligibility rule: its kind, awards, count, citation, years in force, or switch it off."""
    return _edit(rule_id)


def _edit(rule_id: int | None):
    db = get_session()
    rule = catalog.get(db, EligibilityRule, rule_id) if rule_id else None
    form = RuleForm(obj=rule, data=None if rule else {"active": True})
    types = voting.award_types(db)
    form.kind.choices = labels.choices(labels.RULE_KIND)
    form.award_type_id.choices = award_choices(types, _("every award"))
    form.required_award_type_id.choices = award_choices(types, "—")
    return run_edit(
        form=form,
        save=lambda: service.save_rule(session=db, rule_id=rule_id, version=form.version.data,
                                       data=service.RuleData(**data_for(form, service.RuleData))),
        conflict_fields=["kind", "award_type_id", "required_award_type_id", "count", "citation", "from_year",
                         "to_year", "active"],
        template="eligibility/edit.html",
        saved=_("Eligibility rule saved."),
        next_url=lambda _row: url_for("eligibility.index"),
        rule=rule,
    )


@bp.route("/<int:rule_id>/delete", methods=["POST"])
@access(ADMIN)
def delete(rule_id: int):
    """Delete a rule, unless someone changed it since the list was shown."""
    db = get_session()
    form = VersionForm()
    run_step(form, lambda: service.delete_rule(session=db, rule_id=rule_id, version=form.version.data),
             done=_("Eligibility rule deleted."))
    return redirect(url_for("eligibility.index"))
