"""Synthetic votes and what follows them: ballot rounds counted by the project's own tally, with their revisions and
hash-chained events exactly as tracker.services.ballots writes them; proposals with their logs; decisions and the
awards that answer the proposals."""
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tracker.models import ProposalStatus, RoundStatus
from tracker.ops.synthetic import catalogue
from tracker.ops.synthetic.writer import Writer
from tracker.rules import rounds as rules
from tracker.rules.authorities import in_force
from tracker.rules.chain import GENESIS, canonical, link
from tracker.rules.voting import RuleValues


def moment(day: date, minutes: int = 0) -> datetime:
    """A time on a day, in UTC: 9:00 in Vietnam (02:00 UTC) plus some minutes."""
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC) + timedelta(minutes=minutes)


@dataclass
class Authorities:
    """The authorities decisions are signed by: the ministry's names (newest first) and the Prime Minister."""

    ministry: list  # rows with id, name, short_name, valid_from, valid_to
    prime_minister: object

    def on(self, kind: str, day: date):
        """The authority in force on the day (the ministry's name changes in 2025)."""
        if kind == "pm":
            return self.prime_minister
        return next((a for a in self.ministry if in_force(a, day)), self.ministry[-1])


@dataclass
class Decisions:
    """One decision per authority per achievement year, made when its first award is; written at the end."""

    writer: Writer
    seed: int
    authorities: Authorities
    taken: set[tuple[str, date]]  # (number, date) pairs already in the register
    mark: str
    made: dict[tuple[int, str], tuple[int, date]] = field(default_factory=dict)

    def for_award(self, year: int, code: str) -> tuple[int, date]:
        """The decision (id, date) granting an award of this code for this achievement year."""
        kind = "pm" if code in catalogue.PRIME_MINISTER_AWARDS else "ministry"
        key = (year, kind)
        if key not in self.made:
            rng, day = self._plan(year, kind)
            authority = self.authorities.on(kind, day)
            number = rng.randint(100, 2999)
            suffix = authority.short_name or ("TTg" if kind == "pm" else "BKHĐT")
            while (f"{number}/QĐ-{suffix}", day) in self.taken:
                number += 1
            self.taken.add((f"{number}/QĐ-{suffix}", day))
            name = catalogue.person(rng)
            decision_id = self.writer.add("decision", dict(
                number=f"{number}/QĐ-{suffix}", decided_on=day, authority_id=authority.id, signer_name=name,
                signer_title="Thủ tướng Chính phủ" if kind == "pm" else "Bộ trưởng", scan_name="", scan_original="",
                scan_sha256="", note=f"{self.mark}: khen thưởng thành tích năm {year}.", version=1))
            self.made[key] = (decision_id, day)
        return self.made[key]

    def day(self, year: int, code: str) -> date:
        """The date of the decision on awards of this code for this year, whether or not it grants any."""
        return self._plan(year, "pm" if code in catalogue.PRIME_MINISTER_AWARDS else "ministry")[1]

    def _plan(self, year: int, kind: str) -> tuple[random.Random, date]:
        """The decision's own random numbers (the same whichever cluster asks first) and its date: the ministry
        decides in the following April or May, the Prime Minister in May or June."""
        rng = random.Random(f"{self.seed}:decision:{year}:{kind}")
        first = date(year + 1, 5, 1) if kind == "pm" else date(year + 1, 4, 1)
        return rng, first + timedelta(days=rng.randint(0, 45))


@dataclass
class Vote:
    """What a cluster-year's vote needs: the rule, members, who is present, ballots and how boards are rated."""

    cluster_year_id: int
    year: int
    rule: RuleValues
    members: Sequence[int]
    present: frozenset[int]
    totals: Mapping[int, Decimal]  # agreed score totals
    strength: Mapping[int, float]  # what voters prefer (score total and reputation)
    held_on: date
    place: str
    committee: str


@dataclass
class Elected:
    """A board elected in a finalised round, with its votes and exact share."""

    board: int
    award: str
    round_id: int
    round_number: int
    votes: int
    share: str
    at: datetime  # when the round was finalised


class Rounds:
    """Writes the rounds of one cluster-year."""

    def __init__(self, writer: Writer, rng: random.Random, award_ids: Mapping[str, int]):
        self.writer, self.rng, self.award_ids = writer, rng, award_ids

    def run(self, vote: Vote, seats: Mapping[str, int], *, finalise: bool, enter: bool = True) -> list[Elected]:
        """One main round per seated award, highest first (a board elected higher is no longer a candidate), and
        a runoff after a finalised round tied at its last seat. Rounds not finalised stop as entered or draft."""
        elected: list[Elected] = []
        taken: set[int] = set()
        slot = 0
        for code in sorted(seats, key=list(self.award_ids).index):
            candidates = [b for b in vote.members if b not in taken]
            if not candidates:
                break
            figures = self._figures(vote, candidates, seats[code])
            counts = rules.counts_json(vote.rule, vote.members, seats[code], figures, vote.totals)
            result = rules.result_json(rules.tally_counts(counts))
            tied = rules.tied(result) if finalise else []
            start = moment(vote.held_on, 90 * slot)  # room for a runoff before the next award
            slot += 1
            main = self._round(vote, code, 1, seats[code], start, counts, result if finalise else None,
                               enter=enter, opened={"cluster_year": vote.cluster_year_id, "year": vote.year,
                                                    "award": code, "number": 1, "seats": seats[code]},
                               later=1 if tied else 0)
            if enter or finalise:  # entered counts already exclude their boards (ballots.elected_higher)
                taken.update(result["elected"])
            if not finalise:
                continue
            elected += self._elected(code, main, 1, result, start)
            if tied:
                left = seats[code] - len(result["elected"])
                runoff_figures = self._figures(vote, tied, left, settle=True)
                runoff_counts = rules.counts_json(vote.rule, vote.members, left, runoff_figures, vote.totals)
                runoff_result = rules.result_json(rules.tally_counts(runoff_counts))
                at = start + timedelta(minutes=30)
                runoff = self._round(vote, code, 2, left, at, runoff_counts, runoff_result, enter=True,
                                     opened={"runoff_of": main, "number": 2, "seats": left, "candidates": tied},
                                     runoff_of=main)
                taken.update(runoff_result["elected"])
                elected += self._elected(code, runoff, 2, runoff_result, at)
        return elected

    def _elected(self, code: str, round_id: int, number: int, result: dict, at: datetime) -> list[Elected]:
        outcomes = {o["candidate"]: o for o in result["outcomes"]}
        return [Elected(b, code, round_id, number, outcomes[b]["votes"], outcomes[b]["share"],
                        at + timedelta(minutes=10)) for b in result["elected"]]

    def _figures(self, vote: Vote, candidates: Sequence[int], seats: int, *, settle: bool = False) -> rules.Figures:
        """Ballots as voters would fill them: each marks up to `seats` names, preferring the stronger boards.
        A runoff (`settle`) is voted again until it leaves no tie at the last seat."""
        rng = self.rng
        issued = len(vote.present)
        returned = issued - (1 if issued > 3 and rng.random() < 0.05 else 0)
        invalid = 1 if returned > 3 and rng.random() < 0.08 else 0
        valid = returned - invalid
        for _attempt in range(20 if settle else 1):
            votes = dict.fromkeys(candidates, 0)
            marks = min(seats, len(candidates))
            for _ballot in range(valid):
                chosen = marks if rng.random() < 0.9 else rng.randint(0, marks)
                ranked = sorted(candidates, key=lambda b: vote.strength[b] + rng.gauss(0, 5), reverse=True)
                for board in ranked[:chosen]:
                    votes[board] += 1
            figures = rules.Figures(present=vote.present, issued=issued, returned=returned, invalid=invalid,
                                    votes=votes)
            if not settle or not _ties(vote, seats, figures):
                return figures
        # Still tied after twenty ballots: the committee's last count gives the seats to the first boards.
        votes = {b: (valid if n < seats else 0) for n, b in enumerate(candidates)}
        return rules.Figures(present=vote.present, issued=issued, returned=returned, invalid=invalid, votes=votes)

    def _round(self, vote: Vote, code: str, number: int, seats: int, start: datetime, counts: dict,
               result: dict | None, *, enter: bool, opened: dict, runoff_of: int | None = None,
               later: int = 0) -> int:
        """Write a round, its revision and its events; returns its id. Its version counts the steps taken on it:
        one per event, and `later` more (opening its runoff)."""
        writer = self.writer
        round_id = writer.new_id("ballot_round")
        events = [("opened", start, opened)]
        status = RoundStatus.DRAFT
        revision = None
        if enter or result is not None:
            status = RoundStatus.ENTERED
            entered_at = start + timedelta(minutes=15)
            events.append(("entered", entered_at, {"counts": counts, "held_on": str(vote.held_on),
                                                   "place": vote.place, "committee": vote.committee}))
            revision = dict(round_id=round_id, revision=1, reason="", counts=canonical(counts), entered_by=None,
                            entered_at=entered_at, checked_by=None, checked_at=None, result="", finalised_by=None,
                            finalised_at=None)
        if result is not None:
            status = RoundStatus.FINALISED
            checked_at, finalised_at = start + timedelta(minutes=20), start + timedelta(minutes=25)
            events.append(("checked", checked_at, {"second_entry": False}))
            events.append(("finalised", finalised_at, {"counts": counts, "result": result}))
            revision.update(checked_at=checked_at, result=canonical(result), finalised_at=finalised_at)
        prev = GENESIS
        chain = []
        for seq, (kind, at, data) in enumerate(events, start=1):
            payload = canonical({"kind": kind, "round": round_id, "seq": seq, "revision": 1, "user": None,
                                 "at": at.isoformat(), "data": data})
            digest = link(prev, payload)
            chain.append(dict(round_id=round_id, seq=seq, kind=kind, user_id=None, at=at, payload=payload,
                              prev_hash=prev, hash=digest))
            prev = digest
        writer.add("ballot_round", dict(
            id=round_id, cluster_year_id=vote.cluster_year_id, award_type_id=self.award_ids[code], number=number,
            runoff_of_id=runoff_of, runoff_candidates=json.dumps(opened["candidates"]) if runoff_of else "",
            seats=seats, status=status, revision=1, held_on=vote.held_on, place=vote.place,
            committee=vote.committee, illustrative=True, chain_head=prev, version=len(events) + later))
        if revision is not None:
            writer.add("ballot_revision", revision)
        for row in chain:
            writer.add("ballot_event", row)
        return round_id


def _ties(vote: Vote, seats: int, figures: rules.Figures) -> bool:
    counts = rules.counts_json(vote.rule, vote.members, seats, figures, vote.totals)
    return bool(rules.tied(rules.result_json(rules.tally_counts(counts))))


@dataclass
class Submission:
    """How far a cluster-year's proposals went: drafts, submitted, or decided."""

    stage: str  # "draft", "submitted" or "decided"
    number: str = ""
    day: date | None = None


def propose(writer: Writer, rng: random.Random, decisions: Decisions, award_ids: Mapping[str, int], *,
            cluster_year_id: int, year: int, elected: Sequence[Elected], submission: Submission, mark: str) -> None:
    """One proposal per elected board with its log (created, overridden for the government flag, submitted,
    decided) and, once decided, the award that answers it: as proposed, as another form, or none."""
    for one in elected:
        proposal_id = writer.new_id("proposal")
        log = [("created", one.at + timedelta(hours=1), {
            "round": one.round_id, "round_number": one.round_number, "revision": 1, "year": year,
            "board": one.board, "award": one.award, "votes": one.votes, "share": one.share})]
        override = ""
        if one.award == "CO_CP":  # the cluster's vote for its own flag is how it names those leading it
            override = catalogue.OVERRIDE_REASON.format(mark=mark)
            log.append(("override", one.at + timedelta(hours=2), {"reason": override}))
        status = ProposalStatus.DRAFT
        if submission.stage != "draft":
            status = ProposalStatus.SUBMITTED
            log.append(("submitted", moment(submission.day), {
                "number": submission.number, "date": submission.day.isoformat(),
                "before": {"status": "draft", "number": "", "date": None}}))
        award = None
        if submission.stage == "decided":
            status, award = _decide(rng, one, award_ids)
            if award is None:
                log.append(("status", moment(decisions.day(year, one.award)), {"from": "submitted", "to": status}))
            else:
                decision_id, day = decisions.for_award(year, award)
                award_id = writer.add("award", dict(
                    decision_id=decision_id, board_id=one.board, award_type_id=award_ids[award], year=year,
                    proposal_id=proposal_id, note="", version=1))
                log.append(("status", moment(day), {"from": "submitted", "to": status, "award": award_id,
                                                     "decision": decision_id}))
        writer.add("proposal", dict(
            id=proposal_id, cluster_year_id=cluster_year_id, board_id=one.board, award_type_id=award_ids[one.award],
            round_id=one.round_id, votes=one.votes, share=one.share,
            submission_number=submission.number if submission.stage != "draft" else "",
            submission_date=submission.day if submission.stage != "draft" else None, status=status,
            override_reason=override, version=len(log)))
        for kind, at, data in log:
            writer.add("proposal_event", dict(proposal_id=proposal_id, kind=kind, user_id=None, at=at,
                                              payload=canonical(data)))


def _decide(rng: random.Random, one: Elected, award_ids: Mapping[str, int]) -> tuple[str, str | None]:
    """What the decision made of a proposal: its status and the award granted (None: not granted)."""
    granted, other = (0.5, 0.8) if one.award == "CO_CP" else (0.8, 0.88)
    draw = rng.random()
    if draw < granted:
        return ProposalStatus.GRANTED, one.award
    if draw < other and catalogue.OTHER_FORM.get(one.award) in award_ids:
        return ProposalStatus.GRANTED_OTHER, catalogue.OTHER_FORM[one.award]
    return ProposalStatus.NOT_GRANTED, None
