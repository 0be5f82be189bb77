"""Forms: shape and range checks with Vietnamese messages; choices are filled by the views."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import Choice as WtfChoice
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from tracker.models import AwardKind, BoardKind, ClusterKind, Role
from tracker.rules.text import has_control_characters, normalise
from tracker.rules.voting import parse_fraction, show_fraction

REQUIRED = _l("This field is required.")


def required():
    """A field that must be filled."""
    return DataRequired(message=REQUIRED)


def at_most(n: int):
    """A text of at most n characters."""
    return Length(max=n, message=_l("At most %(max)d characters."))


class Text(StringField):
    """A one-line text, trimmed and normalised to NFC; control characters are refused."""

    def process_formdata(self, valuelist):
        """Normalise what the browser sent."""
        self.data = normalise(valuelist[0]) if valuelist else ""

    def pre_validate(self, form):
        """Refuse invisible control characters."""
        if self.data and has_control_characters(self.data):
            raise StopValidation(_l("The text contains invisible control characters; please retype it."))


class LongText(Text, TextAreaField):
    """A multi-line text, normalised like Text."""

    widget = TextAreaField.widget


class Day(DateField):
    """A date typed as dd/mm/yyyy (or sent by a date picker as yyyy-mm-dd)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], **kwargs)
        self.render_kw = {"placeholder": _l("dd/mm/yyyy"), "inputmode": "numeric", **(self.render_kw or {})}

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        """Parse the date, with a message in the user's language."""
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for pattern in self.strptime_format:
            try:
                self.data = datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if not date(1900, 1, 1) <= self.data <= date(2100, 12, 31):
                self.data = None
                raise ValueError(_l("Enter a date between 1900 and 2100."))
            return
        self.data = None
        raise ValueError(_l("Enter a date as dd/mm/yyyy, for example 26/02/2018."))


def _as_select(pairs):
    if pairs is None:
        return None
    return [pair if isinstance(pair, SelectChoice) else SelectChoice(value=pair[0], label=pair[1]) for pair in pairs]


class PairChoices:
    """Choices given as (value, label) pairs, kept as WTForms SelectChoice objects."""

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, choices=_as_select(choices), **kwargs)

    @property
    def choices(self):
        """The options, as SelectChoice objects."""
        return self._choices

    @choices.setter
    def choices(self, pairs):
        self._choices = _as_select(pairs)

    def values(self) -> set:
        """The values a user may choose."""
        return {choice.value for choice in self.choices or ()}

    def labels(self) -> dict:
        """Each value's label."""
        return {choice.value: choice.label for choice in self.choices or ()}


class Choice(PairChoices, SelectField):
    """A select whose value is a string from its choices; messages in the user's language."""

    def iter_choices(self):
        """Render the choices, marking the chosen one."""
        for choice in self.choices:
            yield WtfChoice(choice.value, choice.label, choice.value == self.data, {})

    def pre_validate(self, form):
        """Refuse a value that is not among the choices."""
        if self.data not in self.values():
            raise ValidationError(_l("Choose a value from the list."))


class IdChoice(PairChoices, SelectField):
    """A select of record ids (an empty value means none)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=str, **kwargs)

    def process_formdata(self, valuelist):
        """Read an id, or None for the empty choice."""
        self.data = None
        if valuelist and valuelist[0] not in ("", "None"):
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = "invalid"

    def process_data(self, value):
        """Keep the id given by the object."""
        self.data = value

    def iter_choices(self):
        """Render the choices, marking the chosen id."""
        for choice in self.choices:
            value = "" if choice.value is None else str(choice.value)
            yield WtfChoice(value, choice.label, choice.value == self.data, {})

    def pre_validate(self, form):
        """Refuse an id not in the list."""
        if self.data is not None and self.data not in self.values():
            raise ValidationError(_l("Choose a value from the list."))


class IdChecklist(PairChoices, SelectMultipleField):
    """A list of check boxes holding record ids."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        # Ids given by the object are ints; the default str coercion would leave every box unticked.
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        """Read ids; anything else is refused in validation."""
        try:
            self.data = [int(value) for value in valuelist]
        except ValueError:
            self.data = None

    def iter_choices(self):
        """Render the boxes, ticking the chosen ids."""
        for choice in self.choices:
            yield WtfChoice(str(choice.value), choice.label, choice.value in (self.data or ()), {})

    def pre_validate(self, form):
        """Refuse ids that are not in the list."""
        if self.data is None or not set(self.data) <= self.values():
            raise ValidationError(_l("Choose values from the list."))


class Version(HiddenField):
    """The version of the record the form was opened on (for the stale-edit check)."""

    def process_formdata(self, valuelist):
        """Read the number; a garbled one counts as stale."""
        try:
            self.data = int(valuelist[0]) if valuelist and valuelist[0] else None
        except ValueError:
            self.data = -1


class WholeNumber(IntegerField):
    """A whole number typed by a user: `empty` is the value of a blank field, `message` the error for anything
    that is not a whole number (in the user's language)."""

    empty = None
    message = _l("Enter a whole number.")

    def process_formdata(self, valuelist):
        """Read a whole number."""
        self.data = self.empty
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0].strip())
            except ValueError:
                self.data = None
                raise ValueError(self.message) from None


class Year(WholeNumber):
    """A year, as a whole number."""

    message = _l("Enter a year as a whole number, for example 2018.")


class ActionForm(FlaskForm):
    """A button that changes something: CSRF token only."""


class LanguageForm(FlaskForm):
    """The language switch."""

    lang = Choice(choices=[("vi", "Tiếng Việt"), ("en", "English")])


class LoginForm(FlaskForm):
    """Username and password."""

    username = Text(_l("Username"), [required(), at_most(64)])
    password = PasswordField(_l("Password"), [DataRequired(message=REQUIRED), at_most(200)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current_password = PasswordField(_l("Current password"), [DataRequired(message=REQUIRED), at_most(200)])
    new_password = PasswordField(_l("New password"), [DataRequired(message=REQUIRED), at_most(200)])
    confirm = PasswordField(_l("Repeat the new password"), [DataRequired(message=REQUIRED), at_most(200)])

    def validate_confirm(self, field):
        """Both new passwords must be the same."""
        if field.data != self.new_password.data:
            raise ValidationError(_l("The two new passwords are not the same."))


def role_choices():
    """The three roles, labelled in the user's language."""
    return [(Role.ADMIN.value, _l("Administrator")), (Role.SECRETARY.value, _l("Secretary")),
            (Role.VIEWER.value, _l("Viewer (leadership)"))]


class UserForm(FlaskForm):
    """An account: name, role, assigned clusters."""

    username = Text(_l("Username"), [required(), at_most(64)])
    full_name = Text(_l("Full name"), [at_most(200)])
    role = Choice(_l("Role"))
    clusters = IdChecklist(_l("Clusters this secretary edits"), default=[])
    version = Version()

    def validate_username(self, field):
        """Usernames are simple: letters, digits, dot, dash, underscore."""
        if field.data and not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in field.data):
            raise ValidationError(_l("Use only letters without accents, digits, dot, dash and underscore."))


class AuthorityForm(FlaskForm):
    """An awarding or managing body."""

    name = Text(_l("Name"), [required(), at_most(200)])
    short_name = Text(_l("Abbreviation"), [at_most(50)])
    valid_from = Day(_l("Name valid from"), [Optional()])
    valid_to = Day(_l("Name valid until"), [Optional()])
    successor_id = IdChoice(_l("Succeeded by"))
    version = Version()


def board_kind_choices():
    """The kinds of board, labelled in the user's language."""
    return [(BoardKind.INDUSTRIAL_ZONES.value, _l("Industrial zones management board")),
            (BoardKind.ECONOMIC_ZONE.value, _l("Economic zone management board")),
            (BoardKind.EXPORT_PROCESSING.value, _l("Export-processing and industrial zones board")),
            (BoardKind.OTHER.value, _l("Other unit"))]


def cluster_kind_choices():
    """Cụm or khối."""
    return [(ClusterKind.CUM.value, _l("Cluster (cụm)")), (ClusterKind.KHOI.value, _l("Block (khối)"))]


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
    version = Version()


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


def roster_form(boards, data=None) -> FlaskForm:
    """The roster of a cluster-year: a member box and a role per board, the host, the review's date."""

    class RosterForm(FlaskForm):
        host_board_id = IdChoice(_l("Host of the year-end review"))
        conference_date = Day(_l("Date of the year-end review"), [Optional()])
        conference_place = Text(_l("Place of the year-end review"), [at_most(300)])
        note = LongText(_l("Note"), [at_most(2000)])
        version = Version()

    role_choices_ = [("member", _l("Member")), ("head", _l("Head")), ("deputy", _l("Deputy"))]
    for board in boards:
        setattr(RosterForm, f"member_{board.id}", BooleanField(board.short_name))
        setattr(RosterForm, f"role_{board.id}", Choice(_l("Role"), choices=role_choices_, default="member"))
    return RosterForm(data=data)


class FractionText(Text):
    """A share typed as 2/3, 1/2 or 50%; kept as an exact fraction."""

    def process_formdata(self, valuelist):
        """Parse the share, with a message in the user's language."""
        super().process_formdata(valuelist)
        text = self.data
        self.data = None
        if text:
            try:
                self.data = parse_fraction(text)
            except ValueError:
                self.raw_data = [text]
                raise ValueError(_l("Enter a share between 0 and 1 such as 2/3, 1/2 or 50%.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return show_fraction(self.data) if self.data is not None else ""

    def pre_validate(self, form):
        """No control-character check: the value is a number."""


class SeatCount(WholeNumber):
    """A number of seats (the service keeps it between 0 and 50); blank means none."""

    empty = 0
    message = _l("Enter a whole number of seats.")


def award_kind_choices():
    """Flag, certificate or title."""
    return [(AwardKind.FLAG.value, _l("Emulation flag")), (AwardKind.CERTIFICATE.value, _l("Certificate of merit")),
            (AwardKind.TITLE.value, _l("Title"))]


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


def base_choices():
    """What the threshold is a share of."""
    return [("members", _l("all members")), ("present", _l("members present")), ("valid", _l("valid ballots"))]


def rule_form(award_types, data=None) -> FlaskForm:
    """A cluster-year's voting rule, with a seats field per award type."""

    class RuleForm(FlaskForm):
        quorum = FractionText(_l("Quorum: share of members present"), [DataRequired(message=REQUIRED)])
        threshold = FractionText(_l("Threshold"), [InputRequired(message=REQUIRED)])
        base = Choice(_l("Share of"), choices=base_choices())
        strict = Choice(_l("Comparison"), choices=[("1", _l("more than (>)")), ("0", _l("at least (≥)"))])
        tie_break = Choice(_l("A tie at the last seat"), choices=[
            ("runoff", _l("is settled by a runoff round")), ("score", _l("is settled by the score ranking"))])
        second_entry = BooleanField(_l("A second person re-enters the counts before they are checked"))
        citation = LongText(_l("Citation of the cluster's regulation"), [at_most(1000)])
        version = Version()

    for award in award_types:
        setattr(RuleForm, f"seats_{award.code}", SeatCount(award.name_vi))
    return RuleForm(data=data)
