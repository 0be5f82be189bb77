"""Forms of a ballot round: opening it, typing the counts (first entry, second entry, amendment)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import InputRequired, NumberRange, Optional

from tracker.forms.fields import REQUIRED, Day, IdChoice, LongText, Text, Version, WholeNumber, at_most, required
from tracker.rules.rounds import Figures

MAX_COUNT = 100_000


class Count(WholeNumber):
    """A number of ballots or votes: a whole number from 0."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, [InputRequired(message=REQUIRED), NumberRange(
            min=0, max=MAX_COUNT, message=_l("Enter a whole number from %(min)s to %(max)s."))], **kwargs)


class MeetingFields:
    """When and where the vote took place and who counted it."""

    held_on = Day(_l("Date of the vote"), [Optional()])
    place = Text(_l("Place"), [at_most(300)])
    committee = LongText(_l("Counting committee (one person per line: name – role)"), [at_most(2000)])


class OpenRoundForm(MeetingFields, FlaskForm):
    """Open a round for an award."""

    award_type_id = IdChoice(_l("Award"), [InputRequired(message=REQUIRED)])



def figures_form(members, candidates, *, meeting=False, reason=False, data=None) -> FlaskForm:
    """The counts: a box per member present, the ballots, the votes per candidate; the meeting or a reason."""
    bases = (MeetingFields, FlaskForm) if meeting else (FlaskForm,)
    fields = {"issued": Count(_l("Ballots issued")), "returned": Count(_l("Ballots returned")),
              "invalid": Count(_l("Invalid ballots")), "version": Version()}
    for board in members:
        fields[f"present_{board.id}"] = BooleanField(board.short_name)
    for board in candidates:
        fields[f"votes_{board.id}"] = Count(board.short_name)
    if reason:
        fields["reason"] = LongText(_l("Why the finalised counts are corrected"), [required(), at_most(2000)])
    form_class = type("FiguresForm", bases, fields)
    form = form_class(data=data)
    form.member_ids = [b.id for b in members]
    form.candidate_ids = [b.id for b in candidates]
    return form


def figures_from(form) -> Figures:
    """The figures a filled form holds."""
    return Figures(present=frozenset(i for i in form.member_ids if form[f"present_{i}"].data),
                   issued=form.issued.data, returned=form.returned.data, invalid=form.invalid.data,
                   votes={i: form[f"votes_{i}"].data for i in form.candidate_ids})


def figures_data(figures: Figures) -> dict:
    """Form data showing stored figures."""
    data = {"issued": figures.issued, "returned": figures.returned, "invalid": figures.invalid}
    data.update({f"present_{i}": True for i in figures.present})
    data.update({f"votes_{i}": v for i, v in figures.votes.items()})
    return data
