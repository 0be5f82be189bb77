"""The field kit every form is built from: texts normalised to NFC, dates typed as dd/mm/yyyy, choices of
stored codes or record ids, numbers typed the user's way, the version of the record a form was opened on; and the
few forms many pages share (a button, a versioned button, an Excel upload and its confirmation).

Forms check shape and range only, with messages in the user's language; what a value means is the services'."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import Choice as WtfChoice
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from tracker import labels
from tracker.i18n import format_amount
from tracker.rules.numbers import NumberError, parse_number
from tracker.rules.text import normalise, refused_character

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
        """Refuse invisible control characters and invisible or bidirectional formatting characters, naming the
        one found."""
        found = refused_character(self.data) if self.data else None
        if found is not None:
            raise StopValidation(labels.refused_character(found))


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


class VersionForm(FlaskForm):
    """A button that deletes, removes or moves on a versioned record: CSRF and the version it was shown at, so a
    record changed meanwhile is not changed unseen."""

    version = Version()


class Amount(Text):
    """A number typed the way the user's language writes it ("1.234,5" in Vietnamese); blank is None."""

    minimum: Decimal | None = Decimal(0)

    def process_formdata(self, valuelist):
        """Read the number exactly, or say how to type it."""
        super().process_formdata(valuelist)
        text = self.data
        self.data = None
        if not text:
            return
        try:
            self.data = parse_number(text, str(get_locale() or "vi"))
        except NumberError:
            raise ValueError(_l("Enter a number such as 1.234,5.")) from None
        if self.minimum is not None and self.data < self.minimum:
            raise ValueError(_l("Enter a number from 0."))

    def process_data(self, value):
        """Keep the stored Decimal."""
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_amount(self.data)

    def pre_validate(self, form):
        """No control-character check: the value is a number."""


class Stamp(HiddenField):
    """The fingerprint of the rows a grid or catalogue was opened on (see services.stamps)."""


BLANK_LINES = 3  # empty lines offered at the end of a catalogue for new entries


def line_id(form, n: int) -> int | None:
    """The id a catalogue line was opened with (None for a new line or a garbled value)."""
    value = form[f"id_{n}"].data
    return int(value) if value and str(value).isdigit() else None


class UploadForm(FlaskForm):
    """An Excel file filled from the template."""

    file = FileField(_l("Excel file (.xlsx) filled from the template"), [required()])


class ImportForm(FlaskForm):
    """Confirm an import that was checked: the checked values travel signed, so nothing is stored meanwhile."""

    payload = HiddenField()
