"""Proposals through the services: created once from a finalised vote (runoffs too), submitted with a tờ trình,
their status, an override with its reason, a draft deleted; every change in the proposal's log."""
import json
from datetime import date

import pytest
from sqlmodel import select

from tests.support.ballots import all_votes, award, figures, finalised, run, through
from tracker.models import Award, Proposal, ProposalEvent
from tracker.rules.chain import canonical
from tracker.services import ballots, eligibility, proposals, years
from tracker.services.errors import Conflict, DomainError


def events(db, proposal):
    return db.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == proposal.id)
                   .order_by(ProposalEvent.id)).all()


def test_a_finalised_round_gives_one_proposal_per_elected_board_once(db, review):
    cluster, ids, first, _second = review
    flag = finalised(db, review, "CO_BO", {"BQL4": 6, "BQL2": 3})
    created = run(db, proposals.create_from_round, user=first, round_id=flag.id)
    assert [(p.board_id, p.award_type_id, p.round_id, p.votes, p.share, p.status) for p in created] == [
        (ids["BQL4"], award(db, "CO_BO"), flag.id, 6, "2/3", "draft")]
    assert created[0].cluster_year_id == years.find(db, cluster.id, 2017).id
    [event] = events(db, created[0])
    assert (event.kind, event.user_id) == ("created", first.id)
    payload = json.loads(event.payload)
    assert canonical(payload) == event.payload
    assert (payload["board"], payload["award"], payload["votes"], payload["share"]) == (ids["BQL4"], "CO_BO", 6, "2/3")

    assert run(db, proposals.create_from_round, user=first, round_id=flag.id) == []
    assert len(db.exec(select(Proposal)).all()) == 1
    assert len(db.exec(select(ProposalEvent)).all()) == 1


def test_a_round_that_is_not_finalised_is_refused(db, review):
    cluster, ids, first, _second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    run(db, ballots.enter, user=first, round_id=round_.id, version=round_.version,
        figures=figures(ids, all_votes(ids, BQL4=6)), meeting=ballots.Meeting())
    with pytest.raises(DomainError):
        proposals.create_from_round(session=db, user=first, round_id=round_.id)
    db.rollback()
    assert db.exec(select(Proposal)).all() == []


def test_the_boards_a_runoff_elects_are_proposed_too(db, review):
    cluster, ids, first, second = review
    cert = finalised(db, review, "BK_BO", {"BQL1": 7, "BQL2": 5, "BQL3": 5})
    assert [p.board_id for p in run(db, proposals.create_from_round, user=first, round_id=cert.id)] == [ids["BQL1"]]
    runoff = run(db, ballots.open_runoff, user=first, round_id=cert.id, version=cert.version)
    runoff = through(db, runoff, ids, first, second, {"BQL2": 5, "BQL3": 4})
    created = run(db, proposals.create_from_round, user=first, round_id=runoff.id)
    assert [(p.board_id, p.round_id, p.votes, p.share) for p in created] == [(ids["BQL2"], runoff.id, 5, "5/9")]
    assert run(db, proposals.create_from_round, user=first, round_id=cert.id) == []  # the main round again: no more


def test_the_year_lists_the_highest_award_first_then_boards_in_vietnamese_order(db, make_board, make_cluster):
    boards = [make_board(name) for name in ("Tây Ninh", "Đồng Nai", "Bình Dương", "Dầu Tiếng")]
    cluster = make_cluster("Cụm thử", years={2017: [(boards[0], "head")] + [(b, "member") for b in boards[1:]]})
    cluster_year = years.find(db, cluster.id, 2017)
    certificate, flag = award(db, "BK_BO"), award(db, "CO_BO")
    for board, award_id in ((boards[0], certificate), (boards[1], certificate), (boards[2], certificate),
                            (boards[3], flag)):
        db.add(Proposal(cluster_year_id=cluster_year.id, board_id=board.id, award_type_id=award_id))
    db.commit()
    listed = proposals.for_year(db, cluster_year.id)
    by_id = {b.id: b.short_name for b in boards}
    # by code point "Đồng Nai" would come after "Tây Ninh"
    assert [by_id[p.board_id] for p in listed] == ["Dầu Tiếng", "Bình Dương", "Đồng Nai", "Tây Ninh"]


@pytest.fixture
def drafted(db, review):
    """The 2017 certificate round elects BQL1 and BQL2: two draft proposals."""
    cluster, ids, first, second = review
    cert = finalised(db, review, "BK_BO", {"BQL1": 7, "BQL2": 6})
    items = run(db, proposals.create_from_round, user=first, round_id=cert.id)
    return cluster, ids, first, second, sorted(items, key=lambda p: p.board_id)


def submit(db, user, cluster, items, versions=None, number="12/TTr-CTĐ", day=date(2018, 3, 1)):
    return proposals.save_submission(
        session=db, user=user, cluster_id=cluster.id, year=2017, proposal_ids=[p.id for p in items],
        versions=versions if versions is not None else {p.id: p.version for p in items}, number=number,
        submitted_on=day)


def test_a_submission_records_its_number_and_date_and_marks_the_proposals_submitted(db, drafted):
    cluster, ids, first, second, items = drafted
    saved = submit(db, second, cluster, items)
    db.commit()
    assert [(p.status, p.submission_number, p.submission_date, p.version) for p in saved] == [
        ("submitted", "12/TTr-CTĐ", date(2018, 3, 1), 2)] * 2
    event = events(db, saved[0])[-1]
    assert (event.kind, event.user_id) == ("submitted", second.id)
    assert json.loads(event.payload)["number"] == "12/TTr-CTĐ"
    assert json.loads(event.payload)["before"]["status"] == "draft"


@pytest.mark.parametrize("changes, field", [
    ({"number": "   "}, "number"),
    ({"number": "1" * 101}, "number"),
    ({"day": None}, "submitted_on"),
    ({"day": date(2016, 12, 31)}, "submitted_on"),
])
def test_a_submission_without_a_proper_number_or_date_is_refused_beside_the_field(db, drafted, changes, field):
    cluster, ids, first, second, items = drafted
    with pytest.raises(DomainError) as error:
        submit(db, first, cluster, items, **changes)
    assert error.value.field == field
    db.rollback()
    assert {p.status for p in db.exec(select(Proposal)).all()} == {"draft"}


def test_a_stale_proposal_refuses_the_whole_submission(db, drafted):
    cluster, ids, first, second, items = drafted
    run(db, proposals.set_status, user=first, proposal_id=items[1].id, version=items[1].version, status="submitted")
    with pytest.raises(Conflict):
        submit(db, second, cluster, items, versions={items[0].id: 1, items[1].id: 1})
    db.rollback()
    stored = {p.id: p for p in db.exec(select(Proposal)).all()}
    assert stored[items[0].id].status == "draft" and stored[items[0].id].submission_number == ""


def test_a_proposal_of_another_year_or_a_decided_one_is_not_submitted(db, drafted, make_board, make_cluster):
    cluster, ids, first, second, items = drafted
    other = make_cluster("Cụm khác", years={2017: [(make_board("X"), "head")]})
    with pytest.raises(DomainError) as error:
        submit(db, first, other, items)
    assert error.value.field == "proposal_ids"
    db.rollback()
    run(db, proposals.set_status, user=first, proposal_id=items[0].id, version=items[0].version, status="granted")
    with pytest.raises(DomainError) as error:
        submit(db, first, cluster, items)
    assert error.value.field == "proposal_ids"


def test_the_status_is_set_by_hand_with_its_event(db, drafted):
    cluster, ids, first, second, items = drafted
    proposal = items[0]
    with pytest.raises(DomainError):
        proposals.set_status(session=db, user=first, proposal_id=proposal.id, version=1, status="won")
    db.rollback()
    run(db, proposals.set_status, user=first, proposal_id=proposal.id, version=1, status="granted_other")
    assert (proposal.status, proposal.version) == ("granted_other", 2)
    assert json.loads(events(db, proposal)[-1].payload) == {"from": "draft", "to": "granted_other"}
    with pytest.raises(Conflict):
        proposals.set_status(session=db, user=first, proposal_id=proposal.id, version=1, status="not_granted")
    db.rollback()
    run(db, proposals.set_status, user=first, proposal_id=proposal.id, version=2, status="granted_other")
    assert proposal.version == 2 and len(events(db, proposal)) == 2  # no change, no event


def test_an_override_needs_a_reason_kept_in_the_log(db, drafted):
    cluster, ids, first, second, items = drafted
    proposal = items[0]
    for reason in ("  ", "x" * 2001):
        with pytest.raises(DomainError) as error:
            proposals.save_override(session=db, user=first, proposal_id=proposal.id, version=1, reason=reason)
        assert error.value.field == "reason"
        db.rollback()
    run(db, proposals.save_override, user=second, proposal_id=proposal.id, version=1,
        reason="Đơn vị dẫn đầu cụm năm 2017 theo biên bản hội nghị")
    assert proposal.override_reason == "Đơn vị dẫn đầu cụm năm 2017 theo biên bản hội nghị"
    event = events(db, proposal)[-1]
    assert (event.kind, event.user_id, json.loads(event.payload)["reason"]) == (
        "override", second.id, proposal.override_reason)


def test_only_a_draft_is_deleted(db, drafted):
    cluster, ids, first, second, items = drafted
    submit(db, first, cluster, items[:1])
    db.commit()
    with pytest.raises(DomainError):
        proposals.delete_proposal(session=db, user=first, proposal_id=items[0].id, version=items[0].version)
    db.rollback()
    run(db, proposals.delete_proposal, user=first, proposal_id=items[1].id, version=items[1].version)
    assert [p.id for p in db.exec(select(Proposal)).all()] == [items[0].id]
    assert db.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == items[1].id)).all() == []


def test_a_proposal_that_breaks_a_rule_is_submitted_only_with_a_reason(db, drafted):
    cluster, ids, first, _second, items = drafted
    # BQL1 already holds a ministry flag for 2017 (recorded without a decision): one achievement, one award.
    db.add(Award(board_id=ids["BQL1"], award_type_id=award(db, "CO_BO"), year=2017))
    db.commit()
    warned = eligibility.warnings_for_proposals(db, years.find(db, cluster.id, 2017), items)
    assert [w.kind for w in warned[items[0].id]] == ["one_per_year"] and warned[items[1].id] == []
    with pytest.raises(DomainError) as error:
        submit(db, first, cluster, items)
    assert "BQL1" in str(error.value.message)
    db.rollback()
    run(db, proposals.save_override, user=first, proposal_id=items[0].id, version=items[0].version,
        reason="Bằng khen cho thành tích khác, đã được Bộ đồng ý")
    submit(db, first, cluster, items)
    db.commit()
    assert {p.status for p in items} == {"submitted"}
    assert [e.kind for e in events(db, items[0])][-2:] == ["override", "submitted"]
