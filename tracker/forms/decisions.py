"""Forms of the register of decisions and of awards; choices are filled by the views."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from tracker.forms.fields import Day, IdChoice, LongText, Text, Version, Year, at_most, required
from tracker.services.decisions import MAX_AWARD_NOTE, MAX_NOTE, MAX_NUMBER, MAX_SIGNER


class DecisionForm(FlaskForm):
    """A decision: number, date, authority, signer and note."""

    number = Text(_l("Number"), [required(), at_most(MAX_NUMBER)])
    decided_on = Day(_l("Date"), [required()])
    authority_id = IdChoice(_l("Authority"), [required()])
    signer_name = Text(_l("Signed by"), [at_most(MAX_SIGNER)])
    signer_title = Text(_l("Signer's title"), [at_most(MAX_SIGNER)])
    note = LongText(_l("Note"), [at_most(MAX_NOTE)])
    cluster_id = IdChoice(_l("Kept by"))
    version = Version()


class AwardForm(FlaskForm):
    """One award: the board, the form of award, the achievement year and a note."""

    board_id = IdChoice(_l("Board"), [required()])
    award_type_id = IdChoice(_l("Award"), [required()])
    year = Year(_l("Achievement year"), [required()])
    note = Text(_l("Note"), [at_most(MAX_AWARD_NOTE)])


class ScanForm(FlaskForm):
    """The scanned decision, a PDF."""

    file = FileField(_l("Scan of the decision (PDF)"), [FileRequired(message=_l("Choose a file to upload."))])
