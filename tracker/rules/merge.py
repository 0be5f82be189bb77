"""A stale save merged three ways, field by field. Pure."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Merged:
    """The value to keep, and whether both people changed it differently (so both are shown)."""

    value: object
    conflict: bool


def three_way(theirs, mine, base, *, have_base: bool) -> Merged:
    """`theirs` is what the other person saved, `mine` what this user sent, `base` what her form was opened with.
    A field she left as it was takes theirs; a field she changed keeps hers, and is a conflict when they changed
    it too, to something else. Without a base every difference is a conflict and hers is kept."""
    if have_base and mine == base:
        return Merged(theirs, False)
    return Merged(mine, theirs != mine and (not have_base or theirs != base))
