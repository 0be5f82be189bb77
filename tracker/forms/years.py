"""A cluster-year's forms: its members and roles, and its voting rule."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, InputRequired, Optional

from tracker import labels
from tracker.forms.fields import REQUIRED, Choice, Day, IdChoice, LongText, Text, Version, WholeNumber, at_most
from tracker.rules.voting import parse_fraction, show_fraction


def roster_form(boards, data=None) -> FlaskForm:
    """The roster of a cluster-year: a member box and a role per board, the host, the review's date."""

    class RosterForm(FlaskForm):
        host_board_id = IdChoice(_l("Host of the year-end review"))
        conference_date = Day(_l("Date of the year-end review"), [Optional()])
        conference_place = Text(_l("Place of the year-end review"), [at_most(300)])
        note = LongText(_l("Note"), [at_most(2000)])
        version = Version()
        # The values as the form was opened (JSON), so a stale save keeps what others changed meanwhile in the
        # fields this user did not touch (views/years.py `_merge`).
        loaded = HiddenField()

    for board in boards:
        setattr(RosterForm, f"member_{board.id}", BooleanField(board.short_name))
        setattr(RosterForm, f"role_{board.id}", Choice(_l("Role"), choices=labels.choices(labels.MEMBER_ROLE),
                                                         default="member"))
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


def rule_form(award_types, data=None) -> FlaskForm:
    """A cluster-year's voting rule, with a seats field per award type."""

    class RuleForm(FlaskForm):
        quorum = FractionText(_l("Quorum: share of members present"), [DataRequired(message=REQUIRED)])
        threshold = FractionText(_l("Threshold"), [InputRequired(message=REQUIRED)])
        base = Choice(_l("Share of"), choices=labels.choices(labels.THRESHOLD_BASE))
        strict = Choice(_l("Comparison"), choices=labels.choices(labels.COMPARISON))
        tie_break = Choice(_l("A tie at the last seat"), choices=labels.choices(labels.TIE_BREAK))
        second_entry = BooleanField(_l("A second person re-enters the counts before they are checked"))
        citation = LongText(_l("Citation of the cluster's regulation"), [at_most(1000)])
        version = Version()

    for award in award_types:
        setattr(RuleForm, f"seats_{award.code}", SeatCount(award.name_vi))
    return RuleForm(data=data)
