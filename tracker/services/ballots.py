"""Ballot rounds: open, enter the counts, check them by a second entry, finalise, amend, open a runoff.
Every step appends a hash-chained event; this module is the only writer of rounds, revisions and events."""
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, func, select

from tracker import labels
from tracker.models import (
    AwardType,
    BallotEvent,
    BallotRevision,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    RoundStatus,
    User,
    VotingRule,
)
from tracker.rules import ballot
from tracker.rules import rounds as rules
from tracker.rules import voting as voting_rules
from tracker.rules.chain import GENESIS, canonical, link
from tracker.rules.text import vi_sorted
from tracker.services import permissions, scores, seals, voting, years
from tracker.services.catalog import get
from tracker.services.errors import DomainError, check_version


@dataclass(frozen=True)
class Meeting:
    """When and where the vote was held and who counted it (printed on the minutes)."""

    held_on: date | None = None
    place: str = ""
    committee: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    """The second entry: whether it matched the first, and the fields that differ."""

    matched: bool
    fields: list[str]
    first: rules.Figures
    second: rules.Figures


def _now() -> datetime:
    return datetime.now(UTC)


def _uid(user: User | None) -> int | None:
    """The acting account; None for the system (the demo data)."""
    return user.id if user else None


def append_event(session: Session, round_: BallotRound, kind: str, user: User | None, data: dict) -> BallotEvent:
    """Add an event to the round's chain, move its head, and seal it into the ledger (seals.py), with the round's
    decisive fields as they stand after it: every writer sets them before it appends."""
    seals.seal_legacy(session)
    seq = (session.exec(select(func.max(BallotEvent.seq)).where(BallotEvent.round_id == round_.id)).one() or 0) + 1
    at = _now()
    # A random nonce in every payload: the chain's hashes, shown on the round page and in the audit log, then
    # cannot be tried against guessed counts to learn figures still waiting for their second entry.
    payload = canonical({"kind": kind, "round": round_.id, "seq": seq, "revision": round_.revision,
                         "user": user.username if user else None, "at": at.isoformat(), "data": data,
                         "nonce": secrets.token_hex(16)})
    prev = round_.chain_head or GENESIS
    event = BallotEvent(round_id=round_.id, seq=seq, kind=kind, user_id=_uid(user), at=at,
                        payload=payload, prev_hash=prev, hash=link(prev, payload))
    session.add(event)
    round_.chain_head = event.hash
    session.add(round_)
    session.flush()
    seals.seal(session, [event], {round_.id: round_})
    return event


def round_rule(session: Session, round_: BallotRound) -> voting_rules.RuleValues:
    """The rule a round counts and checks under: the one it was opened with (a round opened before rounds kept
    their rule, and not given one by the migration, follows its year's saved rule)."""
    if round_.rule:
        return voting_rules.rule_from_json(json.loads(round_.rule))
    return voting.rule_values(saved_rule(session, session.get(ClusterYear, round_.cluster_year_id)))


def saved_rule(session: Session, cluster_year: ClusterYear) -> VotingRule:
    """The rule saved for the cluster-year; a round is never counted under unsaved suggestions."""
    row = session.exec(select(VotingRule).where(VotingRule.cluster_year_id == cluster_year.id)).first()
    if row is None:
        raise DomainError(_l("Save the voting rule of %(year)s first: the suggested defaults are shown there.",
                             year=cluster_year.year))
    return row


def open_round(*, session: Session, user: User, cluster_id: int, year: int, award_type_id: int | None,
               meeting: Meeting, illustrative: bool = False) -> BallotRound:
    """Open the main round of a cluster-year for an award, with the seats of the year's saved rule."""
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None:
        raise DomainError(_l("Record the members of %(year)s first; the rule belongs to that year.", year=year))
    rule = voting.rule_values(saved_rule(session, cluster_year))
    award = session.get(AwardType, award_type_id) if award_type_id else None
    if award is None or not award.active:
        raise DomainError(_l("Choose an award type in use."), "award_type_id")
    seats = voting.effective_rule(session, cluster_id, year)[0].seats.get(award.code, 0)
    if seats < 1:
        raise DomainError(_l("The rule of %(year)s gives no seats for this award; set them in the voting rule.",
                             year=year), "award_type_id")
    taken = select(BallotRound).where(BallotRound.cluster_year_id == cluster_year.id,
                                      BallotRound.award_type_id == award.id)
    if session.exec(taken).first() is not None:
        raise DomainError(_l("This award already has a round in %(year)s; open it from the year's page.",
                             year=year), "award_type_id")
    round_ = BallotRound(cluster_year_id=cluster_year.id, award_type_id=award.id, seats=seats,
                         held_on=meeting.held_on or cluster_year.conference_date,
                         place=meeting.place or cluster_year.conference_place, committee=meeting.committee,
                         rule=canonical(voting_rules.rule_json(rule)), illustrative=illustrative)
    session.add(round_)
    session.flush()
    append_event(session, round_, "opened", user, {"cluster_year": cluster_year.id, "year": year,
                                                   "award": award.code, "number": 1, "seats": seats,
                                                   "rule": voting_rules.rule_json(rule)})
    return round_


def revisions(session: Session, round_id: int) -> list[BallotRevision]:
    """Every version of a round's counts, oldest first."""
    query = select(BallotRevision).where(BallotRevision.round_id == round_id).order_by(BallotRevision.revision)
    return list(session.exec(query).all())


def events(session: Session, round_id: int) -> list[BallotEvent]:
    """The round's event log, in order."""
    return list(session.exec(select(BallotEvent).where(BallotEvent.round_id == round_id)
                             .order_by(BallotEvent.seq)).all())


def official(revs: list[BallotRevision]) -> BallotRevision | None:
    """The latest finalised revision: the result that counts."""
    return next((r for r in reversed(revs) if r.finalised_at is not None), None)


def current_revision(revs: list[BallotRevision], round_: BallotRound) -> BallotRevision | None:
    """The revision the round is at, when its counts are entered (None before the first entry)."""
    return next((r for r in revs if r.revision == round_.revision and r.counts), None)


def stored_result(revision: BallotRevision) -> rules.StoredResult | None:
    """A finalised revision's stored result, its reasons in this version's words (rules.reworded)."""
    result = rules.read_result(revision.result)
    if result is None:
        return None
    return rules.reworded(result, json.loads(revision.counts) if revision.counts else None)


def result_of(revision: BallotRevision | None) -> rules.StoredResult | None:
    """A revision's result: the one stored when it was finalised, else the provisional tally of its counts (None
    without counts, or when the stored counts contradict each other)."""
    if revision is None:
        return None
    if revision.result and revision.finalised_at is not None:  # a result counts only once finalised
        return stored_result(revision)
    counts = rules.read_counts(revision.counts)
    if counts is None:
        return None
    try:
        return counts.tally()
    except ballot.BallotError:
        return None


@dataclass(frozen=True)
class Reading:
    """What a round holds, read once for one viewer: its revisions, the current one with its counts, and the
    official result. Counts waiting for their second entry (or confirmation) are `blind`: only the person who
    typed them sees them, so `counts` and `result` are None for everyone else."""

    revisions: list[BallotRevision]
    current: BallotRevision | None  # the revision the round is at, once counts are entered
    counts: rules.StoredCounts | None  # the current revision's counts (None when blind to this viewer)
    result: rules.StoredResult | None  # the current revision's result, stored or provisional (None when blind)
    official: BallotRevision | None  # the latest finalised revision
    official_result: rules.StoredResult | None
    blind: bool = False  # the current counts wait for their check, and this viewer did not type them
    mismatch: bool = False  # the last second entry did not match: both entries are shown to both


BLIND_UNTIL = ("entered", "amended", "check_failed")  # the events that start or end a wait for the second entry


def _last_mismatched(session: Session, round_id: int) -> bool:
    """Whether the round's latest entry was followed by a second entry that did not match (one query)."""
    kind = session.exec(select(BallotEvent.kind).where(BallotEvent.round_id == round_id,
                                                       col(BallotEvent.kind).in_(BLIND_UNTIL))
                        .order_by(col(BallotEvent.seq).desc()).limit(1)).first()
    return kind == "check_failed"


def blind_to(revision: BallotRevision | None, viewer: User | None, *, mismatch: bool) -> bool:
    """Whether a revision's counts are hidden from `viewer`: typed but not yet checked (or confirmed), by someone
    else, and no mismatch has shown both entries. An administrator is no exception: she may be the checker."""
    if revision is None or not revision.counts or revision.checked_at is not None or revision.finalised_at:
        return False
    if viewer is not None and getattr(viewer, "id", None) is not None and revision.entered_by == viewer.id:
        return False
    return not mismatch


def read(session: Session, round_: BallotRound, *, viewer: User | None) -> Reading:
    """The round's revisions, its current counts and result as `viewer` may see them, and the result that counts.
    `viewer` None is the system (the demo, a recount), which sees everything."""
    revs = revisions(session, round_.id)
    current, final = current_revision(revs, round_), official(revs)
    mismatch = current is not None and current.checked_at is None and _last_mismatched(session, round_.id)
    blind = viewer is not None and blind_to(current, viewer, mismatch=mismatch)
    shown = None if blind else current
    return Reading(revisions=revs, current=current, counts=rules.read_counts(shown.counts) if shown else None,
                   result=result_of(shown), official=final,
                   official_result=stored_result(final) if final else None, blind=blind,
                   mismatch=mismatch)


@dataclass(frozen=True)
class Waiting:
    """A round whose counts wait for a second entry this user may give."""

    round: BallotRound
    cluster: Cluster
    year: int
    award: AwardType
    entered_by: str
    entered_at: datetime | None


def waiting_for(session: Session, user: User) -> list[Waiting]:
    """The rounds waiting for a second entry that `user` may give: in her clusters, entered (or amended) by
    someone else, under a rule that asks for one (two queries whatever the number of rounds)."""
    mine = permissions.clusters_of(session, user)
    query = (select(BallotRound, BallotRevision, ClusterYear, Cluster, AwardType)
             .join(BallotRevision, (BallotRevision.round_id == BallotRound.id)
                   & (BallotRevision.revision == BallotRound.revision))
             .join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)
             .join(Cluster, Cluster.id == ClusterYear.cluster_id)
             .join(AwardType, AwardType.id == BallotRound.award_type_id)
             .where(BallotRound.status == RoundStatus.ENTERED)
             .order_by(ClusterYear.year, Cluster.name, AwardType.precedence, BallotRound.number))
    if mine is not None:
        query = query.where(col(ClusterYear.cluster_id).in_(sorted(mine)))
    rows = [row for row in session.exec(query).all() if row[1].entered_by != user.id]
    names = dict(session.exec(select(User.id, User.username).where(
        col(User.id).in_(sorted({r.entered_by for _, r, *_ in rows if r.entered_by})))).all())
    return [Waiting(round_, cluster, cluster_year.year, award, names.get(revision.entered_by, ""),
                    revision.entered_at)
            for round_, revision, cluster_year, cluster, award in rows if _asks_second_entry(round_)]


def _asks_second_entry(round_: BallotRound) -> bool:
    return not round_.rule or voting_rules.rule_from_json(json.loads(round_.rule)).second_entry


def elected_higher(session: Session, round_: BallotRound) -> set[int]:
    """Boards elected for a higher award in the same cluster-year, by counts that are checked at least (counts
    still waiting for their second entry are blind: they must not show through the candidates of another
    round)."""
    award = session.get(AwardType, round_.award_type_id)
    query = (select(BallotRevision).join(BallotRound, BallotRevision.round_id == BallotRound.id)
             .join(AwardType, AwardType.id == BallotRound.award_type_id)
             .where(BallotRound.cluster_year_id == round_.cluster_year_id, AwardType.precedence < award.precedence,
                    col(BallotRevision.checked_at).is_not(None), BallotRevision.counts != "")
             .order_by(BallotRevision.round_id, BallotRevision.revision))
    latest = {revision.round_id: revision for revision in session.exec(query).all()}  # the last checked one
    elected: set[int] = set()
    for revision in latest.values():
        result = result_of(revision)
        if result is not None:
            elected.update(result.elected)
    return elected


def candidates(session: Session, round_: BallotRound, boards: dict[int, Board]) -> list[int]:
    """The round's candidates in ballot order: the tied boards of a runoff, the boards already entered, or the
    year's members less those elected for a higher award; ordered by the score sheet's ranking (agreed totals),
    then, among equals and unscored boards, in Vietnamese order of short name."""
    if round_.runoff_candidates:
        ids = json.loads(round_.runoff_candidates)
    else:
        current = current_revision(revisions(session, round_.id), round_)
        counts = rules.read_counts(current.counts) if current is not None else None
        if counts is not None:
            ids = list(counts.figures.votes)
        else:
            members = {m.board_id for m in years.memberships(session, round_.cluster_year_id)}
            ids = list(members - elected_higher(session, round_))
    totals = scores.agreed_totals(session, round_.cluster_year_id)
    ordered = vi_sorted([boards[i] for i in ids], key=lambda b: b.short_name)
    ordered.sort(key=lambda b: -totals.get(b.id, -1))  # the score ranking first; stable, so ties stay alphabetical
    return [b.id for b in ordered]


FIGURE_MESSAGES = {
    "present_not_member": lambda n: _l("Only members of the year can be present."),
    "candidates_changed": lambda n: _l("The candidates changed meanwhile; reload the page."),
    "issued_over_present": lambda n: _l("%(n)d ballots issued, but only %(p)d members are ticked present.",
                                        n=n["n"], p=n["limit"]),
    "returned_over_issued": lambda n: _l("%(n)d ballots returned, but only %(i)d issued.", n=n["n"], i=n["limit"]),
    "invalid_over_returned": lambda n: _l("%(n)d invalid ballots, but only %(r)d returned.", n=n["n"],
                                          r=n["limit"]),
    "votes_over_valid": lambda n: _l("%(v)d votes, but only %(n)d valid ballots.", v=n["n"], n=n["limit"]),
    "total_over_marks": lambda n: _l("The votes add up to %(t)d, more than valid ballots × seats = %(v)d × %(s)d = "
                                     "%(m)d: a ballot marks at most %(s)d names.", **n),
}


def check_figures(members: set[int], seats: int, candidate_ids: list[int], figures: rules.Figures) -> None:
    """Refuse counts that contradict each other, each message beside its field and naming the numbers."""
    errors: dict[str | None, list] = {}
    for problem in rules.problems(members, seats, candidate_ids, figures):
        errors.setdefault(problem.field, []).append(FIGURE_MESSAGES[problem.code](problem.numbers))
    if errors:
        raise DomainError(None, errors=errors)


def _locked(session: Session, round_id: int, version: int | None, *allowed: RoundStatus) -> BallotRound:
    round_ = get(session, BallotRound, round_id, for_update=True)
    check_version(round_, version)
    if round_.status not in allowed:
        status = labels.word(labels.ROUND_STATUS, round_.status)
        raise DomainError(_l("This round is %(status)s now; reload the page.", status=status))
    return round_


def _counts(session: Session, round_: BallotRound, figures: rules.Figures) -> dict:
    """Check the figures against the year's members, the round's candidates and the saved rule; store them."""
    cluster_year = session.get(ClusterYear, round_.cluster_year_id)
    rule = round_rule(session, round_)
    members = {m.board_id for m in years.memberships(session, cluster_year.id)}
    boards = {b.id: b for b in session.exec(select(Board)).all()}
    check_figures(members, round_.seats, candidates(session, round_, boards), figures)
    totals = scores.agreed_totals(session, cluster_year.id) if rule.tie_break == "score" else None
    counts = rules.counts_json(rule, members, round_.seats, figures, totals)
    try:
        rules.tally_counts(counts)
    except ballot.BallotError as error:  # the checks above should have caught it: still never half-save
        raise DomainError(str(error)) from None
    return counts


def _current(session: Session, round_: BallotRound) -> BallotRevision:
    """The revision a writer changes: the round's current one, or a new one before the first entry."""
    row = next((r for r in revisions(session, round_.id) if r.revision == round_.revision), None)
    return row or BallotRevision(round_id=round_.id, revision=round_.revision)


def enter(*, session: Session, user: User, round_id: int, version: int | None, figures: rules.Figures,
          meeting: Meeting) -> BallotRound:
    """The first entry of the counts (again, until they are checked)."""
    round_ = _locked(session, round_id, version, RoundStatus.DRAFT, RoundStatus.ENTERED)
    counts = _counts(session, round_, figures)
    revision = _current(session, round_)
    revision.counts, revision.entered_by, revision.entered_at = canonical(counts), _uid(user), _now()
    round_.held_on, round_.place, round_.committee = meeting.held_on, meeting.place, meeting.committee
    round_.status = RoundStatus.ENTERED
    session.add(revision)
    append_event(session, round_, "entered", user, {"counts": counts, "held_on": str(meeting.held_on or ""),
                                                    "place": meeting.place, "committee": meeting.committee})
    return round_


def second_entry_required(session: Session, round_: BallotRound) -> bool:
    """Whether the round's rule asks a second person to re-enter the counts: the rule it was opened with, so
    switching the year's second entry off later does not let anyone skip it."""
    return round_rule(session, round_).second_entry


def check(*, session: Session, user: User, round_id: int, version: int | None,
          figures: rules.Figures | None) -> CheckOutcome | None:
    """The second entry, typed without seeing the first: a match checks the round; a mismatch is recorded and
    blocks. With the second entry switched off, `figures` is None and the round is confirmed as entered."""
    round_ = _locked(session, round_id, version, RoundStatus.ENTERED)
    revision = _current(session, round_)
    first = rules.read_counts(revision.counts).figures
    outcome = None
    if second_entry_required(session, round_):
        if figures is None:
            raise DomainError(_l("This cluster re-enters the counts before they are checked."))
        if user is None or revision.entered_by == user.id:
            raise DomainError(_l("The second entry must be made by someone other than the first."))
        fields = rules.differences(first, figures)
        outcome = CheckOutcome(not fields, fields, first, figures)
        if fields:
            append_event(session, round_, "check_failed", user, {"figures": rules.figures_json(figures),
                                                                  "fields": fields})
            return outcome
    revision.checked_by, revision.checked_at = _uid(user), _now()
    round_.status = RoundStatus.CHECKED
    session.add(revision)
    append_event(session, round_, "checked", user, {"second_entry": outcome is not None})
    return outcome


def finalise(*, session: Session, user: User, round_id: int, version: int | None) -> BallotRound:
    """Lock the checked counts and store their result; from now on only an amendment changes them."""
    round_ = _locked(session, round_id, version, RoundStatus.CHECKED)
    revision = _current(session, round_)
    if canonical(_checked_counts(session, round_)) != revision.counts:
        raise DomainError(_l("The stored counts are not those entered and checked: they were changed outside the "
                             "tracker. Nothing is finalised; run the ledger check."))
    counts = rules.read_counts(revision.counts).data
    result = rules.result_json(rules.tally_counts(counts))
    revision.result, revision.finalised_by, revision.finalised_at = canonical(result), _uid(user), _now()
    round_.status = RoundStatus.FINALISED
    session.add(revision)
    append_event(session, round_, "finalised", user, {"counts": counts, "result": result})
    return round_


def _checked_counts(session: Session, round_: BallotRound):
    """The counts of the round's current revision as its ledger last recorded them entered, when a check
    followed (None otherwise)."""
    counts, checked = None, False
    for event in events(session, round_.id):
        payload = json.loads(event.payload)
        if payload.get("revision") != round_.revision:
            continue
        if payload["kind"] in ("entered", "amended"):
            counts, checked = payload["data"].get("counts"), False
        elif payload["kind"] == "checked":
            checked = True
    return counts if checked else None


def amend(*, session: Session, user: User, round_id: int, version: int | None, figures: rules.Figures,
          reason: str) -> BallotRound:
    """Correct a finalised round: a new revision with its reason, to be checked and finalised again."""
    if not reason.strip():
        raise DomainError(_l("Say why the finalised counts are corrected."), "reason")
    round_ = _locked(session, round_id, version, RoundStatus.FINALISED)
    counts = _counts(session, round_, figures)
    round_.revision += 1
    round_.status = RoundStatus.ENTERED
    session.add(BallotRevision(round_id=round_.id, revision=round_.revision, reason=reason, counts=canonical(counts),
                               entered_by=_uid(user), entered_at=_now()))
    append_event(session, round_, "amended", user, {"reason": reason, "counts": counts})
    return round_


def open_runoff(*, session: Session, user: User, round_id: int, version: int | None) -> BallotRound:
    """Open a runoff among the boards tied at the last seat of a finalised round, for the seats left."""
    round_ = _locked(session, round_id, version, RoundStatus.FINALISED)
    result = rules.read_result(official(revisions(session, round_.id)).result)
    tied = result.tied if result is not None else []
    if not tied:
        raise DomainError(_l("No tie needs a runoff in this round."))
    if session.exec(select(BallotRound).where(BallotRound.runoff_of_id == round_.id)).first() is not None:
        raise DomainError(_l("The runoff of this round is already open."))
    number = session.exec(select(func.max(BallotRound.number)).where(
        BallotRound.cluster_year_id == round_.cluster_year_id, BallotRound.award_type_id == round_.award_type_id)).one()
    runoff = BallotRound(cluster_year_id=round_.cluster_year_id, award_type_id=round_.award_type_id,
                         number=number + 1, runoff_of_id=round_.id, runoff_candidates=json.dumps(tied),
                         seats=round_.seats - len(result.elected), held_on=round_.held_on, place=round_.place,
                         committee=round_.committee, rule=round_.rule, illustrative=round_.illustrative)
    session.add(runoff)
    session.flush()
    append_event(session, runoff, "opened", user, {"runoff_of": round_.id, "number": runoff.number,
                                                   "seats": runoff.seats, "candidates": tied,
                                                   "rule": json.loads(runoff.rule) if runoff.rule else None})
    return runoff


