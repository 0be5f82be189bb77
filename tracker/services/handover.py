"""The hand-over package, out: a cluster's records as one JSON document (docs/handover.schema.json) for the head
of the next year. Records are named by what they are (boards by short name, authorities by name, award types by
code, users by username, rounds by "year/award/number"), never by database ids. Photos and scans stay out."""
import json
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col, select

from tracker.models import (
    Authority,
    Award,
    AwardType,
    BallotEvent,
    BallotRevision,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    Criterion,
    Decision,
    Indicator,
    Meeting,
    MeetingBoard,
    Membership,
    Pledge,
    Proposal,
    ProposalEvent,
    RoundStatus,
    Score,
    Seats,
    Signature,
    Target,
    User,
    VotingRule,
)
from tracker.rules import portable
from tracker.rules.numbers import plain
from tracker.services.catalog import get
from tracker.services.errors import DomainError

FORMAT, VERSION = "emulation-award-tracker/cluster", 1
BOARD_FIELDS = ("short_name", "name", "kind", "province", "address", "phone", "fax", "email", "website",
                "start_date", "end_date", "note")
RULE_FIELDS = ("quorum_num", "quorum_den", "threshold_num", "threshold_den", "base", "strict", "tie_break",
               "second_entry", "citation")
ROUND_FIELDS = ("number", "seats", "status", "revision", "held_on", "place", "committee", "illustrative")
REVISION_TIMES = ("entered_at", "checked_at", "finalised_at")
# The columns each kind of record carries as they are, under their own names: the exporter writes exactly these
# (`carried`) and the importer reads exactly these (handover_import.loaded). Ids, parents, names of other records,
# versions and rebuilt hashes are handled by hand below; tests/services/test_handover_fields.py fails on any other
# column of these models that is neither here nor named there with its reason. A new column of one of these
# models goes here and in docs/handover.schema.json (see docs/adding-a-field.md).
CARRIED: dict[type, tuple[str, ...]] = {
    Authority: ("name", "short_name", "valid_from", "valid_to"),
    Board: BOARD_FIELDS,
    Cluster: ("name", "kind", "region", "description"),
    ClusterYear: ("year", "conference_date", "conference_place", "note"),
    Membership: ("role", "assumed"),
    VotingRule: RULE_FIELDS,
    Seats: (),  # the year's "seats" map: award code -> seats
    Pledge: ("signed_on", "place", "text", "illustrative"),
    Signature: ("signed", "signer"),
    Indicator: ("group", "name", "unit", "direction"),
    Target: ("target", "source", "actual"),
    Meeting: ("kind", "held_on", "place", "delegates", "summary", "decisions"),
    MeetingBoard: (),  # the meeting's "present" list of board names
    Criterion: ("group", "code", "name", "max_points"),
    Score: ("self_score", "agreed"),
    BallotRound: ROUND_FIELDS,
    BallotRevision: ("revision", "reason", *REVISION_TIMES),
    BallotEvent: (),  # the event's payload, its board and round ids turned into names
    Proposal: ("votes", "share", "submission_number", "submission_date", "status", "override_reason"),
    ProposalEvent: ("kind", "at"),
    Decision: ("number", "decided_on", "signer_name", "signer_title", "note"),
    Award: ("year", "note"),
}


def dumps(document: dict) -> str:
    """The file's text: UTF-8 JSON, keys in a fixed order, indented for people to read."""
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def value(v):
    """A stored value as JSON: dates and times in ISO 8601, decimals as plain text."""
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return plain(v)
    return v


def _waiting(session: Session, cluster_year_ids: list[int]) -> list[str]:
    """The rounds of these cluster-years whose current counts are typed but not yet checked, as labels."""
    if not cluster_year_ids:
        return []
    rows = session.exec(select(BallotRound, ClusterYear.year, AwardType.code)
                        .join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)
                        .join(AwardType, AwardType.id == BallotRound.award_type_id)
                        .where(col(BallotRound.cluster_year_id).in_(cluster_year_ids),
                               BallotRound.status == RoundStatus.ENTERED)).all()
    return sorted(round_label(year, code, round_.number) for round_, year, code in rows)


def carried(row) -> dict:
    """The columns a row's kind of record carries as they are (CARRIED), as JSON values."""
    return {name: value(getattr(row, name)) for name in CARRIED[type(row)]}


class Names:
    """Database ids to the names a hand-over file uses (one query per table)."""

    def __init__(self, session: Session):
        self.boards = {b.id: b for b in session.exec(select(Board)).all()}
        self.authorities = {a.id: a for a in session.exec(select(Authority)).all()}
        self.awards = {a.id: a.code for a in session.exec(select(AwardType)).all()}
        self.users = {u.id: u.username for u in session.exec(select(User)).all()}
        self.used_boards: set[int] = set()

    def board(self, board_id):
        """A board's short name (and remember that the file must describe it)."""
        if board_id is None:
            return None
        self.used_boards.add(int(board_id))
        return self.boards[int(board_id)].short_name

    def user(self, user_id):
        """A user's username, or None."""
        return self.users.get(user_id) if user_id is not None else None


def export_cluster(session: Session, cluster_id: int, year: int | None = None, *, blind_refused: bool = True) -> dict:
    """The cluster's records (every year, or one): members, rules, pledge and targets, meetings, score sheet,
    ballot rounds with their versions and event log, proposals; the decisions and awards for its members' years;
    and the boards and authorities they name. Each kind of record is read once for all the years. Refused while a
    round waits for its second entry (its counts are blind: the file would show them); `blind_refused` False
    only for the importer's own comparison, which shows nothing."""
    cluster = get(session, Cluster, cluster_id)
    names = Names(session)
    query = select(ClusterYear).where(ClusterYear.cluster_id == cluster_id).order_by(ClusterYear.year)
    if year is not None:
        query = query.where(ClusterYear.year == year)
    cluster_years = session.exec(query).all()
    waiting = _waiting(session, [cy.id for cy in cluster_years]) if blind_refused else []
    if waiting:
        raise DomainError(_l("A round waits for its second entry (%(rounds)s): its counts cannot leave the tracker "
                             "before they are checked. Give or finish the second entry, then download again.",
                             rounds=", ".join(waiting)))
    loaded = Loaded(session, [cy.id for cy in cluster_years])
    years_out = [_year(loaded, cy, names) for cy in cluster_years]
    members = {(m["board"], y["year"]) for y in years_out for m in y["members"]}
    decisions_out, past_out = _awards(session, names, members)
    authorities = {cluster.authority_id} | {a.id for a in names.authorities.values()
                                             if a.name in {d["authority"] for d in decisions_out}}
    return {
        "format": FORMAT, "version": VERSION,
        "cluster": {**carried(cluster),
                    "authority": names.authorities[cluster.authority_id].name if cluster.authority_id else None},
        "authorities": _authorities(names, authorities),
        "boards": _boards(names),
        "years": years_out,
        "decisions": decisions_out,
        "past_awards": past_out,
    }


def _grouped(session: Session, model, key, ids, *order) -> dict[int, list]:
    """The rows of `model` whose `key` is one of `ids`, grouped by that key (one query; none without ids)."""
    if not ids:
        return {}
    out: dict[int, list] = {}
    for row in session.exec(select(model).where(col(key).in_(ids)).order_by(*order)).all():
        out.setdefault(getattr(row, key.key), []).append(row)
    return out


class Loaded:
    """Every record the years of an export need, each table read once for all of them (a long history does not
    cost more statements than a short one)."""

    def __init__(self, session: Session, cy_ids: list[int]):
        self.memberships = _grouped(session, Membership, Membership.cluster_year_id, cy_ids)
        self.rules = _grouped(session, VotingRule, VotingRule.cluster_year_id, cy_ids)
        self.seats = _grouped(session, Seats, Seats.cluster_year_id, cy_ids)
        self.pledges = _grouped(session, Pledge, Pledge.cluster_year_id, cy_ids)
        self.signatures = _grouped(session, Signature, Signature.pledge_id,
                                   [p.id for rows in self.pledges.values() for p in rows])
        self.indicators = _grouped(session, Indicator, Indicator.cluster_year_id, cy_ids, Indicator.position,
                                   Indicator.id)
        self.targets = _grouped(session, Target, Target.indicator_id,
                                [i.id for rows in self.indicators.values() for i in rows])
        self.meetings = _grouped(session, Meeting, Meeting.cluster_year_id, cy_ids, Meeting.id)
        self.present = _grouped(session, MeetingBoard, MeetingBoard.meeting_id,
                                [m.id for rows in self.meetings.values() for m in rows])
        self.criteria = _grouped(session, Criterion, Criterion.cluster_year_id, cy_ids, Criterion.position,
                                 Criterion.id)
        self.scores = _grouped(session, Score, Score.criterion_id,
                               [c.id for rows in self.criteria.values() for c in rows])
        self.rounds = _grouped(session, BallotRound, BallotRound.cluster_year_id, cy_ids, BallotRound.award_type_id,
                               BallotRound.number)
        round_ids = [r.id for rows in self.rounds.values() for r in rows]
        self.revisions = _grouped(session, BallotRevision, BallotRevision.round_id, round_ids, BallotRevision.revision)
        self.events = _grouped(session, BallotEvent, BallotEvent.round_id, round_ids, BallotEvent.seq)
        self.proposals = _grouped(session, Proposal, Proposal.cluster_year_id, cy_ids, Proposal.id)
        self.proposal_events = _grouped(session, ProposalEvent, ProposalEvent.proposal_id,
                                        [p.id for rows in self.proposals.values() for p in rows], ProposalEvent.id)


def _year(loaded: Loaded, cy: ClusterYear, names: Names) -> dict:
    board = names.board
    memberships = loaded.memberships.get(cy.id, [])
    rule = next(iter(loaded.rules.get(cy.id, [])), None)
    seats = loaded.seats.get(cy.id, [])
    return {
        **carried(cy), "host": board(cy.host_board_id),
        "members": sorted(({"board": board(m.board_id), **carried(m)} for m in memberships), key=lambda m: m["board"]),
        "rule": carried(rule) if rule else None,
        "seats": {names.awards[s.award_type_id]: s.seats for s in sorted(seats, key=lambda s: names.awards[
            s.award_type_id])},
        "pledge": _pledge(loaded, cy, names),
        "indicators": _indicators(loaded, cy, names),
        "meetings": _meetings(loaded, cy, names),
        "criteria": _criteria(loaded, cy, names),
        "rounds": _rounds(loaded, cy, names),
        "proposals": _proposals(loaded, cy, names),
    }


def _pledge(loaded: Loaded, cy: ClusterYear, names: Names) -> dict | None:
    pledge = next(iter(loaded.pledges.get(cy.id, [])), None)
    if pledge is None:
        return None
    signatures = loaded.signatures.get(pledge.id, [])
    return {**carried(pledge), "host": names.board(pledge.host_board_id),
            "signatures": sorted(({"board": names.board(s.board_id), **carried(s)} for s in signatures),
                                 key=lambda s: s["board"])}


def _indicators(loaded: Loaded, cy: ClusterYear, names: Names) -> list:
    return [{**carried(i), "targets": sorted(
        ({"board": names.board(t.board_id), **carried(t)}
         for t in loaded.targets.get(i.id, [])), key=lambda t: t["board"])} for i in loaded.indicators.get(cy.id, [])]


def _meetings(loaded: Loaded, cy: ClusterYear, names: Names) -> list:
    return [{**carried(m),
             "host": names.board(m.host_board_id),
             "present": sorted(names.board(p.board_id) for p in loaded.present.get(m.id, []))}
            for m in loaded.meetings.get(cy.id, [])]


def _criteria(loaded: Loaded, cy: ClusterYear, names: Names) -> list:
    return [{**carried(c), "scores": sorted(
        ({"board": names.board(s.board_id), **carried(s)}
         for s in loaded.scores.get(c.id, [])), key=lambda s: s["board"])} for c in loaded.criteria.get(cy.id, [])]


def round_label(year: int, award: str, number: int) -> str:
    """How a hand-over file names a ballot round."""
    return f"{year}/{award}/{number}"


def _rounds(loaded: Loaded, cy: ClusterYear, names: Names) -> list:
    rows = loaded.rounds.get(cy.id, [])
    labels = {r.id: round_label(cy.year, names.awards[r.award_type_id], r.number) for r in rows}
    board = names.board
    out = []
    for r in rows:
        out.append({
            "award": names.awards[r.award_type_id], **carried(r),
            "runoff_of": labels.get(r.runoff_of_id),
            "runoff_candidates": [board(b) for b in json.loads(r.runoff_candidates)] if r.runoff_candidates else [],
            "rule": json.loads(r.rule) if r.rule else None,
            "revisions": [{
                **carried(v),
                "counts": portable.counts(json.loads(v.counts), board) if v.counts else None,
                "result": portable.result(json.loads(v.result), board) if v.result else None,
                "entered_by": names.user(v.entered_by), "checked_by": names.user(v.checked_by),
                "finalised_by": names.user(v.finalised_by),
            } for v in loaded.revisions.get(r.id, [])],
            "events": [portable.event(json.loads(e.payload), board, labels.get, lambda _cy, y=cy.year: y)
                       for e in loaded.events.get(r.id, [])],
        })
    return out


def _proposals(loaded: Loaded, cy: ClusterYear, names: Names) -> list:
    rounds = {r.id: r for r in loaded.rounds.get(cy.id, [])}
    out = []
    for p in loaded.proposals.get(cy.id, []):
        source = rounds.get(p.round_id)
        out.append({
            "board": names.board(p.board_id), "award": names.awards[p.award_type_id],
            "round": round_label(cy.year, names.awards[source.award_type_id], source.number) if source else None,
            **carried(p),
            "events": [{**carried(e), "user": names.user(e.user_id),
                        "payload": json.loads(e.payload) if e.payload else None}
                       for e in loaded.proposal_events.get(p.id, [])],
        })
    return sorted(out, key=lambda p: (p["award"], p["board"]))


def _awards(session: Session, names: Names, members: set[tuple[str, int]]) -> tuple[list, list]:
    """The decisions with the awards to the cluster's members for the years they were members, and the awards of
    those boards and years recorded without a decision."""
    awards = [a for a in session.exec(select(Award)).all()
              if (names.boards[a.board_id].short_name, a.year) in members]
    decisions = {d.id: d for d in session.exec(select(Decision).where(
        col(Decision.id).in_({a.decision_id for a in awards if a.decision_id}))).all()}

    def line(a: Award) -> dict:
        return {"board": names.board(a.board_id), "award": names.awards[a.award_type_id], **carried(a),
                "proposed": a.proposal_id is not None}

    decisions_out = [{**carried(d),
                      "authority": names.authorities[d.authority_id].name,
                      "awards": sorted((line(a) for a in awards if a.decision_id == d.id),
                                       key=lambda a: (a["year"], a["award"], a["board"]))}
                     for d in sorted(decisions.values(), key=lambda d: (d.decided_on, d.number))]
    past = sorted((line(a) for a in awards if a.decision_id is None), key=lambda a: (a["year"], a["award"], a["board"]))
    return decisions_out, past


def _authorities(names: Names, ids: set) -> list:
    """The authorities named, with the successors their names lead to."""
    wanted: set[int] = set()
    for authority_id in (i for i in ids if i is not None):
        while authority_id is not None and authority_id not in wanted:
            wanted.add(authority_id)
            authority_id = names.authorities[authority_id].successor_id
    rows = sorted((names.authorities[i] for i in wanted), key=lambda a: a.name)
    return [{**carried(a),
             "successor": names.authorities[a.successor_id].name if a.successor_id else None} for a in rows]


def _boards(names: Names) -> list:
    """The boards the file names, with the successors they lead to."""
    wanted = set()
    for board_id in list(names.used_boards):
        while board_id is not None and board_id not in wanted:
            wanted.add(board_id)
            board_id = names.boards[board_id].successor_id
    rows = sorted((names.boards[i] for i in wanted), key=lambda b: b.short_name)
    return [{**carried(b), "successor": names.boards[b.successor_id].short_name if b.successor_id
             else None} for b in rows]
