"""Tests for tracker.rules.ballot: table tests for the edges, properties with hypothesis."""

from fractions import Fraction as F

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tracker.rules.ballot import (
    BallotError,
    Base,
    RoundInput,
    RoundResult,
    Rule,
    Status,
    TieBreak,
    format_percent,
    needed_for_quorum,
    tally,
)


def rule(**kw) -> Rule:
    params = {"quorum": F(2, 3), "threshold": F(1, 2), "base": "members", "strict": True, "tie_break": "runoff"}
    params.update(kw)
    return Rule(**params)


def round_(votes, *, seats=1, members=9, present=None, issued=None, returned=None, invalid=0,
           scores=None) -> RoundInput:
    present = members if present is None else present
    issued = present if issued is None else issued
    returned = issued if returned is None else returned
    return RoundInput(seats=seats, members=members, present=present, issued=issued,
                      returned=returned, invalid=invalid, votes=votes, scores=scores or {})


def statuses(result: RoundResult) -> dict[str, Status]:
    return {o.candidate: o.status for o in result.outcomes}


def by_name(result: RoundResult, name: str):
    return next(o for o in result.outcomes if o.candidate == name)


# --------------------------------------------------------------------------- reasons


def test_reason_examples_exact():
    result = tally(rule(), round_({"B": 4, "A": 6}, seats=2))
    a, b = result.outcomes
    assert (a.candidate, a.status, a.rank, a.passed) == ("A", Status.ELECTED, 1, True)
    assert a.reason_vi == "6/9 thành viên = 66,7% > 50% → được suy tôn (hạng 1)"
    assert a.reason_en == "6 of 9 members = 66.7% > 50% → elected (rank 1)"
    assert (b.candidate, b.status, b.passed) == ("B", Status.BELOW_THRESHOLD, False)
    assert b.reason_vi == "4/9 thành viên = 44,4% ≤ 50% → không được suy tôn: dưới ngưỡng"
    assert b.reason_en == "4 of 9 members = 44.4% ≤ 50% → not elected: below threshold"
    assert result.elected == ("A",)


def test_reason_no_quorum_exact():
    result = tally(rule(), round_({"A": 3, "B": 2}, present=5))
    assert result.quorum_met is False
    assert result.elected == ()
    for o in result.outcomes:
        assert o.status is Status.NO_QUORUM and o.passed is False
        assert o.reason_vi == "Không đủ số lượng: 5/9 thành viên có mặt, cần 6"
        assert o.reason_en == "no quorum: 5 of 9 present, 6 needed"


def test_reason_seats_full_and_tie_and_score():
    r = rule(threshold=F(1, 3))
    runoff = tally(r, round_({"A": 6, "B": 4, "C": 4, "D": 1}, seats=2))
    b = by_name(runoff, "B")
    assert b.reason_vi == "4/9 thành viên = 44,4% > 33,3% → bằng phiếu ở suất cuối, cần bầu lại"
    assert b.reason_en == "4 of 9 members = 44.4% > 33.3% → tie at the last seat – runoff needed"
    full = tally(r, round_({"A": 5, "B": 4}, seats=1))
    b = by_name(full, "B")
    assert b.reason_vi == "4/9 thành viên = 44,4% > 33,3% → đạt ngưỡng nhưng đã đủ số suất"
    assert b.reason_en == "4 of 9 members = 44.4% > 33.3% → passed but seats are full"
    scored = tally(rule(threshold=F(1, 3), tie_break="score"),
                   round_({"A": 6, "B": 4, "C": 4}, seats=2, scores={"C": F(9, 2), "B": 4}))
    c = by_name(scored, "C")
    assert c.status is Status.ELECTED
    assert c.reason_vi == ("4/9 thành viên = 44,4% > 33,3% → được suy tôn (hạng 2) "
                           "(phân định theo điểm chấm)")
    assert c.reason_en == "4 of 9 members = 44.4% > 33.3% → elected (rank 2) (tie broken by score)"
    b = by_name(scored, "B")
    assert b.status is Status.SEATS_FULL
    assert "(phân định theo điểm chấm)" in b.reason_vi and "(tie broken by score)" in b.reason_en


@pytest.mark.parametrize(
    ("base", "members", "present", "returned", "invalid", "vi", "en"),
    [
        ("members", 9, 9, 9, 0, "6/9 thành viên = 66,7%", "6 of 9 members = 66.7%"),
        ("present", 9, 8, 8, 0, "6/8 thành viên có mặt = 75%", "6 of 8 members present = 75%"),
        ("valid", 9, 9, 9, 2, "6/7 phiếu hợp lệ = 85,7%", "6 of 7 valid ballots = 85.7%"),
    ],
)
def test_reason_base_words(base, members, present, returned, invalid, vi, en):
    result = tally(rule(base=base), round_({"A": 6}, members=members, present=present,
                                           returned=returned, invalid=invalid))
    (a,) = result.outcomes
    assert a.reason_vi.startswith(vi + " > 50% → được suy tôn")
    assert a.reason_en.startswith(en + " > 50% → elected")


def test_reason_shows_more_decimals_when_rounding_hides_the_difference():
    # 1000/2001 = 49.975…% would show as "50,0%" next to a threshold of "50%".
    result = tally(rule(strict=False, quorum=F(1, 2)), round_({"A": 1000}, members=2001))
    (a,) = result.outcomes
    assert a.passed is False
    assert a.reason_vi.startswith("1000/2001 thành viên = 49,98% < 50% → không được suy tôn")
    assert a.reason_en.startswith("1000 of 2001 members = 49.98% < 50% → not elected")


# --------------------------------------------------------------------------- threshold


@pytest.mark.parametrize(
    ("threshold", "votes", "strict", "passed", "reason_en"),
    [
        (F(1, 2), 5, True, False, "5 of 10 members = 50% ≤ 50% → not elected: below threshold"),
        (F(1, 2), 5, False, True, "5 of 10 members = 50% ≥ 50% → elected (rank 1)"),
        (F(1, 2), 6, True, True, "6 of 10 members = 60% > 50% → elected (rank 1)"),
        (F(1, 2), 4, False, False, "4 of 10 members = 40% < 50% → not elected: below threshold"),
        (F(7, 10), 7, True, False, "7 of 10 members = 70% ≤ 70% → not elected: below threshold"),
        (F(7, 10), 7, False, True, "7 of 10 members = 70% ≥ 70% → elected (rank 1)"),
        (1, 10, False, True, "10 of 10 members = 100% ≥ 100% → elected (rank 1)"),
        (1, 10, True, False, "10 of 10 members = 100% ≤ 100% → not elected: below threshold"),
        (0, 0, False, True, "0 of 10 members = 0% ≥ 0% → elected (rank 1)"),
        (0, 0, True, False, "0 of 10 members = 0% ≤ 0% → not elected: below threshold"),
    ],
)
def test_exactly_at_threshold(threshold, votes, strict, passed, reason_en):
    result = tally(rule(threshold=threshold, strict=strict), round_({"A": votes}, members=10))
    (a,) = result.outcomes
    assert a.share == F(votes, 10)
    assert a.passed is passed
    assert a.status is (Status.ELECTED if passed else Status.BELOW_THRESHOLD)
    assert a.reason_en == reason_en
    assert result.elected == (("A",) if passed else ())


def test_exactly_at_two_thirds_threshold():
    strict = tally(rule(threshold=F(2, 3)), round_({"A": 6}))
    assert strict.outcomes[0].reason_vi == (
        "6/9 thành viên = 66,7% ≤ 66,7% → không được suy tôn: dưới ngưỡng")
    assert strict.elected == ()
    loose = tally(rule(threshold=F(2, 3), strict=False), round_({"A": 6}))
    assert loose.outcomes[0].reason_vi == "6/9 thành viên = 66,7% ≥ 66,7% → được suy tôn (hạng 1)"
    assert loose.elected == ("A",)


def test_zero_valid_ballots_pass_nobody_on_valid_base():
    r = rule(base="valid", threshold=0, strict=False)
    result = tally(r, round_({"A": 0, "B": 0}, returned=4, invalid=4))
    assert result.quorum_met is True and result.valid == 0
    assert result.elected == ()
    for o in result.outcomes:
        assert (o.passed, o.status, o.share, o.rank) == (False, Status.BELOW_THRESHOLD, 0, 1)
    assert result.outcomes[0].reason_vi == (
        "0/0 phiếu hợp lệ: không có phiếu hợp lệ nào → không được suy tôn")
    assert result.outcomes[0].reason_en == "0 of 0 valid ballots: no valid ballots → not elected"
    # The same zero votes pass a zero threshold when the base is the members (9 > 0).
    on_members = tally(rule(base="members", threshold=0, strict=False),
                       round_({"A": 0}, returned=4, invalid=4))
    assert on_members.elected == ("A",)


# --------------------------------------------------------------------------- quorum


@pytest.mark.parametrize(
    ("quorum", "members", "present", "met", "needed"),
    [
        (F(2, 3), 9, 5, False, 6),
        (F(2, 3), 9, 6, True, 6),
        (F(1, 2), 10, 4, False, 5),
        (F(1, 2), 10, 5, True, 5),
        (F(1, 2), 9, 4, False, 5),
        (F(1, 2), 9, 5, True, 5),
        (1, 7, 6, False, 7),
        (1, 7, 7, True, 7),
        (F(1, 3), 1, 0, False, 1),
    ],
)
def test_quorum_edges(quorum, members, present, met, needed):
    r = rule(quorum=quorum, threshold=0, strict=False)
    assert needed_for_quorum(r, members) == needed
    result = tally(r, round_({"A": present, "B": 0}, members=members, present=present))
    assert result.quorum_met is met
    if met:
        assert result.elected == ("A",)
    else:
        assert result.elected == ()
        assert {o.status for o in result.outcomes} == {Status.NO_QUORUM}
        assert all(o.passed is False for o in result.outcomes)
        assert result.outcomes[0].reason_en == (
            f"no quorum: {present} of {members} present, {needed} needed")


# --------------------------------------------------------------------------- ties and seats


RUNOFF = TieBreak.RUNOFF
SCORE = TieBreak.SCORE
E, B_, S, T = Status.ELECTED, Status.BELOW_THRESHOLD, Status.SEATS_FULL, Status.TIE_RUNOFF


@pytest.mark.parametrize(
    ("tie_break", "seats", "votes", "scores", "expected", "elected"),
    [
        # three tied at the last seat, one seat left: runoff for all three
        (RUNOFF, 2, {"A": 7, "B": 5, "C": 5, "D": 5, "E": 4, "F": 1}, {},
         {"A": E, "B": T, "C": T, "D": T, "E": S, "F": B_}, ("A",)),
        # a tie at the very first seat: nobody elected
        (RUNOFF, 1, {"A": 5, "B": 5}, {}, {"A": T, "B": T}, ()),
        # a tie that fits the seats left is no tie at the cut
        (RUNOFF, 3, {"A": 7, "B": 5, "C": 5, "D": 4}, {}, {"A": E, "B": E, "C": E, "D": S},
         ("A", "B", "C")),
        # score settles it; a candidate without a score counts lowest
        (SCORE, 2, {"A": 7, "B": 5, "C": 5, "D": 5}, {"B": 3, "C": 2},
         {"A": E, "B": E, "C": S, "D": S}, ("A", "B")),
        (SCORE, 3, {"A": 7, "B": 5, "C": 5, "D": 5}, {"D": -1},
         {"A": E, "B": T, "C": T, "D": E}, ("A", "D")),
        # the score tie is itself tied at the cut
        (SCORE, 2, {"A": 7, "B": 5, "C": 5, "D": 5}, {"B": 3, "C": 3, "D": 1},
         {"A": E, "B": T, "C": T, "D": S}, ("A",)),
        (SCORE, 3, {"A": 7, "B": 5, "C": 5, "D": 5}, {"B": 3, "C": 3, "D": 1},
         {"A": E, "B": E, "C": E, "D": S}, ("A", "B", "C")),
        # nobody has a score: all tied on score too
        (SCORE, 2, {"A": 7, "B": 5, "C": 5}, {}, {"A": E, "B": T, "C": T}, ("A",)),
        (SCORE, 2, {"A": 7, "B": 5, "C": 5, "D": 5}, {"D": F(1, 2)},
         {"A": E, "B": S, "C": S, "D": E}, ("A", "D")),
        # seats larger than candidates
        (RUNOFF, 5, {"A": 7, "B": 5, "C": 5}, {}, {"A": E, "B": E, "C": E}, ("A", "B", "C")),
        (SCORE, 5, {"A": 7, "B": 5, "C": 1}, {}, {"A": E, "B": E, "C": B_}, ("A", "B")),
    ],
)
def test_ties_at_the_cut(tie_break, seats, votes, scores, expected, elected):
    r = rule(threshold=F(1, 10), tie_break=tie_break)
    result = tally(r, round_(votes, seats=seats, members=20, scores=scores))
    assert statuses(result) == expected
    assert result.elected == elected


def test_score_tie_still_tied_reason():
    r = rule(threshold=F(1, 3), tie_break="score")
    result = tally(r, round_({"A": 7, "B": 5, "C": 5}, seats=2, scores={"B": 1, "C": 1}))
    b = by_name(result, "B")
    assert b.reason_vi.endswith("→ bằng phiếu ở suất cuối, cần bầu lại (điểm chấm cũng bằng nhau)")
    assert b.reason_en.endswith("→ tie at the last seat – runoff needed (scores tied as well)")


def test_order_and_competition_rank():
    result = tally(rule(threshold=0, strict=False),
                   round_({"c": 3, "B": 5, "A": 5, "D": 7, "a": 5}, seats=9))
    assert [(o.candidate, o.rank) for o in result.outcomes] == [
        ("D", 1), ("A", 2), ("B", 2), ("a", 2), ("c", 5)]
    assert result.elected == ("D", "A", "B", "a", "c")
    assert by_name(result, "B").reason_en.endswith("elected (rank 2)")


def test_rank_given_to_every_outcome():
    result = tally(rule(), round_({"A": 5, "B": 3, "C": 3}, present=5, seats=3))
    assert [o.rank for o in result.outcomes] == [1, 2, 2]
    result = tally(rule(), round_({"A": 6, "B": 3, "C": 3}, seats=2))
    assert [(o.rank, o.status) for o in result.outcomes] == [
        (1, E), (2, B_), (2, B_)]


def test_zero_candidates():
    result = tally(rule(), round_({}))
    assert result == RoundResult(quorum_met=True, valid=9, elected=(), outcomes=())


# --------------------------------------------------------------------------- consistency


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"invalid": 5, "returned": 4}, r"không hợp lệ \(5\) lớn hơn số phiếu thu về \(4\)"),
        ({"returned": 10, "issued": 9, "present": 9}, r"^Số phiếu thu về \(10\) lớn hơn số phiếu phát ra \(9\)"),
        ({"issued": 9, "present": 8}, r"phát ra \(9\) lớn hơn số thành viên có mặt \(8\)"),
        ({"present": 10, "members": 9}, r"có mặt \(10\) lớn hơn số thành viên \(9\)"),
        ({"votes": {"A": 8}, "returned": 9, "invalid": 2}, r"'A' \(8\) lớn hơn số phiếu hợp lệ \(7\)"),
        ({"votes": {"A": 7, "B": 7, "C": 1}, "seats": 2, "invalid": 2},
         r"Tổng số phiếu bầu \(15\).*7 × 2 = 14"),
        ({"votes": {"A": -1}}, r"'A' \(-1\) không được âm"),
        ({"invalid": -1}, r"không hợp lệ \(-1\) không được âm"),
        ({"members": -1, "present": 0}, r"thành viên \(-1\) không được âm"),
        ({"seats": 0}, r"Số suất \(0\) phải ít nhất là 1"),
        ({"members": 0, "present": 0}, r"Số thành viên \(0\) phải ít nhất là 1"),
        ({"issued": 9.0}, r"Số phiếu phát ra phải là số nguyên"),
        ({"seats": True}, r"Số suất phải là số nguyên"),
        ({"votes": {"A": 2.0}}, r"phải là số nguyên"),
        ({"votes": {"A": True}}, r"phải là số nguyên"),
        ({"votes": {"": 1}}, r"Tên đơn vị không hợp lệ"),
        ({"votes": {1: 1}}, r"Tên đơn vị không hợp lệ"),
        ({"votes": [("A", 1)]}, r"votes must be a mapping"),
        ({"votes": {"A": 1}, "scores": {"Z": 1}}, r"'Z'.*not a candidate"),
        ({"votes": {"A": 1}, "scores": {"A": 1.5}}, r"score of 'A' must be a Fraction or an int"),
    ],
)
def test_consistency_errors(kwargs, match):
    params = {"seats": 1, "members": 9, "present": 9, "issued": 9, "returned": 9, "invalid": 0, "votes": {"A": 1}}
    params.update(kwargs)
    with pytest.raises(BallotError, match=match):
        RoundInput(**params)


def test_sum_exactly_valid_times_seats_is_allowed():
    ri = round_({"A": 7, "B": 7}, seats=2, invalid=2)
    assert tally(rule(base="valid"), ri).elected == ("A", "B")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"threshold": 0.5}, r"Ngưỡng phải là phân số hoặc số nguyên.*0\.5"),
        ({"quorum": 0.5}, r"Tỉ lệ túc số phải là phân số hoặc số nguyên"),
        ({"quorum": True}, r"Tỉ lệ túc số phải là phân số"),
        ({"quorum": 0}, r"Tỉ lệ túc số \(0\) phải lớn hơn 0"),
        ({"quorum": F(4, 3)}, r"Tỉ lệ túc số \(4/3\)"),
        ({"threshold": F(-1, 2)}, r"Ngưỡng \(-1/2\) phải từ 0 đến 1"),
        ({"threshold": 2}, r"Ngưỡng \(2\) phải từ 0 đến 1"),
        ({"base": "voters"}, r"unknown base 'voters'"),
        ({"tie_break": "coin"}, r"unknown tie_break 'coin'"),
        ({"strict": 1}, r"strict must be a bool"),
    ],
)
def test_rule_errors(kwargs, match):
    with pytest.raises(BallotError, match=match):
        rule(**kwargs)


def test_ballot_error_is_value_error():
    assert issubclass(BallotError, ValueError)


def test_plain_strings_accepted_for_base_and_tie_break():
    plain = Rule(quorum=F(1, 2), threshold=1, base="valid", strict=False, tie_break="score")
    enums = Rule(quorum=F(1, 2), threshold=F(1), base=Base.VALID, strict=False,
                 tie_break=TieBreak.SCORE)
    assert plain == enums
    assert plain.base is Base.VALID and plain.tie_break is TieBreak.SCORE
    assert type(plain.threshold) is F
    assert Status.TIE_RUNOFF == "tie_runoff"


def test_round_input_is_frozen_and_copies_votes():
    votes = {"A": 6}
    ri = round_(votes)
    votes["A"] = 100
    assert ri.votes["A"] == 6
    with pytest.raises(TypeError):
        ri.votes["A"] = 9  # type: ignore[index]
    with pytest.raises(AttributeError):
        ri.seats = 3  # type: ignore[misc]
    assert ri == round_({"A": 6})
    assert hash(ri) == hash(round_({"A": 6}))


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (F(2, 3), "66,7%", "66.7%"),
        (F(1, 2), "50%", "50%"),
        (F(4, 9), "44,4%", "44.4%"),
        (F(1, 8), "12,5%", "12.5%"),
        (F(1, 16), "6,3%", "6.3%"),  # 6.25 rounds half up
        (F(1, 3), "33,3%", "33.3%"),
        (F(1, 2000), "0,1%", "0.1%"),  # 0.05 rounds half up
        (F(1, 2001), "0,0%", "0.0%"),
        (F(999, 1000), "99,9%", "99.9%"),
        (F(9999, 10000), "100,0%", "100.0%"),
        (0, "0%", "0%"),
        (1, "100%", "100%"),
    ],
)
def test_format_percent(value, vi, en):
    assert format_percent(value) == vi
    assert format_percent(value, "vi") == vi
    assert format_percent(value, "en") == en


def test_format_percent_rejects_float_and_unknown_language():
    with pytest.raises(BallotError):
        format_percent(0.5)  # type: ignore[arg-type]
    with pytest.raises(BallotError):
        format_percent(F(1, 2), "fr")


# --------------------------------------------------------------------------- properties

NAMES = ["A", "B", "C", "Đ", "a", "Ban Tuyên giáo", "Sở Y tế"]


@st.composite
def rules(draw, tie_break=None):
    # Low thresholds are over-represented so that candidates often pass.
    return Rule(
        quorum=draw(st.sampled_from([F(1, 2), F(2, 3), F(1, 3), F(3, 4), F(1)])),
        threshold=draw(st.sampled_from([F(1, 3), F(0), F(1, 5), F(1, 4), F(1, 2), F(2, 3), F(1)])),
        base=draw(st.sampled_from(["members", "present", "valid"])),
        strict=draw(st.booleans()),
        tie_break=tie_break or draw(st.sampled_from(["runoff", "score"])),
    )


@st.composite
def rounds(draw, min_candidates=0, contested=False):
    """Consistent rounds; ``contested`` ones have everyone present, no invalid ballot and
    at least three candidates, mostly with non-zero votes, so that ties at the cut are common."""
    # Shortfalls of 0 or 1 are favoured so that full attendance is common, and votes
    # are favoured on a few shared levels so that ties are common.
    def shortfall(most: int) -> int:
        if contested:
            return 0
        return draw(st.sampled_from([0, 0, min(most, 1)]) | st.integers(0, most))

    members = draw(st.integers(3 if contested else 1, 12))
    present = members - shortfall(members)
    issued = present - shortfall(present)
    returned = issued - shortfall(issued)
    invalid = shortfall(returned)
    valid = returned - invalid
    seats = draw(st.integers(1, 4))
    fewest = 3 if contested else draw(st.sampled_from([2, 3, 4, 0]))
    names = draw(st.lists(st.sampled_from(NAMES), unique=True,
                          min_size=max(min_candidates, fewest), max_size=len(NAMES)))
    levels = sorted({valid, valid - 1, (valid + 1) // 2, valid // 2, valid // 3, 0} - {-1})
    if contested:
        levels = [level for level in levels if level] or [0]
    budget = valid * seats
    votes = {}
    for name in names:
        votes[name] = min(budget, draw(st.sampled_from(levels) | st.integers(0, valid)))
        budget -= votes[name]
    scored = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    scores = {name: draw(st.integers(0, 2)) for name in scored}
    return RoundInput(seats=seats, members=members, present=present, issued=issued,
                      returned=returned, invalid=invalid, votes=votes, scores=scores)


@st.composite
def tied_rounds(draw):
    """Consistent rounds built around a tie at the last seat: some candidates ahead, one
    to two more candidates than seats left on one lower count, and a few further below;
    the ballots are barely enough for these votes so that shares are high."""
    small = st.sampled_from([0, 0, 1, 2])
    seats = draw(st.integers(1, 4))
    ahead = draw(st.integers(0, seats - 1))
    tied = seats - ahead + draw(st.integers(1, 2))
    behind = draw(st.integers(0, len(NAMES) - ahead - tied))
    tie_level = draw(st.integers(1, 4))
    top_level = tie_level + draw(st.integers(1, 3))
    lows = [draw(st.integers(0, tie_level - 1)) for _ in range(behind)]
    total = ahead * top_level + tied * tie_level + sum(lows)
    valid = max(top_level, -(-total // seats)) + draw(small)
    invalid = draw(small)
    returned = valid + invalid
    issued = returned + draw(small)
    present = issued + draw(small)
    members = present + draw(small)
    names = draw(st.permutations(NAMES))
    counts = [top_level] * ahead + [tie_level] * tied + lows
    votes = dict(zip(names, counts, strict=False))
    return RoundInput(seats=seats, members=members, present=present, issued=issued,
                      returned=returned, invalid=invalid, votes=votes)


def base_of(r: Rule, ri: RoundInput) -> int:
    return {"members": ri.members, "present": ri.present, "valid": ri.valid}[r.base]


@given(rules(), rounds())
def test_property_elected_within_seats_and_passing(r, ri):
    result = tally(r, ri)
    assert len(result.elected) <= ri.seats
    assert result.valid == ri.returned - ri.invalid
    assert sorted(o.candidate for o in result.outcomes) == sorted(ri.votes)
    assert result.elected == tuple(o.candidate for o in result.outcomes if o.status is E)
    assert [(-o.votes, o.candidate) for o in result.outcomes] == sorted(
        (-count, name) for name, count in ri.votes.items())
    assert result.quorum_met is (ri.present * r.quorum.denominator >= r.quorum.numerator * ri.members)
    base = base_of(r, ri)
    for o in result.outcomes:
        assert o.reason_vi and o.reason_en
        assert o.rank == 1 + sum(v > o.votes for v in ri.votes.values())
        if not result.quorum_met:
            assert o.status is Status.NO_QUORUM and not o.passed
            continue
        above = base > 0 and (o.votes * r.threshold.denominator > r.threshold.numerator * base
                              or (not r.strict
                                  and o.votes * r.threshold.denominator
                                  == r.threshold.numerator * base))
        assert o.passed is above
        if not o.passed:
            assert o.status is Status.BELOW_THRESHOLD
        else:
            assert o.status in {E, S, T}


@given(rules(), rounds())
def test_property_nobody_elected_without_quorum_or_below_threshold(r, ri):
    result = tally(r, ri)
    if not result.quorum_met:
        assert result.elected == ()
    elected = set(result.elected)
    for o in result.outcomes:
        if o.candidate in elected:
            assert o.passed and result.quorum_met


def with_votes(ri: RoundInput, name: str, count: int) -> RoundInput:
    votes = {**ri.votes, name: count}
    return RoundInput(seats=ri.seats, members=ri.members, present=ri.present, issued=ri.issued,
                      returned=ri.returned, invalid=ri.invalid, votes=votes, scores=ri.scores)


@given(rules(), rounds(min_candidates=1) | rounds(contested=True) | tied_rounds(), st.data())
def test_property_more_votes_keep_an_elected_candidate_elected(r, ri, data):
    result = tally(r, ri)
    name = data.draw(st.sampled_from(result.elected or sorted(ri.votes)))
    count = ri.votes[name]
    # Raise an elected candidate as far as the input stays consistent.
    room = min(ri.valid - count, ri.valid * ri.seats - sum(ri.votes.values()))
    if name in result.elected and room > 0:
        more = with_votes(ri, name, count + data.draw(st.integers(1, room)))
        assert name in tally(r, more).elected
    # Lowering always keeps the input consistent: elected with fewer votes must mean
    # elected with the original count.
    if count > 0:
        fewer = with_votes(ri, name, data.draw(st.just(count - 1) | st.integers(0, count - 1)))
        if name in tally(r, fewer).elected:
            assert name in result.elected


@given(rules(), rounds(), st.data())
def test_property_insertion_order_changes_nothing(r, ri, data):
    votes = dict(data.draw(st.permutations(list(ri.votes.items()))))
    scores = dict(data.draw(st.permutations(list(ri.scores.items()))))
    shuffled = RoundInput(seats=ri.seats, members=ri.members, present=ri.present,
                          issued=ri.issued, returned=ri.returned, invalid=ri.invalid,
                          votes=votes, scores=scores)
    assert tally(r, shuffled) == tally(r, ri)


@given(rules(tie_break="runoff"), rounds() | rounds(contested=True) | tied_rounds())
def test_property_runoff_tie_at_last_seat_elects_none_of_the_tied(r, ri):
    result = tally(r, ri)
    assume(result.quorum_met)
    passing = [o for o in result.outcomes if o.passed]
    for count in {o.votes for o in passing}:
        tied = [o for o in passing if o.votes == count]
        above = sum(o.votes > count for o in passing)
        if above < ri.seats < above + len(tied):
            assert all(o.status is T for o in tied)
            assert not {o.candidate for o in tied} & set(result.elected)
        else:
            assert all(o.status is not T for o in tied)
