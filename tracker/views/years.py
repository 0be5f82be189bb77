"""Cluster-years: the members of a cluster in one year, their roles, and the year-end review."""
import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from tracker import labels
from tracker.auth import EDIT_CLUSTER, READ, access
from tracker.db import get_session
from tracker.forms.years import roster_form, rule_form
from tracker.models import AwardType, BallotRound, Board, Cluster, ClusterYear, MemberRole
from tracker.rules.membership import Row, exists_in
from tracker.rules.merge import three_way
from tracker.rules.text import vi_sorted
from tracker.rules.voting import RuleValues, show_fraction
from tracker.services import catalog, decisions, meetings, voting, years
from tracker.views._forms import describe, run_edit, show_errors, write
from tracker.views._rights import may_edit_cluster

bp = Blueprint("years", __name__, url_prefix="/clusters/<int:cluster_id>/years")


def _year_or_404(year: int) -> None:
    if not years.MIN_YEAR <= year <= years.MAX_YEAR:
        abort(404)


@bp.route("/<int:year>")
@access(READ)
def detail(cluster_id: int, year: int):
    """Members and roles of one year, the host and the review's date and place."""
    _year_or_404(year)
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    boards = {b.id: b for b in db.exec(select(Board)).all()}
    members = []
    if cluster_year is not None:
        members = vi_sorted(years.memberships(db, cluster_year.id), key=lambda m: boards[m.board_id].short_name)
        order = {MemberRole.HEAD: 0, MemberRole.DEPUTY: 1}
        members.sort(key=lambda m: order.get(m.role, 2))
    recorded = sorted(db.exec(select(ClusterYear.year).where(ClusterYear.cluster_id == cluster_id)).all())
    effective, _own = voting.effective_rule(db, cluster_id, year)
    rounds, year_meetings, reconciliation = [], [], None
    if cluster_year is not None:
        year_meetings = meetings.for_year(db, cluster_year.id)
        reconciliation = decisions.reconcile(db, cluster_year.id)
        rounds = db.exec(select(BallotRound, AwardType).join(AwardType, AwardType.id == BallotRound.award_type_id)
                         .where(BallotRound.cluster_year_id == cluster_year.id)
                         .order_by(AwardType.precedence, BallotRound.number)).all()
    return render_template("years/detail.html", rounds=rounds, meetings=year_meetings, reconciliation=reconciliation,
                           cluster=cluster, year=year, cluster_year=cluster_year,
                           members=members, boards=boards, recorded=recorded, effective=effective,
                           awards=voting.award_types(db), bases=labels.THRESHOLD_BASE, fraction=show_fraction,
                           can_edit=may_edit_cluster(current_user, cluster_id=cluster_id))


@bp.route("/<int:year>/edit", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def edit(cluster_id: int, year: int):
    """The roster form: tick members, choose head, deputy and host; optionally start from another year."""
    _year_or_404(year)
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    all_boards = vi_sorted(db.exec(select(Board)).all(), key=lambda b: b.short_name)
    copy_from = request.args.get("copy_from", type=int)
    if copy_from is None and cluster_year is None and years.find(db, cluster_id, year - 1) is not None:
        copy_from = year - 1
    proposal = years.propose_roster(session=db, cluster_id=cluster_id, year=year, copy_from=copy_from,
                                    boards=all_boards)
    # Every board has a line: this cluster's members (now and before) first; other boards and boards
    # that did not exist this year are folded away in the page.
    boards = all_boards
    ours = set(proposal.rows) | years.past_members(db, cluster_id)
    existed = {b.id for b in all_boards if exists_in(years.spans([b])[b.id], year)}
    groups = {
        "current": [b for b in boards if b.id in ours and (b.id in existed or b.id in proposal.rows)],
        "others": [b for b in boards if b.id not in ours and b.id in existed],
        "missing": [b for b in boards if b.id not in existed and b.id not in proposal.rows],
    }
    data = {"version": cluster_year.version if cluster_year else 0}
    if cluster_year is not None:
        data.update(host_board_id=cluster_year.host_board_id, conference_date=cluster_year.conference_date,
                    conference_place=cluster_year.conference_place, note=cluster_year.note)
    for board_id, role in proposal.rows.items():
        data[f"member_{board_id}"] = True
        data[f"role_{board_id}"] = role
    data["loaded"] = json.dumps(_roster_values(db, cluster_year), sort_keys=True)
    if proposal.copied_from is not None and proposal.suggested_head is not None:
        data[f"role_{proposal.suggested_head}"] = MemberRole.HEAD
    # On POST only what the browser sent counts; the proposal just fills the blank form.
    form = roster_form(boards, data=data if request.method == "GET" else None)
    form.host_board_id.choices = [(None, _("— the head —"))] + [(b.id, b.short_name) for b in boards]
    conflict = None
    if form.validate_on_submit():
        rows = [Row(b.id, bool(form[f"member_{b.id}"].data), form[f"role_{b.id}"].data) for b in boards]
        roster = years.RosterData(rows=rows, host_board_id=form.host_board_id.data,
                                  conference_date=form.conference_date.data,
                                  conference_place=form.conference_place.data, note=form.note.data)

        def compare(stale):
            form.version.data = stale.current.version
            return _merge(db, form, stale.current, boards, {b.id: b for b in all_boards})

        done = write(lambda: years.save_roster(session=db, cluster_id=cluster_id, year=year, user=current_user,
                                               version=form.version.data, data=roster), on_stale=compare)
        if done.ok:
            flash(_("The members of %(year)s are saved.", year=year), "success")
            return redirect(url_for("years.detail", cluster_id=cluster_id, year=year))
        if done.refused is not None:
            show_errors(form, done.refused)
        conflict = done.compared
    status = 409 if conflict is not None else 422 if (form.errors or getattr(form, "form_errors", None)) else 200
    recorded = sorted(db.exec(select(ClusterYear.year).where(ClusterYear.cluster_id == cluster_id)).all())
    return render_template(
        "years/edit.html", cluster=cluster, year=year, cluster_year=cluster_year, form=form,
        groups=groups, opened={name: any(form[f"member_{b.id}"].errors or form[f"member_{b.id}"].data for b in rows)
                               for name, rows in groups.items()},
        proposal=proposal, by_id={b.id: b for b in all_boards}, recorded=[y for y in recorded if y != year],
        conflict=conflict, conflict_message=merged_message() if conflict is not None else None), status


SIMPLE = ("host_board_id", "conference_date", "conference_place", "note")


def merged_message() -> str:
    return _("Someone else saved these members after you opened the form; nothing of yours is saved yet. What "
             "they changed where you changed nothing is now in the form; where you both changed the same thing, "
             "both are listed below and the form keeps yours. Check the form and save.")


def _roster_values(db, cluster_year) -> dict:
    """A cluster-year's roster form values as stored (JSON-ready): host, date, place, note, each board's role."""
    if cluster_year is None:
        return {"host_board_id": None, "conference_date": None, "conference_place": "", "note": "", "members": {}}
    return {"host_board_id": cluster_year.host_board_id,
            "conference_date": cluster_year.conference_date.isoformat() if cluster_year.conference_date else None,
            "conference_place": cluster_year.conference_place or "", "note": cluster_year.note or "",
            "members": {str(m.board_id): m.role for m in years.memberships(db, cluster_year.id)}}


def _merge(db, form, current, boards, by_id) -> list[tuple[str, str, str]]:
    """A stale save of the roster, merged three ways: a field this user left as she loaded it takes what the other
    person saved; a field she changed keeps her value; where both changed it differently, both are listed. The
    form is refilled with the merge (and the stored values as its new base), so saving it again never reverts the
    other person's change."""
    stored = _roster_values(db, current)
    try:
        loaded = json.loads(form.loaded.data or "")
        loaded = loaded if isinstance(loaded, dict) else None
    except ValueError:
        loaded = None
    loaded = loaded or {}
    sent = {"host_board_id": form.host_board_id.data,
            "conference_date": form.conference_date.data.isoformat() if form.conference_date.data else None,
            "conference_place": form.conference_place.data or "", "note": form.note.data or "",
            "members": {str(b.id): form[f"role_{b.id}"].data for b in boards if form[f"member_{b.id}"].data}}
    lines = []
    roles = labels.MEMBER_ROLE
    have_base = bool(loaded)

    def pick(name, theirs, mine, base, shown):
        merged = three_way(theirs, mine, base, have_base=have_base)
        if merged.conflict:
            lines.append((shown, describe(show(name, theirs), roles), describe(show(name, mine), roles)))
        return merged.value

    def show(name, value):
        if name == "host_board_id":
            return by_id[value].short_name if value in by_id else None
        return value

    merged = {name: pick(name, stored[name], sent[name], loaded.get(name), form[name].label.text) for name in SIMPLE}
    old_members = loaded.get("members", {}) if isinstance(loaded.get("members"), dict) else {}
    members = {}
    for board in boards:
        key = str(board.id)
        role = pick("members", stored["members"].get(key), sent["members"].get(key), old_members.get(key),
                    board.short_name)
        if role is not None:
            members[key] = role
    for name in SIMPLE:
        form[name].data, form[name].raw_data = (merged[name] if name != "conference_date" or not merged[name]
                                                else date.fromisoformat(merged[name])), None
    for board in boards:
        key = str(board.id)
        form[f"member_{board.id}"].data, form[f"member_{board.id}"].raw_data = key in members, None
        form[f"role_{board.id}"].data = members.get(key, "member")
    form.loaded.data = json.dumps(stored, sort_keys=True)
    return lines


@bp.route("/<int:year>/rule", methods=["GET", "POST"])
@access(EDIT_CLUSTER, may_edit_cluster)
def rule_edit(cluster_id: int, year: int):
    """The voting rule and seats of the year, starting from the saved, copied or default values."""
    _year_or_404(year)
    db = get_session()
    cluster = catalog.get(db, Cluster, cluster_id)
    cluster_year = years.find(db, cluster_id, year)
    effective, own = voting.effective_rule(db, cluster_id, year)
    awards = [a for a in voting.award_types(db) if a.active or a.code in effective.seats]
    rule = effective.rule
    data = {"quorum": rule.quorum, "threshold": rule.threshold, "base": rule.base,
            "strict": "1" if rule.strict else "0", "tie_break": rule.tie_break,
            "second_entry": rule.second_entry, "citation": rule.citation,
            "version": own.version if own else 0}
    data.update({f"seats_{a.code}": effective.seats.get(a.code, 0) for a in awards})
    form = rule_form(awards, data=data if request.method == "GET" else None)

    def save():
        values = RuleValues(quorum=form.quorum.data, threshold=form.threshold.data, base=form.base.data,
                            strict=form.strict.data == "1", tie_break=form.tie_break.data,
                            second_entry=form.second_entry.data, citation=form.citation.data)
        seats = {a.code: form[f"seats_{a.code}"].data or 0 for a in awards}
        return voting.save_rule(session=db, cluster_id=cluster_id, year=year, version=form.version.data,
                                rule=values, seats=seats)

    return run_edit(
        form=form, save=save, conflict_fields=["base", "tie_break", "second_entry", "citation"],
        template="years/rule.html",
        saved=_("The voting rule of %(year)s is saved.", year=year),
        next_url=lambda _row: url_for("years.detail", cluster_id=cluster_id, year=year),
        cluster=cluster, year=year, cluster_year=cluster_year, effective=effective, awards=awards)
