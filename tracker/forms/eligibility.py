"""The form of an eligibility rule (administrators), and the delete button that carries the rule's version."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from tracker.forms.fields import Choice, IdChoice, LongText, Version, WholeNumber, Year, at_most, required
from tracker.services.eligibility import MAX_CITATION


def award_choices(award_types, empty_label):
    """The award types, highest first, after an empty choice with the given label."""
    return [(None, empty_label)] + [(t.id, f"{t.code} – {t.name_vi}") for t in award_types]


class RuleForm(FlaskForm):
    """An eligibility rule: what it checks, for which award, what it needs, its citation and years in force."""

    kind = Choice(_l("Kind of rule"))
    award_type_id = IdChoice(_l("Award the rule applies to"))
    required_award_type_id = IdChoice(_l("Award needed in the previous years"))
    count = WholeNumber(_l("Number (previous years, or at most N boards)"))
    citation = LongText(_l("Legal citation"), [required(), at_most(MAX_CITATION)])
    from_year = Year(_l("In force from achievement year"))
    to_year = Year(_l("In force until achievement year"))
    active = BooleanField(_l("Active"))
    version = Version()
