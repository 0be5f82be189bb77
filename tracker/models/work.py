"""The year's work of a cluster: the pledge and its targets, the meetings, and the score sheet."""
import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models.base import DecimalText, fk, utcnow

__all__ = ["Direction", "Indicator", "Pledge", "Signature", "Target", "MeetingKind", "Meeting", "MeetingBoard",
           "Attachment", "Criterion", "Score"]


class Direction(enum.StrEnum):
    """Whether more of an indicator is better (investment attracted) or less (days to handle a file)."""

    HIGHER = "higher"
    LOWER = "lower"


class Indicator(SQLModel, table=True):
    """An indicator (chỉ tiêu) of a cluster-year's catalogue: what is measured and in which unit."""

    __table_args__ = (UniqueConstraint("cluster_year_id", "name", name="uq_indicator_cluster_year_name"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False, ondelete="CASCADE"))
    position: int = 1
    group: str = Field(default="", max_length=200)
    name: str = Field(max_length=300)
    unit: str = Field(default="", max_length=50)
    direction: str = Field(default=Direction.HIGHER, max_length=8)
    version: int = Field(default=1)


class Pledge(SQLModel, table=True):
    """The cluster-year's pledge (giao ước thi đua): when, where and by whom it was signed, and its text."""

    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=Column(
        Integer, ForeignKey("cluster_year.id", ondelete="CASCADE"), nullable=False, unique=True))
    signed_on: date | None = None
    place: str = Field(default="", max_length=300)
    host_board_id: int | None = Field(default=None, sa_column=fk("board.id"))
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    illustrative: bool = False  # demo figures: no published source gives them
    version: int = Field(default=1)


class Signature(SQLModel, table=True):
    """A member's signature on the pledge: signed or not, and by whom."""

    __table_args__ = (UniqueConstraint("pledge_id", "board_id", name="uq_signature_pledge_board"),)
    id: int | None = Field(default=None, primary_key=True)
    pledge_id: int = Field(sa_column=fk("pledge.id", nullable=False, ondelete="CASCADE"))
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    signed: bool = False
    signer: str = Field(default="", max_length=200)  # name and title of who signed for the board


class Target(SQLModel, table=True):
    """One board's target for one indicator, the document that set it, and the value achieved at year end."""

    __table_args__ = (UniqueConstraint("indicator_id", "board_id", name="uq_target_indicator_board"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(sa_column=fk("indicator.id", nullable=False, ondelete="CASCADE"))
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    target: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    source: str = Field(default="", max_length=300)  # e.g. "Quyết định 12/QĐ-UBND ngày 10/01/2018"
    actual: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    version: int = Field(default=1)


class MeetingKind(enum.StrEnum):
    """The meetings of the yearly cycle (domain.md section 3)."""

    PLEDGE = "pledge"  # ký kết giao ước thi đua
    MIDYEAR = "midyear"  # sơ kết 6 tháng
    YEAREND = "yearend"  # tổng kết


class Meeting(SQLModel, table=True):
    """A meeting of a cluster-year: pledge signing, mid-year review or year-end review."""

    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False, ondelete="CASCADE"))
    kind: str = Field(max_length=16)
    held_on: date | None = None
    place: str = Field(default="", max_length=300)
    host_board_id: int | None = Field(default=None, sa_column=fk("board.id"))
    delegates: int | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    decisions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    version: int = Field(default=1)


class MeetingBoard(SQLModel, table=True):
    """A member board present at a meeting."""

    __tablename__ = "meeting_board"
    meeting_id: int = Field(
        sa_column=Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True))
    board_id: int = Field(sa_column=Column(Integer, ForeignKey("board.id"), primary_key=True))


class Attachment(SQLModel, table=True):
    """A file of a meeting (photo, scanned minutes), stored under instance/ by a random name."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(sa_column=fk("meeting.id", nullable=False, ondelete="CASCADE"))
    stored_name: str = Field(max_length=100, unique=True)
    original_name: str = Field(default="", max_length=255)
    content_type: str = Field(max_length=50)
    size: int = 0
    sha256: str = Field(max_length=64)
    caption: str = Field(default="", max_length=500)
    uploaded_by: int | None = Field(default=None, sa_column=fk("user.id"))
    uploaded_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class Criterion(SQLModel, table=True):
    """A criterion of a cluster-year's score sheet (bảng tiêu chí chấm điểm), with its maximum points."""

    __table_args__ = (UniqueConstraint("cluster_year_id", "code", name="uq_criterion_cluster_year_code"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False, ondelete="CASCADE"))
    position: int = 1
    group: str = Field(default="", max_length=200)
    code: str = Field(max_length=20)
    name: str = Field(max_length=500)
    max_points: Decimal = Field(sa_column=Column(DecimalText, nullable=False))
    version: int = Field(default=1)


class Score(SQLModel, table=True):
    """A board's points on one criterion: what it gave itself and what the cluster agreed."""

    __table_args__ = (UniqueConstraint("criterion_id", "board_id", name="uq_score_criterion_board"),)
    id: int | None = Field(default=None, primary_key=True)
    criterion_id: int = Field(sa_column=fk("criterion.id", nullable=False, ondelete="CASCADE"))
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    self_score: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    agreed: Decimal | None = Field(default=None, sa_column=Column(DecimalText, nullable=True))
    version: int = Field(default=1)
