"""Found by the attack review of issue 15's ledger and blind entry, each replayed and now refused or caught: the
counts guessed from a hash, the hand-over download of blind counts, counts changed between the check and the
finalisation, a finalisation cleared from its revision, all seals deleted for the next write to reseal forged
events, fields no seal covered, and the newest events cut off."""
import json

import pytest
from sqlmodel import select

from tests.support.accounts import PASSWORD
from tests.support.ballots import all_votes, award, figures, run, tamper, through
from tracker.models import BallotEvent, BallotRevision, BallotRound, ClusterYear, RoundStatus
from tracker.rules.chain import canonical, link
from tracker.services import ballots, handover, ledger, seals
from tracker.services.errors import DomainError


def version(db, round_id: int) -> int:
    db.expire_all()
    return db.get(BallotRound, round_id).version


def caught(db) -> list[tuple]:
    db.expire_all()
    return [(p.round_id, p.seq) for p in ledger.verify(db).problems]


def entered(db, review, code="CO_BO", **votes) -> BallotRound:
    cluster, ids, first, _second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, code),
                 meeting=ballots.Meeting())
    run(db, ballots.enter, user=first, round_id=round_.id, version=round_.version,
        figures=figures(ids, all_votes(ids, **votes)), meeting=ballots.Meeting(place="Tây Ninh"))
    return round_


def finalised(db, review, **votes) -> BallotRound:
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    return through(db, round_, ids, first, second, all_votes(ids, **votes))


def test_an_events_hash_cannot_be_tried_against_guessed_counts(db, review):
    """Every payload carries a random nonce: knowing everything else about the "entered" event (its time, its
    author, the rule, the members) and the hash shown in the audit log, guessing the votes no longer finds it."""
    round_ = entered(db, review, BQL4=5, BQL2=3)
    event = db.exec(select(BallotEvent).where(BallotEvent.round_id == round_.id, BallotEvent.kind == "entered")).one()
    payload = json.loads(event.payload)
    assert len(payload["nonce"]) == 32
    without = canonical({key: value for key, value in payload.items() if key != "nonce"})
    assert link(event.prev_hash, without) != event.hash


def test_the_hand_over_download_refuses_while_a_round_waits_for_its_second_entry(app, db, review, client,
                                                                                   make_user):
    cluster, _ids, _first, _second = review
    entered(db, review, BQL4=7, BQL2=2)
    with pytest.raises(DomainError):
        handover.export_cluster(db, cluster.id)
    make_user("nguoi_xem", "viewer")
    assert client.post("/auth/login", data={"username": "nguoi_xem", "password": PASSWORD}).status_code == 302
    response = client.get(f"/clusters/{cluster.id}/handover.json")
    assert response.status_code == 302 and b'"votes"' not in response.data


def test_counts_changed_between_the_check_and_the_finalisation_are_not_finalised(db, review):
    cluster, ids, first, second = review
    round_ = entered(db, review, BQL4=6, BQL2=3)
    run(db, ballots.check, user=second, round_id=round_.id, version=version(db, round_.id),
        figures=figures(ids, all_votes(ids, BQL4=6, BQL2=3)))
    revision = db.exec(select(BallotRevision).where(BallotRevision.round_id == round_.id)).one()
    counts = json.loads(revision.counts)
    counts["votes"][str(ids["BQL4"])], counts["votes"][str(ids["BQL2"])] = 3, 6
    tamper(db, "UPDATE ballot_revision SET counts = :c WHERE id = :i", c=canonical(counts), i=revision.id)
    with pytest.raises(DomainError):
        ballots.finalise(session=db, user=first, round_id=round_.id, version=version(db, round_.id))
    db.rollback()
    assert db.get(BallotRound, round_.id).status == RoundStatus.CHECKED
    assert [r for r, _s in caught(db)] == [round_.id]  # and the change itself is seen


def test_clearing_a_finalisation_from_its_revision_is_caught(db, review):
    round_ = finalised(db, review, BQL4=6, BQL2=3)
    assert caught(db) == []
    tamper(db, "UPDATE ballot_revision SET finalised_at = NULL WHERE round_id = :r", r=round_.id)
    assert round_.id in [r for r, _s in caught(db)]


def test_clearing_an_amendments_finalisation_to_bring_back_the_old_result_is_caught(db, review):
    cluster, ids, first, second = review
    round_ = finalised(db, review, BQL4=6, BQL2=3)
    changed = figures(ids, all_votes(ids, BQL4=3, BQL2=6))
    run(db, ballots.amend, user=first, round_id=round_.id, version=version(db, round_.id), figures=changed,
        reason="Đếm lại")
    run(db, ballots.check, user=second, round_id=round_.id, version=version(db, round_.id), figures=changed)
    run(db, ballots.finalise, user=first, round_id=round_.id, version=version(db, round_.id))
    assert caught(db) == []
    tamper(db, "UPDATE ballot_revision SET finalised_at = NULL WHERE round_id = :r AND revision = 2", r=round_.id)
    assert round_.id in [r for r, _s in caught(db)]


def test_deleting_every_seal_does_not_get_forged_events_sealed_by_the_next_write(db, review):
    cluster, ids, first, second = review
    round_ = entered(db, review, BQL4=6, BQL2=3)
    run(db, ballots.check, user=second, round_id=round_.id, version=version(db, round_.id),
        figures=figures(ids, all_votes(ids, BQL4=6, BQL2=3)))
    tamper(db, "DELETE FROM ledger_seal")
    run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, "BK_BO"),
        meeting=ballots.Meeting())  # the next legitimate write
    assert round_.id in [r for r, _s in caught(db)]
    assert seals.seal_legacy(db) == 0  # nor by a command: the ledger had seals


@pytest.mark.parametrize("statement", [
    "UPDATE ballot_revision SET entered_by = :u WHERE round_id = :r",
    "UPDATE ballot_revision SET checked_by = :u WHERE round_id = :r",
    "UPDATE ballot_revision SET finalised_by = :u WHERE round_id = :r",
    "UPDATE ballot_revision SET reason = 'x' WHERE round_id = :r",
    "UPDATE ballot_revision SET entered_at = '2001-01-01 00:00:00' WHERE round_id = :r",
    "UPDATE ballot_round SET place = 'Hà Nội' WHERE id = :r",
    "UPDATE ballot_round SET committee = 'Ai đó' WHERE id = :r",
    "UPDATE ballot_round SET held_on = '2001-01-01' WHERE id = :r",
    "UPDATE cluster_year SET year = 2016 WHERE id = :cy",
])
def test_every_field_of_a_vote_and_its_minutes_is_covered(db, review, make_user, statement):
    round_ = finalised(db, review, BQL4=6, BQL2=3)
    other = make_user("ke_gian", "secretary")
    tamper(db, statement, u=other.id, r=round_.id, cy=db.get(ClusterYear, round_.cluster_year_id).id)
    assert round_.id in [r for r, _s in caught(db)]


def test_cutting_off_the_newest_round_is_caught(db, review):
    """Every transaction that seals writes its newest seal outside the database, not only finalisations."""
    cluster, ids, first, second = review
    finalised(db, review, BQL4=6, BQL2=3)
    newest = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    votes = {name: n for name, n in all_votes(ids, BQL3=6, BQL2=3).items() if name != "BQL4"}  # elected for the flag
    run(db, ballots.enter, user=first, round_id=newest.id, version=newest.version, figures=figures(ids, votes),
        meeting=ballots.Meeting())
    tamper(db, "DELETE FROM ledger_seal WHERE round_id = :r; DELETE FROM ballot_event WHERE round_id = :r;"
               "DELETE FROM ballot_revision WHERE round_id = :r; DELETE FROM ballot_round WHERE id = :r", r=newest.id)
    assert caught(db) != []


@pytest.mark.parametrize("stored", ["null", "[]", "{}", "not json", '{"elected": 3}'])
def test_a_result_that_is_not_one_is_reported_and_no_page_breaks(app, db, review, client, make_user, stored):
    """Finding 5: a finalised revision whose result was null made verify die with a traceback and the round
    page, the ledger page and the API answer 500."""
    cluster, _ids, _first, _second = review
    round_ = finalised(db, review, BQL4=6, BQL2=3)
    tamper(db, "UPDATE ballot_revision SET result = :s WHERE round_id = :r", s=stored, r=round_.id)
    assert round_.id in [r for r, _s in caught(db)]
    make_user("quan_tri", "admin")
    assert client.post("/auth/login", data={"username": "quan_tri", "password": PASSWORD}).status_code == 302
    for url in (f"/clusters/{cluster.id}/ballots/{round_.id}", "/admin/ledger", "/api/v1/results",
                f"/clusters/{cluster.id}/years/2017", f"/clusters/{cluster.id}/ballots/{round_.id}/minutes.pdf"):
        assert client.get(url).status_code in (200, 302, 404), url  # never 500
