"""Proposals of a cluster-year in the browser: created from a finalised vote, submitted with a tờ trình (recorded
and printed), their status by hand, an override with its reason, a draft deleted; each with its history."""
import json
from datetime import date
from fractions import Fraction

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from tracker import labels
from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.db import get_session
from tracker.forms.fields import ActionForm, VersionForm
from tracker.forms.proposals import (
    OverrideForm,
    StatusForm,
    override_prefix,
    status_prefix,
    submission_form,
    submission_prefix,
    submission_versions,
)
from tracker.i18n import format_day
from tracker.models import AwardType, BallotRound, Board, ProposalStatus, RoundStatus, User
from tracker.rules.ballot import BallotError, format_percent
from tracker.services import catalog, eligibility, papers, voting
from tracker.services import proposals as service
from tracker.services.errors import DomainError
from tracker.views._forms import conflict_message, run_step, show_errors, write
from tracker.views._rights import may_edit_cluster
from tracker.views._year import YearPage

bp = Blueprint("proposals", __name__, url_prefix="/clusters/<int:cluster_id>/years/<int:year>/proposals")

DOCUMENT_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  "pdf": "application/pdf"}
BADGES = {ProposalStatus.DRAFT: "text-bg-secondary", ProposalStatus.SUBMITTED: "text-bg-primary",
          ProposalStatus.GRANTED: "text-bg-success", ProposalStatus.GRANTED_OTHER: "text-bg-info",
          ProposalStatus.NOT_GRANTED: "text-bg-danger"}


def _list_url(cluster_id: int, year: int, anchor: str | None = None) -> str:
    return url_for("proposals.index", cluster_id=cluster_id, year=year, _anchor=anchor)


def _lang() -> str:
    return "en" if str(get_locale()) == "en" else "vi"


def _share(text: str) -> str:
    """A stored exact share ("2/3") in the user's language ("66,7%"); a dash when missing or unreadable."""
    try:
        return format_percent(Fraction(text), _lang()) if text else "—"
    except (ValueError, ZeroDivisionError, BallotError):
        return "—"


def _details(kind: str, data: dict) -> str:
    """What an event of the log says, in the user's language."""
    if kind == "created":
        what = _("main round") if data.get("round_number", 1) == 1 else _("runoff %(n)d", n=data["round_number"] - 1)
        return _("%(round)s: %(votes)s votes (%(share)s)", round=what, votes=data.get("votes"),
                 share=_share(data.get("share", "")))
    if kind == "submitted":
        try:
            day = format_day(date.fromisoformat(data.get("date") or ""))
        except (TypeError, ValueError):
            day = "—"
        return _("submission %(number)s of %(date)s", number=data.get("number", ""), date=day)
    if kind == "status":
        before, after = data.get("from", ""), data.get("to", "")
        return f"{labels.word(labels.PROPOSAL_STATUS, before)} → {labels.word(labels.PROPOSAL_STATUS, after)}"
    if kind == "override":
        return data.get("reason", "")
    return ""


def _history(events, users: dict[int, str]) -> list[dict]:
    rows = []
    for event in events:
        try:
            data = json.loads(event.payload) if event.payload else {}
        except ValueError:
            data = {}
        rows.append({"label": labels.word(labels.PROPOSAL_EVENT, event.kind), "user": users.get(event.user_id, "—"),
                     "at": event.at, "details": _details(event.kind, data if isinstance(data, dict) else {})})
    return rows


def _submission_data(group) -> dict:
    """A submission form as it opens: the proposals not yet decided ticked, the number and date they share."""
    open_ = [p for p in group if p.status in service.SUBMITTABLE]
    numbers = {p.submission_number for p in open_ if p.submission_number}
    days = {p.submission_date for p in open_ if p.submission_date}
    data = {"proposal_ids": [p.id for p in open_], "number": numbers.pop() if len(numbers) == 1 else "",
            "submitted_on": days.pop() if len(days) == 1 else None}
    data.update({f"version_{p.id}": p.version for p in group})
    return data


def _shown(forms: dict, prefix: str, blank):
    """The refused form with this prefix when there is one, else a blank one showing the stored values."""
    return forms[prefix] if prefix in forms else blank(prefix)


def _index_page(cluster_id: int, year: int, *, forms: dict | None = None, status: int = 200,
                conflict: str | None = None, conflict_prefix: str | None = None):
    """The page, with a refused form (keyed by its prefix) shown in place of the blank one."""
    forms = forms or {}
    page = YearPage(cluster_id, year)
    db = page.db
    proposals = service.for_year(db, page.cluster_year.id)
    awards = {a.id: a for a in voting.award_types(db)}
    board_ids = {p.board_id for p in proposals}
    boards = {b.id: b for b in db.exec(select(Board).where(col(Board.id).in_(board_ids))).all()} if board_ids else {}
    logs = service.events_of(db, [p.id for p in proposals])
    user_ids = {e.user_id for events in logs.values() for e in events if e.user_id}
    users = ({u.id: u.username for u in db.exec(select(User).where(col(User.id).in_(user_ids))).all()}
             if user_ids else {})
    rounds = db.exec(select(BallotRound).where(BallotRound.cluster_year_id == page.cluster_year.id,
                                               BallotRound.status == RoundStatus.FINALISED)).all()
    rounds = sorted(rounds, key=lambda r: (awards[r.award_type_id].precedence, r.number))
    can_edit = may_edit_cluster(current_user, cluster_id=cluster_id)
    warnings = eligibility.warnings_for_proposals(db, page.cluster_year, proposals)

    groups = []
    for proposal in proposals:
        if not groups or groups[-1]["award"].id != proposal.award_type_id:
            groups.append({"award": awards[proposal.award_type_id], "rows": []})
        groups[-1]["rows"].append({
            "proposal": proposal, "board": boards[proposal.board_id], "share": _share(proposal.share),
            "status": labels.word(labels.PROPOSAL_STATUS, proposal.status),
            "badge": BADGES.get(proposal.status, "text-bg-light"),
            "history": _history(logs[proposal.id], users), "warnings": warnings[proposal.id],
            "status_form": _shown(forms, status_prefix(proposal.id), lambda prefix, p=proposal: StatusForm(
                formdata=None, prefix=prefix, data={"status": p.status, "version": p.version})),
            "override_form": _shown(forms, override_prefix(proposal.id), lambda prefix, p=proposal: OverrideForm(
                formdata=None, prefix=prefix, data={"reason": p.override_reason, "version": p.version})),
        })
    for group in groups:
        items = [row["proposal"] for row in group["rows"]]
        prefix = submission_prefix(group["award"].id)
        form = _shown(forms, prefix, lambda prefix, items=items: submission_form(
            items, prefix=prefix, data=_submission_data(items)))
        form.proposal_ids.choices = [(p.id, boards[p.board_id].short_name) for p in items]
        group["submission"] = form
    return render_template(
        "proposals/index.html", **page.context(), groups=groups, rounds=rounds, awards=awards, can_edit=can_edit,
        conflict=conflict, conflict_prefix=conflict_prefix, submission_prefix=submission_prefix,
        status_prefix=status_prefix, override_prefix=override_prefix), status


@bp.route("")
@access(READ)
def index(cluster_id: int, year: int):
    """The year's proposals by award: votes and share, status, submission number and date, history."""
    return _index_page(cluster_id, year)


@bp.route("/from-round/<int:round_id>", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def from_round(cluster_id: int, year: int, round_id: int):
    """Create the proposals of the boards a finalised round elected (those already proposed are kept)."""
    db = get_session()
    round_ = service.round_in_year(db, cluster_id=cluster_id, year=year, round_id=round_id)
    if ActionForm().validate_on_submit():
        done = write(lambda: service.create_from_round(session=db, user=current_user, round_id=round_.id))
        if not done.ok:
            flash(str(done.refused.message) if done.refused is not None else conflict_message(), "danger")
            return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id))
        created = done.value
        if created:
            flash(_("Proposals created: %(n)d.", n=len(created)), "success")
        else:
            flash(_("No new proposal: the boards this round elected are already proposed, or it elected none."),
                  "info")
    return redirect(_list_url(cluster_id, year, f"award-{round_.award_type_id}"))


@bp.route("/submission/<int:award_type_id>", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def submission(cluster_id: int, year: int, award_type_id: int):
    """Record the tờ trình (number and date) of an award's proposals and mark them submitted."""
    page = YearPage(cluster_id, year)
    db = page.db
    award = catalog.get(db, AwardType, award_type_id)
    group = [p for p in service.for_year(db, page.cluster_year.id) if p.award_type_id == award.id]
    prefix = submission_prefix(award.id)
    form = submission_form(group, prefix=prefix, submitted=True)
    form.proposal_ids.choices = [(p.id, str(p.id)) for p in group]
    status, conflict = 422, None
    if form.validate_on_submit():
        done = write(lambda: service.save_submission(
            session=db, user=current_user, cluster_id=cluster_id, year=year, proposal_ids=form.proposal_ids.data,
            versions=submission_versions(form), number=form.number.data, submitted_on=form.submitted_on.data))
        if done.ok:
            flash(_("The submission is recorded; the proposals are marked submitted."), "success")
            return redirect(_list_url(cluster_id, year, f"award-{award.id}"))
        if done.refused is not None:
            show_errors(form, done.refused)
        else:
            for proposal in group:  # show the page again on the versions now stored (read after the rollback)
                form[f"version_{proposal.id}"].data = proposal.version
            status, conflict = 409, _("Someone else changed these proposals after you opened the page. Nothing of "
                                      "yours was saved. Check them below and save again.")
    return _index_page(cluster_id, year, forms={prefix: form}, status=status, conflict=conflict,
                       conflict_prefix=prefix)


def _proposal_form(cluster_id: int, year: int, proposal_id: int, prefix: str, form_class, save, done: str):
    """The save cycle of a proposal's own forms (status, override): redirect when saved, else the page again."""
    db = get_session()
    service.get_proposal(db, cluster_id=cluster_id, year=year, proposal_id=proposal_id)
    form = form_class(prefix=prefix)
    status, conflict = 422, None
    if form.validate_on_submit():
        written = write(lambda: save(db, form))
        if written.ok:
            flash(done, "success")
            return redirect(_list_url(cluster_id, year, f"proposal-{proposal_id}"))
        if written.refused is not None:
            show_errors(form, written.refused)
        else:
            form.version.data = written.stale.current.version
            status, conflict = 409, conflict_message()
    return _index_page(cluster_id, year, forms={prefix: form}, status=status, conflict=conflict,
                       conflict_prefix=prefix)


@bp.route("/<int:proposal_id>/status", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def set_status(cluster_id: int, year: int, proposal_id: int):
    """Set a proposal's status by hand."""
    return _proposal_form(
        cluster_id, year, proposal_id, status_prefix(proposal_id), StatusForm,
        lambda db, form: service.set_status(session=db, user=current_user, proposal_id=proposal_id,
                                            version=form.version.data, status=form.status.data),
        _("The status is saved."))


@bp.route("/<int:proposal_id>/override", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def override(cluster_id: int, year: int, proposal_id: int):
    """Keep a proposal despite an eligibility warning, with the reason."""
    return _proposal_form(
        cluster_id, year, proposal_id, override_prefix(proposal_id), OverrideForm,
        lambda db, form: service.save_override(session=db, user=current_user, proposal_id=proposal_id,
                                               version=form.version.data, reason=form.reason.data),
        _("The reason is saved in the proposal's history."))


@bp.route("/<int:proposal_id>/delete", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def delete(cluster_id: int, year: int, proposal_id: int):
    """Delete a draft proposal."""
    db = get_session()
    service.get_proposal(db, cluster_id=cluster_id, year=year, proposal_id=proposal_id)
    form = VersionForm()
    run_step(form, lambda: service.delete_proposal(session=db, user=current_user, proposal_id=proposal_id,
                                                   version=form.version.data),
             done=_("The draft proposal is deleted."))
    return redirect(_list_url(cluster_id, year))


@bp.route("/submission/<int:award_type_id>.<any(docx, pdf):kind>")
@access(READ)
def document(cluster_id: int, year: int, award_type_id: int, kind: str):
    """The tờ trình of an award's proposals, as DOCX or PDF."""
    db = get_session()
    try:
        name, data = papers.submission_paper(db, cluster_id=cluster_id, year=year,
                                                  award_type_id=award_type_id, kind=kind)
    except DomainError as error:
        flash(str(error.message), "warning")
        return redirect(_list_url(cluster_id, year))
    return send_file(data, mimetype=DOCUMENT_TYPES[kind], as_attachment=True, download_name=name)
