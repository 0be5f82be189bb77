"""Secret-ballot tally for proposing member boards of an emulation cluster for an award.

Pure Python, exact arithmetic (``fractions.Fraction``), no I/O.

Usage::

    from fractions import Fraction
    from tracker.rules.ballot import Rule, RoundInput, tally

    rule = Rule(quorum=Fraction(2, 3), threshold=Fraction(1, 2), base="members",
                strict=True, tie_break="runoff")
    result = tally(rule, RoundInput(seats=1, members=9, present=9, issued=9,
                                    returned=9, invalid=0, votes={"A": 6, "B": 3}))
    result.elected                 # ('A',)
    result.outcomes[0].reason_vi   # '6/9 thành viên = 66,7% > 50% → được suy tôn (hạng 1)'

Public API:

* :class:`Rule` – the cluster's voting rule: quorum (share of members that must be
  present), threshold (share of the base a candidate needs), base (``members``,
  ``present`` or ``valid``), ``strict`` (``>`` instead of ``≥``) and the tie-break
  policy at the last seat (``runoff`` or ``score``).
* :class:`RoundInput` – the counts of one ballot round; it is checked for consistency
  on construction and raises :class:`BallotError` when the counts contradict each other.
* :func:`tally` – turns a rule and a round into a :class:`RoundResult` with one
  :class:`Outcome` per candidate (status and a reason in Vietnamese and English).
* :func:`needed_for_quorum` and :func:`format_percent` – helpers also used in reasons.
* :class:`Status`, :class:`Base`, :class:`TieBreak` – string enums.

Every error message is Vietnamese first, then English in parentheses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

__all__ = [
    "BallotError",
    "Base",
    "Outcome",
    "RoundInput",
    "RoundResult",
    "Rule",
    "Status",
    "TieBreak",
    "format_percent",
    "needed_for_quorum",
    "tally",
]


class BallotError(ValueError):
    """Inconsistent ballot counts or an invalid rule; the message is Vietnamese (English)."""


class Base(StrEnum):
    """What a candidate's votes are divided by to get its share."""

    MEMBERS = "members"
    PRESENT = "present"
    VALID = "valid"


class TieBreak(StrEnum):
    """How a tie at the last seat is settled: a new ballot, or the score from marking."""

    RUNOFF = "runoff"
    SCORE = "score"


class Status(StrEnum):
    """Outcome of one candidate in one round."""

    ELECTED = "elected"
    BELOW_THRESHOLD = "below_threshold"
    SEATS_FULL = "seats_full"
    TIE_RUNOFF = "tie_runoff"
    NO_QUORUM = "no_quorum"


# --------------------------------------------------------------------------- helpers

_DECIMAL_SEP = {"vi": ",", "en": "."}

_BASE_WORDS = {
    Base.MEMBERS: ("thành viên", "members"),
    Base.PRESENT: ("thành viên có mặt", "members present"),
    Base.VALID: ("phiếu hợp lệ", "valid ballots"),
}


def _err(vi: str, en: str) -> BallotError:
    return BallotError(f"{vi} ({en})")


def _as_fraction(value: Any, vi_name: str, en_name: str) -> Fraction:
    """Accept a Fraction or an int (not a bool, not a float) and return a Fraction."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise _err(
        f"{vi_name} phải là phân số hoặc số nguyên, nhận được {value!r} ({type(value).__name__})",
        f"{en_name} must be a Fraction or an int, got {value!r}",
    )


def _check_int(value: Any, vi_name: str, en_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _err(
            f"{vi_name} phải là số nguyên, nhận được {value!r} ({type(value).__name__})",
            f"{en_name} must be an int, got {value!r}",
        )
    return value


def _scaled_round(fr: Fraction, decimals: int) -> int:
    """|fr| × 100 × 10**decimals rounded half up (exactly), as an int."""
    scaled = abs(fr) * 100 * 10**decimals
    return (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)


def format_percent(fr: Fraction | int, lang: str = "vi", *, decimals: int = 1) -> str:
    """Format a fraction as a percentage, exactly (no floats).

    A whole percentage is shown without decimals (``1/2`` → ``"50%"``); any other value
    is rounded half up on its exact value to ``decimals`` places (default one):
    ``2/3`` → ``"66,7%"`` in Vietnamese (``lang="vi"``, comma decimal) and ``"66.7%"``
    in English (``lang="en"``). Raises :class:`BallotError` on a float or another language.
    """
    if lang not in _DECIMAL_SEP:
        raise _err(f"Ngôn ngữ không hỗ trợ: {lang!r}", f"unsupported language {lang!r}")
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise _err(f"Số chữ số thập phân không hợp lệ: {decimals!r}",
                   f"invalid number of decimals {decimals!r}")
    fr = _as_fraction(fr, "Giá trị", "value")
    pct = fr * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    n = _scaled_round(fr, decimals)
    sign = "-" if fr < 0 and n else ""
    if decimals == 0:
        return f"{sign}{n}%"
    whole, rest = divmod(n, 10**decimals)
    return f"{sign}{whole}{_DECIMAL_SEP[lang]}{rest:0{decimals}d}%"


class _FrozenMap(Mapping[str, Any]):
    """A read-only, hashable copy of a mapping (keeps the given order for iteration)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Rule:
    """The cluster's voting rule.

    ``quorum``: share of members that must be present (0 < quorum ≤ 1);
    ``threshold``: share of the base a candidate needs (0 ≤ threshold ≤ 1);
    ``base``: ``"members"``, ``"present"`` or ``"valid"`` (a :class:`Base` or a plain string);
    ``strict``: ``True`` means votes/base must be *greater than* the threshold, ``False``
    means *at least* the threshold; ``tie_break``: ``"runoff"`` or ``"score"``.
    Fractions or ints only (a float raises :class:`BallotError`).
    """

    quorum: Fraction
    threshold: Fraction
    base: Base
    strict: bool
    tie_break: TieBreak

    def __post_init__(self) -> None:
        quorum = _as_fraction(self.quorum, "Tỉ lệ túc số", "quorum")
        if not 0 < quorum <= 1:
            raise _err(f"Tỉ lệ túc số ({quorum}) phải lớn hơn 0 và không quá 1",
                       f"quorum ({quorum}) must be > 0 and ≤ 1")
        threshold = _as_fraction(self.threshold, "Ngưỡng", "threshold")
        if not 0 <= threshold <= 1:
            raise _err(f"Ngưỡng ({threshold}) phải từ 0 đến 1",
                       f"threshold ({threshold}) must be between 0 and 1")
        if not isinstance(self.strict, bool):
            raise _err(f"'strict' phải là True hoặc False, nhận được {self.strict!r}",
                       f"strict must be a bool, got {self.strict!r}")
        try:
            base = Base(self.base)
        except ValueError:
            raise _err(f"Cơ số không hợp lệ: {self.base!r}",
                       f"unknown base {self.base!r}; use members, present or valid") from None
        try:
            tie_break = TieBreak(self.tie_break)
        except ValueError:
            raise _err(f"Cách phân định bằng phiếu không hợp lệ: {self.tie_break!r}",
                       f"unknown tie_break {self.tie_break!r}; use runoff or score") from None
        object.__setattr__(self, "quorum", quorum)
        object.__setattr__(self, "threshold", threshold)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "tie_break", tie_break)


@dataclass(frozen=True)
class RoundInput:
    """The counts of one ballot round, checked for consistency on construction.

    ``seats``: how many may be elected; ``members``: member boards of the cluster that
    year; ``present``: present and voting; ``issued``/``returned``/``invalid``: ballots;
    ``votes``: votes per candidate; ``scores``: optional marking scores used by the
    ``score`` tie-break (only for candidates in ``votes``). Requires
    0 ≤ invalid ≤ returned ≤ issued ≤ present ≤ members, members ≥ 1, seats ≥ 1, each
    candidate's votes between 0 and the valid ballots, and the sum of votes at most
    valid × seats. ``votes`` and ``scores`` are stored as read-only copies.
    Raises :class:`BallotError` otherwise.
    """

    seats: int
    members: int
    present: int
    issued: int
    returned: int
    invalid: int
    votes: Mapping[str, int]
    scores: Mapping[str, Fraction | int] = field(default_factory=dict)

    @property
    def valid(self) -> int:
        """Valid ballots: returned − invalid."""
        return self.returned - self.invalid

    def __post_init__(self) -> None:
        names = {
            "seats": ("Số suất", "seats"),
            "members": ("Số thành viên", "members"),
            "present": ("Số thành viên có mặt", "members present"),
            "issued": ("Số phiếu phát ra", "issued ballots"),
            "returned": ("Số phiếu thu về", "returned ballots"),
            "invalid": ("Số phiếu không hợp lệ", "invalid ballots"),
        }
        for attr, (vi, en) in names.items():
            value = _check_int(getattr(self, attr), vi, en)
            if value < 0:
                raise _err(f"{vi} ({value}) không được âm", f"{en} ({value}) must not be negative")
        if self.seats < 1:
            raise _err(f"Số suất ({self.seats}) phải ít nhất là 1",
                       f"seats ({self.seats}) must be at least 1")
        if self.members < 1:
            raise _err(f"Số thành viên ({self.members}) phải ít nhất là 1",
                       f"members ({self.members}) must be at least 1")
        chain = (("invalid", "returned"), ("returned", "issued"), ("issued", "present"),
                 ("present", "members"))
        for low, high in chain:
            lo, hi = getattr(self, low), getattr(self, high)
            if lo > hi:
                raise _err(f"{names[low][0]} ({lo}) lớn hơn {names[high][0].lower()} ({hi})",
                           f"{names[low][1]} ({lo}) cannot exceed {names[high][1]} ({hi})")
        valid = self.valid

        if not isinstance(self.votes, Mapping):
            raise _err("Số phiếu bầu phải là một bảng tên → số phiếu",
                       "votes must be a mapping of candidate → votes")
        total = 0
        for name, count in self.votes.items():
            if not isinstance(name, str) or not name:
                raise _err(f"Tên đơn vị không hợp lệ: {name!r}", f"invalid candidate key {name!r}")
            _check_int(count, f"Số phiếu của {name!r}", f"votes of {name!r}")
            if count < 0:
                raise _err(f"Số phiếu của {name!r} ({count}) không được âm",
                           f"votes of {name!r} ({count}) must not be negative")
            if count > valid:
                raise _err(f"Số phiếu của {name!r} ({count}) lớn hơn số phiếu hợp lệ ({valid})",
                           f"votes of {name!r} ({count}) cannot exceed valid ballots ({valid})")
            total += count
        if total > valid * self.seats:
            raise _err(
                f"Tổng số phiếu bầu ({total}) lớn hơn số phiếu hợp lệ × số suất "
                f"({valid} × {self.seats} = {valid * self.seats})",
                f"total votes ({total}) cannot exceed valid ballots × seats "
                f"({valid} × {self.seats} = {valid * self.seats})",
            )

        if not isinstance(self.scores, Mapping):
            raise _err("Điểm chấm phải là một bảng tên → điểm",
                       "scores must be a mapping of candidate → score")
        scores: dict[str, Fraction] = {}
        for name, score in self.scores.items():
            if name not in self.votes:
                raise _err(f"Có điểm chấm cho {name!r} nhưng đơn vị này không có trong phiếu bầu",
                           f"score given for {name!r}, which is not a candidate")
            scores[name] = _as_fraction(score, f"Điểm chấm của {name!r}", f"score of {name!r}")
        object.__setattr__(self, "votes", _FrozenMap(self.votes))
        object.__setattr__(self, "scores", _FrozenMap(scores))


@dataclass(frozen=True)
class Outcome:
    """One candidate's result: votes, share of the base, whether it reached the threshold,
    its competition rank by votes (1 + candidates with strictly more votes), its status,
    and the reason in Vietnamese and English."""

    candidate: str
    votes: int
    share: Fraction
    passed: bool
    rank: int
    status: Status
    reason_vi: str
    reason_en: str


@dataclass(frozen=True)
class RoundResult:
    """The result of a round: whether the quorum was met, the valid ballots, the elected
    candidates (in outcome order) and one outcome per candidate ordered by votes (most
    first), then by candidate key."""

    quorum_met: bool
    valid: int
    elected: tuple[str, ...]
    outcomes: tuple[Outcome, ...]


# --------------------------------------------------------------------------- tally


def needed_for_quorum(rule: Rule, members: int) -> int:
    """Smallest number of members present n with n / members ≥ rule.quorum."""
    _check_int(members, "Số thành viên", "members")
    if members < 1:
        raise _err(f"Số thành viên ({members}) phải ít nhất là 1",
                   f"members ({members}) must be at least 1")
    q = rule.quorum
    return -(-q.numerator * members // q.denominator)


def _comparison(votes: int, base: int, share: Fraction, rule: Rule, passed: bool) -> tuple[str, str]:
    """'6/9 thành viên = 66,7% > 50%' and '6 of 9 members = 66.7% > 50%'."""
    word_vi, word_en = _BASE_WORDS[rule.base]
    if base == 0:
        return (f"{votes}/0 {word_vi}: không có {word_vi} nào",
                f"{votes} of 0 {word_en}: no {word_en}")
    # One decimal, more only when rounding would make share and threshold look equal.
    decimals = 1
    while (decimals < 12 and share != rule.threshold
           and _scaled_round(share, decimals) == _scaled_round(rule.threshold, decimals)):
        decimals += 1
    if passed:
        sign = ">" if rule.strict else "≥"
    else:
        sign = "≤" if rule.strict else "<"
    parts = []
    for lang, sep, word in (("vi", "/", word_vi), ("en", " of ", word_en)):
        share_txt = format_percent(share, lang, decimals=decimals)
        thr_txt = format_percent(rule.threshold, lang, decimals=decimals)
        parts.append(f"{votes}{sep}{base} {word} = {share_txt} {sign} {thr_txt}")
    return parts[0], parts[1]


def tally(rule: Rule, round: RoundInput) -> RoundResult:
    """Tally one ballot round under a rule.

    Quorum: present / members ≥ rule.quorum, else nobody is elected and every outcome is
    ``no_quorum``. Share = votes / base (0 when the base is 0, which passes nobody);
    a candidate passes when share > threshold (strict) or ≥ threshold. Passing candidates
    are elected in order of votes up to the seats; a tie at the last seat that exceeds the
    seats left is sent to a runoff (``tie_runoff``) or, under ``score``, settled by score
    (higher first, no score lowest; still tied → ``tie_runoff``). Passing candidates below
    the cut are ``seats_full``; the others ``below_threshold``.
    """
    if not isinstance(rule, Rule) or not isinstance(round, RoundInput):
        raise _err("Cần một Rule và một RoundInput", "expected a Rule and a RoundInput")
    valid = round.valid
    base = {Base.MEMBERS: round.members, Base.PRESENT: round.present, Base.VALID: valid}[rule.base]
    quorum_met = Fraction(round.present, round.members) >= rule.quorum

    order = sorted(round.votes.items(), key=lambda item: (-item[1], item[0]))
    all_votes = [count for _, count in order]
    rank = {name: 1 + all_votes.index(count) for name, count in order}
    share = {name: Fraction(count, base) if base else Fraction(0) for name, count in order}

    if not quorum_met:
        needed = needed_for_quorum(rule, round.members)
        vi = f"Không đủ số lượng: {round.present}/{round.members} thành viên có mặt, cần {needed}"
        en = f"no quorum: {round.present} of {round.members} present, {needed} needed"
        outcomes = tuple(
            Outcome(name, count, share[name], False, rank[name], Status.NO_QUORUM, vi, en)
            for name, count in order
        )
        return RoundResult(False, valid, (), outcomes)

    def passes(name: str) -> bool:
        if base == 0:
            return False
        s = share[name]
        return s > rule.threshold if rule.strict else s >= rule.threshold

    passed = {name: passes(name) for name, _ in order}

    # status and how it was decided: None, "score" (settled by score), "score_tied".
    decided: dict[str, tuple[Status, str | None]] = {}
    groups: list[list[str]] = []
    for name, count in order:
        if not passed[name]:
            decided[name] = (Status.BELOW_THRESHOLD, None)
        elif groups and round.votes[groups[-1][0]] == count:
            groups[-1].append(name)
        else:
            groups.append([name])

    def score_key(name: str) -> tuple[int, Fraction]:
        """Higher sorts first; a candidate without a score is below every score."""
        score = round.scores.get(name)
        return (0, Fraction(0)) if score is None else (1, score)

    seats_left = round.seats
    for group in groups:
        if seats_left == 0:
            decided.update((name, (Status.SEATS_FULL, None)) for name in group)
        elif len(group) <= seats_left:
            decided.update((name, (Status.ELECTED, None)) for name in group)
            seats_left -= len(group)
        elif rule.tie_break is TieBreak.RUNOFF:
            decided.update((name, (Status.TIE_RUNOFF, None)) for name in group)
            seats_left = 0
        else:
            subgroups: list[list[str]] = []
            for name in sorted(group, key=score_key, reverse=True):
                if subgroups and score_key(subgroups[-1][0]) == score_key(name):
                    subgroups[-1].append(name)
                else:
                    subgroups.append([name])
            for sub in subgroups:
                if seats_left == 0:
                    decided.update((name, (Status.SEATS_FULL, "score")) for name in sub)
                elif len(sub) <= seats_left:
                    decided.update((name, (Status.ELECTED, "score")) for name in sub)
                    seats_left -= len(sub)
                else:
                    decided.update((name, (Status.TIE_RUNOFF, "score_tied")) for name in sub)
                    seats_left = 0

    outcomes_list = []
    for name, count in order:
        status, how = decided[name]
        cmp_vi, cmp_en = _comparison(count, base, share[name], rule, passed[name])
        if status is Status.ELECTED:
            vi = f"{cmp_vi} → được suy tôn (hạng {rank[name]})"
            en = f"{cmp_en} → elected (rank {rank[name]})"
        elif status is Status.SEATS_FULL:
            vi = f"{cmp_vi} → đạt ngưỡng nhưng đã đủ số suất"
            en = f"{cmp_en} → passed but seats are full"
        elif status is Status.TIE_RUNOFF:
            vi = f"{cmp_vi} → bằng phiếu ở suất cuối, cần bầu lại"
            en = f"{cmp_en} → tie at the last seat – runoff needed"
        else:
            vi = f"{cmp_vi} → không được suy tôn"
            en = f"{cmp_en} → not elected"
            if base:
                vi += ": dưới ngưỡng"
                en += ": below threshold"
        if how == "score":
            vi += " (phân định theo điểm chấm)"
            en += " (tie broken by score)"
        elif how == "score_tied":
            vi += " (điểm chấm cũng bằng nhau)"
            en += " (scores tied as well)"
        outcomes_list.append(
            Outcome(name, count, share[name], passed[name], rank[name], status, vi, en)
        )
    outcomes = tuple(outcomes_list)
    elected = tuple(o.candidate for o in outcomes if o.status is Status.ELECTED)
    return RoundResult(True, valid, elected, outcomes)
