"""Forms of a cluster-year's meetings and their attachments; choices are filled by the views."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import InputRequired, NumberRange, Optional

from tracker import labels
from tracker.forms.fields import (
    Choice,
    Day,
    IdChecklist,
    IdChoice,
    LongText,
    Text,
    Version,
    WholeNumber,
    at_most,
    required,
)
from tracker.services.meetings import MAX_DELEGATES, MAX_TEXT
from tracker.services.uploads import MAX_CAPTION


class MeetingForm(FlaskForm):
    """A meeting: kind, date and place, host, boards present, delegates, summary and decisions."""

    kind = Choice(_l("Meeting"), choices=labels.choices(labels.MEETING_KIND))
    held_on = Day(_l("Date"), [required()])
    place = Text(_l("Place"), [at_most(300)])
    host_board_id = IdChoice(_l("Host board"))
    # coerce=int: IdChecklist would otherwise turn the ids it is opened with into strings and tick no box.
    present = IdChecklist(_l("Boards present"), default=[])
    delegates = WholeNumber(_l("Number of delegates"), [Optional(), NumberRange(
        min=0, max=MAX_DELEGATES, message=_l("Enter a whole number from %(min)s to %(max)s."))])
    summary = LongText(_l("Summary"), [at_most(MAX_TEXT)])
    decisions = LongText(_l("Decisions taken"), [at_most(MAX_TEXT)])
    version = Version()


class UploadForm(FlaskForm):
    """A photo or a scanned document, with a caption."""

    file = FileField(_l("File (JPEG, PNG or PDF)"), [FileRequired(message=_l("Choose a file to upload."))])
    caption = Text(_l("Caption"), [at_most(MAX_CAPTION)])


class CaptionForm(FlaskForm):
    """A new caption for an attachment, with the version it was opened on (a form without one is refused)."""

    caption = Text(_l("Caption"), [at_most(MAX_CAPTION)])
    version = Version(validators=[InputRequired(message=_l("This form is incomplete: reload the page."))])
