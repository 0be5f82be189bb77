"""Tests for tracker.rules.reconcile: proposals paired with awards, the statuses it gives, a cluster-year's lines."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.reconcile import (
    Granted,
    Line,
    Outcome,
    Proposed,
    Settlement,
    counts,
    match,
    reconcile,
    settle,
)

FLAG, GOV_FLAG, CERT = 2, 1, 4  # award type ids
DIZA, HEPZA, BD, OUTSIDE = 10, 11, 12, 99  # board ids


def p(id_, board, award, status="submitted", year=2017) -> Proposed:
    return Proposed(id_, board, award, year, status)


def a(id_, board, award, year=2017, decision=7) -> Granted:
    return Granted(id_, board, award, year, decision)


def summary(lines: list[Line]) -> list[tuple]:
    """Lines as (outcome, proposal id, award id)."""
    return [(line.outcome, line.proposal and line.proposal.id, line.award and line.award.id) for line in lines]


@pytest.mark.parametrize(("proposals", "awards", "expected"), [
    # granted as proposed
    ([p(1, DIZA, FLAG)], [a(100, DIZA, FLAG)], [(Outcome.GRANTED, 1, 100)]),
    # granted as another form: a certificate instead of the flag
    ([p(1, DIZA, FLAG)], [a(100, DIZA, CERT)], [(Outcome.OTHER_FORM, 1, 100)]),
    # not granted: no award for the board that year
    ([p(1, DIZA, FLAG)], [], [(Outcome.NOT_GRANTED, 1, None)]),
    # an award of another year does not answer the proposal
    ([p(1, DIZA, FLAG)], [a(100, DIZA, FLAG, year=2016)],
     [(Outcome.NOT_GRANTED, 1, None), (Outcome.UNPROPOSED, None, 100)]),
    # an award to another board does not answer it either
    ([p(1, DIZA, FLAG)], [a(100, HEPZA, FLAG)],
     [(Outcome.NOT_GRANTED, 1, None), (Outcome.UNPROPOSED, None, 100)]),
    # the exact award answers its proposal even when listed after another one of the board
    ([p(1, DIZA, FLAG), p(2, DIZA, CERT)], [a(100, DIZA, CERT), a(101, DIZA, FLAG)],
     [(Outcome.GRANTED, 1, 101), (Outcome.GRANTED, 2, 100)]),
    # an exact match is not taken by an earlier proposal as "another form"
    ([p(1, DIZA, GOV_FLAG), p(2, DIZA, FLAG)], [a(100, DIZA, FLAG)],
     [(Outcome.NOT_GRANTED, 1, None), (Outcome.GRANTED, 2, 100)]),
    # two awards for one proposal: one answers it, the other is unproposed
    ([p(1, DIZA, FLAG)], [a(100, DIZA, FLAG), a(101, DIZA, CERT)],
     [(Outcome.GRANTED, 1, 100), (Outcome.UNPROPOSED, None, 101)]),
    # the full story: flag as proposed, one certificate as proposed, one proposal granted as another form,
    # one not granted, and an award nobody proposed
    ([p(1, DIZA, FLAG), p(2, HEPZA, CERT), p(3, BD, CERT), p(4, OUTSIDE, CERT)],
     [a(100, DIZA, FLAG), a(101, HEPZA, CERT), a(102, BD, FLAG, decision=8), a(103, 13, CERT, decision=None)],
     [(Outcome.GRANTED, 1, 100), (Outcome.GRANTED, 2, 101), (Outcome.OTHER_FORM, 3, 102),
      (Outcome.NOT_GRANTED, 4, None), (Outcome.UNPROPOSED, None, 103)]),
])
def test_match(proposals, awards, expected):
    assert summary(match(proposals, awards)) == expected


@given(st.lists(st.tuples(st.sampled_from([DIZA, HEPZA]), st.sampled_from([FLAG, CERT, GOV_FLAG]),
                          st.sampled_from([2016, 2017])), max_size=8),
       st.lists(st.tuples(st.sampled_from([DIZA, HEPZA]), st.sampled_from([FLAG, CERT, GOV_FLAG]),
                          st.sampled_from([2016, 2017])), max_size=8))
def test_every_proposal_and_award_is_in_exactly_one_line(proposal_keys, award_keys):
    proposals = [Proposed(i, b, t, y, "submitted") for i, (b, t, y) in enumerate(proposal_keys)]
    awards = [Granted(100 + i, b, t, y, 1) for i, (b, t, y) in enumerate(award_keys)]
    lines = match(proposals, awards)
    assert sorted(line.proposal.id for line in lines if line.proposal) == [x.id for x in proposals]
    assert sorted(line.award.id for line in lines if line.award) == [x.id for x in awards]
    for line in lines:
        if line.proposal and line.award:
            assert (line.proposal.board, line.proposal.year) == (line.award.board, line.award.year)
            assert (line.outcome == Outcome.GRANTED) == (line.proposal.award == line.award.award)


@pytest.mark.parametrize(("proposals", "awards", "before", "expected"), [
    # an award arrives: granted, or granted as another form
    ([p(1, DIZA, FLAG)], [a(100, DIZA, FLAG)], set(), Settlement({100: 1}, {1: "granted"})),
    ([p(1, DIZA, FLAG)], [a(100, DIZA, CERT)], set(), Settlement({100: 1}, {1: "granted_other"})),
    # a draft the ministry answered is granted too
    ([p(1, DIZA, FLAG, "draft")], [a(100, DIZA, FLAG)], set(), Settlement({100: 1}, {1: "granted"})),
    # nothing changes: no new status
    ([p(1, DIZA, FLAG, "granted")], [a(100, DIZA, FLAG)], {1}, Settlement({100: 1}, {})),
    # the award went with its decision: back to submitted
    ([p(1, DIZA, FLAG, "granted")], [], {1}, Settlement({}, {1: "submitted"})),
    ([p(1, DIZA, FLAG, "granted_other")], [], {1}, Settlement({}, {1: "submitted"})),
    # a status set by hand, without an award, is left alone
    ([p(1, DIZA, FLAG, "granted")], [], set(), Settlement({}, {})),
    ([p(1, DIZA, FLAG, "not_granted")], [], {1}, Settlement({}, {})),
    # the exact award arrives later: the proposal answered as another form is now granted as proposed,
    # and the other award no longer answers it
    ([p(1, DIZA, FLAG, "granted_other")], [a(100, DIZA, FLAG), a(101, DIZA, CERT)], {1},
     Settlement({100: 1, 101: None}, {1: "granted"})),
])
def test_settle(proposals, awards, before, expected):
    assert settle(proposals, awards, before) == expected


def test_reconcile_keeps_the_cluster_years_lines_only():
    members = {DIZA, HEPZA, BD}
    proposals = [p(1, DIZA, FLAG), p(2, HEPZA, CERT), p(3, DIZA, CERT, "draft"), p(4, OUTSIDE, CERT, "not_granted")]
    awards = [
        a(100, DIZA, CERT),  # granted as another form
        a(101, HEPZA, CERT, year=2016),  # another year: not this cluster-year's
        a(102, BD, FLAG, decision=None),  # a member's award that nobody proposed
        a(103, 55, FLAG),  # a board that was not a member
    ]
    lines = reconcile(proposals, awards, year=2017, members=members)
    # The DIZA certificate answers the DIZA certificate draft exactly, so the flag proposal is not granted;
    # the draft stays because it was answered.
    assert summary(lines) == [(Outcome.NOT_GRANTED, 1, None), (Outcome.NOT_GRANTED, 2, None),
                              (Outcome.GRANTED, 3, 100), (Outcome.NOT_GRANTED, 4, None),
                              (Outcome.UNPROPOSED, None, 102)]
    assert counts(lines) == {Outcome.GRANTED: 1, Outcome.OTHER_FORM: 0, Outcome.NOT_GRANTED: 3,
                             Outcome.UNPROPOSED: 1}


def test_reconcile_leaves_out_drafts_never_sent():
    lines = reconcile([p(1, DIZA, FLAG, "draft"), p(2, HEPZA, FLAG)], [a(100, HEPZA, CERT)], year=2017,
                      members={DIZA, HEPZA})
    assert summary(lines) == [(Outcome.OTHER_FORM, 2, 100)]


def test_a_draft_that_was_answered_stays_in_the_reconciliation():
    lines = reconcile([p(1, DIZA, FLAG, "draft")], [a(100, DIZA, FLAG)], year=2017, members={DIZA})
    assert summary(lines) == [(Outcome.GRANTED, 1, 100)]


def test_an_award_answering_a_non_member_proposal_is_kept():
    # The proposal names a board the roster no longer lists: its award still answers it.
    lines = reconcile([p(1, OUTSIDE, FLAG)], [a(100, OUTSIDE, CERT)], year=2017, members={DIZA})
    assert summary(lines) == [(Outcome.OTHER_FORM, 1, 100)]
