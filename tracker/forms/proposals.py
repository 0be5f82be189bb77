"""Forms of the proposals page: the submission (tờ trình) of an award, a proposal's status, an override, a delete.
Several of them sit on one page, so each is opened with a prefix that keeps its field names and ids apart."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired

from tracker import labels
from tracker.forms.fields import REQUIRED, Choice, Day, IdChecklist, LongText, Text, Version, at_most, required
from tracker.services.proposals import MAX_NUMBER, MAX_REASON

INCOMPLETE = _l("This form is incomplete: reload the page.")


def submission_prefix(award_type_id: int) -> str:
    """The prefix of an award's submission form."""
    return f"award{award_type_id}"


def status_prefix(proposal_id: int) -> str:
    """The prefix of a proposal's status form."""
    return f"status{proposal_id}"


def override_prefix(proposal_id: int) -> str:
    """The prefix of a proposal's override form."""
    return f"override{proposal_id}"


def submission_form(proposals, *, prefix: str, submitted: bool = False, data=None) -> FlaskForm:
    """The tờ trình of an award: which proposals it submits, its number and date; a version per proposal.
    `submitted`: read what the browser sent (else show `data`)."""

    class SubmissionForm(FlaskForm):
        proposal_ids = IdChecklist(_l("Proposals submitted"), default=[])
        number = Text(_l("Number of the submission"), [required(), at_most(MAX_NUMBER)],
                      render_kw={"placeholder": "12/TTr-CTĐ"})
        submitted_on = Day(_l("Date of the submission"), [InputRequired(message=REQUIRED)])

    for proposal in proposals:
        setattr(SubmissionForm, f"version_{proposal.id}", Version())
    form = SubmissionForm(prefix=prefix, data=data) if submitted else SubmissionForm(formdata=None, prefix=prefix,
                                                                                      data=data)
    form.proposal_version_names = {p.id: f"version_{p.id}" for p in proposals}
    return form


def submission_versions(form) -> dict[int, int | None]:
    """The version each proposal was shown with in a submission form."""
    return {proposal_id: form[name].data for proposal_id, name in form.proposal_version_names.items()}


class StatusForm(FlaskForm):
    """A proposal's status, set by hand."""

    status = Choice(_l("Status"), choices=labels.choices(labels.PROPOSAL_STATUS))
    version = Version(validators=[InputRequired(message=INCOMPLETE)])


class OverrideForm(FlaskForm):
    """Why a proposal goes ahead despite an eligibility warning."""

    reason = LongText(_l("Reason for going ahead despite the warning"), [required(), at_most(MAX_REASON)])
    version = Version(validators=[InputRequired(message=INCOMPLETE)])
