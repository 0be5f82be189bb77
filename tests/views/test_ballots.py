"""Ballot pages: counts refused beside their field, a mismatch shown side by side, papers, the ledger, bounds."""
import re
import subprocess

from sqlmodel import select

from tests.support.ballots import all_votes, award, figures, run, tamper, through
from tests.support.pages import feedback, form_of, log_in_as
from tracker.models import Award, BallotRevision
from tracker.services import ballots, seals


def test_bad_counts_are_refused_beside_their_field_and_nothing_is_saved(client, db, flag):
    cluster, ids, round_, url = flag
    log_in_as(client, "thu_ky_1")
    for changes, field in [({"issued": "mười"}, "issued"), ({"issued": "-1"}, "issued"),
                           ({"returned": "10"}, "returned"), ({"invalid": "10"}, "invalid"),
                           ({f"votes_{ids['BQL2']}": "10"}, f"votes_{ids['BQL2']}"),
                           ({"held_on": "31/02/2018"}, "held_on")]:
        response = client.post(url + "/enter", data=form_of(ids, all_votes(ids), **changes))
        assert response.status_code == 422, changes
        assert feedback(response, field)
    response = client.post(url + "/enter", data=form_of(ids, all_votes(ids, BQL1=9, BQL2=9)))
    assert response.status_code == 422 and "9 × 1 = 9" in response.get_data(as_text=True)
    assert db.exec(select(BallotRevision)).all() == []


def test_a_mismatching_second_entry_shows_both_and_blocks(client, db, flag):
    cluster, ids, round_, url = flag
    log_in_as(client, "thu_ky_1")
    assert client.post(url + "/enter", data=form_of(ids, all_votes(ids, BQL4=6))).status_code == 302
    offered = client.get(url + "/check")  # the person who typed the counts is not offered the second entry
    assert offered.status_code == 302 and offered.location.endswith(url)
    assert "không nhìn thấy số liệu" in client.get(url).get_data(as_text=True)  # the page says why
    response = client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=6), version=2))
    assert response.status_code == 302  # the same person cannot check her own entry
    db.expire_all()
    assert [e.kind for e in ballots.events(db, round_.id)] == ["opened", "entered"]
    log_in_as(client, "thu_ky_2")
    page = client.get(url + "/check").get_data(as_text=True)
    issued = re.search(r'<input[^>]*id="issued"[^>]*>', page).group(0)
    assert 'value=""' in issued  # typed blind: the first entry's 9 is not shown
    response = client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=5), version=2))
    assert response.status_code == 422
    mismatch = response.get_data(as_text=True).split('id="mismatch"')[1].split("</table>")[0]
    assert "BQL4" in mismatch and "<td>6</td>" in mismatch and "<td>5</td>" in mismatch
    response = client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=6), version=3))
    assert response.status_code == 302
    assert client.post(url + "/finalise", data={"version": "4"}).status_code == 302
    assert "đã khóa" in client.get(url).get_data(as_text=True)


def test_papers_carry_the_counts_and_the_head_hash_in_vietnamese(client, db, review):
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting(place="Tây Ninh"))
    round_ = through(db, round_, ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    log_in_as(client, "thu_ky_1")
    url = f"/clusters/{cluster.id}/ballots/{round_.id}"
    response = client.get(url + "/minutes.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pdf = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True).stdout
    words = " ".join(pdf.decode().split())
    assert "BIÊN BẢN" in words and "Cờ thi đua của Bộ" in words and "được suy tôn" in words
    sealed = seals.finalisation_seal(db, round_.id)
    assert f"{sealed.position}:{sealed.mac[:32]}" in words.replace(" ", "")  # the ledger's seal of the vote
    assert client.get(url + "/minutes.docx").data.startswith(b"PK")
    ballot = client.get(url + "/ballot.pdf")
    assert ballot.status_code == 200 and ballot.headers["Content-Type"] == "application/pdf"


def test_the_ledger_page_and_command_name_a_broken_event(client, db, runner, review, login):
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    through(db, round_, ids, first, second, all_votes(ids, BQL4=6))
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 0 and "1 kết quả đã khóa: 0 sai lệch" in result.output
    tamper(db, "UPDATE ballot_revision SET result = replace(result, :a, :b)", a='"votes":6', b='"votes":7')
    result = runner.invoke(args=["verify"])
    assert result.exit_code == 1
    assert f"Vòng bầu {round_.id}, sự kiện 4: kết quả đã lưu" in result.output
    login(as_role="admin")
    page = client.get("/admin/ledger").get_data(as_text=True)
    assert "alert-danger" in page and f"/ballots/{round_.id}" in page


def test_the_round_page_runs_a_bounded_number_of_queries(client, db, review, queries):
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    log_in_as(client, "thu_ky_1")
    url = f"/clusters/{cluster.id}/ballots/{round_.id}"
    counts = []
    for votes in (all_votes(ids, BQL4=6), all_votes(ids, BQL4=5, BQL2=4)):
        with queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(len(counted))
        if round_.status != "finalised":
            round_ = through(db, round_, ids, first, second, votes)
        else:
            run(db, ballots.amend, user=first, round_id=round_.id, version=round_.version,
                figures=figures(ids, votes), reason="Sửa")
    with queries() as counted:
        assert client.get(url).status_code == 200
    counts.append(len(counted))
    assert max(counts) <= 25, counts


def test_a_tie_offers_a_runoff_round_in_the_browser(client, db, review):
    cluster, ids, first, second = review
    cert = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
               award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    cert = through(db, cert, ids, first, second, all_votes(ids, BQL1=7, BQL2=5, BQL3=5))
    log_in_as(client, "thu_ky_1")
    url = f"/clusters/{cluster.id}/ballots/{cert.id}"
    page = client.get(url).get_data(as_text=True)
    assert "table-warning" in page and url + "/runoff" in page
    response = client.post(url + "/runoff", data={"version": str(cert.version)})
    assert response.status_code == 302
    runoff_page = client.get(response.location).get_data(as_text=True)
    assert "bầu lại lần 1" in runoff_page and "BQL2" in runoff_page and "BQL3" in runoff_page
    again = client.post(url + "/runoff", data={"version": str(cert.version + 1)}, follow_redirects=True)
    assert "đã được mở" in again.get_data(as_text=True)


def test_the_round_page_warns_of_candidates_that_break_an_eligibility_rule(client, db, review):
    cluster, ids, first, _second = review
    db.add(Award(board_id=ids["BQL2"], award_type_id=award(db, "CO_BO"), year=2017))
    db.commit()
    cert = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
               award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    log_in_as(client, "thu_ky_1")
    page = client.get(f"/clusters/{cluster.id}/ballots/{cert.id}").get_data(as_text=True)
    warnings = page.split('id="eligibility-warnings"')[1].split("</div>\n</div>")[0]
    assert 'data-board="BQL2" data-warning="one_per_year"' in warnings and "Luật Thi đua, khen thưởng" in warnings
    assert 'data-board="BQL3"' not in warnings
