"""Forms of the pledge and the score sheet: catalogues, grids of numbers typed as "1.234,5", file uploads."""
from decimal import Decimal

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField
from wtforms.validators import Optional

from tracker.forms import Choice, Day, IdChoice, LongText, Text, Version, at_most, required
from tracker.i18n import format_amount
from tracker.models import Direction
from tracker.rules.numbers import NumberError, parse_number

BLANK_LINES = 3  # empty lines offered at the end of a catalogue for new entries


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


def direction_choices():
    """More or less is better."""
    return [(Direction.HIGHER.value, _l("higher is better")), (Direction.LOWER.value, _l("lower is better"))]


def catalogue_form(count: int, data=None) -> FlaskForm:
    """The indicator catalogue: a line per indicator (group, name, unit, direction, remove) and blank lines."""

    class CatalogueForm(FlaskForm):
        stamp = Stamp()

    for n in range(count + BLANK_LINES):
        setattr(CatalogueForm, f"id_{n}", HiddenField())
        setattr(CatalogueForm, f"group_{n}", Text(_l("Group"), [at_most(200)]))
        setattr(CatalogueForm, f"name_{n}", Text(_l("Indicator"), [at_most(300)]))
        setattr(CatalogueForm, f"unit_{n}", Text(_l("Unit"), [at_most(50)]))
        setattr(CatalogueForm, f"direction_{n}", Choice(_l("Better when"), choices=direction_choices(),
                                                        default=Direction.HIGHER.value))
        setattr(CatalogueForm, f"remove_{n}", BooleanField(_l("Remove")))
    form = CatalogueForm(data=data)
    form.lines = count + BLANK_LINES
    return form


def line_id(form, n: int) -> int | None:
    """The id a catalogue line was opened with (None for a new line or a garbled value)."""
    value = form[f"id_{n}"].data
    return int(value) if value and str(value).isdigit() else None


def pledge_form(members, data=None) -> FlaskForm:
    """The pledge: when, where, the host, the text, and a signed box and signer per member."""

    class PledgeForm(FlaskForm):
        signed_on = Day(_l("Date of signing"), [Optional()])
        place = Text(_l("Place of signing"), [at_most(300)])
        host_board_id = IdChoice(_l("Host board"))
        text = LongText(_l("Text of the pledge"), [at_most(20000)])
        version = Version()

    for board in members:
        setattr(PledgeForm, f"signed_{board.id}", BooleanField(board.short_name))
        setattr(PledgeForm, f"signer_{board.id}", Text(_l("Signed by (name, title)"), [at_most(200)]))
    return PledgeForm(data=data)


def grid_form(cells: list[tuple[int, int]], data=None) -> FlaskForm:
    """A grid of targets: for each (indicator, board) cell the target, its source document and the result."""

    class GridForm(FlaskForm):
        stamp = Stamp()

    for indicator_id, board_id in cells:
        suffix = f"{indicator_id}_{board_id}"
        setattr(GridForm, f"target_{suffix}", Amount(_l("Target")))
        setattr(GridForm, f"source_{suffix}", Text(_l("Set by (document)"), [at_most(300)]))
        setattr(GridForm, f"actual_{suffix}", Amount(_l("Result")))
    form = GridForm(data=data)
    form.cells = cells
    return form


class UploadForm(FlaskForm):
    """An Excel file filled from the template."""

    file = FileField(_l("Excel file (.xlsx) filled from the template"), [required()])


class ImportForm(FlaskForm):
    """Confirm an import that was checked: the checked values travel signed, so nothing is stored meanwhile."""

    payload = HiddenField()


def criteria_form(count: int, data=None) -> FlaskForm:
    """The score sheet's criteria: a line per criterion (group, code, name, maximum points, remove)."""

    class CriteriaForm(FlaskForm):
        stamp = Stamp()

    for n in range(count + BLANK_LINES):
        setattr(CriteriaForm, f"id_{n}", HiddenField())
        setattr(CriteriaForm, f"group_{n}", Text(_l("Group"), [at_most(200)]))
        setattr(CriteriaForm, f"code_{n}", Text(_l("Code"), [at_most(20)]))
        setattr(CriteriaForm, f"name_{n}", Text(_l("Criterion"), [at_most(500)]))
        setattr(CriteriaForm, f"max_points_{n}", Amount(_l("Maximum points")))
        setattr(CriteriaForm, f"remove_{n}", BooleanField(_l("Remove")))
    form = CriteriaForm(data=data)
    form.lines = count + BLANK_LINES
    return form


def scores_form(cells: list[tuple[int, int]], data=None) -> FlaskForm:
    """A board's scores: for each (criterion, board) cell its own score and the score the cluster agreed."""

    class ScoresForm(FlaskForm):
        stamp = Stamp()

    for criterion_id, board_id in cells:
        setattr(ScoresForm, f"self_score_{criterion_id}_{board_id}", Amount(_l("Self-score")))
        setattr(ScoresForm, f"agreed_{criterion_id}_{board_id}", Amount(_l("Agreed score")))
    form = ScoresForm(data=data)
    form.cells = cells
    return form
