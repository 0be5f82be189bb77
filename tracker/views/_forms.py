"""Helpers the views share: showing a refused save beside its fields, and a stale edit side by side."""
from dataclasses import fields
from decimal import Decimal

from flask import flash, redirect, render_template
from flask_babel import gettext as _

from tracker.db import get_session
from tracker.i18n import format_amount, format_day
from tracker.services.errors import Conflict, DomainError


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
    db = get_session()
    conflict = None
    if form.validate_on_submit():
        try:
            row = save()
        except DomainError as error:
            db.rollback()
            show_errors(form, error)
        except Conflict as stale:
            if conflict_lines is not None:
                conflict = conflict_lines(stale.current)
            else:
                conflict = conflict_rows(form, stale.current, conflict_fields)
                form.version.data = stale.current.version
            db.rollback()
        else:
            db.commit()
            flash(saved(row) if callable(saved) else saved, "success")
            return redirect(next_url(row))
    if conflict is not None:
        status = 409
    elif form.errors or getattr(form, "form_errors", None):
        status = 422
    else:
        status = 200
    message = conflict_message() if conflict is not None else None
    return render_template(template, form=form, conflict=conflict, conflict_message=message, **context), status


def run_step(form, action, *, done: str) -> bool:
    """A button that deletes or removes a versioned record: run `action()` in one transaction and say what
    happened (refused, changed meanwhile, or `done`). True when it was done."""
    if not form.validate_on_submit():
        return False
    db = get_session()
    try:
        action()
    except Conflict:
        db.rollback()
        flash(_("Someone else changed this after you opened the page; nothing was removed. Look at it again "
                "first."), "warning")
    except DomainError as error:
        db.rollback()
        flash(str(error.message), "danger")
    else:
        db.commit()
        flash(done, "success")
        return True
    return False
