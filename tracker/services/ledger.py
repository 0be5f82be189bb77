"""Verify the ballot ledger (docs/ledger.md): the seals that chain every event of every round under a key kept
outside the database, each round's decisive fields against its last seal, the checkpoints written outside the
database, every round's own hash chain, and every finalised result recounted from its stored counts."""
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import AwardType, BallotEvent, BallotRevision, BallotRound, ClusterYear, LedgerSeal
from tracker.rules import rounds as rules
from tracker.rules.ballot import BallotError
from tracker.rules.chain import GENESIS, Link, canonical, first_break
from tracker.services import seals

CHAIN_PROBLEMS = {
    "sequence": _l("an event is missing or out of order"),
    "previous hash": _l("it does not point to the hash of the event before it"),
    "hash": _l("its stored hash does not match its content"),
    "head": _l("the round's head hash is not the hash of its last event"),
}


@dataclass(frozen=True)
class Problem:
    """The first thing that does not hold in one round (or in the ledger as a whole: round_id None)."""

    round_id: int | None
    seq: int
    message: object  # a lazy, translated sentence

    def __str__(self) -> str:
        if self.round_id is None:
            return str(_l("Ledger: %(problem)s", problem=self.message))
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


def verify(session: Session, *, checkpoints: Path | None = None, newer_allowed: bool = False) -> Report:
    """Recompute every seal, chain and finalised result and look up the checkpoints (of `checkpoints`, by default
    the configured file: the one this database's seals write; `newer_allowed` for a backup, older than the
    newest checkpoints); at most one problem per round."""
    rounds = session.exec(select(BallotRound).order_by(BallotRound.id)).all()
    by_round: dict[int, list[BallotEvent]] = {r.id: [] for r in rounds}
    for event in session.exec(select(BallotEvent).order_by(BallotEvent.round_id, BallotEvent.seq)).all():
        by_round.setdefault(event.round_id, []).append(event)
    finalised: dict[int, list[BallotRevision]] = {}
    for revision in session.exec(select(BallotRevision).where(BallotRevision.finalised_at.is_not(None))
                                 .order_by(BallotRevision.round_id, BallotRevision.revision)).all():
        finalised.setdefault(revision.round_id, []).append(revision)
    sealed = _check_seals(session, rounds, by_round, checkpoints, newer_allowed)
    problems, flagged = sealed
    for round_ in rounds:
        # the round's own chain and recounts first (they name a careless edit precisely), then its seals
        try:
            problem = _check_round(round_, by_round[round_.id], finalised.get(round_.id, []))
        except (ValueError, KeyError, TypeError, AttributeError):  # stored text that is not what the tracker writes
            problem = Problem(round_.id, 0, _l("its stored counts, result or events cannot be read"))
        problem = problem or flagged.get(round_.id)
        if problem is not None:
            problems.append(problem)
    problems += [p for round_id, p in flagged.items() if round_id not in {r.id for r in rounds}]
    count = sum(len(v) for v in by_round.values())
    return Report(len(rounds), count, sum(len(v) for v in finalised.values()), problems)


SEAL_PROBLEMS = {
    "unsealed": _l("it was never sealed: it was written behind the application's back"),
    "code": _l("its seal does not match it (the event or its round was changed after it was sealed)"),
    "previous": _l("its seal does not follow the seal before it: a sealed event is missing or out of order"),
    "position": _l("a sealed event before it is missing from the ledger"),
    "state": _l("the round's seats, status, revision, rule or candidates differ from those sealed with its last "
                "event"),
    "missing": _l("a sealed event of this round is missing"),
    "key": _l("its seal names a key this tracker does not have (instance/ledger-keys)"),
}


def _current_checkpoints(lines: list) -> list:
    """The checkpoint lines that still speak for the ledger: a restore of an older backup (a "restored" line)
    supersedes the earlier lines beyond the head it restored."""
    kept: list = []
    for line in lines:
        if not isinstance(line, int) and line.what == "restored":
            kept = [k for k in kept if isinstance(k, int) or k.position <= line.position]
        kept.append(line)
    return kept


def _check_seals(session: Session, rounds: list[BallotRound], by_round: dict[int, list[BallotEvent]],
                 checkpoints: Path | None, newer_allowed: bool) -> tuple[list[Problem], dict[int, Problem]]:
    """The ledger's seal chain: problems of the ledger as a whole (a missing seal, a checkpoint no longer in the
    ledger, naming its round when it has one), and one problem per round at most."""
    events = {e.id: e for group in by_round.values() for e in group}
    seal_rows = list(session.exec(select(LedgerSeal).order_by(LedgerSeal.position)).all())
    if not seal_rows and not events:
        return [], {}
    try:
        ring = seals.keyring(create=False)
    except seals.KeyMissing:
        return [Problem(None, 0, _l("the ledger key is missing, so no seal can be checked (instance/ledger-keys or "
                                    "TRACKER_LEDGER_KEY)"))], {}
    problems: dict[int | None, Problem] = {}
    general: list[Problem] = []
    versions: dict[int, list[BallotRevision]] = {}
    for revision in session.exec(select(BallotRevision)).all():
        versions.setdefault(revision.round_id, []).append(revision)
    years = {cy.id: cy for cy in session.exec(select(ClusterYear)).all()}
    codes = dict(session.exec(select(AwardType.id, AwardType.code)).all())

    def flag(round_id: int | None, seq: int, code: str) -> None:
        if round_id is None:
            general.append(Problem(None, seq, SEAL_PROBLEMS[code]))
        else:
            problems.setdefault(round_id, Problem(round_id, seq, SEAL_PROBLEMS[code]))

    prev, last_state, expected = GENESIS, {}, 1
    for row in seal_rows:
        item = events.get(row.event_id)
        if row.position != expected:
            general.append(Problem(None, expected, _l("sealed event number %(n)d of the ledger is missing",
                                                      n=expected)))
        expected = row.position + 1
        if item is None:
            flag(row.round_id, row.seq, "missing")
            prev = row.mac
            continue
        if row.prev_mac != prev:
            flag(item.round_id, item.seq, "previous")
        code = ring.mac(row.key_id, seals.seal_message(row.position, row.prev_mac, seals.event_record(item),
                                                       json.loads(row.state)))
        if code is None:
            flag(item.round_id, item.seq, "key")
        elif not hmac.compare_digest(code, row.mac):
            flag(item.round_id, item.seq, "code")
        last_state[item.round_id] = (item.seq, json.loads(row.state))
        prev = row.mac
    sealed_ids = {row.event_id for row in seal_rows}
    for item in events.values():
        if item.id not in sealed_ids:
            flag(item.round_id, item.seq, "unsealed")
    for round_ in rounds:
        seq, state = last_state.get(round_.id, (0, None))
        now = seals.round_state(round_, versions.get(round_.id, []), years.get(round_.cluster_year_id),
                                codes.get(round_.award_type_id))
        if state is not None and canonical(state) != canonical(now):
            flag(round_.id, seq, "state")
    by_position = {row.position: row for row in seal_rows}
    newest = seal_rows[-1].position if seal_rows else 0
    for line in _current_checkpoints(seals.read_checkpoints(checkpoints)):
        if not isinstance(line, int) and newer_allowed and line.position > newest:
            continue  # a copy taken before these seals were made (a backup being checked)
        if isinstance(line, int):
            general.append(Problem(None, line, _l("line %(n)d of the checkpoint file cannot be read", n=line)))
            continue
        row = by_position.get(line.position)
        if row is None or not hmac.compare_digest(row.mac, line.mac):
            general.append(Problem(line.round_id, line.seq or 0, _l(
                "the seal %(position)d written to the checkpoint file (line %(line)d) is not in the ledger: "
                "sealed events were removed or rewritten", position=line.position, line=line.line)))
    return general, problems


def _check_round(round_: BallotRound, events: list[BallotEvent], finalised: list[BallotRevision]) -> Problem | None:
    links = [Link(e.seq, e.payload, e.prev_hash, e.hash) for e in events]
    broken = first_break(links, round_.chain_head)
    if broken is not None:
        return Problem(round_.id, broken.seq, CHAIN_PROBLEMS[broken.problem])
    payloads = [json.loads(event.payload) for event in events]
    wrong = rules.unchecked_finalisation(payloads)
    if wrong is not None:
        return Problem(round_.id, events[wrong].seq, _l("revision %(r)d was finalised with counts other than those "
                                                        "entered and checked", r=payloads[wrong]["revision"]))
    stamps = {payload["revision"]: (event.seq, payload["data"]) for event, payload in zip(events, payloads, strict=True)
              if payload["kind"] == "finalised"}
    done = {revision.revision for revision in finalised}
    for number, (seq, _data) in stamps.items():
        if number not in done:
            return Problem(round_.id, seq, _l("revision %(r)d is finalised in the ledger but not in the stored "
                                              "counts", r=number))
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


def head_is_sealed(session: Session, printed: str) -> bool:
    """Whether a head printed on a paper ("57:ab12…", its code whole or its first 16 digits or more) is a seal of
    this ledger with that code."""
    parsed = seals.parse_head(printed)
    if parsed is None:
        return False
    position, code = parsed
    row = session.get(LedgerSeal, position)
    return row is not None and row.mac.startswith(code)
