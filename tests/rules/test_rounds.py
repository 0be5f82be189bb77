"""Stored counts as plain data: contradictions found with the numbers, entries compared, JSON round trips."""
from fractions import Fraction

from tracker.rules.rounds import Figures, Problem, counts_json, differences, figures_of, problems, tally_counts
from tracker.rules.voting import RuleValues

MEMBERS = {1, 2, 3, 4, 5}


def test_consistent_figures_have_no_problem_and_survive_the_json_round_trip():
    figures = Figures(present=frozenset({1, 2, 3, 4}), issued=4, returned=4, invalid=1, votes={1: 3, 2: 0})
    assert problems(MEMBERS, 1, [1, 2], figures) == []
    counts = counts_json(RuleValues(quorum=Fraction(3, 4)), MEMBERS, 1, figures)
    assert figures_of(counts) == figures and counts["rule"]["quorum"] == "3/4"
    assert tally_counts(counts).elected == ("1",)


def test_every_contradiction_is_named_beside_its_field_with_its_numbers():
    figures = Figures(present=frozenset({1, 9}), issued=3, returned=4, invalid=5, votes={1: 2, 7: 0})
    assert problems(MEMBERS, 1, [1, 2], figures) == [
        Problem(None, "present_not_member"), Problem(None, "candidates_changed"),
        Problem("issued", "issued_over_present", {"n": 3, "limit": 2}),
        Problem("returned", "returned_over_issued", {"n": 4, "limit": 3}),
        Problem("invalid", "invalid_over_returned", {"n": 5, "limit": 4}),
        Problem("votes_1", "votes_over_valid", {"n": 2, "limit": 0}),
        Problem(None, "total_over_marks", {"t": 2, "v": 0, "s": 1, "m": 0}),
    ]


def test_a_ballot_marks_at_most_seats_names():
    figures = Figures(present=frozenset(MEMBERS), issued=5, returned=5, invalid=0, votes={1: 5, 2: 5, 3: 1})
    assert problems(MEMBERS, 2, [1, 2, 3], figures) == [
        Problem(None, "total_over_marks", {"t": 11, "v": 5, "s": 2, "m": 10})]


def test_two_entries_are_compared_field_by_field():
    first = Figures(present=frozenset({1, 2}), issued=2, returned=2, invalid=0, votes={1: 2, 2: 0})
    second = Figures(present=frozenset({1, 2}), issued=2, returned=2, invalid=1, votes={1: 1, 2: 0})
    assert differences(first, first) == []
    assert differences(first, second) == ["invalid", "votes_1"]
