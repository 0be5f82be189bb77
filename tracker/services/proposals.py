"""Proposals (đề nghị khen thưởng): created from a finalised vote, submitted with a tờ trình, then marked with what
the decision made of them. Every change appends an event to the proposal's log."""
from collections.abc import Mapping, Sequence
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker import labels
from tracker.models import (
    Award,
    AwardType,
    BallotRound,
    Board,
    ClusterYear,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RoundStatus,
    User,
)
from tracker.rules.chain import canonical
from tracker.rules.rounds import StoredOutcome, read_result
from tracker.rules.text import has_control_characters, normalise, vi_key
from tracker.services import ballots, eligibility, years
from tracker.services.catalog import get
from tracker.services.errors import Conflict, DomainError, NotFound, check_version, checked_text

MAX_NUMBER = 100  # the model's submission_number
MAX_REASON = 2000  # the model's override_reason

# A submission may be recorded (again) only before the decision.
SUBMITTABLE = (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED)


def _uid(user: User | None) -> int | None:
    """The acting account; None for the system (the demo data)."""
    return user.id if user else None


def _event(session: Session, proposal: Proposal, kind: str, user: User | None, data: dict) -> ProposalEvent:
    """Append an event to the proposal's log; the payload is canonical JSON."""
    event = ProposalEvent(proposal_id=proposal.id, kind=kind, user_id=_uid(user), payload=canonical(data))
    session.add(event)
    return event


def round_in_year(session: Session, *, cluster_id: int, year: int, round_id: int) -> BallotRound:
    """The ballot round; NotFound unless it belongs to this cluster and year."""
    row = session.exec(select(BallotRound).join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)
                       .where(BallotRound.id == round_id, ClusterYear.cluster_id == cluster_id,
                              ClusterYear.year == year)).first()
    if row is None:
        raise NotFound
    return row


def get_proposal(session: Session, *, cluster_id: int, year: int, proposal_id: int) -> Proposal:
    """The proposal; NotFound unless it belongs to this cluster and year."""
    row = session.exec(select(Proposal).join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
                       .where(Proposal.id == proposal_id, ClusterYear.cluster_id == cluster_id,
                              ClusterYear.year == year)).first()
    if row is None:
        raise NotFound
    return row


def _elected(session: Session, round_: BallotRound) -> list[tuple[BallotRound, StoredOutcome]]:
    """The outcomes of the boards elected in the round's official result and in every finalised round of the same
    award and cluster-year (its runoffs, or the main round of a runoff), each with the round that elected it."""
    finalised = session.exec(select(BallotRound).where(BallotRound.cluster_year_id == round_.cluster_year_id,
                                                       BallotRound.award_type_id == round_.award_type_id,
                                                       BallotRound.status == RoundStatus.FINALISED)
                             .order_by(BallotRound.number)).all()
    elected = []
    for row in finalised:
        official = ballots.official(ballots.revisions(session, row.id))
        result = read_result(official.result) if official is not None else None
        if result is None:  # none, or one that cannot be read (verify names it)
            continue
        elected.extend((row, outcome) for outcome in result.elected_outcomes())
    return elected


def create_from_round(*, session: Session, user: User | None, round_id: int) -> list[Proposal]:
    """One draft proposal per board elected in a finalised round (and in the finalised runoffs of its award), with
    its votes and share; a board already proposed for that award in that cluster-year is kept as it is.
    Returns the proposals created now (empty when every elected board was already proposed)."""
    round_ = get(session, BallotRound, round_id)
    if round_.status != RoundStatus.FINALISED:
        raise DomainError(_l("Proposals are created from a finalised round; finalise the round first."))
    # Lock the cluster-year: two secretaries clicking at once must not both create the same proposal.
    cluster_year = get(session, ClusterYear, round_.cluster_year_id, for_update=True)
    award = session.get(AwardType, round_.award_type_id)
    existing = set(session.exec(select(Proposal.board_id).where(Proposal.cluster_year_id == cluster_year.id,
                                                                Proposal.award_type_id == award.id)).all())
    created = []
    for source, outcome in _elected(session, round_):
        board_id = outcome.candidate
        if board_id in existing:
            continue
        existing.add(board_id)
        proposal = Proposal(cluster_year_id=cluster_year.id, board_id=board_id, award_type_id=award.id,
                            round_id=source.id, votes=outcome.votes, share=outcome.share_text)
        session.add(proposal)
        session.flush()
        _event(session, proposal, "created", user, {
            "round": source.id, "round_number": source.number, "revision": source.revision, "year": cluster_year.year,
            "board": board_id, "award": award.code, "votes": outcome.votes, "share": outcome.share_text})
        created.append(proposal)
    session.flush()
    return created


def for_year(session: Session, cluster_year_id: int) -> list[Proposal]:
    """The cluster-year's proposals, highest award first, then by board short name in Vietnamese order."""
    rows = session.exec(select(Proposal, AwardType.precedence, AwardType.code, Board.short_name)
                        .join(AwardType, AwardType.id == Proposal.award_type_id)
                        .join(Board, Board.id == Proposal.board_id)
                        .where(Proposal.cluster_year_id == cluster_year_id)).all()
    rows = sorted(rows, key=lambda r: (r[1], r[2], vi_key(r[3])))
    return [r[0] for r in rows]


def events_of(session: Session, proposal_ids: Sequence[int]) -> dict[int, list[ProposalEvent]]:
    """The event logs of several proposals (one query), each oldest first."""
    logs: dict[int, list[ProposalEvent]] = {i: [] for i in proposal_ids}
    if proposal_ids:
        query = (select(ProposalEvent).where(col(ProposalEvent.proposal_id).in_(list(proposal_ids)))
                 .order_by(ProposalEvent.at, ProposalEvent.id))
        for event in session.exec(query).all():
            logs[event.proposal_id].append(event)
    return logs


def _locked(session: Session, proposal_id: int, version: int | None) -> Proposal:
    proposal = get(session, Proposal, proposal_id, for_update=True)
    check_version(proposal, version)
    return proposal


def _number(number: str) -> str:
    number = normalise(number or "")
    if not number:
        raise DomainError(_l("Enter the number of the submission, for example 12/TTr-CTĐ."), "number")
    if len(number) > MAX_NUMBER or has_control_characters(number):
        raise DomainError(_l("Enter the number of the submission, for example 12/TTr-CTĐ (at most %(n)d "
                             "characters).", n=MAX_NUMBER), "number")
    return number


def save_submission(*, session: Session, user: User | None, cluster_id: int, year: int, proposal_ids: Sequence[int],
                    versions: Mapping[int, int | None], number: str, submitted_on: date | None) -> list[Proposal]:
    """Record the tờ trình (number and date) that submits the chosen proposals of a cluster-year, and mark them
    submitted. `versions` gives the version each proposal was shown with: a stale one is refused (Conflict)."""
    number = _number(number)
    if submitted_on is None:
        raise DomainError(_l("Enter the date of the submission."), "submitted_on")
    if submitted_on.year < year:
        raise DomainError(_l("A submission for %(year)s cannot be dated before that year.", year=year),
                          "submitted_on")
    if not proposal_ids:
        raise DomainError(_l("Tick at least one proposal."), "proposal_ids")
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None:
        raise NotFound
    saved = []
    for proposal_id in dict.fromkeys(proposal_ids):  # once each, in the order given
        proposal = get(session, Proposal, proposal_id, for_update=True)
        if proposal.cluster_year_id != cluster_year.id:
            raise DomainError(_l("Choose proposals from the list."), "proposal_ids")
        check_version(proposal, versions.get(proposal_id))
        if proposal.status not in SUBMITTABLE:
            board = session.get(Board, proposal.board_id)
            raise DomainError(_l("%(board)s is already %(status)s: a submission is recorded before the decision.",
                                 board=board.short_name, status=labels.word(labels.PROPOSAL_STATUS, proposal.status)),
                              "proposal_ids")
        if not proposal.override_reason and eligibility.warnings_for_proposal(session, proposal):
            board = session.get(Board, proposal.board_id)
            raise DomainError(_l("%(board)s breaks an eligibility rule (see its warning): give the reason it goes "
                                 "ahead before submitting it.", board=board.short_name), "proposal_ids")
        before = {"status": proposal.status, "number": proposal.submission_number,
                  "date": proposal.submission_date.isoformat() if proposal.submission_date else None}
        proposal.submission_number, proposal.submission_date = number, submitted_on
        proposal.status = ProposalStatus.SUBMITTED
        session.add(proposal)
        _event(session, proposal, "submitted", user, {"number": number, "date": submitted_on.isoformat(),
                                                      "before": before})
        saved.append(proposal)
    session.flush()
    return saved


def set_status(*, session: Session, user: User | None, proposal_id: int, version: int | None,
               status: str) -> Proposal:
    """Set a proposal's status by hand (draft, submitted, granted, granted as another form, not granted)."""
    if status not in set(ProposalStatus):
        raise DomainError(_l("Choose a status from the list."), "status")
    proposal = get(session, Proposal, proposal_id, for_update=True)
    if status == proposal.status:
        if version is None or int(version) != proposal.version:
            raise Conflict(proposal)
        return proposal  # nothing changes: no new version, no event
    check_version(proposal, version)
    _event(session, proposal, "status", user, {"from": proposal.status, "to": status})
    proposal.status = status
    session.add(proposal)
    session.flush()
    return proposal


def save_override(*, session: Session, user: User | None, proposal_id: int, version: int | None,
                  reason: str) -> Proposal:
    """Keep a proposal despite an eligibility warning, with the reason (kept on the proposal and in its log)."""
    reason = checked_text(reason, field="reason", limit=MAX_REASON,
                          required=_l("Say why the proposal goes ahead despite the warning."))
    proposal = _locked(session, proposal_id, version)
    proposal.override_reason = reason
    session.add(proposal)
    _event(session, proposal, "override", user, {"reason": reason})
    session.flush()
    return proposal


def delete_proposal(*, session: Session, user: User | None, proposal_id: int, version: int | None) -> None:
    """Delete a draft proposal with its log; one that was submitted or decided stays on record."""
    proposal = _locked(session, proposal_id, version)
    if proposal.status != ProposalStatus.DRAFT:
        raise DomainError(_l("Only a draft proposal can be deleted; this one is %(status)s.",
                             status=labels.word(labels.PROPOSAL_STATUS, proposal.status)))
    if session.exec(select(Award.id).where(Award.proposal_id == proposal.id)).first() is not None:
        raise DomainError(_l("An award refers to this proposal; it cannot be deleted."))
    for event in session.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)).all():
        session.delete(event)
    session.flush()
    session.delete(proposal)
    session.flush()
