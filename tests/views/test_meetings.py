"""Meeting pages: a secretary records a meeting and its files; files are served as what their content is."""
import io
import re
from datetime import date
from pathlib import Path

import pytest
from flask import render_template
from sqlmodel import select
from werkzeug.http import parse_options_header

from tests.support.ballots import award
from tests.support.files import pdf_bytes, png_bytes
from tests.support.pages import feedback
from tracker import labels
from tracker.models import Attachment, BallotRound, Meeting, MeetingBoard
from tracker.services import ballots, meetings


def base(cluster, year=2019) -> str:
    return f"/clusters/{cluster.id}/years/{year}/meetings"


def meeting_form(boards, **changes) -> dict:
    data = {"kind": "midyear", "held_on": "15/07/2019", "place": "Đồng Nai", "host_board_id": str(boards["DIZA"].id),
            "present": [str(boards["DIZA"].id), str(boards["HEPZA"].id)], "delegates": "35",
            "summary": "Sơ kết 6 tháng", "decisions": "Thống nhất kế hoạch", "version": "0"}
    data.update(changes)
    return data


def upload(client, url, content: bytes, name: str, caption: str = ""):
    return client.post(url + "/attachments", data={"file": (io.BytesIO(content), name), "caption": caption},
                       content_type="multipart/form-data")


def files(db) -> list[Attachment]:
    """The attachments as committed by the requests so far (the test's session starts a fresh transaction)."""
    db.rollback()
    return list(db.exec(select(Attachment).order_by(Attachment.id)).all())


def stored(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def secretary(client, login, south_east):
    """The south-east cluster of 2019, its boards, and the test client logged in as its secretary."""
    cluster, boards = south_east
    login(as_role="secretary", clusters=[cluster])
    return cluster, boards


@pytest.fixture
def recorded(client, db, secretary):
    """A mid-year meeting recorded through the form; returns the cluster, boards and the meeting's URL."""
    cluster, boards = secretary
    response = client.post(base(cluster) + "/new", data=meeting_form(boards))
    assert response.status_code == 302
    meeting = db.exec(select(Meeting)).one()
    db.rollback()
    assert response.location.endswith(f"{base(cluster)}/{meeting.id}")
    return cluster, boards, meeting, f"{base(cluster)}/{meeting.id}"


def test_the_new_form_starts_with_the_head_as_host_and_every_member_present(client, secretary):
    cluster, boards = secretary
    page = client.get(base(cluster) + "/new").get_data(as_text=True)
    host = re.search(r'<select[^>]*id="host_board_id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option selected value="{boards["DIZA"].id}"|<option value="{boards["DIZA"].id}" selected',
                     host)
    ticked = re.findall(r'<input checked[^>]*name="present"[^>]*value="(\d+)"|'
                        r'<input[^>]*name="present"[^>]*value="(\d+)"[^>]*checked', page)
    assert {int(a or b) for a, b in ticked} == {b.id for b in boards.values()}


def test_a_secretary_records_a_meeting_and_sees_it(client, db, recorded):
    cluster, boards, meeting, url = recorded
    assert (meeting.kind, meeting.held_on, meeting.delegates, meeting.host_board_id) == (
        "midyear", date(2019, 7, 15), 35, boards["DIZA"].id)
    assert {r.board_id for r in db.exec(select(MeetingBoard)).all()} == {boards["DIZA"].id, boards["HEPZA"].id}
    page = client.get(url).get_data(as_text=True)
    present = page.split('id="present">')[1].split("</dd>")[0]
    assert set(map(int, re.findall(r'data-board="(\d+)"', present))) == {boards["DIZA"].id, boards["HEPZA"].id}
    assert "Sơ kết 6 tháng" in page and "Thống nhất kế hoạch" in page and "15/07/2019" in page
    assert 'id="ballots"' not in page  # only a year-end review lists the ballots


@pytest.mark.parametrize("changes, field", [
    ({"delegates": "-1"}, "delegates"), ({"delegates": "10001"}, "delegates"), ({"delegates": "ba mươi"}, "delegates"),
    ({"held_on": "31/02/2019"}, "held_on"), ({"held_on": ""}, "held_on"), ({"held_on": "01/07/2025"}, "held_on"),
    ({"kind": "party"}, "kind"), ({"host_board_id": "999999"}, "host_board_id"),
])
def test_bad_values_are_refused_beside_their_field(client, db, secretary, changes, field):
    cluster, boards = secretary
    response = client.post(base(cluster) + "/new", data=meeting_form(boards, **changes))
    assert response.status_code == 422
    assert feedback(response, field)
    assert db.exec(select(Meeting)).all() == []


def test_a_year_without_members_says_so(client, db, secretary):
    cluster, boards = secretary
    response = client.get(base(cluster, 2021) + "/new")
    assert response.status_code == 200 and 'id="no-members"' in response.get_data(as_text=True)
    assert client.post(base(cluster, 2021) + "/new", data=meeting_form(boards, held_on="01/07/2021")
                       ).status_code == 422
    assert db.exec(select(Meeting)).all() == []


def test_a_stale_edit_shows_both_versions(client, db, recorded):
    cluster, boards, meeting, url = recorded
    assert client.get(url + "/edit").status_code == 200
    assert client.post(url + "/edit", data=meeting_form(boards, place="Bình Dương", version="1")).status_code == 302
    response = client.post(url + "/edit", data=meeting_form(boards, place="Vũng Tàu", version="1"))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="conflict"' in page and "Bình Dương" in page and "Vũng Tàu" in page
    db.rollback()
    assert db.get(Meeting, meeting.id).place == "Bình Dương"


def test_a_png_is_uploaded_shown_and_served_as_what_it_is(app, client, db, recorded):
    cluster, boards, meeting, url = recorded
    content = png_bytes()
    name = "ảnh hội nghị; toàn cảnh (1).png"
    response = upload(client, url, content, name, caption="Toàn cảnh hội nghị")
    assert response.status_code == 302
    row = files(db)[0]
    assert stored(app) == [row.stored_name]
    page = client.get(url).get_data(as_text=True)
    file_url = f"{url}/attachments/{row.id}"
    assert re.search(rf'<img src="{file_url}" alt="Toàn cảnh hội nghị"', page)
    served = client.get(file_url)
    assert served.status_code == 200 and served.data == content
    assert served.mimetype == "image/png" and served.headers["X-Content-Type-Options"] == "nosniff"
    disposition, options = parse_options_header(served.headers["Content-Disposition"])
    assert disposition == "inline" and options["filename"] == name
    served.close()


def test_a_pdf_is_listed_as_a_link_and_served_under_its_name_whatever_it_holds(app, client, db, recorded):
    cluster, boards, meeting, url = recorded
    assert upload(client, url, pdf_bytes(), "biên bản.pdf").status_code == 302
    row = files(db)[0]
    page = client.get(url).get_data(as_text=True)
    assert f'<a href="{url}/attachments/{row.id}">biên bản.pdf</a>' in page
    odd = 'biên "bản"; kiểm phiếu\\.pdf'  # quotes, a semicolon and a backslash a browser would send escaped
    row = meetings.add_attachment(session=db, meeting=meeting, user=None, filename=None, data=pdf_bytes(),
                                  caption="", folder=app.config["UPLOAD_FOLDER"])
    row.original_name = odd
    db.commit()
    served = client.get(f"{url}/attachments/{row.id}")
    assert served.mimetype == "application/pdf" and served.headers["X-Content-Type-Options"] == "nosniff"
    disposition, options = parse_options_header(served.headers["Content-Disposition"])
    assert disposition == "inline" and options["filename"] == odd
    served.close()


@pytest.mark.parametrize("content, name", [
    (b"Just a text file, not a photo.\n", "anh.jpg"),
    (b"", "anh.png"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
    (b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     b"<svg xmlns='http://www.w3.org/2000/svg'><text>&b;</text></svg>", "anh.jpg"),  # XML entities: not an image
    (pdf_bytes(), "anh.png"),
])
def test_a_file_that_is_not_what_it_claims_is_refused_with_a_message(app, client, db, recorded, content, name):
    cluster, boards, meeting, url = recorded
    response = upload(client, url, content, name)
    assert response.status_code == 422
    assert feedback(response, "file")
    assert files(db) == [] and stored(app) == []


def test_an_upload_without_a_file_or_over_the_limit_is_refused(app, client, db, recorded):
    cluster, boards, meeting, url = recorded
    response = client.post(url + "/attachments", data={"caption": "x"}, content_type="multipart/form-data")
    assert response.status_code == 422 and feedback(response, "file")
    app.config["UPLOAD_MAX_BYTES"] = 100
    response = upload(client, url, png_bytes((64, 64)), "lon.png")
    assert response.status_code == 422 and feedback(response, "file")
    assert files(db) == []


def test_captions_are_edited_and_a_stale_caption_is_shown(client, db, recorded):
    cluster, boards, meeting, url = recorded
    upload(client, url, png_bytes(), "a.png")
    row = files(db)[0]
    edit = f"{url}/attachments/{row.id}/edit"
    assert client.post(edit, data={"caption": "Trao cờ", "version": "1"}).status_code == 302
    response = client.post(edit, data={"caption": "Chụp ảnh", "version": "1"})
    assert response.status_code == 409 and "Trao cờ" in feedback(response, f"caption-{row.id}")
    response = client.post(edit, data={"caption": "x" * 501, "version": "2"})
    assert response.status_code == 422 and feedback(response, f"caption-{row.id}")
    db.rollback()
    assert db.get(Attachment, row.id).caption == "Trao cờ"


def test_deleting_removes_the_files(app, client, db, recorded):
    cluster, boards, meeting, url = recorded
    for n in range(2):
        upload(client, url, png_bytes(), f"{n}.png")
    first, second = files(db)
    assert client.post(f"{url}/attachments/{first.id}/delete", data={"version": "1"}).status_code == 302
    assert stored(app) == [second.stored_name]
    assert client.post(url + "/delete", data={"version": "2"}).status_code == 302  # stale: nothing deleted
    assert db.get(Meeting, meeting.id) is not None and stored(app) == [second.stored_name]
    response = client.post(url + "/delete", data={"version": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/clusters/{cluster.id}/years/2019")
    db.rollback()
    assert db.exec(select(Meeting)).all() == [] and files(db) == [] and stored(app) == []


def test_a_secretary_of_another_cluster_may_only_read(client, db, recorded, login, make_cluster):
    cluster, boards, meeting, url = recorded
    upload(client, url, png_bytes(), "a.png")
    row = files(db)[0]
    client.post("/auth/logout")
    db.rollback()
    login(as_role="secretary", clusters=[make_cluster("Cụm khác")], username="other_secretary")
    for method, path in [("GET", base(cluster) + "/new"), ("GET", url + "/edit"), ("POST", url + "/edit"),
                         ("POST", url + "/delete"), ("POST", url + "/attachments"),
                         ("POST", f"{url}/attachments/{row.id}/edit"), ("POST", f"{url}/attachments/{row.id}/delete")]:
        assert client.open(path, method=method, data={"version": "1"}).status_code == 403, path
    assert client.get(url).status_code == 200
    client.get(f"{url}/attachments/{row.id}").close()
    assert files(db)[0].id == row.id


def test_an_id_of_another_cluster_or_year_is_not_found(client, db, recorded, make_board, make_cluster):
    cluster, boards, meeting, url = recorded
    upload(client, url, png_bytes(), "a.png")
    row = files(db)[0]
    elsewhere = make_board("KHÁC")
    other = make_cluster("Cụm khác", years={2019: [(elsewhere, "head")]})
    foreign = meetings.save_meeting(session=db, cluster_id=other.id, year=2019, meeting_id=None, version=None,
                                    data=meetings.MeetingData(kind="pledge", held_on=date(2019, 3, 1)))
    db.commit()
    mine = base(cluster)
    for method, path in [("GET", f"{mine}/{foreign.id}"), ("GET", f"{mine}/{foreign.id}/edit"),
                         ("POST", f"{mine}/{foreign.id}/edit"), ("POST", f"{mine}/{foreign.id}/delete"),
                         ("POST", f"{mine}/{foreign.id}/attachments"),
                         ("GET", f"{mine}/{foreign.id}/attachments/{row.id}"),
                         ("POST", f"{mine}/{foreign.id}/attachments/{row.id}/edit"),
                         ("POST", f"{mine}/{foreign.id}/attachments/{row.id}/delete"),
                         ("GET", f"{base(cluster, 2020)}/{meeting.id}"),
                         ("GET", f"{base(cluster, 2020)}/{meeting.id}/attachments/{row.id}"),
                         ("GET", f"{url}/attachments/{row.id + 1}")]:
        assert client.open(path, method=method, data={"version": "1"}).status_code == 404, path
    assert db.get(Meeting, foreign.id) is not None and files(db)[0].id == row.id


def test_a_missing_file_is_not_found(app, client, db, recorded):
    cluster, boards, meeting, url = recorded
    upload(client, url, png_bytes(), "a.png")
    row = files(db)[0]
    (Path(app.config["UPLOAD_FOLDER"]) / row.stored_name).unlink()
    assert client.get(f"{url}/attachments/{row.id}").status_code == 404


def test_a_year_end_review_lists_the_ballot_rounds(app, client, db, login, review):
    cluster, ids, first, _second = review
    round_ = ballots.open_round(session=db, user=first, cluster_id=cluster.id, year=2017,
                                award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    meeting = meetings.save_meeting(session=db, cluster_id=cluster.id, year=2017, meeting_id=None, version=None,
                                    data=meetings.MeetingData(kind="yearend", held_on=date(2018, 1, 20)))
    db.commit()
    login(as_role="viewer")
    page = client.get(f"{base(cluster, 2017)}/{meeting.id}").get_data(as_text=True)
    listed = page.split('id="ballots"')[1].split("</div>")[0]
    assert re.findall(r'data-round="(\d+)"', listed) == [str(round_.id)]
    assert f'href="/clusters/{cluster.id}/ballots/{round_.id}"' in listed
    with app.test_request_context():
        assert labels.word(labels.ROUND_STATUS, round_.status) in listed
    assert db.exec(select(BallotRound)).one().id == round_.id


def test_the_detail_page_runs_the_same_queries_however_many_files_and_boards(app, client, db, recorded, queries):
    cluster, boards, meeting, url = recorded
    upload(client, url, png_bytes(), "a.png")
    with queries() as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        upload(client, url, pdf_bytes(), f"{n}.pdf")
    client.post(url + "/edit", data=meeting_form(boards, present=[str(b.id) for b in boards.values()], version="1"))
    with queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 12


def test_the_year_partial_lists_the_meetings(app, db, recorded):
    cluster, boards, meeting, url = recorded
    later = meetings.save_meeting(session=db, cluster_id=cluster.id, year=2019, meeting_id=None, version=None,
                                  data=meetings.MeetingData(kind="yearend", held_on=date(2019, 12, 20)))
    db.commit()
    listed = meetings.for_year(db, meeting.cluster_year_id)
    with app.test_request_context():
        html = render_template("meetings/_year.html", meetings=listed, cluster=cluster, year=2019, can_edit=True)
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [url, f"{base(cluster)}/{later.id}", base(cluster) + "/new"]
    with app.test_request_context():
        html = render_template("meetings/_year.html", meetings=[], cluster=cluster, year=2019, can_edit=False)
    assert "href" not in html
