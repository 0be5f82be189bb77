"""The voting rule of a cluster-year as data: defaults, parsing fractions typed by a secretary, copying forward."""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

# Defaults shown (and editable) until a cluster records its own regulation: quorum 2/3, more than 1/2 of all
# members, runoff on ties; one ministry flag and two minister's certificates, as in the South-East
# cluster's 2017 vote. No law fixes a threshold, so these are suggestions, never silently applied.
DEFAULT_SEATS = {"CO_BO": 1, "BK_BO": 2}


@dataclass(frozen=True)
class RuleValues:
    """A voting rule as the cluster's regulation states it."""

    quorum: Fraction = Fraction(2, 3)
    threshold: Fraction = Fraction(1, 2)
    base: str = "members"
    strict: bool = True
    tie_break: str = "runoff"
    second_entry: bool = True
    citation: str = ""


DEFAULT_RULE = RuleValues()


@dataclass(frozen=True)
class Effective:
    """The rule that applies to a year and where it comes from: saved for it, copied, or the default."""

    rule: RuleValues
    seats: Mapping[str, int]
    source: str  # "saved", "copied" or "default"
    source_year: int | None = None


def parse_fraction(text: str, *, allow_zero: bool = True) -> Fraction:
    """Read "2/3", "1/2", "50%", "66,7%" or "0.5" as an exact fraction between 0 and 1; ValueError otherwise."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValueError("empty")
    try:
        if cleaned.endswith("%"):
            value = Fraction(cleaned[:-1].replace(",", ".")) / 100
        else:
            value = Fraction(cleaned.replace(",", "."))
    except (ValueError, ZeroDivisionError):
        raise ValueError(text) from None
    if value < 0 or value > 1 or (value == 0 and not allow_zero):
        raise ValueError(text)
    return value


def show_fraction(value: Fraction) -> str:
    """A fraction as a secretary writes it: "2/3", "1/2", "1"."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def effective(year: int, saved: Mapping[int, tuple[RuleValues, Mapping[str, int]]]) -> Effective:
    """The rule of `year`: its own if saved, else the latest earlier year's, else the defaults."""
    if year in saved:
        rule, seats = saved[year]
        return Effective(rule, dict(seats), "saved", year)
    earlier: Sequence[int] = sorted(y for y in saved if y < year)
    if earlier:
        rule, seats = saved[earlier[-1]]
        return Effective(rule, dict(seats), "copied", earlier[-1])
    return Effective(DEFAULT_RULE, dict(DEFAULT_SEATS), "default")


def rule_json(rule: RuleValues) -> dict:
    """A rule as a round keeps it from its opening on (fractions as "2/3"): changing the year's rule later does
    not change a round already open, its second entry included."""
    return {"quorum": f"{rule.quorum.numerator}/{rule.quorum.denominator}",
            "threshold": f"{rule.threshold.numerator}/{rule.threshold.denominator}", "base": rule.base,
            "strict": rule.strict, "tie_break": rule.tie_break, "second_entry": rule.second_entry,
            "citation": rule.citation}


def rule_from_json(data: Mapping) -> RuleValues:
    """A rule kept by a round, read back."""
    return RuleValues(quorum=Fraction(data["quorum"]), threshold=Fraction(data["threshold"]), base=data["base"],
                      strict=bool(data["strict"]), tie_break=data["tie_break"],
                      second_entry=bool(data["second_entry"]), citation=data.get("citation", ""))
