"""The one transaction pattern of the views, and the helpers every form shares.

A request writes through `write(action)`: the action calls services (which only flush), then the request's
transaction is committed once; when a rule refuses the change or someone saved in between, everything is rolled
back and the view is told why. `run_edit` (an edit form), `submit` (a form with nothing to go stale) and
`run_step` (a versioned button) are built on it. `commit(action)` is for a write no rule refuses (an audit line,
ending sessions): any error propagates and the error page rolls back. `discard()` drops what a failed request
wrote. No other view module commits or rolls back.
"""
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TypeVar

from flask import flash, redirect, render_template
from flask_babel import gettext as _

from tracker.db import get_session
from tracker.i18n import format_amount, format_day
from tracker.services.errors import Conflict, DomainError

T = TypeVar("T")


@dataclass(frozen=True)
class Written:
    """What a write came to: the action's value, or why nothing was written."""

    value: object = None
    refused: Exception | None = None  # a DomainError (or an exception the caller named) refused the change
    stale: Conflict | None = None  # someone saved the record after the form was opened
    compared: object = None  # what `on_stale` made of the stored record, read before the rollback

    @property
    def ok(self) -> bool:
        """True when the change was committed."""
        return self.refused is None and self.stale is None


def write(action: Callable[[], object], *, refusing: tuple[type[Exception], ...] = (),
          on_stale: Callable[[Conflict], object] | None = None,
          commit_if: Callable[[object], bool] | None = None) -> Written:
    """Run `action()` as the request's write and commit it; roll everything back when it (or the commit) raises
    DomainError, Conflict or one of `refusing`, and say which. `on_stale(conflict)` reads the stored record for
    the side-by-side comparison before the rollback. `commit_if(value)` false: the action had nothing to write,
    and the request's transaction goes on uncommitted. Any other error propagates (the error page rolls back)."""
    db = get_session()
    try:
        value = action()
        if commit_if is None or commit_if(value):
            db.commit()
    except Conflict as stale:
        compared = on_stale(stale) if on_stale is not None else None
        db.rollback()
        return Written(stale=stale, compared=compared)
    except (DomainError, *refusing) as refused:
        db.rollback()
        return Written(refused=refused)
    return Written(value=value)


def commit(action: Callable[[], T]) -> T:
    """Run `action()` as the request's write and commit it, for a write no rule refuses (an audit line, ending
    sessions): any error propagates, and the error page rolls back."""
    value = action()
    get_session().commit()
    return value


def discard() -> None:
    """Drop whatever the request wrote and not committed (a refused request, a failed flush)."""
    get_session().rollback()


def data_for(form, dataclass) -> dict:
    """The form's values for the fields of a service's data class."""
    return {f.name: form[f.name].data for f in fields(dataclass)}


def show_errors(form, error: DomainError) -> None:
    """Put each message of a refused save beside its field (or at the top of the form)."""
    for name, messages in error.errors.items():
        if name is not None and name in form:
            form[name].errors = list(form[name].errors) + list(messages)
        else:
            form.form_errors = list(getattr(form, "form_errors", [])) + list(messages)


def describe(value, labels=None) -> str:
    """A stored or typed value as the user reads it (`labels` maps a choice's value to its label)."""
    if value is None or value == "":
        return "—"
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, Decimal):
        return format_amount(value)
    if hasattr(value, "strftime"):
        return format_day(value)
    return str(value)


def conflict_rows(form, current, names) -> list[tuple[str, str, str]]:
    """For a stale edit: each field whose stored value differs from what the user typed (label, theirs, yours)."""
    rows = []
    for name in names:
        field = form[name]
        labels = field.labels() if hasattr(field, "labels") else None
        theirs, yours = getattr(current, name), field.data
        if theirs != yours:
            rows.append((str(field.label.text), describe(theirs, labels), describe(yours, labels)))
    return rows


def conflict_message() -> str:
    """What a user reads when someone saved in between."""
    return _("Someone else saved this record after you opened it. Nothing of yours was saved. "
             "Compare the two versions below; to keep yours, check the form and save again.")


def run_edit(*, form, save, conflict_fields, template: str, saved, next_url, conflict_lines=None, **context):
    """The edit cycle every form shares: validate, save in one transaction, then redirect or show why not.

    `save()` calls the service and returns the saved row; `next_url(row)` is where to go after saving; `saved` is
    the message shown then (or a function of the row). A form that carries a stamp instead of a version passes
    `conflict_lines(current)`, which returns the lines to compare and refreshes the form's stamp.
    """
    def compare(stale: Conflict):
        if conflict_lines is not None:
            return conflict_lines(stale.current)
        form.version.data = stale.current.version
        return conflict_rows(form, stale.current, conflict_fields)

    conflict = None
    if form.validate_on_submit():
        done = write(save, on_stale=compare)
        if done.ok:
            flash(saved(done.value) if callable(saved) else saved, "success")
            return redirect(next_url(done.value))
        if done.refused is not None:
            show_errors(form, done.refused)
        else:
            conflict = done.compared
    if conflict is not None:
        status = 409
    elif form.errors or getattr(form, "form_errors", None):
        status = 422
    else:
        status = 200
    message = conflict_message() if conflict is not None else None
    return render_template(template, form=form, conflict=conflict, conflict_message=message, **context), status


def submit(form, action, *, saved: str, next_url: Callable[[object], str]):
    """A form whose write has no version to go stale (adding a record, attaching a file): validate, write in one
    transaction, then redirect to `next_url(value)` with `saved`. None when the form or a rule refused it: its
    messages are beside its fields and the caller shows the page again."""
    if not form.validate_on_submit():
        return None
    done = write(action)
    if done.ok:
        flash(saved, "success")
        return redirect(next_url(done.value))
    if done.stale is not None:
        form.form_errors = list(getattr(form, "form_errors", [])) + [conflict_message()]
    else:
        show_errors(form, done.refused)
    return None


def run_step(form, action, *, done: str) -> bool:
    """A button that deletes or removes a versioned record: run `action()` in one transaction and say what
    happened (refused, changed meanwhile, or `done`). True when it was done."""
    if not form.validate_on_submit():
        return False
    written = write(action)
    if written.stale is not None:
        flash(_("Someone else changed this after you opened the page; nothing was removed. Look at it again "
                "first."), "warning")
    elif written.refused is not None:
        flash(str(written.refused.message), "danger")
    else:
        flash(done, "success")
    return written.ok
