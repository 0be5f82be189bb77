"""Proposals in the browser: created from the round page's button, the tờ trình recorded and printed, the status,
an override and a delete; refused beside their field, stale edits refused, other clusters kept out."""
import re
import subprocess
from datetime import date

import pytest
from sqlmodel import select

from tests.support.accounts import CHEAP_HASHING, PASSWORD
from tests.support.ballots import all_votes, award, run, through
from tests.support.pages import feedback, log_in_as
from tracker import create_app
from tracker.models import Proposal, ProposalEvent
from tracker.services import ballots


def finalise(db, review, code, votes, elected_before=()):
    """A round of the 2017 review finalised with these votes (boards elected for a higher award are no candidates)."""
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, code),
                 meeting=ballots.Meeting())
    votes = {name: n for name, n in all_votes(ids, **votes).items() if name not in elected_before}
    return through(db, round_, ids, first, second, votes)


@pytest.fixture
def flag(db, review):
    """The 2017 flag round, finalised: BQL4 elected with 6 of 9 votes."""
    cluster, ids, first, second = review
    round_ = finalise(db, review, "CO_BO", {"BQL4": 6, "BQL2": 3})
    return cluster, ids, round_, f"/clusters/{cluster.id}/years/2017/proposals"


def stored(db):
    db.rollback()  # end the test session's read snapshot
    return db.exec(select(Proposal).order_by(Proposal.id)).all()


def submission_form(award_id, proposals, number="12/TTr-CTĐ", day="01/03/2018", versions=None):
    prefix = f"award{award_id}"
    data = {f"{prefix}-number": number, f"{prefix}-submitted_on": day,
            f"{prefix}-proposal_ids": [str(p.id) for p in proposals]}
    data.update({f"{prefix}-version_{p.id}": str((versions or {}).get(p.id, p.version)) for p in proposals})
    return data


def test_a_secretary_creates_the_proposals_from_the_round_page_and_records_the_submission(client, db, flag):
    cluster, ids, round_, url = flag
    log_in_as(client, "thu_ky_1")
    round_page = client.get(f"/clusters/{cluster.id}/ballots/{round_.id}").get_data(as_text=True)
    button = f"{url}/from-round/{round_.id}"
    assert f'action="{button}"' in round_page and f'href="{url}"' in round_page

    response = client.post(button)
    assert response.status_code == 302 and response.location.startswith(url)
    [proposal] = stored(db)
    assert (proposal.board_id, proposal.votes, proposal.share, proposal.status) == (ids["BQL4"], 6, "2/3", "draft")
    assert client.post(button).status_code == 302  # a second click creates nothing more
    assert len(stored(db)) == 1

    page = client.get(url).get_data(as_text=True)
    row = page.split(f'id="proposal-{proposal.id}"')[1].split("</tr>")[0]
    assert "BQL4" in row and "66,7%" in row and 'data-status="draft"' in row

    flag_id = award(db, "CO_BO")
    response = client.post(f"{url}/submission/{flag_id}", data=submission_form(flag_id, [proposal]))
    assert response.status_code == 302
    [proposal] = stored(db)
    assert (proposal.status, proposal.submission_number, proposal.submission_date) == (
        "submitted", "12/TTr-CTĐ", date(2018, 3, 1))
    page = client.get(url).get_data(as_text=True)
    row = page.split(f'id="proposal-{proposal.id}"')[1].split("</tr>")[0]
    assert "12/TTr-CTĐ" in row and "01/03/2018" in row and 'data-status="submitted"' in row
    history = page.split(f'id="history-{proposal.id}"')[1].split("</table>")[0]
    assert history.count("<tr>") == 3 and "thu_ky_1" in history  # header, created, submitted

    paper = client.get(f"{url}/submission/{flag_id}.pdf")
    assert paper.status_code == 200 and paper.headers["Content-Type"] == "application/pdf"
    text = " ".join(subprocess.run(["pdftotext", "-", "-"], input=paper.data, capture_output=True,
                                   check=True).stdout.decode().split())
    assert "TỜ TRÌNH" in text and "Số: 12/TTr-CTĐ" in text and "BQL4" in text
    assert client.get(f"{url}/submission/{flag_id}.docx").data.startswith(b"PK")


def test_a_bad_or_stale_submission_is_refused_and_nothing_is_saved(client, db, flag, review):
    cluster, ids, round_, url = flag
    log_in_as(client, "thu_ky_1")
    client.post(f"{url}/from-round/{round_.id}")
    [proposal] = stored(db)
    flag_id = award(db, "CO_BO")
    target = f"{url}/submission/{flag_id}"
    for changes, field in (({"number": ""}, "number"), ({"day": "31/02/2018"}, "submitted_on"),
                           ({"day": "31/12/2016"}, "submitted_on")):
        response = client.post(target, data=submission_form(flag_id, [proposal], **changes))
        assert response.status_code == 422, changes
        assert feedback(response, f"award{flag_id}-{field}")
    response = client.post(target, data=submission_form(flag_id, [proposal], versions={proposal.id: 0}))
    assert response.status_code == 409 and 'id="conflict"' in response.get_data(as_text=True)
    version = re.search(rf'name="award{flag_id}-version_{proposal.id}" type="hidden" value="(\d+)"',
                        response.get_data(as_text=True)).group(1)
    assert version == "1"  # the page offers the stored version to save again
    [proposal] = stored(db)
    assert (proposal.status, proposal.submission_number) == ("draft", "")


def test_the_status_override_and_delete_forms(client, db, flag):
    cluster, ids, round_, url = flag
    log_in_as(client, "thu_ky_2")
    client.post(f"{url}/from-round/{round_.id}")
    [proposal] = stored(db)
    pid = proposal.id
    response = client.post(f"{url}/{pid}/override", data={f"override{pid}-reason": " ", f"override{pid}-version": "1"})
    assert response.status_code == 422 and feedback(response, f"override{pid}-reason")
    response = client.post(f"{url}/{pid}/override", data={f"override{pid}-reason": "Dẫn đầu cụm",
                                                          f"override{pid}-version": "1"})
    assert response.status_code == 302
    response = client.post(f"{url}/{pid}/status", data={f"status{pid}-status": "granted", f"status{pid}-version": "1"})
    assert response.status_code == 409  # the override made version 2
    response = client.post(f"{url}/{pid}/status", data={f"status{pid}-status": "granted", f"status{pid}-version": "2"})
    assert response.status_code == 302
    [proposal] = stored(db)
    assert (proposal.status, proposal.override_reason, proposal.version) == ("granted", "Dẫn đầu cụm", 3)
    kinds = [e.kind for e in db.exec(select(ProposalEvent).order_by(ProposalEvent.id)).all()]
    assert kinds == ["created", "override", "status"]

    assert client.post(f"{url}/{pid}/delete", data={"version": "3"}).status_code == 302
    assert len(stored(db)) == 1  # granted: not a draft, not deleted
    client.post(f"{url}/{pid}/status", data={f"status{pid}-status": "draft", f"status{pid}-version": "3"})
    assert client.post(f"{url}/{pid}/delete", data={"version": "4"}).status_code == 302
    assert stored(db) == []


def test_other_clusters_and_viewers_are_kept_out(client, db, flag, make_board, make_cluster, make_user, login):
    cluster, ids, round_, url = flag
    other = make_cluster("Khối khác", years={2017: [(make_board("KHAC"), "head")]})
    make_user("thu_ky_khac", "secretary", [other])
    make_user("lanh_dao", "viewer")
    flag_id = award(db, "CO_BO")
    for username in ("thu_ky_khac", "lanh_dao"):
        log_in_as(client, username)
        assert client.post(f"{url}/from-round/{round_.id}").status_code == 403
        assert client.post(f"{url}/submission/{flag_id}", data={}).status_code == 403
        assert client.get(url).status_code == 200  # reading is open to every account
    assert stored(db) == []

    log_in_as(client, "thu_ky_khac")
    other_url = f"/clusters/{other.id}/years/2017/proposals"
    assert client.post(f"{other_url}/from-round/{round_.id}").status_code == 404  # a round of another cluster
    log_in_as(client, "thu_ky_1")
    assert client.post(f"{url.replace('2017', '2018')}/from-round/{round_.id}").status_code == 404  # another year
    client.post(f"{url}/from-round/{round_.id}")
    [proposal] = stored(db)
    log_in_as(client, "thu_ky_khac")
    response = client.post(f"{other_url}/{proposal.id}/status",
                           data={f"status{proposal.id}-status": "granted", f"status{proposal.id}-version": "1"})
    assert response.status_code == 404  # a proposal of another cluster
    assert stored(db)[0].status == "draft"


def test_a_round_not_finalised_gives_no_proposal_and_the_paper_waits_for_them(client, db, review):
    cluster, ids, first, _second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    log_in_as(client, "thu_ky_1")
    url = f"/clusters/{cluster.id}/years/2017/proposals"
    response = client.post(f"{url}/from-round/{round_.id}")
    assert response.status_code == 302 and response.location.endswith(f"/ballots/{round_.id}")
    assert stored(db) == []
    response = client.get(f"{url}/submission/{award(db, 'CO_BO')}.pdf")
    assert response.status_code == 302 and response.location.endswith(url)
    assert client.get(f"{url}/submission/9999.pdf").status_code == 404
    assert client.get(f"/clusters/{cluster.id}/years/2030/proposals").status_code == 404


def test_the_page_runs_the_same_queries_for_one_or_three_proposals(client, db, review, queries):
    cluster, ids, first, _second = review
    url = f"/clusters/{cluster.id}/years/2017/proposals"
    log_in_as(client, "thu_ky_1")
    counts = []
    for code, votes in (("CO_BO", {"BQL4": 6}), ("BK_BO", {"BQL1": 7, "BQL2": 6})):
        round_ = finalise(db, review, code, votes, elected_before=("BQL4",) if code == "BK_BO" else ())
        assert client.post(f"{url}/from-round/{round_.id}").status_code == 302
        with queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(len(counted))
    assert len(stored(db)) == 3
    assert counts[0] == counts[1] <= 20, counts


def test_with_csrf_on_the_prefixed_forms_carry_their_token(database_url, db, flag):
    cluster, ids, round_, url = flag
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "csrf-test", "WTF_CSRF_ENABLED": True,
                      **CHEAP_HASHING})
    try:
        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                          client.get("/auth/login").get_data(as_text=True)).group(1)
        client.post("/auth/login", data={"username": "thu_ky_1", "password": PASSWORD, "csrf_token": token})
        round_page = client.get(f"/clusters/{cluster.id}/ballots/{round_.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', round_page).group(1)
        assert client.post(f"{url}/from-round/{round_.id}").status_code == 400
        assert client.post(f"{url}/from-round/{round_.id}", data={"csrf_token": token}).status_code == 302
        [proposal] = stored(db)
        flag_id = award(db, "CO_BO")
        page = client.get(url).get_data(as_text=True)
        token = re.search(rf'name="award{flag_id}-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = submission_form(flag_id, [proposal])
        assert client.post(f"{url}/submission/{flag_id}", data=form).status_code == 400
        response = client.post(f"{url}/submission/{flag_id}", data={**form, f"award{flag_id}-csrf_token": token})
        assert response.status_code == 302
        assert stored(db)[0].status == "submitted"
    finally:
        app.extensions["engine"].dispose()
