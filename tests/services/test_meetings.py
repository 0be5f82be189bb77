"""Meetings through the services: members only, stale edits, files checked by content and tied to the transaction."""
import hashlib
import struct
import zlib
from datetime import date

import pytest
from sqlmodel import select

from tests.support.files import jpeg_bytes, pdf_bytes, png_bytes
from tracker.models import Attachment, Board, Meeting, MeetingBoard
from tracker.services import meetings, uploads, years
from tracker.services.errors import Conflict, DomainError, NotFound


def flipped(data: bytes) -> bytes:
    """The same bytes with one in the middle changed."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header announcing a huge image, with almost no data behind it (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


@pytest.fixture
def year(db, south_east):
    """The south-east cluster's 2019 (DIZA head, HEPZA deputy, Bình Dương member) and a board from outside."""
    cluster, boards = south_east
    outsider = Board(short_name="NGOÀI", name="Ban Quản lý ngoài cụm")
    db.add(outsider)
    db.commit()
    return cluster, boards, outsider


def save(db, cluster, meeting_id=None, version=None, year=2019, **values):
    values.setdefault("kind", "midyear")
    values.setdefault("held_on", date(2019, 7, 15))
    return meetings.save_meeting(session=db, cluster_id=cluster.id, year=year, meeting_id=meeting_id,
                                 version=version, data=meetings.MeetingData(**values))


def names(folder) -> list[str]:
    """The files in a folder, sorted (none when it was never made)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_a_meeting_is_saved_with_the_boards_present_and_listed_by_date_then_kind(db, year):
    cluster, boards, _outsider = year
    present = [boards["DIZA"].id, boards["HEPZA"].id]
    review = save(db, cluster, kind="yearend", held_on=date(2020, 1, 10), place="  Đồng Nai ",
                  host_board_id=boards["DIZA"].id, present=present, delegates=40, summary="Tổng kết")
    pledge = save(db, cluster, kind="pledge", held_on=date(2019, 2, 26))
    midyear = save(db, cluster, kind="midyear", held_on=date(2019, 2, 26))
    db.commit()
    assert review.place == "Đồng Nai" and review.delegates == 40 and review.version == 1
    assert [b.id for b in meetings.present_boards(db, review.id)] == sorted(
        present, key=lambda i: [b.short_name for b in boards.values() if b.id == i][0])
    cluster_year = years.find(db, cluster.id, 2019)
    assert [m.id for m in meetings.for_year(db, cluster_year.id)] == [pledge.id, midyear.id, review.id]
    assert meetings.default_host(db, cluster_year.id) == boards["DIZA"].id


def test_host_and_boards_present_must_be_members_of_that_year(db, year):
    cluster, boards, outsider = year
    error = refused(lambda: save(db, cluster, host_board_id=outsider.id))
    assert "host_board_id" in error.errors
    error = refused(lambda: save(db, cluster, present=[boards["DIZA"].id, outsider.id]))
    assert "present" in error.errors
    error = refused(lambda: save(db, cluster, held_on=date(2025, 7, 1), delegates=10_001))
    assert set(error.errors) == {"held_on", "delegates"}
    assert "kind" in refused(lambda: save(db, cluster, kind="party")).errors
    db.rollback()
    assert db.exec(select(Meeting)).all() == []


def test_a_year_without_members_takes_no_meeting(db, year):
    cluster, _boards, _outsider = year
    error = refused(lambda: save(db, cluster, year=2020, held_on=date(2020, 7, 1)))
    assert error.field is None


def test_a_stale_edit_is_refused_and_a_meeting_of_another_year_is_not_found(db, year):
    cluster, boards, _outsider = year
    meeting = save(db, cluster)
    db.commit()
    save(db, cluster, meeting_id=meeting.id, version=1, place="Bình Dương", present=[boards["HEPZA"].id])
    db.commit()
    with pytest.raises(Conflict) as stale:
        save(db, cluster, meeting_id=meeting.id, version=1, place="TP. Hồ Chí Minh")
    assert stale.value.current.place == "Bình Dương"
    db.rollback()
    assert [r.board_id for r in db.exec(select(MeetingBoard)).all()] == [boards["HEPZA"].id]
    with pytest.raises(NotFound):
        save(db, cluster, meeting_id=meeting.id, version=2, year=2020)


@pytest.fixture
def folder(tmp_path):
    """The upload folder (the database file lies beside it)."""
    return tmp_path / "uploads"


@pytest.fixture
def meeting(db, year):
    cluster, _boards, _outsider = year
    row = save(db, cluster)
    db.commit()
    return row


@pytest.mark.parametrize("name, data, content_type, shown", [
    ("ảnh hội nghị.JPG", jpeg_bytes, "image/jpeg", "ảnh hội nghị.JPG"),
    ("C:\\Users\\thu ky\\anh.png", png_bytes, "image/png", "anh.png"),
    ("../../bien-ban.pdf", pdf_bytes, "application/pdf", "bien-ban.pdf"),
    ("bien-ban", pdf_bytes, "application/pdf", "bien-ban.pdf"),
])
def test_jpeg_png_and_pdf_are_accepted_and_stored_under_a_random_name(db, meeting, folder, name, data,
                                                                       content_type, shown):
    content = data()
    row = meetings.add_attachment(session=db, meeting=meeting, user=None, filename=name, data=content,
                                  caption=" Lễ ký kết ", folder=folder)
    assert not (folder / row.stored_name).exists()  # not before the commit
    db.commit()
    assert (row.content_type, row.original_name, row.caption, row.size) == (content_type, shown, "Lễ ký kết",
                                                                           len(content))
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.stored_name.endswith("." + uploads.sniff(content).extension) and shown not in row.stored_name
    path = meetings.attachment_path(folder=folder, attachment=row)
    assert path.read_bytes() == content and names(folder) == [row.stored_name]


@pytest.mark.parametrize("name, content", [
    ("photo.jpg", b"MZ\x90\x00\x03" + b"\0" * 200),  # a Windows program
    ("photo.png", b"<html><script>alert(1)</script></html>"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("empty.pdf", b""),
    ("scan.png", pdf_bytes()),  # a PDF under an image's name
    ("cut.png", png_bytes((40, 40))[:-30]),  # cut off
    ("cut.jpg", jpeg_bytes()[:-40]),
    ("flipped.png", flipped(png_bytes((40, 40)))),  # a bit changed on the way
    ("cut.pdf", pdf_bytes()[:-60]),  # its end is missing
    ("huge.png", png_claiming(8000, 8000)),  # 64 million pixels
    ("bomb.png", png_claiming(30000, 30000)),  # past Pillow's own limit
])
def test_files_that_are_not_what_they_claim_or_too_big_are_refused_and_leave_nothing(db, meeting, folder, name,
                                                                                     content):
    error = refused(lambda: meetings.add_attachment(session=db, meeting=meeting, user=None, filename=name,
                                                    data=content, caption="", folder=folder))
    assert error.field == "file"
    db.rollback()
    assert db.exec(select(Attachment)).all() == [] and names(folder) == []


def test_a_file_over_the_size_limit_and_a_long_caption_are_refused(db, meeting, folder):
    content = png_bytes()
    error = refused(lambda: meetings.add_attachment(session=db, meeting=meeting, user=None, filename="a.png",
                                                    data=content, caption="", folder=folder,
                                                    max_bytes=len(content) - 1))
    assert error.field == "file"
    error = refused(lambda: meetings.add_attachment(session=db, meeting=meeting, user=None, filename="a.png",
                                                    data=content, caption="x" * 501, folder=folder))
    assert error.field == "caption"


def test_names_are_display_text_only():
    assert uploads.display_name("..\\..\\etc/passwd") == "passwd"
    assert uploads.display_name("Bie\u0302n ba\u0309n.pdf") == "Biên bản.pdf"  # NFD typed, NFC kept
    assert uploads.display_name("anh\u202egpj.exe") == "anhgpj.exe"  # no right-to-left override
    long = uploads.display_name("a" * 400 + ".jpeg")
    assert len(long) == 255 and long.endswith(".jpeg")


def test_an_upload_rolled_back_leaves_no_file(db, meeting, folder):
    meetings.add_attachment(session=db, meeting=meeting, user=None, filename="a.png", data=png_bytes(),
                            caption="", folder=folder)
    assert len(names(folder)) == 1  # the temporary copy
    db.rollback()
    assert names(folder) == []


def test_files_go_when_their_deletion_is_committed(db, year, meeting, folder):
    cluster = year[0]
    rows = [meetings.add_attachment(session=db, meeting=meeting, user=None, filename=f"{n}.png", data=png_bytes(),
                                    caption="", folder=folder) for n in range(3)]
    db.commit()
    meetings.delete_attachment(session=db, meeting=meeting, attachment_id=rows[0].id, version=1, folder=folder)
    db.rollback()
    assert len(names(folder)) == 3  # a deletion rolled back keeps the file
    meetings.delete_attachment(session=db, meeting=meeting, attachment_id=rows[0].id, version=1, folder=folder)
    db.commit()
    assert names(folder) == sorted(r.stored_name for r in rows[1:])
    with pytest.raises(Conflict):
        meetings.delete_meeting(session=db, cluster_id=cluster.id, year=2019, meeting_id=meeting.id, version=None,
                                folder=folder)
    db.rollback()
    meetings.delete_meeting(session=db, cluster_id=cluster.id, year=2019, meeting_id=meeting.id, version=1,
                            folder=folder)
    db.commit()
    assert names(folder) == [] and db.exec(select(Attachment)).all() == []
    assert db.get(Meeting, meeting.id) is None


def test_captions_are_edited_against_their_version(db, meeting, folder):
    row = meetings.add_attachment(session=db, meeting=meeting, user=None, filename="a.png", data=png_bytes(),
                                  caption="", folder=folder)
    db.commit()
    meetings.save_caption(session=db, meeting=meeting, attachment_id=row.id, version=1, caption="Toàn cảnh")
    db.commit()
    with pytest.raises(Conflict):
        meetings.save_caption(session=db, meeting=meeting, attachment_id=row.id, version=1, caption="Khác")
    db.rollback()
    assert db.get(Attachment, row.id).caption == "Toàn cảnh"


def test_only_the_trackers_own_names_are_opened(db, meeting, folder):
    folder.mkdir()
    (folder / "secret.txt").write_text("x")
    for name in ("../secret.txt", "secret.txt", "/etc/passwd", "0" * 32 + ".png"):
        with pytest.raises(NotFound):
            meetings.attachment_path(folder=folder, attachment=Attachment(
                meeting_id=meeting.id, stored_name=name, content_type="image/png", sha256=""))
