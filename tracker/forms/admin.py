"""The administrator's forms: accounts, award types and the audit log's filter."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import DataRequired, NumberRange, ValidationError

from tracker.forms.fields import REQUIRED, Choice, Day, IdChecklist, Text, Version, at_most, required
from tracker.rules.names import plain_username


class UserForm(FlaskForm):
    """An account: name, role, assigned clusters."""

    username = Text(_l("Username"), [required(), at_most(64)])
    full_name = Text(_l("Full name"), [at_most(200)])
    role = Choice(_l("Role"))
    clusters = IdChecklist(_l("Clusters this secretary edits"), default=[])
    version = Version()

    def validate_username(self, field):
        """Usernames are simple: letters, digits, dot, dash, underscore."""
        if field.data and not plain_username(field.data):
            raise ValidationError(_l("Use only letters without accents, digits, dot, dash and underscore."))


class AwardTypeForm(FlaskForm):
    """A form of collective award."""

    code = Text(_l("Code"), [required(), at_most(20)])
    name_vi = Text(_l("Name in Vietnamese"), [required(), at_most(200)])
    name_en = Text(_l("Name in English"), [at_most(200)])
    kind = Choice(_l("Kind"))
    level = Text(_l("Decided by"), [at_most(100)])
    precedence = IntegerField(_l("Precedence (1 = highest)"), [
        DataRequired(message=REQUIRED),
        NumberRange(min=1, max=999, message=_l("Enter a number between %(min)s and %(max)s."))])
    active = BooleanField(_l("In use"))
    version = Version()

    def validate_code(self, field):
        """Codes are short: capital letters, digits and underscore."""
        if field.data and not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in field.data):
            raise ValidationError(_l("Use only letters without accents, digits and underscore."))


class AuditFilterForm(FlaskForm):
    """Which lines of the audit log to list (a GET form that changes nothing)."""

    class Meta:
        csrf = False

    kind = Choice(_l("Kind"), default="")
    record = Text(_l("Record"), [at_most(64)])
    username = Text(_l("Account"), [at_most(64)])
    since = Day(_l("From"))
    until = Day(_l("To"))

    def validate_record(self, field):
        """A record is named as the log names it: table:id, e.g. board:5 or cluster_year:3."""
        table, _, number = (field.data or "").partition(":")
        if field.data and not (table.replace("_", "").isalpha() and table.isascii() and number.isdigit()):
            raise ValidationError(_l("Name a record as the log does, e.g. board:5 or cluster_year:3."))

    def validate_until(self, field):
        """The period runs forward."""
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
