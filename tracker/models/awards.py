"""From vote to decision: proposals to the ministry, its decisions and the awards they grant, eligibility rules."""
import enum
from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models.base import fk, utcnow

__all__ = ["ProposalStatus", "Proposal", "ProposalEvent", "Decision", "Award", "RuleKind", "EligibilityRule",
           "ApiToken"]


class ProposalStatus(enum.StrEnum):
    """Where a proposal stands: drafted, submitted, and what the decision made of it."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    GRANTED = "granted"
    GRANTED_OTHER = "granted_other"  # granted as another form of award
    NOT_GRANTED = "not_granted"


class Proposal(SQLModel, table=True):
    """The cluster's proposal (đề nghị khen thưởng) of one board for one award in one cluster-year."""

    __table_args__ = (UniqueConstraint("cluster_year_id", "board_id", "award_type_id",
                                       name="uq_proposal_cluster_year_board_award"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False))
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    award_type_id: int = Field(sa_column=fk("award_type.id", nullable=False))
    round_id: int | None = Field(default=None, sa_column=fk("ballot_round.id"))  # the vote it comes from
    votes: int | None = None
    share: str = Field(default="", max_length=40)  # the exact share of the vote, e.g. "2/3"
    submission_number: str = Field(default="", max_length=100)  # số tờ trình, e.g. "12/TTr-CTĐ"
    submission_date: date | None = None
    status: str = Field(default=ProposalStatus.DRAFT, max_length=16)
    override_reason: str = Field(default="", max_length=2000)  # why it goes ahead despite an eligibility warning
    version: int = Field(default=1)


class ProposalEvent(SQLModel, table=True):
    """What happened to a proposal (created, submitted, rule overridden, decided): an append-only log."""

    __tablename__ = "proposal_event"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(sa_column=fk("proposal.id", nullable=False))
    kind: str = Field(max_length=20)
    user_id: int | None = Field(default=None, sa_column=fk("user.id"))
    at: datetime = Field(default_factory=utcnow)
    payload: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # canonical JSON


class Decision(SQLModel, table=True):
    """A numbered decision (quyết định khen thưởng) of an authority, with its signer and scan."""

    __table_args__ = (UniqueConstraint("number", "decided_on", name="uq_decision_number_decided_on"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=100)  # e.g. "1234/QĐ-BKHĐT"
    decided_on: date
    authority_id: int = Field(sa_column=fk("authority.id", nullable=False))
    signer_name: str = Field(default="", max_length=200)
    signer_title: str = Field(default="", max_length=200)
    scan_name: str = Field(default="", max_length=100)  # the stored PDF under instance/uploads ("" for none)
    scan_original: str = Field(default="", max_length=255)
    scan_sha256: str = Field(default="", max_length=64)
    note: str = Field(default="", max_length=2000)
    # The cluster whose secretaries keep the decision's own fields and scan (None: the administrators'); each
    # award line belongs to the cluster of its board that year (tracker/services/permissions.py).
    cluster_id: int | None = Field(default=None, sa_column=fk("cluster.id", ondelete="SET NULL"))
    version: int = Field(default=1)


class Award(SQLModel, table=True):
    """An award granted to a board for an achievement year, by a decision (none for records kept before the
    tracker), matched to the proposal that asked for it when there was one."""

    __table_args__ = (
        UniqueConstraint("board_id", "award_type_id", "year", name="uq_award_board_award_year"),
        # reports count awards by year and type, and by year and board (the dashboard's charts): covering indexes
        Index("ix_award_year_award_type_id", "year", "award_type_id"),
        Index("ix_award_year_board_id", "year", "board_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    decision_id: int | None = Field(default=None, sa_column=fk("decision.id", ondelete="CASCADE"))
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    award_type_id: int = Field(sa_column=fk("award_type.id", nullable=False))
    year: int  # the achievement year
    proposal_id: int | None = Field(default=None, sa_column=fk("proposal.id"))
    note: str = Field(default="", max_length=500)
    version: int = Field(default=1)


class RuleKind(enum.StrEnum):
    """The eligibility rules the tracker can check (tracker.rules.eligibility)."""

    ONE_PER_YEAR = "one_per_year"  # one form of award per board per achievement year
    LEADS_CLUSTER = "leads_cluster"  # the award only for a board elected to lead its cluster that year
    NEEDS_PREVIOUS = "needs_previous"  # needs award X in each of the N previous years
    MAX_PER_YEAR = "max_per_year"  # at most N of the award per cluster-year


class EligibilityRule(SQLModel, table=True):
    """An eligibility rule as data: what it checks, for which award, its legal citation and the years it applies to."""

    __tablename__ = "eligibility_rule"
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    award_type_id: int | None = Field(default=None, sa_column=fk("award_type.id"))  # None: every award
    required_award_type_id: int | None = Field(default=None, sa_column=fk("award_type.id"))
    count: int | None = None  # N previous years, or at most N
    citation: str = Field(default="", max_length=1000)
    from_year: int | None = None
    to_year: int | None = None
    active: bool = True
    version: int = Field(default=1)


class ApiToken(SQLModel, table=True):
    """A personal token for the read-only API: only its SHA-256 is kept; revoked tokens stay listed."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=fk("user.id", nullable=False, ondelete="CASCADE"))
    name: str = Field(default="", max_length=100)  # what the user calls it, e.g. "Báo cáo Power BI"
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(default="", max_length=12)  # the first characters, so the user can tell tokens apart
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
