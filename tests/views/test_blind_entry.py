"""The second entry is blind and cannot be skipped (issue 15, findings 1 and 2). Before: once the first secretary
had typed the counts, the second saw the provisional result with every board's votes on the round page and in
the minutes before typing her own; and switching "second entry" off in the year's rule while a round waited let
one person confirm and finalise alone. Now the first entry is shown only to the person who typed it until the
second entry matches; a round keeps the rule it was opened with; every rule change is in the audit log."""
import json

from sqlmodel import Session, select

from tests.support.ballots import all_votes, award, run
from tests.support.pages import form_of, log_in_as
from tests.support.voting import RULE
from tracker.models import AuditEvent, BallotRound, User, VotingRule
from tracker.services import ballots

PROVISIONAL = ("Kết quả theo số liệu đã nhập", 'id="counts"', "Biên bản kiểm phiếu")


def typed(client, ids, url, votes=None, version=1) -> None:
    """The first secretary types the counts (BQL4 elected with 6 of 9)."""
    log_in_as(client, "thu_ky_1")
    response = client.post(url + "/enter", data=form_of(ids, votes or all_votes(ids, BQL4=6), version=version))
    assert response.status_code == 302, response.get_data(as_text=True)


def shows_figures(page: str) -> bool:
    return any(marker in page for marker in PROVISIONAL) or "<td>6</td>" in page


def test_the_checker_and_an_administrator_see_who_entered_but_not_the_figures(client, db, flag, make_user):
    _cluster, ids, _round, url = flag
    typed(client, ids, url)
    mine = client.get(url).get_data(as_text=True)
    assert shows_figures(mine) and 'data-blind="no"' in mine  # the one who typed them sees them
    make_user("quan_tri", "admin")
    for checker in ("thu_ky_2", "quan_tri"):
        log_in_as(client, checker)
        page = client.get(url).get_data(as_text=True)
        assert not shows_figures(page), checker
        assert 'data-blind="yes"' in page and "thu_ky_1" in page  # who entered, and when
        assert "/minutes.docx" not in page
        refused = client.get(url + "/minutes.docx")
        assert refused.status_code == 302 and not refused.data.startswith(b"PK")
        form = client.get(url + "/check").get_data(as_text=True)
        assert 'value="6"' not in form and 'id="issued"' in form  # a blank form
        replace = client.get(url + "/enter").get_data(as_text=True)
        assert 'value="6"' not in replace and 'value="9"' not in replace.split('id="issued"')[1].split(">")[0]


def test_the_audit_log_does_not_show_the_counts_either(client, db, flag, make_user):
    _cluster, ids, _round, url = flag
    typed(client, ids, url, all_votes(ids, BQL4=7))
    make_user("quan_tri", "admin")
    log_in_as(client, "quan_tri")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "votes" not in page  # the counts are logged as changed, never with their figures


def test_the_candidates_of_a_lower_award_do_not_give_the_flag_round_away(client, db, flag, review):
    cluster, ids, _round, url = flag
    typed(client, ids, url)  # BQL4 provisionally elected for the flag
    first = db.exec(select(User).where(User.username == "thu_ky_1")).one()
    certificate = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                      award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    log_in_as(client, "thu_ky_2")
    page = client.get(f"/clusters/{cluster.id}/ballots/{certificate.id}").get_data(as_text=True)
    assert "BQL4" in page.split('id="candidates"')[1].split("</p>")[0]


def test_after_a_mismatch_both_see_both(client, db, flag):
    _cluster, ids, _round, url = flag
    typed(client, ids, url)
    log_in_as(client, "thu_ky_2")
    assert client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=5), version=2)).status_code == 422
    page = client.get(url).get_data(as_text=True)
    assert shows_figures(page) and 'data-blind="no"' in page


def test_the_checked_counts_are_shown_to_everyone(client, db, flag):
    _cluster, ids, _round, url = flag
    typed(client, ids, url)
    log_in_as(client, "thu_ky_2")
    assert client.post(url + "/check", data=form_of(ids, all_votes(ids, BQL4=6), version=2)).status_code == 302
    log_in_as(client, "thu_ky_1")
    assert shows_figures(client.get(url).get_data(as_text=True))


def test_a_page_lists_the_rounds_waiting_for_her_second_entry(client, db, flag):
    _cluster, ids, round_, url = flag
    typed(client, ids, url)
    assert f'data-round="{round_.id}"' not in client.get("/second-entries").get_data(as_text=True)  # her own
    log_in_as(client, "thu_ky_2")
    listed = client.get("/second-entries").get_data(as_text=True)
    assert f'data-round="{round_.id}"' in listed and f"{url}/check" in listed
    assert 'id="waiting-notice"' in client.get("/").get_data(as_text=True)


def test_switching_the_second_entry_off_does_not_let_a_waiting_round_skip_it(app, client, db, flag):
    cluster, ids, round_, url = flag
    typed(client, ids, url)
    rule = db.exec(select(VotingRule)).one()
    off = {key: value for key, value in RULE.items() if key != "second_entry"}
    response = client.post(f"/clusters/{cluster.id}/years/2017/rule", data={**off, "version": str(rule.version)})
    assert response.status_code == 302
    assert client.post(url + "/confirm", data={"version": "2"}).status_code == 302
    with Session(app.extensions["engine"]) as fresh:
        stored = fresh.get(BallotRound, round_.id)
        assert stored.status == "entered"  # not confirmed: the round keeps the rule it was opened with
        assert json.loads(stored.rule)["second_entry"] is True
        assert [e.kind for e in ballots.events(fresh, round_.id)] == ["opened", "entered"]
        change = [e for e in fresh.exec(select(AuditEvent).where(AuditEvent.kind == "changed")).all()
                  if e.record == f"voting_rule:{rule.id}"]
    assert change and json.loads(change[-1].detail)["after"]["second_entry"] is False
    assert f"{url}/check" not in client.get(url).get_data(as_text=True)  # she is still not offered it herself
    log_in_as(client, "thu_ky_2")
    assert f"{url}/check" in client.get(url).get_data(as_text=True)  # the other secretary is


def test_a_round_opened_after_the_switch_follows_the_new_rule(app, client, db, flag):
    cluster, ids, _round, _url = flag
    log_in_as(client, "thu_ky_1")
    rule = db.exec(select(VotingRule)).one()
    off = {key: value for key, value in RULE.items() if key != "second_entry"}
    assert client.post(f"/clusters/{cluster.id}/years/2017/rule",
                       data={**off, "version": str(rule.version)}).status_code == 302
    db.rollback()  # read what the page saved
    first = db.exec(select(User).where(User.username == "thu_ky_1")).one()
    later = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    assert ballots.second_entry_required(db, later) is False
    assert ballots.second_entry_required(db, db.get(BallotRound, _round.id)) is True
