"""Names of authorities over time: in force between two dates, followed by a successor's."""
from dataclasses import dataclass
from datetime import date

from tracker.rules.authorities import in_force, name_on, successors


@dataclass
class Name:
    name: str
    valid_from: date | None = None
    valid_to: date | None = None
    successor: "Name | None" = None


MPI = Name("Bộ Kế hoạch và Đầu tư", valid_to=date(2025, 2, 28))
MOF = Name("Bộ Tài chính", valid_from=date(2025, 3, 1))
MPI.successor = MOF
NEXT = lambda a: a.successor  # noqa: E731


def test_a_name_is_in_force_between_its_dates():
    assert in_force(MPI, date(2025, 2, 28)) and not in_force(MPI, date(2025, 3, 1))
    assert in_force(MOF, date(2025, 3, 1)) and not in_force(MOF, date(2018, 5, 15))


def test_the_name_on_a_day_follows_the_successor():
    assert name_on(MPI, date(2018, 5, 15), NEXT) is MPI
    assert name_on(MPI, date(2025, 6, 1), NEXT) is MOF
    assert name_on(MOF, date(2018, 5, 15), NEXT) is MOF  # no name in force: the one given stays


def test_a_loop_in_the_catalogue_ends_the_chain():
    a, b = Name("A", valid_to=date(2000, 1, 1)), Name("B", valid_to=date(2001, 1, 1))
    a.successor, b.successor = b, a
    assert successors(a, NEXT) == [b]
    assert name_on(a, date(2020, 1, 1), NEXT) is a
