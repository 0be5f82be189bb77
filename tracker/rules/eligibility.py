"""Eligibility rules as data, checked by pure functions (domain.md section 4).

A rule names what it checks (its kind), the award it applies to (None: every award), what it needs, its legal
citation and the achievement years it is in force for. `check` applies the rules in force to one candidate's
situation and returns the violations: warnings for people to weigh, never a refusal, since the law changes (since
Decree 152/2025 a lower award is no longer a prerequisite for a higher one) and the record must still be kept.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ONE_PER_YEAR = "one_per_year"  # one form of award per board per achievement year
LEADS_CLUSTER = "leads_cluster"  # the award only for a board elected to lead its cluster that year
NEEDS_PREVIOUS = "needs_previous"  # needs award X in each of the N previous years
MAX_PER_YEAR = "max_per_year"  # at most N of the award per cluster-year
KINDS = (ONE_PER_YEAR, LEADS_CLUSTER, NEEDS_PREVIOUS, MAX_PER_YEAR)

MAX_PREVIOUS = 20  # needs_previous looks back at most this many years
MAX_COUNT = 1000  # max_per_year: a cluster has far fewer members
FIRST_YEAR, LAST_YEAR = 1900, 2100


@dataclass(frozen=True)
class Rule:
    """An eligibility rule: its kind, the award code it applies to (None: every award), the award code it needs
    (needs_previous), its count (N previous years, or at most N), citation, years in force (None: open), whether it
    is active, and the stored rule's id (None for a rule not stored)."""

    kind: str
    award: str | None = None
    required: str | None = None
    count: int | None = None
    citation: str = ""
    from_year: int | None = None
    to_year: int | None = None
    active: bool = True
    id: int | None = None

    def in_force(self, year: int) -> bool:
        """Whether the rule is active and applies to achievements of `year`."""
        return (self.active and (self.from_year is None or self.from_year <= year)
                and (self.to_year is None or year <= self.to_year))

    def applies(self, award: str, year: int) -> bool:
        """Whether the rule is in force for `year` and concerns this award."""
        return self.in_force(year) and self.award in (None, award)


@dataclass(frozen=True)
class Situation:
    """A candidate for an award in one cluster-year, as the rules see it.

    - `held`: the board's award codes by achievement year: awards granted, and for the achievement year also the
      board's other proposals and the awards it is elected for in finalised rounds;
    - `leads`: whether the board was elected to lead its cluster that year, meaning elected in a finalised ballot
      round of that cluster-year for an award of kind "flag" other than the one being checked (the cluster's vote
      for its flag is how it names the boards that lead it; a round for the award itself does not count, or the
      government-flag round would qualify its own winners);
    - `taken`: how many other boards of the cluster-year are already proposed, elected or awarded that award.
    """

    board: int
    award: str
    year: int
    held: Mapping[int, frozenset[str]] = field(default_factory=dict)
    leads: bool = False
    taken: int = 0


@dataclass(frozen=True)
class Violation:
    """A rule the situation breaks: the rule, a key selecting the message, and the values the message names."""

    rule: Rule
    message_key: str
    params: Mapping[str, object] = field(default_factory=dict)


def problems(rule: Rule) -> list[tuple[str, str]]:
    """What is wrong with a rule as data: (field, code) pairs, empty for a rule that can be checked.
    needs_previous needs the required award and a count from 1 to MAX_PREVIOUS; leads_cluster and max_per_year
    need their award, max_per_year a count from 1 to MAX_COUNT; years lie between FIRST_YEAR and LAST_YEAR and
    the first is not after the last."""
    found = []
    if rule.kind not in KINDS:
        return [("kind", "unknown_kind")]
    if rule.kind in (LEADS_CLUSTER, MAX_PER_YEAR) and rule.award is None:
        found.append(("award", "award_needed"))
    if rule.kind == NEEDS_PREVIOUS:
        if rule.required is None:
            found.append(("required", "required_needed"))
        if rule.count is None or not 1 <= rule.count <= MAX_PREVIOUS:
            found.append(("count", "previous_out_of_range"))
    if rule.kind == MAX_PER_YEAR and (rule.count is None or not 1 <= rule.count <= MAX_COUNT):
        found.append(("count", "count_out_of_range"))
    for name in ("from_year", "to_year"):
        value = getattr(rule, name)
        if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
            found.append((name, "year_out_of_range"))
    if rule.from_year is not None and rule.to_year is not None and rule.from_year > rule.to_year:
        found.append(("to_year", "years_reversed"))
    return found


def check(rules: Iterable[Rule], situation: Situation) -> list[Violation]:
    """The violations of the rules in force for the achievement year that concern the award, in the order of the
    rules. A rule that cannot be checked (see `problems`) is skipped."""
    found = []
    for rule in rules:
        if not rule.applies(situation.award, situation.year) or problems(rule):
            continue
        violation = _CHECKS[rule.kind](rule, situation)
        if violation is not None:
            found.append(violation)
    return found


def _one_per_year(rule: Rule, s: Situation) -> Violation | None:
    others = s.held.get(s.year, frozenset()) - {s.award}
    if others:
        return Violation(rule, ONE_PER_YEAR, {"others": tuple(sorted(others)), "year": s.year})
    return None


def _leads_cluster(rule: Rule, s: Situation) -> Violation | None:
    return None if s.leads else Violation(rule, LEADS_CLUSTER, {"award": s.award, "year": s.year})


def _needs_previous(rule: Rule, s: Situation) -> Violation | None:
    missing = tuple(year for year in range(s.year - rule.count, s.year)
                    if rule.required not in s.held.get(year, frozenset()))
    if missing:
        return Violation(rule, NEEDS_PREVIOUS, {"award": s.award, "required": rule.required, "count": rule.count,
                                                "missing": missing})
    return None


def _max_per_year(rule: Rule, s: Situation) -> Violation | None:
    if s.taken >= rule.count:
        return Violation(rule, MAX_PER_YEAR, {"award": s.award, "count": rule.count, "taken": s.taken,
                                              "year": s.year})
    return None


_CHECKS = {ONE_PER_YEAR: _one_per_year, LEADS_CLUSTER: _leads_cluster, NEEDS_PREVIOUS: _needs_previous,
           MAX_PER_YEAR: _max_per_year}
