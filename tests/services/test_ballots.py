"""Ballot rounds through the services: the workflow, the second entry, amendments, runoffs, the ledger."""
import json
from fractions import Fraction

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.support.ballots import all_votes, award, figures, run, tamper, through
from tracker.models import BallotEvent, BallotRevision, Board, RoundStatus
from tracker.rules.rounds import Figures
from tracker.rules.voting import RuleValues
from tracker.services import ballots, ledger, voting
from tracker.services.errors import Conflict, DomainError


def open_flag(db, cluster):
    return run(db, ballots.open_round, user=None, cluster_id=cluster.id, year=2017, award_type_id=award(db, "CO_BO"),
               meeting=ballots.Meeting())


def test_a_round_needs_the_saved_rule_and_seats(db, make_board, make_cluster):
    cluster = make_cluster("Khối mới", years={2017: [(make_board("X"), "head")]})
    with pytest.raises(DomainError) as error:
        ballots.open_round(session=db, user=None, cluster_id=cluster.id, year=2017,
                           award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    assert "2017" in str(error.value.message)


def test_the_whole_workflow_locks_the_result_and_chains_every_step(db, review):
    cluster, ids, first, second = review
    round_ = open_flag(db, cluster)
    assert round_.seats == 1 and round_.status == RoundStatus.DRAFT
    round_ = through(db, round_, ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    assert round_.status == RoundStatus.FINALISED
    revision = ballots.official(ballots.revisions(db, round_.id))
    result = json.loads(revision.result)
    assert result["elected"] == [ids["BQL4"]]
    assert result["outcomes"][0]["reason_vi"] == "6/9 thành viên = 66,7% > 50% → được suy tôn (hạng 1)"
    kinds = [e.kind for e in ballots.events(db, round_.id)]
    assert kinds == ["opened", "entered", "checked", "finalised"]
    report = ledger.verify(db)
    assert (report.rounds, report.events, report.finalised, report.problems) == (1, 4, 1, [])


def test_inconsistent_figures_are_refused_beside_their_field_naming_the_numbers(db, review):
    cluster, ids, first, _second = review
    round_ = open_flag(db, cluster)
    bad = figures(ids, all_votes(ids, BQL4=8), present=7, issued=8, returned=9, invalid=10)
    with pytest.raises(DomainError) as error:
        ballots.enter(session=db, user=first, round_id=round_.id, version=round_.version, figures=bad,
                      meeting=ballots.Meeting())
    errors = {field: [str(m) for m in messages] for field, messages in error.value.errors.items()}
    assert set(errors) == {"issued", "returned", "invalid", f"votes_{ids['BQL4']}", None}
    assert "8" in errors["issued"][0] and "7" in errors["issued"][0]
    db.rollback()
    assert db.exec(select(BallotRevision)).all() == []


def test_a_second_entry_by_the_same_person_or_a_different_count_blocks(db, review):
    cluster, ids, first, second = review
    round_ = open_flag(db, cluster)
    votes = all_votes(ids, BQL4=6, BQL2=3)
    run(db, ballots.enter, user=first, round_id=round_.id, version=round_.version, figures=figures(ids, votes),
        meeting=ballots.Meeting())
    with pytest.raises(DomainError):
        ballots.check(session=db, user=first, round_id=round_.id, version=round_.version,
                      figures=figures(ids, votes))
    db.rollback()
    outcome = run(db, ballots.check, user=second, round_id=round_.id, version=round_.version,
                  figures=figures(ids, {**votes, "BQL2": 2}, invalid=1))
    assert not outcome.matched and outcome.fields == ["invalid", f"votes_{ids['BQL2']}"]
    db.refresh(round_)
    assert round_.status == RoundStatus.ENTERED
    with pytest.raises(DomainError):
        ballots.finalise(session=db, user=first, round_id=round_.id, version=round_.version)
    db.rollback()
    assert [e.kind for e in ballots.events(db, round_.id)][-1] == "check_failed"


def test_a_stale_version_is_refused(db, review):
    cluster, ids, first, _second = review
    round_ = open_flag(db, cluster)
    with pytest.raises(Conflict):
        ballots.enter(session=db, user=first, round_id=round_.id, version=round_.version - 1,
                      figures=figures(ids, all_votes(ids)), meeting=ballots.Meeting())


def test_without_second_entry_the_entry_is_confirmed(db, review):
    cluster, ids, first, _second = review
    voting.save_rule(session=db, cluster_id=cluster.id, year=2017, version=1, rule=RuleValues(second_entry=False),
                     seats={"CO_BO": 1, "BK_BO": 2})
    db.commit()
    round_ = open_flag(db, cluster)
    run(db, ballots.enter, user=first, round_id=round_.id, version=round_.version,
        figures=figures(ids, all_votes(ids, BQL1=9)), meeting=ballots.Meeting())
    assert run(db, ballots.check, user=first, round_id=round_.id, version=round_.version, figures=None) is None
    assert round_.status == RoundStatus.CHECKED


def test_an_amendment_adds_a_revision_and_keeps_the_old_result(db, review):
    cluster, ids, first, second = review
    round_ = through(db, open_flag(db, cluster), ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    with pytest.raises(DomainError) as error:
        ballots.amend(session=db, user=first, round_id=round_.id, version=round_.version,
                      figures=figures(ids, all_votes(ids, BQL4=5, BQL2=4)), reason="  ")
    assert error.value.field == "reason"
    db.rollback()
    run(db, ballots.amend, user=first, round_id=round_.id, version=round_.version,
        figures=figures(ids, all_votes(ids, BQL4=5, BQL2=4)), reason="Đọc nhầm phiếu của BQL2")
    assert (round_.revision, round_.status) == (2, RoundStatus.ENTERED)
    official = ballots.official(ballots.revisions(db, round_.id))
    assert official.revision == 1
    with pytest.raises(Exception, match="cannot be changed"):
        db.execute(text("UPDATE ballot_revision SET result = '{}' WHERE id = :id"), {"id": official.id})
    db.rollback()
    with pytest.raises(Exception, match="cannot be changed"):
        db.execute(text("DELETE FROM ballot_event"))
    db.rollback()


def test_a_board_elected_for_a_higher_award_is_not_a_candidate(db, review):
    cluster, ids, first, second = review
    through(db, open_flag(db, cluster), ids, first, second, all_votes(ids, BQL4=6))
    cert = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
               award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    every = {b.id: b for b in db.exec(select(Board)).all()}
    assert ids["BQL4"] not in ballots.candidates(db, cert, every)
    assert len(ballots.candidates(db, cert, every)) == 8


def test_a_tie_at_the_last_seat_opens_a_runoff_for_the_seats_left(db, review):
    cluster, ids, first, second = review
    cert = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
               award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    votes = {name: 0 for name in ids}
    votes.update(BQL1=7, BQL2=5, BQL3=5)
    cert = through(db, cert, ids, first, second, votes)
    result = json.loads(ballots.official(ballots.revisions(db, cert.id)).result)
    assert result["elected"] == [ids["BQL1"]]
    runoff = run(db, ballots.open_runoff, user=first, round_id=cert.id, version=cert.version)
    assert (runoff.number, runoff.seats, json.loads(runoff.runoff_candidates)) == (2, 1, [ids["BQL2"], ids["BQL3"]])
    with pytest.raises(DomainError):
        ballots.open_runoff(session=db, user=first, round_id=cert.id, version=cert.version)
    db.rollback()
    runoff_figures = Figures(present=frozenset(ids.values()), issued=9, returned=9, invalid=0,
                             votes={ids["BQL2"]: 5, ids["BQL3"]: 4})
    run(db, ballots.enter, user=first, round_id=runoff.id, version=runoff.version, figures=runoff_figures,
        meeting=ballots.Meeting())
    assert Fraction(json.loads(ballots.revisions(db, runoff.id)[0].counts)["rule"]["quorum"]) == Fraction(2, 3)


ISSUED = {"a": '"issued":9', "b": '"issued":8'}


@pytest.mark.parametrize("statement, params, seq, words", [
    ("UPDATE ballot_event SET payload = replace(payload, :a, :b) WHERE seq = 2", ISSUED, 2, "mã băm đã lưu"),
    ("DELETE FROM ledger_seal WHERE event_id IN (SELECT id FROM ballot_event WHERE seq = 3);"
     "DELETE FROM ballot_event WHERE seq = 3", {}, 4, "thiếu sự kiện"),
    ("UPDATE ballot_revision SET result = replace(result, :a, :b)", {"a": '"valid":9', "b": '"valid":8'}, 4,
     "kết quả đã lưu"),
    ("UPDATE ballot_revision SET counts = replace(counts, :a, :b)", ISSUED, 4, "khác với số liệu khi khóa"),
])
def test_the_ledger_names_the_first_broken_event(db, review, statement, params, seq, words):
    cluster, ids, first, second = review
    round_ = through(db, open_flag(db, cluster), ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    assert ledger.verify(db).problems == []
    tamper(db, statement, **params)
    problems = ledger.verify(db).problems  # the round's own (a checkpoint may name it too: a sealed event is gone)
    assert [(p.round_id, p.seq, words in str(p.message)) for p in problems if p.round_id == round_.id
            and words in str(p.message)] == [(round_.id, seq, True)]
    assert db.exec(select(BallotEvent)).first() is not None
