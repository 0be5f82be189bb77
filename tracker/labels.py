"""The words of every stored code, once: statuses, kinds, roles, outcomes, event kinds.

Each table maps a code (an enum member or the string stored in the database) to its label, marked for
translation and rendered in the reader's language when it is shown. Pages, exports and API pages use `word`;
official papers use `vietnamese` (they are always in Vietnamese, whatever the reader's language); forms build
their select options with `choices`. A code missing from its table is shown as it is stored, never as an error:
a database edited behind the app's back must still open.

To add a code: add the member to its enum, then one line here. `tests/test_labels.py` fails when an enum has a
member without its words, or when a table holds a code its enum does not have.
"""
from collections.abc import Mapping

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from tracker.models import (
    AwardKind,
    BoardKind,
    ClusterKind,
    Direction,
    MeetingKind,
    MemberRole,
    ProposalStatus,
    Role,
    RoundStatus,
)
from tracker.rules import eligibility as eligibility_rules
from tracker.rules.ballot import Base, Status, TieBreak
from tracker.rules.pledges import Verdict
from tracker.rules.reconcile import Outcome
from tracker.rules.reports import Stage
from tracker.rules.text import describe_character

# ---- people and bodies ---------------------------------------------------------------------------------------

ACCOUNT_ROLE = {Role.ADMIN: _l("Administrator"), Role.SECRETARY: _l("Secretary"),
                Role.VIEWER: _l("Viewer (leadership)")}
BOARD_KIND = {BoardKind.INDUSTRIAL_ZONES: _l("Industrial zones management board"),
              BoardKind.ECONOMIC_ZONE: _l("Economic zone management board"),
              BoardKind.EXPORT_PROCESSING: _l("Export-processing and industrial zones board"),
              BoardKind.OTHER: _l("Other unit")}
CLUSTER_KIND = {ClusterKind.CUM: _l("Cluster (cụm)"), ClusterKind.KHOI: _l("Block (khối)")}
MEMBER_ROLE = {MemberRole.MEMBER: _l("Member"), MemberRole.HEAD: _l("Head"), MemberRole.DEPUTY: _l("Deputy")}
MEMBER_ROLE_SHORT = {MemberRole.MEMBER: "●", MemberRole.HEAD: _l("H"), MemberRole.DEPUTY: _l("D")}  # in a grid cell

# ---- the year's work -----------------------------------------------------------------------------------------

DIRECTION = {Direction.HIGHER: _l("higher is better"), Direction.LOWER: _l("lower is better")}
VERDICT = {Verdict.EXCEEDED: _l("exceeded"), Verdict.MET: _l("met"), Verdict.NOT_MET: _l("not met")}
MEETING_KIND = {MeetingKind.PLEDGE: _l("Pledge signing"), MeetingKind.MIDYEAR: _l("Mid-year review"),
                MeetingKind.YEAREND: _l("Year-end review")}
STAGE = {Stage.PLEDGE: _l("Pledge signed"), Stage.REVIEW: _l("Review held"), Stage.VOTE: _l("Vote finalised"),
         Stage.PROPOSALS: _l("Proposals sent"), Stage.DECISION: _l("Decision received")}

# ---- the vote ------------------------------------------------------------------------------------------------

AWARD_KIND = {AwardKind.FLAG: _l("Emulation flag"), AwardKind.CERTIFICATE: _l("Certificate of merit"),
              AwardKind.TITLE: _l("Title")}
THRESHOLD_BASE = {Base.MEMBERS: _l("all members"), Base.PRESENT: _l("members present"),
                  Base.VALID: _l("valid ballots")}
TIE_BREAK = {TieBreak.RUNOFF: _l("is settled by a runoff round"), TieBreak.SCORE: _l("is settled by the score ranking")}
TIE_BREAK_SHORT = {TieBreak.RUNOFF: _l("runoff round"), TieBreak.SCORE: _l("score ranking")}  # inside a sentence
COMPARISON = {"1": _l("more than (>)"), "0": _l("at least (≥)")}  # the rule's `strict`, as the form sends it
ROUND_STATUS = {RoundStatus.DRAFT: _l("open, no counts yet"), RoundStatus.ENTERED: _l("entered, to be checked"),
                RoundStatus.CHECKED: _l("checked, to be finalised"), RoundStatus.FINALISED: _l("finalised")}
BALLOT_OUTCOME = {Status.ELECTED: _l("Elected"), Status.BELOW_THRESHOLD: _l("Below threshold"),
                  Status.SEATS_FULL: _l("Seats full"), Status.TIE_RUNOFF: _l("Tie – runoff needed"),
                  Status.NO_QUORUM: _l("No quorum")}
ROUND_EVENT = {"opened": _l("round opened"), "entered": _l("counts entered"),
               "check_failed": _l("second entry differed"), "checked": _l("counts checked"),
               "finalised": _l("finalised and locked"), "amended": _l("amendment entered")}

# ---- proposals, decisions, eligibility -----------------------------------------------------------------------

PROPOSAL_STATUS = {ProposalStatus.DRAFT: _l("draft"), ProposalStatus.SUBMITTED: _l("submitted"),
                   ProposalStatus.GRANTED: _l("granted"), ProposalStatus.GRANTED_OTHER: _l("granted as another form"),
                   ProposalStatus.NOT_GRANTED: _l("not granted")}
PROPOSAL_EVENT = {"created": _l("created from the vote"), "submitted": _l("submission recorded"),
                  "status": _l("status changed"), "override": _l("eligibility warning overridden")}
RECONCILIATION = {Outcome.GRANTED: _l("Granted as proposed"), Outcome.OTHER_FORM: _l("Granted as another form"),
                  Outcome.NOT_GRANTED: _l("Not granted"), Outcome.UNPROPOSED: _l("Granted without a proposal")}
RULE_KIND = {eligibility_rules.ONE_PER_YEAR: _l("One form of award per board per achievement year"),
             eligibility_rules.LEADS_CLUSTER: _l("Only for a board elected to lead its cluster that year"),
             eligibility_rules.NEEDS_PREVIOUS: _l("Needs an award in each of the previous years"),
             eligibility_rules.MAX_PER_YEAR: _l("At most N boards per cluster-year")}

# ---- the audit log -------------------------------------------------------------------------------------------

AUDIT_EVENT = {
    "login": _l("login"),
    "login_failed": _l("failed login"),
    "login_throttled": _l("login refused: too many failures"),
    "login_unlocked": _l("failed logins forgotten by an administrator"),
    "logout": _l("logout"),
    "session_expired": _l("session expired"),
    "forbidden": _l("access refused"),
    "finalised": _l("ballot result finalised"),
    "amended": _l("finalised result amended"),
    "import": _l("import"),
    "account_created": _l("account created"),
    "account_changed": _l("account changed"),
    "account_disabled": _l("account disabled"),
    "account_enabled": _l("account enabled"),
    "password_reset": _l("one-time password issued"),
    "password_changed": _l("password changed"),
    "sessions_ended": _l("sessions ended by an administrator"),
    "token_created": _l("API token created"),
    "token_revoked": _l("API token revoked"),
    "ledger_key_rotated": _l("ledger key rotated"),
    "created": _l("record created"),
    "changed": _l("record changed"),
    "deleted": _l("record deleted"),
}


def word(table: Mapping, code) -> str:
    """A stored code in the reader's language (the code itself when the table does not know it)."""
    if code is None:
        return ""
    return str(table.get(code, code))


def vietnamese(table: Mapping, code) -> str:
    """A stored code in Vietnamese, for the official papers."""
    with force_locale("vi"):
        return word(table, code)


def choices(table: Mapping) -> list[tuple[str, object]]:
    """A table as a form's (value, label) options, in the table's order."""
    return [(str(code), label) for code, label in table.items()]


def refused_character(ch: str):
    """The message for a typed text holding an invisible or control character, naming it."""
    return _l("The text contains an invisible or control character (%(character)s); please retype it.",
              character=describe_character(ch))
