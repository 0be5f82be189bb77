"""An awarding or managing body."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Optional

from tracker.forms.fields import Day, IdChoice, Text, Version, at_most, required


class AuthorityForm(FlaskForm):
    """An awarding or managing body."""

    name = Text(_l("Name"), [required(), at_most(200)])
    short_name = Text(_l("Abbreviation"), [at_most(50)])
    valid_from = Day(_l("Name valid from"), [Optional()])
    valid_to = Day(_l("Name valid until"), [Optional()])
    successor_id = IdChoice(_l("Succeeded by"))
    version = Version()
