"""The hand-over package, out: a cluster's records as one JSON document (docs/handover.schema.json) for the head
of the next year. Records are named by what they are (boards by short name, authorities by name, award types by
code, users by username, rounds by "year/award/number"), never by database ids. Photos and scans stay out."""
import json
from datetime import date, datetime
from decimal import Decimal

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

FORMAT, VERSION = "emulation-award-tracker/cluster", 1
BOARD_FIELDS = ("short_name", "name", "kind", "province", "address", "phone", "fax", "email", "website",
                "start_date", "end_date", "note")
RULE_FIELDS = ("quorum_num", "quorum_den", "threshold_num", "threshold_den", "base", "strict", "tie_break",
               "second_entry", "citation")
ROUND_FIELDS = ("number", "seats", "status", "revision", "held_on", "place", "committee", "illustrative")
REVISION_TIMES = ("entered_at", "checked_at", "finalised_at")


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


def fields(row, names) -> dict:
    """Some columns of a row as JSON values."""
    return {name: value(getattr(row, name)) for name in names}


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


def export_cluster(session: Session, cluster_id: int, year: int | None = None) -> dict:
    """The cluster's records (every year, or one): members, rules, pledge and targets, meetings, score sheet,
    ballot rounds with their versions and event log, proposals; the decisions and awards for its members' years;
    and the boards and authorities they name."""
    cluster = get(session, Cluster, cluster_id)
    names = Names(session)
    query = select(ClusterYear).where(ClusterYear.cluster_id == cluster_id).order_by(ClusterYear.year)
    if year is not None:
        query = query.where(ClusterYear.year == year)
    years_out = [_year(session, cy, names) for cy in session.exec(query).all()]
    members = {(m["board"], y["year"]) for y in years_out for m in y["members"]}
    decisions_out, past_out = _awards(session, names, members)
    authorities = {cluster.authority_id} | {a.id for a in names.authorities.values()
                                             if a.name in {d["authority"] for d in decisions_out}}
    return {
        "format": FORMAT, "version": VERSION,
        "cluster": {**fields(cluster, ("name", "kind", "region", "description")),
                    "authority": names.authorities[cluster.authority_id].name if cluster.authority_id else None},
        "authorities": _authorities(names, authorities),
        "boards": _boards(names),
        "years": years_out,
        "decisions": decisions_out,
        "past_awards": past_out,
    }


def _year(session: Session, cy: ClusterYear, names: Names) -> dict:
    board = names.board
    memberships = session.exec(select(Membership).where(Membership.cluster_year_id == cy.id)).all()
    rule = session.exec(select(VotingRule).where(VotingRule.cluster_year_id == cy.id)).first()
    seats = session.exec(select(Seats).where(Seats.cluster_year_id == cy.id)).all()
    return {
        "year": cy.year, "host": board(cy.host_board_id), **fields(cy, ("conference_date", "conference_place",
                                                                          "note")),
        "members": sorted(({"board": board(m.board_id), "role": m.role, "assumed": m.assumed} for m in memberships),
                          key=lambda m: m["board"]),
        "rule": fields(rule, RULE_FIELDS) if rule else None,
        "seats": {names.awards[s.award_type_id]: s.seats for s in sorted(seats, key=lambda s: names.awards[
            s.award_type_id])},
        "pledge": _pledge(session, cy, names),
        "indicators": _indicators(session, cy, names),
        "meetings": _meetings(session, cy, names),
        "criteria": _criteria(session, cy, names),
        "rounds": _rounds(session, cy, names),
        "proposals": _proposals(session, cy, names),
    }


def _pledge(session: Session, cy: ClusterYear, names: Names) -> dict | None:
    pledge = session.exec(select(Pledge).where(Pledge.cluster_year_id == cy.id)).first()
    if pledge is None:
        return None
    signatures = session.exec(select(Signature).where(Signature.pledge_id == pledge.id)).all()
    return {**fields(pledge, ("signed_on", "place", "text", "illustrative")), "host": names.board(
        pledge.host_board_id), "signatures": sorted(({"board": names.board(s.board_id), "signed": s.signed,
                                                       "signer": s.signer} for s in signatures),
                                                     key=lambda s: s["board"])}


def _indicators(session: Session, cy: ClusterYear, names: Names) -> list:
    rows = session.exec(select(Indicator).where(Indicator.cluster_year_id == cy.id)
                        .order_by(Indicator.position, Indicator.id)).all()
    targets = session.exec(select(Target).where(col(Target.indicator_id).in_([i.id for i in rows]))).all()
    return [{**fields(i, ("group", "name", "unit", "direction")), "targets": sorted(
        ({"board": names.board(t.board_id), **fields(t, ("target", "source", "actual"))}
         for t in targets if t.indicator_id == i.id), key=lambda t: t["board"])} for i in rows]


def _meetings(session: Session, cy: ClusterYear, names: Names) -> list:
    rows = session.exec(select(Meeting).where(Meeting.cluster_year_id == cy.id).order_by(Meeting.id)).all()
    present = session.exec(select(MeetingBoard).where(col(MeetingBoard.meeting_id).in_([m.id for m in rows]))).all()
    return [{**fields(m, ("kind", "held_on", "place", "delegates", "summary", "decisions")),
             "host": names.board(m.host_board_id),
             "present": sorted(names.board(p.board_id) for p in present if p.meeting_id == m.id)} for m in rows]


def _criteria(session: Session, cy: ClusterYear, names: Names) -> list:
    rows = session.exec(select(Criterion).where(Criterion.cluster_year_id == cy.id)
                        .order_by(Criterion.position, Criterion.id)).all()
    scores = session.exec(select(Score).where(col(Score.criterion_id).in_([c.id for c in rows]))).all()
    return [{**fields(c, ("group", "code", "name", "max_points")), "scores": sorted(
        ({"board": names.board(s.board_id), **fields(s, ("self_score", "agreed"))}
         for s in scores if s.criterion_id == c.id), key=lambda s: s["board"])} for c in rows]


def round_label(year: int, award: str, number: int) -> str:
    """How a hand-over file names a ballot round."""
    return f"{year}/{award}/{number}"


def _rounds(session: Session, cy: ClusterYear, names: Names) -> list:
    rows = session.exec(select(BallotRound).where(BallotRound.cluster_year_id == cy.id)
                        .order_by(BallotRound.award_type_id, BallotRound.number)).all()
    labels = {r.id: round_label(cy.year, names.awards[r.award_type_id], r.number) for r in rows}
    ids = [r.id for r in rows]
    revisions = session.exec(select(BallotRevision).where(col(BallotRevision.round_id).in_(ids))
                             .order_by(BallotRevision.revision)).all()
    events = session.exec(select(BallotEvent).where(col(BallotEvent.round_id).in_(ids))
                          .order_by(BallotEvent.seq)).all()
    board = names.board
    out = []
    for r in rows:
        out.append({
            "award": names.awards[r.award_type_id], **fields(r, ROUND_FIELDS),
            "runoff_of": labels.get(r.runoff_of_id),
            "runoff_candidates": [board(b) for b in json.loads(r.runoff_candidates)] if r.runoff_candidates else [],
            "revisions": [{
                "revision": v.revision, "reason": v.reason,
                "counts": portable.counts(json.loads(v.counts), board) if v.counts else None,
                "result": portable.result(json.loads(v.result), board) if v.result else None,
                "entered_by": names.user(v.entered_by), "checked_by": names.user(v.checked_by),
                "finalised_by": names.user(v.finalised_by), **fields(v, REVISION_TIMES),
            } for v in revisions if v.round_id == r.id],
            "events": [portable.event(json.loads(e.payload), board, labels.get, lambda _cy, y=cy.year: y)
                       for e in events if e.round_id == r.id],
        })
    return out


def _proposals(session: Session, cy: ClusterYear, names: Names) -> list:
    rows = session.exec(select(Proposal).where(Proposal.cluster_year_id == cy.id).order_by(Proposal.id)).all()
    rounds = {r.id: r for r in session.exec(select(BallotRound).where(BallotRound.cluster_year_id == cy.id)).all()}
    events = session.exec(select(ProposalEvent).where(col(ProposalEvent.proposal_id).in_([p.id for p in rows]))
                          .order_by(ProposalEvent.id)).all()
    out = []
    for p in rows:
        source = rounds.get(p.round_id)
        out.append({
            "board": names.board(p.board_id), "award": names.awards[p.award_type_id],
            "round": round_label(cy.year, names.awards[source.award_type_id], source.number) if source else None,
            **fields(p, ("votes", "share", "submission_number", "submission_date", "status", "override_reason")),
            "events": [{"kind": e.kind, "user": names.user(e.user_id), "at": value(e.at),
                        "payload": json.loads(e.payload) if e.payload else None}
                       for e in events if e.proposal_id == p.id],
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
        return {"board": names.board(a.board_id), "award": names.awards[a.award_type_id], "year": a.year,
                "note": a.note, "proposed": a.proposal_id is not None}

    decisions_out = [{**fields(d, ("number", "decided_on", "signer_name", "signer_title", "note")),
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
    return [{**fields(a, ("name", "short_name", "valid_from", "valid_to")),
             "successor": names.authorities[a.successor_id].name if a.successor_id else None} for a in rows]


def _boards(names: Names) -> list:
    """The boards the file names, with the successors they lead to."""
    wanted = set()
    for board_id in list(names.used_boards):
        while board_id is not None and board_id not in wanted:
            wanted.add(board_id)
            board_id = names.boards[board_id].successor_id
    rows = sorted((names.boards[i] for i in wanted), key=lambda b: b.short_name)
    return [{**fields(b, BOARD_FIELDS), "successor": names.boards[b.successor_id].short_name if b.successor_id
             else None} for b in rows]
