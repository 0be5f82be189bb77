"""The three-way merge of a stale save (tracker/rules/merge.py)."""
from tracker.rules.merge import three_way


def test_a_field_she_left_takes_the_other_persons_value():
    merged = three_way("Tây Ninh", "", "", have_base=True)
    assert (merged.value, merged.conflict) == ("Tây Ninh", False)


def test_a_field_she_changed_keeps_hers_and_conflicts_only_when_they_changed_it_too():
    assert (three_way("", "Bình Dương", "", have_base=True).value,
            three_way("", "Bình Dương", "", have_base=True).conflict) == ("Bình Dương", False)
    both = three_way("Tây Ninh", "Bình Dương", "", have_base=True)
    assert (both.value, both.conflict) == ("Bình Dương", True)
    same = three_way("Tây Ninh", "Tây Ninh", "", have_base=True)
    assert (same.value, same.conflict) == ("Tây Ninh", False)


def test_without_a_base_every_difference_is_shown_and_hers_is_kept():
    merged = three_way("Tây Ninh", "Bình Dương", None, have_base=False)
    assert (merged.value, merged.conflict) == ("Bình Dương", True)
