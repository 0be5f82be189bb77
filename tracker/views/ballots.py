"""Ballot rounds in the browser: open, enter, check by a second entry, finalise, amend, runoff, documents."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from tracker import labels
from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.db import get_session
from tracker.forms.ballots import OpenRoundForm, figures_data, figures_form, figures_from
from tracker.forms.fields import VersionForm
from tracker.models import AwardType, BallotRound, Board, Cluster, ClusterYear, RoundStatus, User
from tracker.rules import rounds
from tracker.rules.ballot import format_percent
from tracker.rules.text import vi_sorted
from tracker.services import ballots, catalog, eligibility, papers, scores, voting, years
from tracker.services.errors import DomainError
from tracker.views._audit import note
from tracker.views._forms import conflict_message, run_edit, show_errors, write
from tracker.views._rights import may_edit_cluster

bp = Blueprint("ballots", __name__, url_prefix="/clusters/<int:cluster_id>")

def _load(cluster_id: int, round_id: int):
    db = get_session()
    round_ = catalog.get(db, BallotRound, round_id)
    cluster_year = db.get(ClusterYear, round_.cluster_year_id)
    if cluster_year.cluster_id != cluster_id:
        abort(404)
    return db, round_, cluster_year, db.get(Cluster, cluster_id), db.get(AwardType, round_.award_type_id)


def _boards(db) -> dict[int, Board]:
    return {b.id: b for b in db.exec(select(Board)).all()}


def outcome_rows(result: rounds.StoredResult | None, boards: dict[int, Board]) -> list[dict] | None:
    """A result as table rows in the user's language (None without a result)."""
    if result is None:
        return None
    lang = "en" if str(get_locale()) == "en" else "vi"
    return [{"board": boards[o.candidate], "votes": o.votes, "status": o.status,
             "share": format_percent(o.share, lang), "reason": o.reason(lang)} for o in result.outcomes]


@bp.route("/years/<int:year>/ballots/new", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def new(cluster_id: int, year: int):
    """Open a round: the award (with seats in the year's rule), the date, the place and the counting committee."""
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    seats = voting.effective_rule(db, cluster_id, year)[0].seats
    form = OpenRoundForm(data={"held_on": cluster_year.conference_date, "place": cluster_year.conference_place}
                         if cluster_year is not None and request.method == "GET" else None)
    form.award_type_id.choices = [(a.id, f"{a.name_vi} ({seats[a.code]})") for a in voting.award_types(db)
                                  if a.active and seats.get(a.code)]
    return run_edit(
        form=form, conflict_fields=[], template="ballots/new.html", saved=_("The round is open."),
        save=lambda: ballots.open_round(session=db, user=current_user, cluster_id=cluster_id, year=year,
                                        award_type_id=form.award_type_id.data, meeting=_meeting(form)),
        next_url=lambda row: url_for("ballots.detail", cluster_id=cluster_id, round_id=row.id),
        cluster=cluster, year=year, cluster_year=cluster_year)


def _meeting(form) -> ballots.Meeting:
    return ballots.Meeting(held_on=form.held_on.data, place=form.place.data, committee=form.committee.data)


@bp.route("/ballots/<int:round_id>")
@access(READ)
def detail(cluster_id: int, round_id: int):
    """The round: its status, candidates, counts, result with reasons, history and documents."""
    db, round_, cluster_year, cluster, award = _load(cluster_id, round_id)
    boards = _boards(db)
    reading = ballots.read(db, round_, viewer=current_user)
    provisional = reading.result if reading.result is not None and reading.result.provisional else None
    history = [{"revision": r, "result": outcome_rows(ballots.stored_result(r) if r.result else None, boards)}
               for r in reading.revisions]
    users = {u.id: u.username for u in db.exec(select(User)).all()}
    related = db.exec(select(BallotRound).where(BallotRound.cluster_year_id == round_.cluster_year_id,
                                                BallotRound.award_type_id == round_.award_type_id)
                      .order_by(BallotRound.number)).all()
    candidate_ids = ballots.candidates(db, round_, boards)
    return render_template(
        "ballots/detail.html", round=round_, cluster=cluster, year=cluster_year.year, award=award, boards=boards,
        candidates=[boards[i] for i in candidate_ids], counts=reading.counts,
        totals=scores.agreed_totals(db, round_.cluster_year_id),
        warnings=eligibility.warnings_for_round(db, round_, candidate_ids),
        provisional=outcome_rows(provisional, boards),
        official=reading.official, official_rows=outcome_rows(reading.official_result, boards),
        tied=reading.official_result.tied if reading.official_result else [], history=history, users=users,
        events=ballots.events(db, round_.id), related=related, step=VersionForm(data={"version": round_.version}),
        status=labels.word(labels.ROUND_STATUS, round_.status),
        second_entry=ballots.second_entry_required(db, round_), blind=reading.blind, mismatch=reading.mismatch,
        entered=reading.current if round_.status == RoundStatus.ENTERED else None,
        typed_by_me=reading.current is not None and reading.current.entered_by == current_user.id,
        can_edit=may_edit_cluster(current_user, cluster_id=cluster_id))


def _members(db, cluster_year, boards: dict[int, Board]) -> list[Board]:
    ids = {m.board_id for m in years.memberships(db, cluster_year.id)}
    return vi_sorted([boards[i] for i in ids], key=lambda b: b.short_name)


def _figures_page(cluster_id: int, round_id: int, mode: str):
    """The counts form in one of three modes: first entry ("enter"), second entry ("check"), "amend"."""
    db, round_, cluster_year, cluster, award = _load(cluster_id, round_id)
    boards = _boards(db)
    candidates = [boards[i] for i in ballots.candidates(db, round_, boards)]
    data = None
    if request.method == "GET":
        data = {"version": round_.version}
        counts = ballots.read(db, round_, viewer=current_user).counts  # blind to all but the one who typed them
        if mode == "enter":
            data.update(held_on=round_.held_on, place=round_.place, committee=round_.committee)
        if counts is not None and mode in ("enter", "amend"):  # the second entry is typed blind
            data.update(figures_data(counts.figures))
    members = _members(db, cluster_year, boards)
    form = figures_form(members, candidates, meeting=mode == "enter", reason=mode == "amend", data=data)
    context = {"round": round_, "cluster": cluster, "year": cluster_year.year, "award": award, "mode": mode,
               "candidates": candidates, "members": members}
    if mode == "check":
        current = ballots.current_revision(ballots.revisions(db, round_.id), round_)
        if current is not None and current.entered_by == current_user.id and round_.status == RoundStatus.ENTERED:
            flash(_("You typed these counts: the second entry is given by another secretary of the cluster, "
                    "without seeing yours."), "warning")
            return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id))
        return _check(db, form, round_, boards, context)
    save = {
        "enter": lambda: ballots.enter(session=db, user=current_user, round_id=round_id, version=form.version.data,
                                       figures=figures_from(form), meeting=_meeting(form)),
        "amend": lambda: _amended(ballots.amend(session=db, user=current_user, round_id=round_id,
                                                version=form.version.data, figures=figures_from(form),
                                                reason=form.reason.data)),
    }[mode]
    saved = _("The counts are saved; the result is shown below.") if mode == "enter" else _(
        "The amendment is saved; it is checked and finalised like the first counts.")
    return run_edit(form=form, save=save, conflict_fields=[], template="ballots/figures.html", saved=saved,
                    next_url=lambda row: url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id),
                    **context)


def _check(db, form, round_, boards, context):
    """The second entry: a match checks the round; a mismatch is recorded, both entries are shown, and it blocks."""
    mismatch, conflict = None, None
    if form.validate_on_submit():
        done = write(lambda: ballots.check(session=db, user=current_user, round_id=round_.id,
                                           version=form.version.data, figures=figures_from(form)))
        if done.refused is not None:
            show_errors(form, done.refused)
        elif done.stale is not None:
            conflict = []
        else:
            # A mismatch is committed too: the failed check is an event of the round's log.
            outcome = done.value
            if outcome is None or outcome.matched:
                flash(_("Both entries match: the counts are checked."), "success")
                return redirect(url_for("ballots.detail", cluster_id=context["cluster"].id, round_id=round_.id))
            mismatch = _mismatch_rows(outcome, boards)
            form.version.data = round_.version
    status = 409 if conflict is not None else 422 if (form.errors or getattr(form, "form_errors", None)
                                                       or mismatch) else 200
    return render_template("ballots/figures.html", form=form, mismatch=mismatch, conflict=conflict,
                           conflict_message=conflict_message() if conflict is not None else None,
                           **context), status


def _mismatch_rows(outcome: ballots.CheckOutcome, boards) -> list[tuple[str, str, str]]:
    labels = {"present": _("Members present"), "issued": _("Ballots issued"), "returned": _("Ballots returned"),
              "invalid": _("Invalid ballots")}
    rows = []
    for name in outcome.fields:
        if name.startswith("votes_"):
            board_id = int(name.removeprefix("votes_"))
            rows.append((_("Votes for %(board)s", board=boards[board_id].short_name),
                         outcome.first.votes.get(board_id), outcome.second.votes.get(board_id)))
        elif name == "present":
            rows.append((labels[name], ", ".join(sorted(boards[i].short_name for i in outcome.first.present)),
                         ", ".join(sorted(boards[i].short_name for i in outcome.second.present))))
        else:
            rows.append((labels[name], getattr(outcome.first, name), getattr(outcome.second, name)))
    return rows


@bp.route("/ballots/<int:round_id>/enter", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def enter(cluster_id: int, round_id: int):
    """The first entry of the counts."""
    return _figures_page(cluster_id, round_id, "enter")


@bp.route("/ballots/<int:round_id>/check", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def check(cluster_id: int, round_id: int):
    """The second entry, typed without seeing the first."""
    return _figures_page(cluster_id, round_id, "check")


@bp.route("/ballots/<int:round_id>/amend", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def amend(cluster_id: int, round_id: int):
    """Correct finalised counts, with a reason."""
    return _figures_page(cluster_id, round_id, "amend")


def _step(cluster_id: int, round_id: int, action, done: str):
    db, round_, _cy, _cluster, _award = _load(cluster_id, round_id)
    form = VersionForm()
    target = round_
    if form.validate_on_submit():
        written = write(lambda: action(session=db, user=current_user, round_id=round_id, version=form.version.data))
        if not written.ok:
            flash(str(written.refused.message) if written.refused is not None else conflict_message(), "danger")
            return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id))
        target = written.value or round_
        flash(done, "success")
    return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=target.id))


@bp.route("/ballots/<int:round_id>/confirm", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def confirm(cluster_id: int, round_id: int):
    """Without a second entry: confirm the entered counts as checked."""
    return _step(cluster_id, round_id, lambda **kw: ballots.check(figures=None, **kw),
                 _("The counts are confirmed."))


@bp.route("/ballots/<int:round_id>/finalise", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def finalise(cluster_id: int, round_id: int):
    """Lock the round and its result."""
    def finalise_noted(**kw):
        round_ = ballots.finalise(**kw)
        note("finalised", round=round_.id, revision=round_.revision)
        return round_

    return _step(cluster_id, round_id, finalise_noted, _("The round is finalised and locked."))


def _amended(round_):
    """Note an amendment of finalised counts in the audit log."""
    note("amended", round=round_.id, revision=round_.revision)
    return round_


@bp.route("/ballots/<int:round_id>/runoff", methods=["POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def runoff(cluster_id: int, round_id: int):
    """Open the runoff among the tied boards."""
    return _step(cluster_id, round_id, ballots.open_runoff, _("The runoff round is open."))


DOCUMENTS = {"minutes": lambda db, round_, kind: papers.minutes(db, round_, kind, viewer=current_user),
             "ballot": papers.ballot_paper}
TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


@bp.route("/ballots/<int:round_id>/<any(minutes, ballot):document>.<any(docx, pdf):kind>")
@access(READ)
def document(cluster_id: int, round_id: int, document: str, kind: str):
    """The minutes or the blank ballot paper of the round, as DOCX or PDF."""
    db, round_, _cy, _cluster, _award = _load(cluster_id, round_id)
    if document == "minutes" and round_.status == RoundStatus.DRAFT:
        flash(_("The minutes need the counts: enter them first."), "warning")
        return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id))
    try:
        name, data = DOCUMENTS[document](db, round_, kind)
    except DomainError as refused:
        flash(str(refused.message), "warning")
        return redirect(url_for("ballots.detail", cluster_id=cluster_id, round_id=round_id))
    return send_file(data, mimetype=TYPES[kind], as_attachment=True, download_name=name)
