"""Table models: accounts, authorities, boards, clusters, cluster-years, memberships and ballots; the year's
work (pledges, meetings, score sheets) is in `tracker.models.work`, re-exported here."""
import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from tracker.models.base import fk, metadata, new_token, utcnow  # noqa: F401 (metadata is re-exported)


class Role(enum.StrEnum):
    """What an account may do."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    VIEWER = "viewer"


class BoardKind(enum.StrEnum):
    """The kind of management board."""

    INDUSTRIAL_ZONES = "industrial_zones"  # Ban Quản lý các khu công nghiệp
    ECONOMIC_ZONE = "economic_zone"  # Ban Quản lý khu kinh tế
    EXPORT_PROCESSING = "export_processing"  # Ban Quản lý các khu chế xuất và công nghiệp
    OTHER = "other"


class ClusterKind(enum.StrEnum):
    """Cụm or khối: both are emulation clusters, named differently by their regulations."""

    CUM = "cum"
    KHOI = "khoi"


class MemberRole(enum.StrEnum):
    """A member board's role in its cluster for one year."""

    HEAD = "head"
    DEPUTY = "deputy"
    MEMBER = "member"


class User(SQLModel, table=True):
    """An account: an administrator, a committee secretary or a reader from leadership."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)
    active: bool = Field(default=True)
    must_change_password: bool = Field(default=True)
    # Changes on logout and password change, so a copied session cookie stops working.
    session_token: str = Field(default_factory=new_token, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot log in."""
        return self.active

    @property
    def is_authenticated(self) -> bool:
        """Loaded users are authenticated."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Loaded users are not anonymous."""
        return False

    def get_id(self) -> str:
        """The session refers to the account by its rotating token, not its id."""
        return self.session_token


class SecretaryCluster(SQLModel, table=True):
    """A secretary is assigned to the clusters she may edit."""

    __tablename__ = "secretary_cluster"
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    )
    cluster_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cluster.id", ondelete="CASCADE"), primary_key=True)
    )


class Authority(SQLModel, table=True):
    """An awarding or managing body; its name is valid between two dates and may have a successor."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    short_name: str = Field(default="", max_length=50)
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = Field(default=None, sa_column=fk("authority.id"))
    version: int = Field(default=1)


class Board(SQLModel, table=True):
    """A member unit, such as the management board of a province's industrial zones."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, unique=True)
    short_name: str = Field(max_length=50, unique=True)
    kind: str = Field(default=BoardKind.INDUSTRIAL_ZONES, max_length=32)
    province: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=100)
    fax: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=200)
    website: str = Field(default="", max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    successor_id: int | None = Field(default=None, sa_column=fk("board.id"))
    note: str = Field(default="", max_length=2000)
    # The cluster that owns the board's master data (docs/security.md, "Who owns what"): its secretaries edit the
    # board and add it to their member lists. Set when the board is created; changed only by an administrator.
    cluster_id: int | None = Field(default=None, sa_column=fk("cluster.id", ondelete="SET NULL"))
    version: int = Field(default=1)


class Cluster(SQLModel, table=True):
    """An emulation cluster (cụm or khối thi đua) of boards doing similar work."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, unique=True)
    kind: str = Field(default=ClusterKind.CUM, max_length=8)
    region: str = Field(default="", max_length=100)
    authority_id: int | None = Field(default=None, sa_column=fk("authority.id"))
    description: str = Field(default="", max_length=4000)
    version: int = Field(default=1)


class ClusterYear(SQLModel, table=True):
    """One cluster in one year: its members and roles, the host and date of the year-end review."""

    __tablename__ = "cluster_year"
    __table_args__ = (UniqueConstraint("cluster_id", "year", name="uq_cluster_year_cluster_year"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(sa_column=fk("cluster.id", nullable=False, ondelete="CASCADE"))
    year: int = Field(index=True)  # reports read a year across every cluster
    host_board_id: int | None = Field(default=None, sa_column=fk("board.id"))
    conference_date: date | None = None
    conference_place: str = Field(default="", max_length=300)
    note: str = Field(default="", max_length=2000)
    version: int = Field(default=1)


class Membership(SQLModel, table=True):
    """A board's membership of a cluster-year, with its role (head, deputy or member)."""

    __table_args__ = (
        UniqueConstraint("cluster_year_id", "board_id", name="uq_membership_cluster_year_board"),
        # At most one head and one deputy per cluster-year, whatever writes the table.
        Index(
            "uq_membership_one_head",
            "cluster_year_id",
            unique=True,
            sqlite_where=text("role = 'head'"),
            postgresql_where=text("role = 'head'"),
        ),
        Index(
            "uq_membership_one_deputy",
            "cluster_year_id",
            unique=True,
            sqlite_where=text("role = 'deputy'"),
            postgresql_where=text("role = 'deputy'"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(
        sa_column=fk("cluster_year.id", nullable=False, ondelete="CASCADE")
    )
    board_id: int = Field(sa_column=fk("board.id", nullable=False))
    role: str = Field(default=MemberRole.MEMBER, max_length=16)
    assumed: bool = Field(default=False)  # recorded without a published source (demo data)


class AwardKind(enum.StrEnum):
    """What an award is: an emulation flag, a certificate of merit, or a title."""

    FLAG = "flag"
    CERTIFICATE = "certificate"
    TITLE = "title"


class AwardType(SQLModel, table=True):
    """A form of collective award (domain.md section 4); precedence 1 is the highest."""

    __tablename__ = "award_type"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=20, unique=True)
    name_vi: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    kind: str = Field(default=AwardKind.CERTIFICATE, max_length=16)
    level: str = Field(default="", max_length=100)  # who decides: Prime Minister, Minister, head of unit
    precedence: int = Field(default=100)
    active: bool = Field(default=True)
    version: int = Field(default=1)


class VotingRule(SQLModel, table=True):
    """A cluster-year's voting rule (its regulation, quy chế): quorum, threshold, base, ties, citation."""

    __tablename__ = "voting_rule"
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cluster_year.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    quorum_num: int = 2
    quorum_den: int = 3
    threshold_num: int = 1
    threshold_den: int = 2
    base: str = Field(default="members", max_length=16)
    strict: bool = True
    tie_break: str = Field(default="runoff", max_length=16)
    second_entry: bool = True  # counts are re-entered by a second person before they are checked
    citation: str = Field(default="", max_length=1000)
    version: int = Field(default=1)


class Seats(SQLModel, table=True):
    """How many boards a cluster-year may elect for one award type."""

    __table_args__ = (UniqueConstraint("cluster_year_id", "award_type_id", name="uq_seats_cluster_year_award"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False, ondelete="CASCADE"))
    award_type_id: int = Field(sa_column=fk("award_type.id", nullable=False))
    seats: int = 1


class RoundStatus(enum.StrEnum):
    """Where a ballot round stands: opened, counts entered, re-entered and matched (or confirmed), locked."""

    DRAFT = "draft"
    ENTERED = "entered"
    CHECKED = "checked"
    FINALISED = "finalised"


class BallotRound(SQLModel, table=True):
    """A vote of one cluster-year for one award type; number 1 is the main round, later numbers are runoffs."""

    __tablename__ = "ballot_round"
    __table_args__ = (
        UniqueConstraint("cluster_year_id", "award_type_id", "number", name="uq_ballot_round_cluster_year_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    cluster_year_id: int = Field(sa_column=fk("cluster_year.id", nullable=False))
    award_type_id: int = Field(sa_column=fk("award_type.id", nullable=False))
    number: int = 1
    runoff_of_id: int | None = Field(default=None, sa_column=fk("ballot_round.id"))
    runoff_candidates: str = Field(default="", max_length=2000)  # JSON list of board ids, runoffs only
    seats: int = 1
    status: str = Field(default=RoundStatus.DRAFT, max_length=16)
    revision: int = 1  # the current version of the counts; each amendment adds one
    held_on: date | None = None
    place: str = Field(default="", max_length=300)
    committee: str = Field(default="", max_length=2000)  # the counting committee, one person per line
    # The voting rule the round was opened with (canonical JSON of rules.voting.rule_json, second entry included):
    # it counts and checks the round whatever the year's rule says later.
    rule: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    illustrative: bool = False  # demo figures: the source does not give the counts
    chain_head: str = Field(default="", max_length=64)  # hash of the round's latest event
    version: int = Field(default=1)


class BallotRevision(SQLModel, table=True):
    """One version of a round's counts: the first entry, the second entry, and the result once finalised.
    A finalised revision is never updated (a database trigger refuses it); an amendment adds a revision."""

    __tablename__ = "ballot_revision"
    __table_args__ = (UniqueConstraint("round_id", "revision", name="uq_ballot_revision_round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=fk("ballot_round.id", nullable=False))
    revision: int = 1
    reason: str = Field(default="", max_length=2000)  # why an amendment was made
    counts: str = Field(default="")  # canonical JSON: rule, members, seats, present, ballots, votes
    entered_by: int | None = Field(default=None, sa_column=fk("user.id"))
    entered_at: datetime | None = None
    checked_by: int | None = Field(default=None, sa_column=fk("user.id"))
    checked_at: datetime | None = None
    result: str = Field(default="")  # canonical JSON of the tally, written once at finalisation
    finalised_by: int | None = Field(default=None, sa_column=fk("user.id"))
    finalised_at: datetime | None = None


class BallotEvent(SQLModel, table=True):
    """An append-only, hash-chained record of what happened to a round (triggers refuse updates and deletes)."""

    __tablename__ = "ballot_event"
    __table_args__ = (UniqueConstraint("round_id", "seq", name="uq_ballot_event_round_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=fk("ballot_round.id", nullable=False))
    seq: int
    kind: str = Field(max_length=20)
    user_id: int | None = Field(default=None, sa_column=fk("user.id"))
    at: datetime
    payload: str  # canonical JSON of the event, hashed with the previous hash
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class LedgerSeal(SQLModel, table=True):
    """The seal of one ballot event: an HMAC-SHA-256, under a key kept outside the database, of the event, its
    round's decisive fields after it and the previous seal, so the seals chain the whole ledger in the order it
    was written (docs/ledger.md). Append-only: database triggers refuse updates and deletes."""

    __tablename__ = "ledger_seal"
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})  # 1, 2, 3… in order
    event_id: int = Field(sa_column=Column(Integer, ForeignKey("ballot_event.id"), nullable=False, unique=True))
    round_id: int  # the event's round and place in it, to name them when the event itself is gone
    seq: int
    key_id: str = Field(max_length=16)
    state: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON: the round's decisive fields then
    prev_mac: str = Field(max_length=64)
    mac: str = Field(max_length=64)


from tracker.models.awards import *  # noqa: E402,F403 (proposals, decisions, awards, eligibility, re-exported)
from tracker.models.security import *  # noqa: E402,F403 (failed logins and the audit log, re-exported)
from tracker.models.work import *  # noqa: E402,F403 (the year's work, re-exported)
