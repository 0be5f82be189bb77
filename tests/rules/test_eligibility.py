"""Eligibility rules as data: each kind on a table of situations, the years in force, rules as data checked,
and properties with hypothesis."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.eligibility import (
    LEADS_CLUSTER,
    MAX_PER_YEAR,
    NEEDS_PREVIOUS,
    ONE_PER_YEAR,
    Rule,
    Situation,
    Violation,
    check,
    problems,
)

ONE = Rule(ONE_PER_YEAR, citation="Luật 06/2022/QH15", id=1)
LEADS = Rule(LEADS_CLUSTER, "CO_CP", citation="Luật 06/2022/QH15, Điều 25", id=2)
PREVIOUS = Rule(NEEDS_PREVIOUS, "CO_CP", "CO_BO", 2, citation="Nghị định 91/2017", to_year=2024, id=3)
AT_MOST = Rule(MAX_PER_YEAR, "CO_BO", count=1, citation="Quy chế cụm", id=4)


def held(**years):
    return {int(year[1:]): frozenset(codes) for year, codes in years.items()}


@pytest.mark.parametrize("situation, expected", [
    (Situation(1, "BK_BO", 2017), []),
    (Situation(1, "BK_BO", 2017, held(y2017={"BK_BO"})), []),  # its own proposal or award
    (Situation(1, "BK_BO", 2017, held(y2016={"CO_BO"})), []),  # another year
    (Situation(1, "BK_BO", 2017, held(y2017={"CO_BO", "BK_BO"})),
     [Violation(ONE, ONE_PER_YEAR, {"others": ("CO_BO",), "year": 2017})]),
    (Situation(1, "BK_BO", 2017, held(y2017={"TTLDXS", "CO_BO"})),
     [Violation(ONE, ONE_PER_YEAR, {"others": ("CO_BO", "TTLDXS"), "year": 2017})]),
])
def test_one_form_of_award_per_achievement_year(situation, expected):
    assert check([ONE], situation) == expected


@pytest.mark.parametrize("award, leads, expected", [
    ("CO_CP", True, []),
    ("CO_CP", False, [Violation(LEADS, LEADS_CLUSTER, {"award": "CO_CP", "year": 2017})]),
    ("CO_BO", False, []),  # the rule concerns the government flag only
])
def test_the_government_flag_only_for_a_board_elected_to_lead_its_cluster(award, leads, expected):
    assert check([LEADS], Situation(1, award, 2017, leads=leads)) == expected


@pytest.mark.parametrize("years, year, missing", [
    ({2015, 2016}, 2017, ()),
    ({2016}, 2017, (2015,)),
    ({2014, 2015}, 2017, (2016,)),
    (set(), 2017, (2015, 2016)),
    (set(), 2025, None),  # not in force after 2024
])
def test_a_required_award_in_each_of_the_previous_years(years, year, missing):
    codes = {2016: {"BK_BO"}}  # another award in a year does not stand in for the required one
    for y in years:
        codes.setdefault(y, set()).add("CO_BO")
    situation = Situation(1, "CO_CP", year, {y: frozenset(c) for y, c in codes.items()}, leads=True)
    expected = [] if not missing else [Violation(PREVIOUS, NEEDS_PREVIOUS, {
        "award": "CO_CP", "required": "CO_BO", "count": 2, "missing": missing})]
    assert check([PREVIOUS], situation) == expected


@pytest.mark.parametrize("taken, violated", [(0, False), (1, True), (3, True)])
def test_at_most_n_boards_per_cluster_year(taken, violated):
    expected = [Violation(AT_MOST, MAX_PER_YEAR, {"award": "CO_BO", "count": 1, "taken": taken, "year": 2017})]
    assert check([AT_MOST], Situation(1, "CO_BO", 2017, taken=taken)) == (expected if violated else [])
    assert check([AT_MOST], Situation(1, "BK_BO", 2017, taken=taken)) == []


@pytest.mark.parametrize("rule, year, in_force", [
    (Rule(ONE_PER_YEAR), 1990, True),
    (Rule(ONE_PER_YEAR, from_year=2018), 2017, False),
    (Rule(ONE_PER_YEAR, from_year=2018), 2018, True),
    (Rule(ONE_PER_YEAR, to_year=2024), 2024, True),
    (Rule(ONE_PER_YEAR, to_year=2024), 2025, False),
    (Rule(ONE_PER_YEAR, from_year=2018, to_year=2018), 2018, True),
    (Rule(ONE_PER_YEAR, active=False), 2018, False),
])
def test_only_active_rules_in_force_for_the_achievement_year_apply(rule, year, in_force):
    situation = Situation(1, "BK_BO", year, {year: frozenset({"CO_BO"})})
    assert rule.in_force(year) is in_force
    assert bool(check([rule], situation)) is in_force


def test_violations_come_in_the_order_of_the_rules():
    situation = Situation(1, "CO_CP", 2017, held(y2017={"BK_BO"}), leads=False)
    assert [v.rule.id for v in check([PREVIOUS, ONE, LEADS, AT_MOST], situation)] == [3, 1, 2]


@pytest.mark.parametrize("rule, expected", [
    (ONE, []), (LEADS, []), (PREVIOUS, []), (AT_MOST, []),
    (Rule("sometimes"), [("kind", "unknown_kind")]),
    (Rule(LEADS_CLUSTER), [("award", "award_needed")]),
    (Rule(NEEDS_PREVIOUS, "CO_CP"), [("required", "required_needed"), ("count", "previous_out_of_range")]),
    (Rule(NEEDS_PREVIOUS, None, "CO_BO", 21), [("count", "previous_out_of_range")]),
    (Rule(NEEDS_PREVIOUS, None, "CO_BO", 0), [("count", "previous_out_of_range")]),
    (Rule(NEEDS_PREVIOUS, None, "CO_BO", 20), []),
    (Rule(MAX_PER_YEAR, None, count=0), [("award", "award_needed"), ("count", "count_out_of_range")]),
    (Rule(MAX_PER_YEAR, "CO_BO"), [("count", "count_out_of_range")]),
    (Rule(ONE_PER_YEAR, from_year=2020, to_year=2019), [("to_year", "years_reversed")]),
    (Rule(ONE_PER_YEAR, from_year=1800, to_year=99999),
     [("from_year", "year_out_of_range"), ("to_year", "year_out_of_range")]),
])
def test_a_rule_as_data_is_checked_before_it_is_saved(rule, expected):
    assert problems(rule) == expected


def test_a_rule_that_cannot_be_checked_is_skipped():
    broken = [Rule(NEEDS_PREVIOUS, "CO_CP"), Rule(MAX_PER_YEAR, "CO_BO"), Rule("sometimes")]
    assert check(broken, Situation(1, "CO_CP", 2017, taken=5)) == []


codes = st.sampled_from(("CO_CP", "CO_BO", "BK_TTG", "BK_BO", "TTLDXS"))
holdings = st.dictionaries(st.integers(2005, 2020), st.frozensets(codes, max_size=3), max_size=16)
situations = st.builds(Situation, board=st.just(1), award=codes, year=st.integers(2005, 2020), held=holdings,
                       leads=st.booleans(), taken=st.integers(0, 10))
rules = st.builds(Rule, kind=st.sampled_from((ONE_PER_YEAR, LEADS_CLUSTER, NEEDS_PREVIOUS, MAX_PER_YEAR)),
                  award=st.none() | codes, required=codes, count=st.integers(1, 6),
                  from_year=st.none() | st.integers(2005, 2020), to_year=st.none() | st.integers(2005, 2020),
                  active=st.booleans())


@given(st.lists(rules, max_size=6), situations)
def test_every_violation_is_of_a_rule_in_force_for_the_award_and_matches_its_definition(rule_list, situation):
    found = check(rule_list, situation)
    assert all(v.rule.applies(situation.award, situation.year) for v in found)
    for rule in rule_list:
        if not rule.applies(situation.award, situation.year) or problems(rule):
            continue
        broken = any(v.rule is rule for v in found)
        if rule.kind == ONE_PER_YEAR:
            assert broken == bool(situation.held.get(situation.year, frozenset()) - {situation.award})
        elif rule.kind == LEADS_CLUSTER:
            assert broken == (not situation.leads)
        elif rule.kind == NEEDS_PREVIOUS:
            assert broken == any(rule.required not in situation.held.get(situation.year - k, frozenset())
                                 for k in range(1, rule.count + 1))
        else:
            assert broken == (situation.taken + 1 > rule.count)


@given(st.lists(rules, max_size=6), situations, st.integers(2005, 2020), codes)
def test_holding_more_awards_never_clears_a_warning_of_one_form_per_year(rule_list, situation, year, code):
    more = dict(situation.held)
    more[year] = more.get(year, frozenset()) | {code}
    richer = Situation(situation.board, situation.award, situation.year, more, situation.leads, situation.taken)
    ones = [r for r in rule_list if r.kind == ONE_PER_YEAR]
    assert {id(v.rule) for v in check(ones, situation)} <= {id(v.rule) for v in check(ones, richer)}
