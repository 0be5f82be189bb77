"""A member board."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Email, Optional

from tracker.forms.fields import Choice, Day, IdChoice, LongText, Text, Version, at_most, required


class BoardForm(FlaskForm):
    """A member board."""

    name = Text(_l("Full name"), [required(), at_most(255)])
    short_name = Text(_l("Short name"), [required(), at_most(50)])
    kind = Choice(_l("Kind"))
    province = Text(_l("Province or city"), [at_most(100)])
    address = Text(_l("Address"), [at_most(300)])
    phone = Text(_l("Telephone"), [at_most(100)])
    fax = Text(_l("Fax"), [at_most(100)])
    email = Text(_l("Email"), [Optional(), at_most(200),
                               Email(message=_l("Enter an email address such as diza@diza.vn."))])
    website = Text(_l("Website"), [at_most(200)])
    start_date = Day(_l("Start date"), [Optional()])
    end_date = Day(_l("End date"), [Optional()])
    successor_id = IdChoice(_l("Successor board"))
    note = LongText(_l("Note"), [at_most(2000)])
    cluster_id = IdChoice(_l("Kept by"))
    version = Version()
