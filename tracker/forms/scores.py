"""The score sheet's forms: the criteria catalogue and a board's scores."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField

from tracker.forms.fields import BLANK_LINES, Amount, Stamp, Text, at_most


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
