"""The pledge's forms: the indicator catalogue, the pledge and its signatures, the targets grid."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.validators import Optional

from tracker import labels
from tracker.forms.fields import BLANK_LINES, Amount, Choice, Day, IdChoice, LongText, Stamp, Text, Version, at_most
from tracker.models import Direction


def catalogue_form(count: int, data=None) -> FlaskForm:
    """The indicator catalogue: a line per indicator (group, name, unit, direction, remove) and blank lines."""

    class CatalogueForm(FlaskForm):
        stamp = Stamp()

    for n in range(count + BLANK_LINES):
        setattr(CatalogueForm, f"id_{n}", HiddenField())
        setattr(CatalogueForm, f"group_{n}", Text(_l("Group"), [at_most(200)]))
        setattr(CatalogueForm, f"name_{n}", Text(_l("Indicator"), [at_most(300)]))
        setattr(CatalogueForm, f"unit_{n}", Text(_l("Unit"), [at_most(50)]))
        setattr(CatalogueForm, f"direction_{n}", Choice(_l("Better when"), choices=labels.choices(labels.DIRECTION),
                                                        default=Direction.HIGHER.value))
        setattr(CatalogueForm, f"remove_{n}", BooleanField(_l("Remove")))
    form = CatalogueForm(data=data)
    form.lines = count + BLANK_LINES
    return form


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
