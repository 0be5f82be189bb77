"""The register of decisions (quyết định khen thưởng), the awards they grant, awards kept from before the tracker,
and the reconciliation of what a cluster-year proposed with what was granted.

Saving or removing an award pairs the board's awards of that achievement year with its proposals again
(`tracker.rules.reconcile.settle`): a proposal answered by an award of the form asked for is granted, by another
form granted as another form, and one that loses its award goes back to submitted; each change is logged.

The scan of a decision follows the transaction like a meeting's files: written under a temporary name, renamed
when the session commits, removed on rollback; a replaced or deleted scan goes once the change is committed.
"""
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.models import (
    Authority,
    Award,
    AwardType,
    Board,
    Cluster,
    ClusterYear,
    Decision,
    Membership,
    Proposal,
    ProposalEvent,
    User,
)
from tracker.rules import reconcile as rules
from tracker.rules.authorities import in_force, successors
from tracker.rules.chain import canonical
from tracker.rules.membership import Span, exists_in
from tracker.rules.text import has_control_characters, normalise, vi_key
from tracker.services import permissions, uploads
from tracker.services.catalog import get
from tracker.services.errors import DomainError, NotFound, check_version

MAX_NUMBER, MAX_SIGNER, MAX_NOTE, MAX_AWARD_NOTE = 100, 200, 2000, 500
MIN_YEAR, MAX_YEAR = 1945, 2100  # the first emulation awards date from 1945
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.pdf")

def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@dataclass
class DecisionData:
    """The editable fields of a decision."""

    number: str
    decided_on: date | None
    authority_id: int | None
    signer_name: str = ""
    signer_title: str = ""
    note: str = ""
    cluster_id: int | None = None  # the cluster that keeps it (None: the administrators')


@dataclass
class AwardLine:
    """One award: the board, the form of award and the achievement year."""

    board_id: int | None
    award_type_id: int | None
    year: int | None
    note: str = ""


@dataclass(frozen=True)
class AwardRow:
    """An award as listed: its board and form, and the proposal it answers (with that proposal's cluster)."""

    award: Award
    board: Board
    award_type: AwardType
    proposal: Proposal | None
    cluster: Cluster | None
    decision: Decision | None


# Reading -----------------------------------------------------------------------------------------------------


def successor_of(session: Session):
    """How to find an authority's successor in this database (for tracker.rules.authorities)."""
    return lambda authority: session.get(Authority, authority.successor_id) if authority.successor_id else None


def get_decision(session: Session, decision_id: int, *, for_update: bool = False) -> Decision:
    """The decision, or NotFound; locked for the transaction when asked."""
    return get(session, Decision, decision_id, for_update=for_update)


def register(session: Session) -> list[tuple[Decision, Authority, int]]:
    """Every decision with its authority and how many awards it grants, newest first (one query)."""
    granted = (select(Award.decision_id, func.count(Award.id).label("n")).group_by(Award.decision_id).subquery())
    query = (select(Decision, Authority, granted.c.n).join(Authority, Authority.id == Decision.authority_id)
             .outerjoin(granted, granted.c.decision_id == Decision.id)
             .order_by(col(Decision.decided_on).desc(), col(Decision.id).desc()))
    return [(decision, authority, n or 0) for decision, authority, n in session.exec(query).all()]


def _award_rows(session: Session, *conditions) -> list[AwardRow]:
    query = (select(Award, Board, AwardType, Proposal, Cluster, Decision)
             .join(Board, Board.id == Award.board_id).join(AwardType, AwardType.id == Award.award_type_id)
             .outerjoin(Proposal, Proposal.id == Award.proposal_id)
             .outerjoin(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
             .outerjoin(Cluster, Cluster.id == ClusterYear.cluster_id)
             .outerjoin(Decision, Decision.id == Award.decision_id)
             .where(*conditions))
    rows = [AwardRow(*row) for row in session.exec(query).all()]
    return sorted(rows, key=lambda r: (-r.award.year, r.award_type.precedence, vi_key(r.board.short_name)))


def decision_awards(session: Session, decision_id: int) -> list[AwardRow]:
    """The awards a decision grants, latest achievement year first, then highest award, then board (one query)."""
    return _award_rows(session, Award.decision_id == decision_id)


def past_awards(session: Session) -> list[AwardRow]:
    """The awards recorded without a decision (kept from before the tracker), latest year first (one query)."""
    return _award_rows(session, col(Award.decision_id).is_(None))


def recordable_boards(session: Session, user: User | None) -> set[int] | None:
    """The boards a user may choose on an award form (None: every board); see permissions.recordable_boards."""
    return permissions.recordable_boards(session, user)


def removable(session: Session, user: User | None, awards: list[Award]) -> set[int] | None:
    """The awards among `awards` the user may remove (None: every one), in two queries whatever their number."""
    mine = permissions.clusters_of(session, user)
    if mine is None:
        return None
    owners = permissions.award_owners(session, [(a.board_id, a.year) for a in awards])
    return {a.id for a in awards if owners[a.board_id, a.year] & mine}


def may_edit(session: Session, user: User | None, decision: Decision, awards: list[Award],
             removable_ids: set[int] | None) -> bool:
    """Whether the user may change this decision's own fields or scan, or delete it, given its `awards` and which
    of them she may remove (`removable`): the rule of permissions.may_edit_decision without reading them again."""
    mine = permissions.clusters_of(session, user)
    if mine is None or removable_ids is None:
        return mine is None
    return decision.cluster_id in mine and all(a.id in removable_ids for a in awards)


# Decisions ---------------------------------------------------------------------------------------------------


def save_decision(*, session: Session, decision_id: int | None, version: int | None, data: DecisionData,
                  user: User | None = None) -> Decision:
    """Create or update a decision; its authority must be the name in force on its date, and its number is
    unique for that date. A secretary records a decision for one of her clusters and changes only her cluster's
    decision whose award lines are all hers (permissions.py); which cluster keeps a decision is the
    administrators' to change."""
    decision = None
    mine = permissions.clusters_of(session, user)
    if decision_id is not None:
        decision = get_decision(session, decision_id, for_update=True)
        check_version(decision, version)
        check_own(session, user, decision, _l("This decision is kept by another cluster or also grants awards to "
                                              "boards outside your clusters; ask an administrator to change it."))
    cluster_id = data.cluster_id
    if mine is not None:
        if decision is not None:
            cluster_id = decision.cluster_id  # a secretary never hands a decision to another cluster
        elif cluster_id is None and len(mine) == 1:
            cluster_id = next(iter(mine))  # her one cluster
        elif cluster_id not in mine:
            raise DomainError(_l("Choose one of your clusters."), "cluster_id")
    elif cluster_id is not None and session.get(Cluster, cluster_id) is None:
        raise DomainError(_l("Choose a cluster from the list."), "cluster_id")
    number = normalise(data.number or "")
    texts = {"number": number, "signer_name": normalise(data.signer_name or ""),
             "signer_title": normalise(data.signer_title or ""), "note": normalise(data.note or "")}
    errors = _text_problems(texts)
    if not number:
        errors.setdefault("number", []).append(_l("Enter the decision's number, for example 1234/QĐ-BKHĐT."))
    if data.decided_on is None:
        errors.setdefault("decided_on", []).append(_l("Enter the decision's date."))
    authority = session.get(Authority, data.authority_id) if data.authority_id is not None else None
    if authority is None:
        errors.setdefault("authority_id", []).append(_l("Choose the authority from the list."))
    elif data.decided_on is not None and not in_force(authority, data.decided_on):
        errors.setdefault("authority_id", []).append(_not_in_force(session, authority, data.decided_on))
    if data.decided_on is not None and number and "number" not in errors:
        wanted = number.casefold()
        same_day = session.exec(select(Decision.id, Decision.number).where(Decision.decided_on == data.decided_on))
        if any(other_id != decision_id and normalise(other).casefold() == wanted for other_id, other in same_day):
            errors.setdefault("number", []).append(_l("Decision %(number)s of %(day)s is already in the register.",
                                                      number=number, day=_day(data.decided_on)))
    if decision_id is not None and data.decided_on is not None:
        latest = session.exec(select(func.max(Award.year)).where(Award.decision_id == decision_id)).one()
        if latest is not None and latest > data.decided_on.year:
            errors.setdefault("decided_on", []).append(
                _l("This decision grants awards for %(year)s: it cannot be dated before that year.", year=latest))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    if decision is None:
        decision = Decision(number=number, decided_on=data.decided_on, authority_id=authority.id)
    decision.number = number
    decision.decided_on = data.decided_on
    decision.authority_id = authority.id
    decision.signer_name, decision.signer_title, decision.note = (
        texts["signer_name"], texts["signer_title"], texts["note"])
    decision.cluster_id = cluster_id
    session.add(decision)
    session.flush()
    return decision


def _text_problems(texts: dict[str, str]) -> dict[str, list]:
    limits = {"number": MAX_NUMBER, "signer_name": MAX_SIGNER, "signer_title": MAX_SIGNER, "note": MAX_NOTE}
    errors: dict[str, list] = {}
    for name, value in texts.items():
        if len(value) > limits[name]:
            errors.setdefault(name, []).append(_l("At most %(max)d characters.", max=limits[name]))
        elif has_control_characters(value):
            errors.setdefault(name, []).append(
                _l("The text contains invisible control characters; please retype it."))
    return errors


def _not_in_force(session: Session, authority: Authority, day: date):
    """Why this authority cannot sign on that day, naming the one that could when the catalogue knows it."""
    if authority.valid_from is not None and day < authority.valid_from:
        return _l("The name “%(name)s” came into force on %(start)s, after the decision's date.",
                  name=authority.name, start=_day(authority.valid_from))
    later = successors(authority, successor_of(session))
    # the successor in force that day, else the direct one
    successor = next((s for s in later if in_force(s, day)), later[0] if later else None)
    if successor is not None:
        return _l("The name “%(name)s” was in force until %(end)s; on %(day)s the authority was “%(successor)s”.",
                  name=authority.name, end=_day(authority.valid_to), day=_day(day), successor=successor.name)
    return _l("The name “%(name)s” was in force only until %(end)s.", name=authority.name,
              end=_day(authority.valid_to))


def check_own(session: Session, user: User | None, decision: Decision, message) -> list[Award]:
    """The decision's awards; refused (with `message`) unless the user may change the decision itself
    (permissions.may_edit_decision). `user` None is the system itself (commands, tests)."""
    awards = list(session.exec(select(Award).where(Award.decision_id == decision.id)).all())
    if not permissions.may_edit_decision(session, user, decision, [(a.board_id, a.year) for a in awards]):
        raise DomainError(message)
    return awards


def delete_decision(*, session: Session, user: User | None, decision_id: int, version: int | None,
                    folder: str | Path) -> None:
    """Delete a decision with its awards (the proposals they answered go back to submitted); its scan goes once
    this is committed. A secretary may delete only a decision whose awards are all for boards of her clusters."""
    decision = get_decision(session, decision_id, for_update=True)
    check_version(decision, version)
    awards = check_own(session, user, decision, _l("This decision is kept by another cluster or also grants awards "
                                                   "to boards outside your clusters; ask an administrator to "
                                                   "delete it."))
    touched: dict[tuple[int, int], set[int]] = {}
    for award in awards:
        touched.setdefault((award.board_id, award.year), set()).update(
            {award.proposal_id} if award.proposal_id is not None else set())
        session.delete(award)
    session.flush()
    if decision.scan_name:
        uploads.discard(session, folder, decision.scan_name)
    session.delete(decision)
    session.flush()
    for (board_id, year), linked in sorted(touched.items()):
        _rematch(session, user, board_id, year, linked)
    session.flush()


# The scan ----------------------------------------------------------------------------------------------------


def attach_scan(*, session: Session, decision: Decision, filename: str | None, data: bytes, folder: str | Path,
                max_bytes: int = uploads.MAX_BYTES, user: User | None = None) -> Decision:
    """Check a PDF by its content and keep it as the decision's scan under a random name, replacing the one before
    (whose file goes once this is committed). A secretary replaces only the scan of a decision of her boards."""
    check_own(session, user, decision, _l("This decision is kept by another cluster or also grants awards to "
                                          "boards outside your clusters; ask an administrator to change it."))
    if data and len(data) <= max_bytes and uploads.sniff(data) is not uploads.PDF:
        raise DomainError(_l("The scan of a decision must be a PDF document; this file is not one, whatever its "
                             "name says."), "file")
    kind, name = uploads.check_file(filename, data, max_bytes=max_bytes)
    if kind is not uploads.PDF:  # check_file accepts photos too
        raise DomainError(_l("The scan of a decision must be a PDF document."), "file")
    session.refresh(decision, with_for_update=True)
    stored_name = uploads.stage(session, folder, kind, data)
    if decision.scan_name:
        uploads.discard(session, folder, decision.scan_name)
    decision.scan_name, decision.scan_original = stored_name, name
    decision.scan_sha256 = hashlib.sha256(data).hexdigest()
    session.add(decision)
    session.flush()
    return decision


def scan_path(*, folder: str | Path, decision: Decision) -> Path:
    """Where a decision's scan lies; NotFound when there is none, the stored name is not one the tracker made, or
    the file is missing. Only names of the tracker's own shape are opened, so no path can leave the folder."""
    if not _STORED_NAME.fullmatch(decision.scan_name or ""):
        raise NotFound
    path = Path(folder) / decision.scan_name
    if not path.is_file():
        raise NotFound
    return path


# Awards ------------------------------------------------------------------------------------------------------


def add_award(*, session: Session, user: User | None, decision_id: int, line: AwardLine) -> Award:
    """Record an award the decision grants (for an achievement year not after the decision's) and pair it with
    the board's proposals of that year."""
    decision = get_decision(session, decision_id, for_update=True)
    if not permissions.may_add_to_decision(session, user, decision):
        kept = session.get(Cluster, decision.cluster_id)
        raise DomainError(_l("This decision is kept by %(cluster)s: its secretaries or an administrator add its "
                             "lines.", cluster=kept.name if kept else ""), "board_id")
    latest = decision.decided_on.year
    if line.year is not None and line.year > latest:
        raise DomainError(_l("A decision of %(year)s grants awards for %(year)s or earlier years.", year=latest),
                          "year")
    return _add(session, user, decision.id, line, latest)


def add_past_award(*, session: Session, user: User | None, line: AwardLine) -> Award:
    """Record an award kept from before the tracker, without its decision, and pair it with the board's proposals
    of that year (if any were recorded)."""
    return _add(session, user, None, line, date.today().year)


def _add(session: Session, user: User | None, decision_id: int | None, line: AwardLine, latest: int) -> Award:
    board = session.get(Board, line.board_id) if line.board_id is not None else None
    award_type = session.get(AwardType, line.award_type_id) if line.award_type_id is not None else None
    note = normalise(line.note or "")
    errors: dict[str, list] = {}

    def refuse(name: str, message) -> None:
        errors.setdefault(name, []).append(message)

    if board is None:
        refuse("board_id", _l("Choose a board from the list."))
    if award_type is None:
        refuse("award_type_id", _l("Choose an award from the list."))
    if line.year is None or not MIN_YEAR <= line.year <= latest:
        refuse("year", _l("Enter an achievement year from %(a)d to %(b)d.", a=MIN_YEAR, b=latest))
    elif board is not None and not exists_in(Span(board.start_date, board.end_date), line.year):
        refuse("year", _l("%(board)s did not exist in %(year)s.", board=board.short_name, year=line.year))
    if (board is not None and "year" not in errors
            and not permissions.may_record_award(session, user, board.id, line.year)):
        refuse("board_id", _l("In %(year)s %(board)s was not a member of your clusters: its awards of that year "
                              "are kept by its cluster.", year=line.year, board=board.short_name))
    if len(note) > MAX_AWARD_NOTE:
        refuse("note", _l("At most %(max)d characters.", max=MAX_AWARD_NOTE))
    elif has_control_characters(note):
        refuse("note", _l("The text contains invisible control characters; please retype it."))
    if not errors:
        taken = session.exec(select(Award, Decision).outerjoin(Decision, Decision.id == Award.decision_id)
                             .where(Award.board_id == board.id, Award.award_type_id == award_type.id,
                                    Award.year == line.year)).first()
        if taken is not None:
            refuse("award_type_id", _taken(board, award_type, line.year, taken[1]))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    award = Award(decision_id=decision_id, board_id=board.id, award_type_id=award_type.id, year=line.year, note=note)
    session.add(award)
    session.flush()
    _rematch(session, user, board.id, line.year, set())
    session.flush()
    return award


def _taken(board: Board, award_type: AwardType, year: int, decision: Decision | None):
    if decision is None:
        return _l("%(board)s already has “%(award)s” for %(year)s (recorded without a decision).",
                  board=board.short_name, award=award_type.name_vi, year=year)
    return _l("%(board)s already has “%(award)s” for %(year)s, by decision %(number)s of %(day)s.",
              board=board.short_name, award=award_type.name_vi, year=year, number=decision.number,
              day=_day(decision.decided_on))


def get_award(session: Session, award_id: int) -> Award:
    """The award, or NotFound."""
    return get(session, Award, award_id)


def remove_award(*, session: Session, user: User | None, award_id: int, version: int | None) -> Award:
    """Remove an award (refused against a stale version); the proposal it answered goes back to submitted or takes
    another award of the board that year. Returns the removed award."""
    award = get(session, Award, award_id, for_update=True)
    check_version(award, version)
    if not permissions.may_record_award(session, user, award.board_id, award.year):
        raise DomainError(_l("This award is kept by another cluster: its board was not a member of your clusters "
                             "in %(year)s.", year=award.year))
    linked = {award.proposal_id} if award.proposal_id is not None else set()
    session.delete(award)
    session.flush()
    _rematch(session, user, award.board_id, award.year, linked)
    session.flush()
    return award


def _rematch(session: Session, user: User | None, board_id: int, year: int, linked: set[int]) -> None:
    """Pair a board's awards of an achievement year with its proposals of that year again, and log each proposal
    whose status changes. `linked` holds proposals answered by awards just removed."""
    proposals = session.exec(
        select(Proposal).join(ClusterYear, ClusterYear.id == Proposal.cluster_year_id)
        .join(AwardType, AwardType.id == Proposal.award_type_id)
        .where(Proposal.board_id == board_id, ClusterYear.year == year)
        .order_by(AwardType.precedence, Proposal.id).with_for_update(of=Proposal)
        .execution_options(populate_existing=True)).all()
    awards = session.exec(select(Award).join(AwardType, AwardType.id == Award.award_type_id)
                          .where(Award.board_id == board_id, Award.year == year)
                          .order_by(AwardType.precedence, Award.id)).all()
    before = linked | {a.proposal_id for a in awards if a.proposal_id is not None}
    settlement = rules.settle([rules.Proposed(p.id, board_id, p.award_type_id, year, p.status) for p in proposals],
                              [rules.Granted(a.id, board_id, a.award_type_id, year, a.decision_id) for a in awards],
                              before)
    answered_by: dict[int, Award] = {}
    for award in awards:
        wanted = settlement.links.get(award.id)
        if wanted is not None:
            answered_by[wanted] = award
        if award.proposal_id != wanted:
            award.proposal_id = wanted
            session.add(award)
    for proposal in proposals:
        status = settlement.statuses.get(proposal.id)
        if status is None:
            continue
        award = answered_by.get(proposal.id)
        session.add(ProposalEvent(proposal_id=proposal.id, kind="status", user_id=user.id if user else None,
                                  payload=canonical({"from": proposal.status, "to": status,
                                                     "award": award.id if award else None,
                                                     "decision": award.decision_id if award else None})))
        proposal.status = status
        proposal.version += 1  # a proposal form opened before the decision is now stale
        session.add(proposal)


# Reconciliation ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReconciliationRow:
    """One line of a reconciliation: the board, what was proposed (if anything), what was granted (if anything)."""

    outcome: rules.Outcome
    board: Board
    proposal: Proposal | None
    proposed: AwardType | None
    award: Award | None
    granted: AwardType | None
    decision: Decision | None


@dataclass(frozen=True)
class Reconciliation:
    """A cluster-year's proposals against the awards granted, with how many lines of each outcome."""

    cluster_year: ClusterYear
    rows: list[ReconciliationRow]
    counts: dict[rules.Outcome, int]


def reconcile(session: Session, cluster_year_id: int) -> Reconciliation:
    """Each proposal of the cluster-year with the award that answered it (as proposed, as another form, or none),
    then the awards of that achievement year to its members that nobody proposed (a fixed number of queries)."""
    cluster_year = get(session, ClusterYear, cluster_year_id)
    year = cluster_year.year
    proposal_rows = session.exec(
        select(Proposal, AwardType, Board).join(AwardType, AwardType.id == Proposal.award_type_id)
        .join(Board, Board.id == Proposal.board_id).where(Proposal.cluster_year_id == cluster_year.id)).all()
    proposal_rows = sorted(proposal_rows, key=lambda r: (r[1].precedence, r[1].code, vi_key(r[2].short_name)))
    members = set(session.exec(select(Membership.board_id)
                               .where(Membership.cluster_year_id == cluster_year.id)).all())
    ours = {p.id for p, _t, _b in proposal_rows}
    boards_wanted = members | {p.board_id for p, _t, _b in proposal_rows}
    award_rows = session.exec(
        select(Award, AwardType, Board, Decision).join(AwardType, AwardType.id == Award.award_type_id)
        .join(Board, Board.id == Award.board_id).outerjoin(Decision, Decision.id == Award.decision_id)
        .where(Award.year == year, col(Award.board_id).in_(sorted(boards_wanted)))).all() if boards_wanted else []
    # An award answering a proposal of another cluster (a board in two clusters) is that cluster's line.
    award_rows = sorted([r for r in award_rows if r[0].proposal_id is None or r[0].proposal_id in ours],
                        key=lambda r: (r[1].precedence, r[1].code, vi_key(r[2].short_name)))
    lines = rules.reconcile(
        [rules.Proposed(p.id, p.board_id, p.award_type_id, year, p.status) for p, _t, _b in proposal_rows],
        [rules.Granted(a.id, a.board_id, a.award_type_id, year, a.decision_id) for a, _t, _b, _d in award_rows],
        year=year, members=members)
    by_proposal = {p.id: (p, t, b) for p, t, b in proposal_rows}
    by_award = {a.id: (a, t, b, d) for a, t, b, d in award_rows}
    rows = []
    for line in lines:
        proposal, proposed, board = by_proposal[line.proposal.id] if line.proposal else (None, None, None)
        award, granted, award_board, decision = by_award[line.award.id] if line.award else (None, None, None, None)
        rows.append(ReconciliationRow(line.outcome, board or award_board, proposal, proposed, award, granted,
                                      decision))
    return Reconciliation(cluster_year, rows, rules.counts(lines))
