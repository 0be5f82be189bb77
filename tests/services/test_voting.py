"""Award types and the voting rule of a cluster-year, saved through the services."""
from fractions import Fraction

import pytest

from tracker.rules.voting import RuleValues
from tracker.services import voting
from tracker.services.errors import Conflict, DomainError


def test_the_migration_seeds_the_award_types_highest_first(db):
    codes = [a.code for a in voting.award_types(db)]
    assert codes == ["CO_CP", "CO_BO", "BK_TTG", "BK_BO", "TTLDXS"]


def test_award_type_codes_are_unique_whatever_the_case(db):
    with pytest.raises(DomainError) as error:
        voting.save_award_type(session=db, award_type_id=None, version=None,
                               data=voting.AwardTypeData(code="co_bo", name_vi="Cờ khác"))
    assert error.value.field == "code"


def test_a_saved_rule_is_used_by_later_years_until_they_save_their_own(db, south_east):
    cluster, _boards = south_east
    rule = RuleValues(quorum=Fraction(3, 4), threshold=Fraction(2, 3), base="present", strict=False,
                      tie_break="score", second_entry=False, citation="Điều 8 Quy chế cụm")
    voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None, rule=rule,
                     seats={"CO_BO": 1, "BK_BO": 3})
    db.commit()
    effective, own = voting.effective_rule(db, cluster.id, 2019)
    assert (effective.rule, effective.seats, effective.source) == (rule, {"CO_BO": 1, "BK_BO": 3}, "saved")
    later, none = voting.effective_rule(db, cluster.id, 2020)
    assert (later.rule, later.source, later.source_year, none) == (rule, "copied", 2019, None)
    earlier, _ = voting.effective_rule(db, cluster.id, 2018)
    assert earlier.source == "default"


def test_saving_a_rule_twice_needs_the_current_version_and_zero_seats_remove_the_row(db, south_east):
    cluster, _boards = south_east
    row = voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=None, rule=RuleValues(),
                           seats={"CO_BO": 1, "BK_BO": 2})
    db.commit()
    with pytest.raises(Conflict):
        voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=row.version - 1,
                         rule=RuleValues(), seats={})
    db.rollback()
    voting.save_rule(session=db, cluster_id=cluster.id, year=2019, version=row.version, rule=RuleValues(),
                     seats={"CO_BO": 0, "BK_BO": 2})
    db.commit()
    assert voting.effective_rule(db, cluster.id, 2019)[0].seats == {"BK_BO": 2}


@pytest.mark.parametrize("year, rule, seats, field", [
    (2030, RuleValues(), {}, None),
    (2019, RuleValues(quorum=Fraction(0)), {}, "quorum"),
    (2019, RuleValues(), {"CO_BO": 51}, "seats_CO_BO"),
    (2019, RuleValues(), {"NOPE": 1}, None),
])
def test_a_bad_rule_is_refused_and_nothing_saved(db, south_east, year, rule, seats, field):
    cluster, _boards = south_east
    with pytest.raises(DomainError) as error:
        voting.save_rule(session=db, cluster_id=cluster.id, year=year, version=None, rule=rule, seats=seats)
    assert error.value.field == field
    db.rollback()
    assert voting.effective_rule(db, cluster.id, 2019)[0].source == "default"
