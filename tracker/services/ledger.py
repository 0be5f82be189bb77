"""Verify the ballot ledger: every round's hash chain, and every finalised result recounted from its stored counts."""
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import BallotEvent, BallotRevision, BallotRound, ClusterYear
from tracker.rules import rounds as rules
from tracker.rules.ballot import BallotError
from tracker.rules.chain import Link, canonical, first_break

CHAIN_PROBLEMS = {
    "sequence": _l("an event is missing or out of order"),
    "previous hash": _l("it does not point to the hash of the event before it"),
    "hash": _l("its stored hash does not match its content"),
    "head": _l("the round's head hash is not the hash of its last event"),
}


@dataclass(frozen=True)
class Problem:
    """The first thing that does not hold in one round."""

    round_id: int
    seq: int
    message: object  # a lazy, translated sentence

    def __str__(self) -> str:
        return str(_l("Round %(round)d, event %(seq)d: %(problem)s", round=self.round_id, seq=self.seq,
                      problem=self.message))


@dataclass(frozen=True)
class Report:
    """What a verification looked at and what it found."""

    rounds: int
    events: int
    finalised: int
    problems: list[Problem]


def round_places(session: Session) -> list[tuple[BallotRound, ClusterYear]]:
    """Each round with its cluster-year, to link problems to their round pages."""
    return list(session.exec(select(BallotRound, ClusterYear)
                             .join(ClusterYear, ClusterYear.id == BallotRound.cluster_year_id)).all())


def verify(session: Session) -> Report:
    """Recompute every chain and every finalised result; at most one problem per round, the first found."""
    rounds = session.exec(select(BallotRound).order_by(BallotRound.id)).all()
    by_round: dict[int, list[BallotEvent]] = {r.id: [] for r in rounds}
    for event in session.exec(select(BallotEvent).order_by(BallotEvent.round_id, BallotEvent.seq)).all():
        by_round.setdefault(event.round_id, []).append(event)
    finalised: dict[int, list[BallotRevision]] = {}
    for revision in session.exec(select(BallotRevision).where(BallotRevision.finalised_at.is_not(None))
                                 .order_by(BallotRevision.round_id, BallotRevision.revision)).all():
        finalised.setdefault(revision.round_id, []).append(revision)
    problems = []
    for round_ in rounds:
        problem = _check_round(round_, by_round[round_.id], finalised.get(round_.id, []))
        if problem is not None:
            problems.append(problem)
    count = sum(len(v) for v in by_round.values())
    return Report(len(rounds), count, sum(len(v) for v in finalised.values()), problems)


def _check_round(round_: BallotRound, events: list[BallotEvent], finalised: list[BallotRevision]) -> Problem | None:
    links = [Link(e.seq, e.payload, e.prev_hash, e.hash) for e in events]
    broken = first_break(links, round_.chain_head)
    if broken is not None:
        return Problem(round_.id, broken.seq, CHAIN_PROBLEMS[broken.problem])
    stamps = {}
    for event in events:
        payload = json.loads(event.payload)
        if payload["kind"] == "finalised":
            stamps[payload["revision"]] = (event.seq, payload["data"])
    for revision in finalised:
        if revision.revision not in stamps:
            return Problem(round_.id, len(events), _l("revision %(r)d is finalised but its finalisation was never "
                                                      "recorded", r=revision.revision))
        seq, data = stamps[revision.revision]
        counts = json.loads(revision.counts)
        if canonical(counts) != canonical(data["counts"]):
            return Problem(round_.id, seq, _l("the stored counts of revision %(r)d differ from those finalised",
                                              r=revision.revision))
        try:
            recount = rules.result_json(rules.tally_counts(counts))
        except (BallotError, KeyError, TypeError, ValueError):
            return Problem(round_.id, seq, _l("the stored counts of revision %(r)d cannot be counted",
                                              r=revision.revision))
        expected = rules.comparable(recount)
        if expected != rules.comparable(json.loads(revision.result)) or expected != rules.comparable(data["result"]):
            return Problem(round_.id, seq, _l("the stored result of revision %(r)d is not what its counts give",
                                              r=revision.revision))
    return None
