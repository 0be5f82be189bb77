"""Tests for tracker.rules.membership: roster checks, carrying members forward, head rotation."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.membership import (
    DEPUTY,
    HEAD,
    MEMBER,
    CarriedMember,
    Problem,
    Row,
    Span,
    carry_forward,
    check_roster,
    exists_in,
    suggest_head,
)

# Boards 1-4 always existed; 5 started in 2021; 6 ended on 30 June 2025 (successor 1); 7 ended in 2018.
SPANS = {
    1: Span(), 2: Span(), 3: Span(), 4: Span(),
    5: Span(start=date(2021, 3, 1)),
    6: Span(end=date(2025, 6, 30), successor=1),
    7: Span(start=date(2000, 1, 1), end=date(2018, 12, 31)),
}


def roster(*rows: tuple[int, str] | tuple[int, str, bool]) -> list[Row]:
    """Rows as (board, role) or (board, role, member)."""
    return [Row(r[0], r[2] if len(r) == 3 else True, r[1]) for r in rows]


@pytest.mark.parametrize(("span", "year", "expected"), [
    (Span(), 1990, True),
    (Span(start=date(2021, 3, 1)), 2020, False),
    (Span(start=date(2021, 3, 1)), 2021, True),  # part of the year counts
    (Span(end=date(2025, 6, 30)), 2025, True),
    (Span(end=date(2025, 6, 30)), 2026, False),
])
def test_exists_in(span, year, expected):
    assert exists_in(span, year) is expected


@pytest.mark.parametrize(("rows", "host", "expected"), [
    pytest.param(roster((1, HEAD), (2, DEPUTY), (3, MEMBER)), 1, [], id="valid"),
    pytest.param(roster((1, HEAD), (2, MEMBER), (3, MEMBER, False)), None, [], id="valid-no-host-non-member-row"),
    pytest.param([], None, [], id="empty roster"),
    pytest.param(roster((1, HEAD), (2, HEAD)), 1, [Problem(2, "second_head")], id="second head"),
    pytest.param(roster((1, HEAD), (2, DEPUTY), (3, DEPUTY)), 1, [Problem(3, "second_deputy")],
                 id="second deputy"),
    pytest.param(roster((1, HEAD), (2, HEAD, False)), 1, [Problem(2, "head_not_member")], id="head not member"),
    pytest.param(roster((1, HEAD), (2, DEPUTY, False)), 1, [Problem(2, "deputy_not_member")],
                 id="deputy not member"),
    pytest.param(roster((1, HEAD), (5, MEMBER)), 1, [Problem(5, "not_existing", (2020,))], id="not started yet"),
    pytest.param(roster((1, HEAD), (7, MEMBER)), 1, [Problem(7, "not_existing", (2020,))], id="already ended"),
    pytest.param(roster((1, MEMBER), (2, DEPUTY)), None, [Problem(None, "no_head")], id="no head"),
    pytest.param(roster((1, HEAD), (2, MEMBER)), 3, [Problem(None, "host_not_member")], id="host not member"),
    pytest.param(roster((1, HEAD), (3, MEMBER, False)), 3, [Problem(None, "host_not_member")],
                 id="host unticked"),
])
def test_check_roster(rows, host, expected):
    assert check_roster(2020, rows, SPANS, host) == expected


def test_check_roster_ended_board_is_a_member_in_its_last_year_only():
    rows = roster((1, HEAD), (6, DEPUTY))
    assert check_roster(2025, rows, SPANS, None) == []
    assert check_roster(2026, rows, SPANS, None) == [Problem(6, "not_existing", (2026,))]


def test_check_roster_reports_every_problem_at_once():
    rows = roster((1, MEMBER), (7, DEPUTY), (2, HEAD, False))
    problems = check_roster(2020, rows, SPANS, 4)
    assert {p.code for p in problems} == {"head_not_member", "not_existing", "no_head", "host_not_member"}


CHAIN = {
    10: Span(end=date(2019, 12, 31), successor=11),
    11: Span(start=date(2020, 1, 1), end=date(2022, 12, 31), successor=12),
    12: Span(start=date(2023, 1, 1)),
    20: Span(),
    30: Span(end=date(2025, 6, 30)),  # ended, no successor
    40: Span(end=date(2025, 6, 30), successor=20),
}


@pytest.mark.parametrize(("previous", "year", "proposed", "dropped"), [
    pytest.param([20, 12], 2026, [CarriedMember(20), CarriedMember(12)], [], id="nobody ended"),
    pytest.param([10, 20], 2021, [CarriedMember(11, replaces=10), CarriedMember(20)], [], id="successor"),
    pytest.param([10, 20], 2024, [CarriedMember(12, replaces=10), CarriedMember(20)], [], id="chain of two"),
    pytest.param([40, 20], 2026, [CarriedMember(20, replaces=40)], [], id="successor already member, first"),
    pytest.param([20, 40], 2026, [CarriedMember(20)], [], id="successor already member, second"),
    pytest.param([30, 20], 2026, [CarriedMember(20)], [30], id="ended without successor"),
    pytest.param([30, 40], 2025, [CarriedMember(30), CarriedMember(40)], [], id="still there in last year"),
    pytest.param([], 2026, [], [], id="nothing to copy"),
])
def test_carry_forward(previous, year, proposed, dropped):
    assert carry_forward(previous, CHAIN, year) == (proposed, dropped)


def test_carry_forward_survives_a_successor_cycle():
    spans = {1: Span(end=date(2010, 1, 1), successor=2), 2: Span(end=date(2010, 1, 1), successor=1)}
    assert carry_forward([1], spans, 2020) == ([], [1])


@pytest.mark.parametrize(("members", "history", "expected"), [
    pytest.param([1, 2, 3], {1: [2018], 2: [2019]}, 3, id="never head comes first"),
    pytest.param([1, 2, 3], {1: [2019], 2: [2017], 3: [2018]}, 2, id="longest since head"),
    pytest.param([1, 2, 3], {1: [2012, 2019], 2: [2016], 3: [2015, 2018]}, 2, id="only the last time counts"),
    pytest.param([3, 1, 2], {}, 3, id="tie goes to the first given"),
    pytest.param([2, 1, 3], {2: [2017], 1: [2017], 3: [2019]}, 2, id="tie between former heads"),
    pytest.param([1, 2], {1: [2021], 2: [2019]}, 1, id="head in a later year does not count"),
    pytest.param([1], {1: [2019]}, 1, id="a single member"),
    pytest.param([], {1: [2019]}, None, id="no members"),
])
def test_suggest_head(members, history, expected):
    assert suggest_head(members, history, 2020) == expected


@given(
    members=st.lists(st.integers(1, 30), unique=True, max_size=12),
    history=st.dictionaries(st.integers(1, 40), st.lists(st.integers(1990, 2030), max_size=5)),
    year=st.integers(1990, 2030),
)
def test_suggest_head_always_returns_a_member(members, history, year):
    suggestion = suggest_head(members, history, year)
    if members:
        assert suggestion in members
    else:
        assert suggestion is None
