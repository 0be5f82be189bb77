"""A cluster, and the year picker on its page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import NumberRange

from tracker.forms.fields import Choice, IdChoice, LongText, Text, Version, Year, at_most, required


class ClusterForm(FlaskForm):
    """An emulation cluster."""

    name = Text(_l("Name"), [required(), at_most(255)])
    kind = Choice(_l("Kind"))
    region = Text(_l("Region"), [at_most(100)])
    authority_id = IdChoice(_l("Managing authority"))
    description = LongText(_l("Description"), [at_most(4000)])
    version = Version()


class YearPickForm(FlaskForm):
    """Open a year of a cluster."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    year = Year(_l("Year"), [required(), NumberRange(
        min=1990, max=2100, message=_l("The year must be between %(min)s and %(max)s."))])
