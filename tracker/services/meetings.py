"""Meetings of a cluster-year (pledge signing, mid-year and year-end reviews) and their files.

Files follow the transaction: an upload is written under a temporary name and renamed to its final name only
when the session commits (a rollback, a failed flush or a closed session removes it); a deleted attachment's
file is removed only once the deletion is committed. A crash can leave a `*.part` file behind, never a row
whose file was deleted.
"""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from tracker.models import (
    Attachment,
    AwardType,
    BallotRound,
    Board,
    ClusterYear,
    Meeting,
    MeetingBoard,
    MeetingKind,
    MemberRole,
    Membership,
    User,
)
from tracker.rules.text import normalise, vi_sorted
from tracker.services import uploads, years
from tracker.services.errors import DomainError, NotFound, check_version
from tracker.services.uploads import MAX_BYTES, check_caption, check_file

KIND_ORDER = {kind: n for n, kind in enumerate(MeetingKind)}  # pledge, mid-year, year-end
MAX_DELEGATES = 10_000
MAX_TEXT = 20_000  # summary and decisions
_STORED_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|pdf)")


@dataclass
class MeetingData:
    """The editable fields of a meeting; `present` holds the ids of the boards present."""

    kind: str
    held_on: date | None = None
    place: str = ""
    host_board_id: int | None = None
    present: list[int] = field(default_factory=list)
    delegates: int | None = None
    summary: str = ""
    decisions: str = ""


# Reading -----------------------------------------------------------------------------------------------------


def for_year(session: Session, cluster_year_id: int) -> list[Meeting]:
    """The meetings of a cluster-year, by date (undated last), then in the order of the yearly cycle."""
    rows = session.exec(select(Meeting).where(Meeting.cluster_year_id == cluster_year_id)).all()
    return sorted(rows, key=lambda m: (m.held_on is None, m.held_on or date.min, KIND_ORDER.get(m.kind, 9), m.id))


def members(session: Session, cluster_year_id: int) -> list[tuple[Board, str]]:
    """The member boards of a cluster-year with their roles, in Vietnamese order of short names."""
    rows = session.exec(select(Board, Membership.role).join(Membership, Membership.board_id == Board.id)
                        .where(Membership.cluster_year_id == cluster_year_id)).all()
    return vi_sorted([(board, role) for board, role in rows], key=lambda row: row[0].short_name)


def get_meeting(session: Session, *, cluster_id: int, year: int, meeting_id: int,
                for_update: bool = False) -> tuple[Meeting, ClusterYear]:
    """The meeting and its cluster-year; NotFound unless it belongs to this cluster and year."""
    query = (select(Meeting, ClusterYear).join(ClusterYear, ClusterYear.id == Meeting.cluster_year_id)
             .where(Meeting.id == meeting_id, ClusterYear.cluster_id == cluster_id, ClusterYear.year == year))
    if for_update:
        query = query.with_for_update(of=Meeting).execution_options(populate_existing=True)  # read as locked
    row = session.exec(query).first()
    if row is None:
        raise NotFound
    return row[0], row[1]


def present_boards(session: Session, meeting_id: int) -> list[Board]:
    """The boards present at a meeting, in Vietnamese order of short names (one query)."""
    rows = session.exec(select(Board).join(MeetingBoard, MeetingBoard.board_id == Board.id)
                        .where(MeetingBoard.meeting_id == meeting_id)).all()
    return vi_sorted(rows, key=lambda b: b.short_name)


def attachments(session: Session, meeting_id: int) -> list[tuple[Attachment, str | None]]:
    """A meeting's files in upload order, each with the username of who uploaded it (one query)."""
    query = (select(Attachment, User.username).outerjoin(User, User.id == Attachment.uploaded_by)
             .where(Attachment.meeting_id == meeting_id).order_by(Attachment.uploaded_at, Attachment.id))
    return [(attachment, username) for attachment, username in session.exec(query).all()]


def ballot_rounds(session: Session, cluster_year_id: int) -> list[tuple[BallotRound, AwardType]]:
    """The cluster-year's ballot rounds with their award, highest award first (one query)."""
    query = (select(BallotRound, AwardType).join(AwardType, AwardType.id == BallotRound.award_type_id)
             .where(BallotRound.cluster_year_id == cluster_year_id)
             .order_by(AwardType.precedence, BallotRound.number))
    return [(round_, award) for round_, award in session.exec(query).all()]


def get_attachment(session: Session, *, meeting: Meeting, attachment_id: int) -> Attachment:
    """The attachment; NotFound unless it belongs to this meeting."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.meeting_id != meeting.id:
        raise NotFound
    return row


def attachment_path(*, folder: str | Path, attachment: Attachment) -> Path:
    """Where an attachment's file lies; NotFound when the stored name is not one the tracker made or the file
    is missing. Only names of the tracker's own shape are opened, so no path can leave the folder."""
    if not _STORED_NAME.fullmatch(attachment.stored_name or ""):
        raise NotFound
    path = Path(folder) / attachment.stored_name
    if not path.is_file():
        raise NotFound
    return path


# Meetings ----------------------------------------------------------------------------------------------------


def year_with_members(session: Session, cluster_id: int, year: int) -> ClusterYear:
    """The cluster-year a meeting can belong to: it must exist and have members."""
    cluster_year = years.find(session, cluster_id, year)
    if cluster_year is None or session.exec(
            select(Membership.id).where(Membership.cluster_year_id == cluster_year.id).limit(1)).first() is None:
        raise DomainError(_l("No members are recorded for %(year)s: record the year's members before adding "
                             "a meeting.", year=year))
    return cluster_year


def default_host(session: Session, cluster_year_id: int) -> int | None:
    """The board a meeting is hosted by unless told otherwise: the year's head."""
    query = select(Membership.board_id).where(Membership.cluster_year_id == cluster_year_id,
                                              Membership.role == MemberRole.HEAD)
    return session.exec(query).first()


def save_meeting(*, session: Session, cluster_id: int, year: int, meeting_id: int | None, version: int | None,
                 data: MeetingData) -> Meeting:
    """Create or update a meeting and the boards present; host and present boards must be the year's members."""
    if meeting_id is None:
        cluster_year = year_with_members(session, cluster_id, year)
        meeting = Meeting(cluster_year_id=cluster_year.id, kind=data.kind)
    else:
        meeting, cluster_year = get_meeting(session, cluster_id=cluster_id, year=year, meeting_id=meeting_id,
                                            for_update=True)
        check_version(meeting, version)
    member_ids = {board.id for board, _role in members(session, cluster_year.id)}
    errors = _problems(data, year, member_ids)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], errors=errors)
    meeting.kind = data.kind
    meeting.held_on = data.held_on
    meeting.place = normalise(data.place or "")
    meeting.host_board_id = data.host_board_id
    meeting.delegates = data.delegates
    meeting.summary = normalise(data.summary or "")
    meeting.decisions = normalise(data.decisions or "")
    session.add(meeting)
    session.flush()
    present = set(data.present)
    held = {row.board_id: row for row in _present_rows(session, meeting.id)}
    for board_id in sorted(set(held) - present):  # row by row, so the audit log names each change
        session.delete(held[board_id])
    for board_id in sorted(present - set(held)):
        session.add(MeetingBoard(meeting_id=meeting.id, board_id=board_id))
    session.flush()
    return meeting


def _problems(data: MeetingData, year: int, member_ids: set[int]) -> dict[str, list]:
    errors: dict[str, list] = {}

    def refuse(name: str, message) -> None:
        errors.setdefault(name, []).append(message)

    if data.kind not in KIND_ORDER:
        refuse("kind", _l("Choose a value from the list."))
    if data.held_on is not None and not year - 1 <= data.held_on.year <= year + 1:
        # The pledge of year N is often signed early in N or late in N-1; its review early in N+1.
        refuse("held_on", _l("A meeting of %(year)s is held between %(a)d and %(b)d.",
                             year=year, a=year - 1, b=year + 1))
    if len(data.place or "") > 300:
        refuse("place", _l("At most %(max)d characters.", max=300))
    if data.host_board_id is not None and data.host_board_id not in member_ids:
        refuse("host_board_id", _l("The host must be a member of the cluster in %(year)s.", year=year))
    if not set(data.present) <= member_ids:
        refuse("present", _l("Only members of the cluster in %(year)s can be present.", year=year))
    if data.delegates is not None and not 0 <= data.delegates <= MAX_DELEGATES:
        refuse("delegates", _l("Enter a whole number from %(min)s to %(max)s.", min=0, max=MAX_DELEGATES))
    for name in ("summary", "decisions"):
        if len(getattr(data, name) or "") > MAX_TEXT:
            refuse(name, _l("At most %(max)d characters.", max=MAX_TEXT))
    return errors


def delete_meeting(*, session: Session, cluster_id: int, year: int, meeting_id: int, version: int | None,
                   folder: str | Path) -> None:
    """Delete a meeting, its list of boards present and its attachments; the files go once this is committed."""
    meeting, _cluster_year = get_meeting(session, cluster_id=cluster_id, year=year, meeting_id=meeting_id,
                                         for_update=True)
    check_version(meeting, version)
    for attachment in session.exec(select(Attachment).where(Attachment.meeting_id == meeting.id)).all():
        uploads.discard(session, folder, attachment.stored_name)
        session.delete(attachment)
    for row in _present_rows(session, meeting.id):
        session.delete(row)
    session.flush()  # the rows first: the unit of work does not know they depend on the meeting
    session.delete(meeting)
    session.flush()


# Attachments -------------------------------------------------------------------------------------------------


def add_attachment(*, session: Session, meeting: Meeting, user: User | None, filename: str | None, data: bytes,
                   caption: str | None, folder: str | Path, max_bytes: int = MAX_BYTES) -> Attachment:
    """Check and store a file of a meeting under a random name; it takes its final name when the session commits."""
    kind, name = check_file(filename, data, max_bytes=max_bytes)
    caption = check_caption(caption)
    stored_name = uploads.stage(session, folder, kind, data)
    attachment = Attachment(meeting_id=meeting.id, stored_name=stored_name, original_name=name,
                            content_type=kind.content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                            caption=caption, uploaded_by=user.id if user is not None else None)
    session.add(attachment)
    session.flush()
    return attachment


def save_caption(*, session: Session, meeting: Meeting, attachment_id: int, version: int | None,
                 caption: str | None) -> Attachment:
    """Change an attachment's caption (refused against a stale version)."""
    attachment = get_attachment(session, meeting=meeting, attachment_id=attachment_id)
    session.refresh(attachment, with_for_update=True)
    check_version(attachment, version)
    attachment.caption = check_caption(caption)
    session.add(attachment)
    session.flush()
    return attachment


def delete_attachment(*, session: Session, meeting: Meeting, attachment_id: int, version: int | None,
                      folder: str | Path) -> None:
    """Delete an attachment; its file goes once this is committed."""
    attachment = get_attachment(session, meeting=meeting, attachment_id=attachment_id)
    session.refresh(attachment, with_for_update=True)
    check_version(attachment, version)
    uploads.discard(session, folder, attachment.stored_name)
    session.delete(attachment)
    session.flush()


def _present_rows(session: Session, meeting_id: int) -> list[MeetingBoard]:
    return list(session.exec(select(MeetingBoard).where(MeetingBoard.meeting_id == meeting_id)).all())
