"""A ballot round's stored counts as plain data: what the counting committee read out, the rule it was counted
under, and the tally of them. Everything here is pure: the JSON these functions write is what the event log
hashes and what `verify` recounts."""
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from tracker.rules import ballot
from tracker.rules.chain import canonical
from tracker.rules.voting import RuleValues


@dataclass(frozen=True)
class Figures:
    """What is typed after a vote: the boards present, the ballots, the votes per candidate (board id)."""

    present: frozenset[int]
    issued: int
    returned: int
    invalid: int
    votes: Mapping[int, int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        """Ballots returned less the invalid ones."""
        return self.returned - self.invalid


@dataclass(frozen=True)
class Problem:
    """Figures that contradict each other: the form field it belongs beside (None: the whole form), a code
    selecting the message, and the numbers the message names."""

    field: str | None
    code: str
    numbers: Mapping[str, int] = field(default_factory=dict)


def problems(members: set[int], seats: int, candidates: Iterable[int], figures: Figures) -> list[Problem]:
    """Every contradiction in typed figures (domain.md section 5): present boards that are not members, votes for
    boards that are not the candidates, invalid ≤ returned ≤ issued ≤ present, votes ≤ valid, sum ≤ valid × seats."""
    found = []
    present = len(figures.present)
    if not figures.present <= members:
        found.append(Problem(None, "present_not_member"))
    if set(figures.votes) != set(candidates):
        found.append(Problem(None, "candidates_changed"))
    for name, low, high, limit in (("issued", figures.issued, present, "present"),
                                   ("returned", figures.returned, figures.issued, "issued"),
                                   ("invalid", figures.invalid, figures.returned, "returned")):
        if low > high:
            found.append(Problem(name, f"{name}_over_{limit}", {"n": low, "limit": high}))
    valid = max(figures.valid, 0)
    for board_id, votes in figures.votes.items():
        if votes > valid:
            found.append(Problem(f"votes_{board_id}", "votes_over_valid", {"n": votes, "limit": valid}))
    total = sum(figures.votes.values())
    if total > valid * seats:
        found.append(Problem(None, "total_over_marks", {"t": total, "v": valid, "s": seats, "m": valid * seats}))
    return found


def differences(first: Figures, second: Figures) -> list[str]:
    """The fields where two entries of the same count disagree (vote fields are named votes_<board id>)."""
    names = [name for name in ("present", "issued", "returned", "invalid")
             if getattr(first, name) != getattr(second, name)]
    for board_id in sorted(set(first.votes) | set(second.votes)):
        if first.votes.get(board_id) != second.votes.get(board_id):
            names.append(f"votes_{board_id}")
    return names


def counts_json(rule: RuleValues, members: Iterable[int], seats: int, figures: Figures,
                scores: Mapping[int, Decimal] | None = None) -> dict:
    """The stored counts of a revision: the rule and members as they were, and the figures. Under the "score"
    tie-break the candidates' agreed score totals are kept too, so the result can be recomputed as it was."""
    counts = {
        "engine": ENGINE,
        "rule": {"quorum": _fraction(rule.quorum), "threshold": _fraction(rule.threshold), "base": rule.base,
                 "strict": rule.strict, "tie_break": rule.tie_break},
        "members": sorted(members),
        "seats": seats,
        **figures_json(figures),
    }
    if rule.tie_break == "score" and scores:
        counts["scores"] = {str(k): format(v, "f") for k, v in sorted(scores.items()) if k in figures.votes}
    return counts


def figures_json(figures: Figures) -> dict:
    """The figures alone, as JSON (vote keys are board ids as strings)."""
    return {"present": sorted(figures.present), "issued": figures.issued, "returned": figures.returned,
            "invalid": figures.invalid, "votes": {str(k): v for k, v in sorted(figures.votes.items())}}


def figures_of(counts: Mapping) -> Figures:
    """The figures of stored counts."""
    return Figures(present=frozenset(counts["present"]), issued=counts["issued"], returned=counts["returned"],
                   invalid=counts["invalid"], votes={int(k): v for k, v in counts["votes"].items()})


def rule_of(counts: Mapping) -> ballot.Rule:
    """The engine's rule from stored counts."""
    rule = counts["rule"]
    return ballot.Rule(quorum=Fraction(rule["quorum"]), threshold=Fraction(rule["threshold"]), base=rule["base"],
                       strict=rule["strict"], tie_break=rule["tie_break"])


# The version of the counting rules that counts were entered under, stored with them: a later change of how a
# tally works gets a new number and keeps the old one here, so every past round is recounted as it was counted.
# Counts stored before the version was kept were counted by version 1.
ENGINE = 1
ENGINES = {1: ballot.tally}


def tally_counts(counts: Mapping) -> ballot.RoundResult:
    """Count stored counts under their stored rule, by the engine they were entered under (raises
    ballot.BallotError when they contradict each other or name an engine this version does not know)."""
    version = counts.get("engine", 1)
    engine = ENGINES.get(version) if isinstance(version, int) and not isinstance(version, bool) else None
    if engine is None:
        raise ballot.BallotError(f"counts entered under engine {counts.get('engine')!r}, unknown to this tracker")
    figures = figures_of(counts)
    return engine(rule_of(counts), ballot.RoundInput(
        seats=counts["seats"], members=len(counts["members"]), present=len(figures.present),
        issued=figures.issued, returned=figures.returned, invalid=figures.invalid,
        votes={str(k): v for k, v in figures.votes.items()},
        scores={k: Fraction(Decimal(v)) for k, v in counts.get("scores", {}).items()}))


def result_json(result: ballot.RoundResult) -> dict:
    """A result as stored and hashed."""
    return {
        "quorum_met": result.quorum_met,
        "valid": result.valid,
        "elected": [int(c) for c in result.elected],
        "outcomes": [{"candidate": int(o.candidate), "votes": o.votes, "share": _fraction(o.share),
                      "passed": o.passed, "rank": o.rank, "status": str(o.status), "reason_vi": o.reason_vi,
                      "reason_en": o.reason_en} for o in result.outcomes],
    }


def tied(result: Mapping) -> list[int]:
    """Candidates of a stored result (as JSON data) sent to a runoff."""
    return [o["candidate"] for o in result["outcomes"] if o["status"] == ballot.Status.TIE_RUNOFF]


# ---- the read model: a revision's counts and result as typed values, parsed in one place -----------------------

@dataclass(frozen=True)
class StoredCounts:
    """A revision's counts as stored: the rule and members as they were, the seats and the figures. `data` is the
    JSON exactly as stored, which the event log hashes and a recount reads."""

    data: Mapping

    @property
    def rule(self) -> Mapping:
        """The rule the round was counted under (quorum, threshold, base, strict, tie_break)."""
        return self.data["rule"]

    @property
    def members(self) -> list[int]:
        """The board ids that were members that year."""
        return list(self.data["members"])

    @property
    def seats(self) -> int:
        """The seats the round filled."""
        return self.data["seats"]

    @property
    def figures(self) -> Figures:
        """What the committee read out."""
        return figures_of(self.data)

    def tally(self) -> "StoredResult":
        """The result these counts give (raises ballot.BallotError when they contradict each other)."""
        return StoredResult.of(result_json(tally_counts(self.data)), provisional=True)


@dataclass(frozen=True)
class StoredOutcome:
    """One candidate's line of a result."""

    candidate: int
    votes: int
    share: Fraction
    passed: bool
    rank: int | None
    status: str  # a ballot.Status value
    reason_vi: str
    reason_en: str

    @property
    def share_text(self) -> str:
        """The share as stored ("2/3")."""
        return _fraction(self.share)

    def reason(self, lang: str) -> str:
        """The reason in the reader's language (English for "en", else Vietnamese)."""
        return self.reason_en if lang == "en" else self.reason_vi


@dataclass(frozen=True)
class StoredResult:
    """A round's result: stored when the revision was finalised, or `provisional` (tallied from counts not yet
    finalised)."""

    quorum_met: bool
    valid: int
    elected: tuple[int, ...]
    outcomes: tuple[StoredOutcome, ...]
    provisional: bool = False

    @classmethod
    def of(cls, data: Mapping, *, provisional: bool = False) -> "StoredResult":
        """A result from its JSON data (as result_json writes it)."""
        return cls(quorum_met=data["quorum_met"], valid=data["valid"], elected=tuple(data["elected"]),
                   outcomes=tuple(StoredOutcome(candidate=o["candidate"], votes=o["votes"],
                                                share=Fraction(o["share"]), passed=o["passed"], rank=o["rank"],
                                                status=o["status"], reason_vi=o["reason_vi"], reason_en=o["reason_en"])
                                  for o in data["outcomes"]),
                   provisional=provisional)

    @property
    def tied(self) -> list[int]:
        """Candidates sent to a runoff (a tie at the last seat)."""
        return [o.candidate for o in self.outcomes if o.status == ballot.Status.TIE_RUNOFF]

    def elected_outcomes(self) -> list[StoredOutcome]:
        """The lines of the elected boards, in the result's order (rank)."""
        chosen = set(self.elected)
        return [o for o in self.outcomes if o.candidate in chosen]


def unchecked_finalisation(payloads: Iterable[Mapping]) -> int | None:
    """The index of the first "finalised" event whose counts are not those last entered (or amended) for its
    revision and then checked, in a round's events in order; None when every finalisation follows its check."""
    typed: dict = {}
    checked: set = set()
    for index, payload in enumerate(payloads):
        revision, data = payload.get("revision"), payload.get("data") or {}
        if payload.get("kind") in ("entered", "amended"):
            typed[revision] = data.get("counts")
            checked.discard(revision)
        elif payload.get("kind") == "checked":
            checked.add(revision)
        elif payload.get("kind") == "finalised":
            if revision not in checked or canonical(typed.get(revision)) != canonical(data.get("counts")):
                return index
    return None


def reworded(result: StoredResult, counts: Mapping | None) -> StoredResult:
    """The result with its reasons in this version's words, rebuilt from its counts: what decides is unchanged,
    so a reworded reason never changes a past vote. The stored words stay when the counts cannot be recounted or
    do not give this result (which `flask verify` reports)."""
    if counts is None:
        return result
    try:
        recount = result_json(tally_counts(counts))
    except (ballot.BallotError, KeyError, TypeError, ValueError):
        return result
    if comparable(recount) != comparable(_as_json(result)):
        return result
    words = {o["candidate"]: (o["reason_vi"], o["reason_en"]) for o in recount["outcomes"]}
    return replace(result, outcomes=tuple(
        replace(o, reason_vi=words[o.candidate][0], reason_en=words[o.candidate][1]) if o.candidate in words else o
        for o in result.outcomes))


def _as_json(result: StoredResult) -> dict:
    return {"quorum_met": result.quorum_met, "valid": result.valid, "elected": list(result.elected),
            "outcomes": [{"candidate": o.candidate, "votes": o.votes, "share": _fraction(o.share), "passed": o.passed,
                          "rank": o.rank, "status": o.status} for o in result.outcomes]}


def read_counts(text: str | None) -> StoredCounts | None:
    """A revision's stored counts column, read (None when no counts were entered, or when what is stored is not
    counts: a page then shows none, and `flask verify` names the round)."""
    if not text:
        return None
    try:
        data = json.loads(text)
        figures_of(data)
        data["rule"], data["members"], data["seats"]  # noqa: B018 (every part a page reads is there)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return StoredCounts(data)


def read_result(text: str | None) -> StoredResult | None:
    """A revision's stored result column, read (None when the revision was never finalised, or when what is stored
    is not a result: a page then shows none, and `flask verify` names the round)."""
    if not text:
        return None
    try:
        return StoredResult.of(json.loads(text))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


DECISIVE = ("quorum_met", "valid", "elected", "outcomes")
DECISIVE_OUTCOME = ("candidate", "votes", "share", "passed", "rank", "status")


def comparable(result: Mapping) -> str:
    """A result as compared with its recount: only what decides (quorum, valid ballots, elected boards, and each
    candidate's votes, share, pass, rank and status), never the words of its reasons, which are rebuilt for
    display and may be reworded; outcomes and elected boards in candidate order, since the order of candidates
    with equal votes follows their ids, which differ from one database to another (hand-over)."""
    outcomes = [{key: o.get(key) for key in DECISIVE_OUTCOME} for o in result.get("outcomes", [])]
    return canonical({**{key: result.get(key) for key in DECISIVE}, "elected": sorted(result.get("elected", [])),
                      "outcomes": sorted(outcomes, key=lambda o: str(o["candidate"]))})
