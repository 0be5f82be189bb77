"""Eligibility through the services: the rules in force, each candidate's situation from awards, proposals and
finalised rounds, the warnings of a ballot round and of a proposal in a bounded number of queries, and the
administrators' catalogue of rules."""
import pytest
from sqlmodel import select

from tests.support.ballots import all_votes, award, run, through
from tracker.models import Award, EligibilityRule, Proposal, ProposalStatus
from tracker.rules.voting import RuleValues
from tracker.services import ballots, eligibility, voting, years
from tracker.services.errors import Conflict, DomainError


def seeded(db, kind):
    return db.exec(select(EligibilityRule).where(EligibilityRule.kind == kind)).one()


def add_rule(db, **values):
    data = eligibility.RuleData(**{"citation": "Nghị định 91/2017/NĐ-CP", **values})
    row = run(db, eligibility.save_rule, rule_id=None, version=None, data=data)
    return row


def finalised(db, review, code, votes):
    """A finalised round of the 2017 review for the award, with these votes."""
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, code),
                 meeting=ballots.Meeting())
    return through(db, round_, ids, first, second, all_votes(ids, **votes))


def with_government_flag(db, review):
    cluster = review[0]
    voting.save_rule(session=db, cluster_id=cluster.id, year=2017, version=1, rule=RuleValues(),
                     seats={"CO_CP": 1, "CO_BO": 1, "BK_BO": 2})
    db.commit()


def cluster_year(db, review):
    return years.find(db, review[0].id, 2017)


def propose(db, review, name, code, status=ProposalStatus.DRAFT):
    proposal = Proposal(cluster_year_id=cluster_year(db, review).id, board_id=review[1][name],
                        award_type_id=award(db, code), status=status)
    db.add(proposal)
    db.commit()
    return proposal


def give(db, board_id, code, *years_, proposal=None):
    for year in years_:
        db.add(Award(board_id=board_id, award_type_id=award(db, code), year=year,
                     proposal_id=proposal.id if proposal else None))
    db.commit()


def kinds(warnings):
    return [w.kind for w in warnings]


def test_the_seeded_rules_and_the_years_a_rule_is_in_force(db):
    assert [r.kind for r in eligibility.rules_in_force(db, 2017)] == ["one_per_year", "leads_cluster"]
    leads = eligibility.rules_in_force(db, 2017)[1]
    assert leads.award == "CO_CP" and "Điều 25" in leads.citation and leads.id == seeded(db, "leads_cluster").id
    add_rule(db, kind="needs_previous", award_type_id=award(db, "CO_CP"), required_award_type_id=award(db, "CO_BO"),
             count=2, to_year=2024)
    add_rule(db, kind="max_per_year", award_type_id=award(db, "CO_BO"), count=1, from_year=2018)
    add_rule(db, kind="max_per_year", award_type_id=award(db, "BK_BO"), count=2, active=False)
    assert [r.kind for r in eligibility.rules_in_force(db, 2017)] == ["one_per_year", "leads_cluster",
                                                                      "needs_previous"]
    assert [r.kind for r in eligibility.rules_in_force(db, 2024)][-2:] == ["needs_previous", "max_per_year"]
    assert [r.kind for r in eligibility.rules_in_force(db, 2025)] == ["one_per_year", "leads_cluster",
                                                                      "max_per_year"]


def test_a_situation_gathers_awards_proposals_and_the_finalised_rounds(db, review):
    _cluster, ids, _first, _second = review
    finalised(db, review, "CO_BO", {"BQL4": 6, "BQL2": 3})
    propose(db, review, "BQL2", "BK_BO")
    propose(db, review, "BQL3", "BK_BO", status=ProposalStatus.NOT_GRANTED)
    give(db, ids["BQL2"], "BK_BO", 2015, 2016)
    give(db, ids["BQL5"], "BK_BO", 2017)  # a member's award of the year (recorded without a proposal)
    give(db, ids["BQL2"], "CO_BO", 2018)  # a later year: not part of the situation
    cy = cluster_year(db, review).id

    s = eligibility.situation_for(db, cluster_year_id=cy, board_id=ids["BQL2"], award_type_id=award(db, "BK_BO"))
    assert (s.board, s.award, s.year, s.leads) == (ids["BQL2"], "BK_BO", 2017, False)
    assert s.held == {2015: {"BK_BO"}, 2016: {"BK_BO"}, 2017: {"BK_BO"}}
    assert s.taken == 2  # BQL3 was proposed (even if not granted), BQL5 was awarded

    s = eligibility.situation_for(db, cluster_year_id=cy, board_id=ids["BQL4"], award_type_id=award(db, "CO_CP"))
    assert s.held == {2017: {"CO_BO"}} and s.leads and s.taken == 0
    s = eligibility.situation_for(db, cluster_year_id=cy, board_id=ids["BQL4"], award_type_id=award(db, "CO_BO"))
    assert not s.leads  # the flag round of the award itself does not make a leader for that award
    s = eligibility.situation_for(db, cluster_year_id=cy, board_id=ids["BQL3"], award_type_id=award(db, "CO_BO"))
    assert s.held == {} and s.taken == 1  # its refused proposal no longer claims the achievement


def test_a_round_shows_each_candidate_the_rules_it_breaks_with_their_citation(db, review):
    _cluster, ids, _first, _second = review
    with_government_flag(db, review)
    finalised(db, review, "CO_BO", {"BQL4": 6, "BQL2": 3})
    add_rule(db, kind="needs_previous", award_type_id=award(db, "CO_CP"), required_award_type_id=award(db, "CO_BO"),
             count=2, citation="Nghị định 91/2017/NĐ-CP, Điều 9")
    give(db, ids["BQL4"], "CO_BO", 2015, 2016)
    give(db, ids["BQL3"], "CO_BO", 2016)
    government = run(db, ballots.open_round, user=review[2], cluster_id=review[0].id, year=2017,
                     award_type_id=award(db, "CO_CP"), meeting=ballots.Meeting())

    warnings = eligibility.warnings_for_round(db, government)
    assert set(warnings) == set(ids.values())
    # BQL4 leads its cluster and had the ministry flag in 2015 and 2016, but it is elected for the ministry flag
    # of 2017 already: one achievement, one form of award
    assert kinds(warnings[ids["BQL4"]]) == ["one_per_year"]
    [one] = warnings[ids["BQL4"]]
    assert one.rule_id == seeded(db, "one_per_year").id and "06/2022/QH15" in one.citation
    assert "Cờ thi đua của Bộ" in str(one.message) and "2017" in str(one.message)
    assert kinds(warnings[ids["BQL3"]]) == ["leads_cluster", "needs_previous"]
    assert "2015" in str(warnings[ids["BQL3"]][1].message) and "2016" not in str(warnings[ids["BQL3"]][1].message)
    assert warnings[ids["BQL3"]][1].citation == "Nghị định 91/2017/NĐ-CP, Điều 9"
    assert kinds(warnings[ids["BQL9"]]) == ["leads_cluster", "needs_previous"]

    # the certificate round: BQL4, elected for the flag, is no candidate; the candidates may be passed in
    certificate = run(db, ballots.open_round, user=review[2], cluster_id=review[0].id, year=2017,
                      award_type_id=award(db, "BK_BO"), meeting=ballots.Meeting())
    warnings = eligibility.warnings_for_round(db, certificate)
    assert ids["BQL4"] not in warnings and all(w == [] for w in warnings.values())
    assert eligibility.warnings_for_round(db, certificate, candidates=[ids["BQL4"], ids["BQL2"]]) == {
        ids["BQL4"]: eligibility.warnings_for_round(db, certificate, [ids["BQL4"]])[ids["BQL4"]], ids["BQL2"]: []}
    assert kinds(eligibility.warnings_for_round(db, certificate, [ids["BQL4"]])[ids["BQL4"]]) == ["one_per_year"]


def test_a_proposal_is_warned_of_another_form_for_the_same_year_but_not_of_its_own_answer(db, review):
    _cluster, ids, _first, _second = review
    flag = propose(db, review, "BQL4", "CO_BO", status=ProposalStatus.SUBMITTED)
    assert eligibility.warnings_for_proposal(db, flag) == []
    certificate = propose(db, review, "BQL4", "BK_BO")
    assert kinds(eligibility.warnings_for_proposal(db, flag)) == ["one_per_year"]
    assert kinds(eligibility.warnings_for_proposal(db, certificate)) == ["one_per_year"]
    db.delete(certificate)
    db.commit()
    # the ministry granted it as a certificate: that award answers the proposal and is not held against it
    give(db, ids["BQL4"], "BK_BO", 2017, proposal=flag)
    flag.status = ProposalStatus.GRANTED_OTHER
    db.commit()
    assert eligibility.warnings_for_proposal(db, flag) == []
    # another proposal of the same board for that year is
    title = propose(db, review, "BQL4", "TTLDXS")
    assert kinds(eligibility.warnings_for_proposal(db, title)) == ["one_per_year"]
    db.delete(title)
    db.commit()
    # the decision answers no proposal: the certificate is another form for the same year
    give(db, ids["BQL5"], "BK_BO", 2017)
    assert kinds(eligibility.warnings_for_proposal(db, propose(db, review, "BQL5", "CO_BO"))) == ["one_per_year"]


def test_at_most_n_per_cluster_year_and_rules_out_of_force_or_inactive(db, review):
    _cluster, ids, _first, _second = review
    rule = add_rule(db, kind="max_per_year", award_type_id=award(db, "BK_BO"), count=1, citation="Quy chế cụm")
    finalised(db, review, "BK_BO", {"BQL2": 7, "BQL3": 6})
    first = propose(db, review, "BQL2", "BK_BO")
    warnings = eligibility.warnings_for_proposal(db, first)
    assert [(w.rule_id, w.kind, w.citation) for w in warnings] == [(rule.id, "max_per_year", "Quy chế cụm")]
    assert "1" in str(warnings[0].message)
    run(db, eligibility.save_rule, rule_id=rule.id, version=rule.version, data=eligibility.RuleData(
        kind="max_per_year", award_type_id=award(db, "BK_BO"), count=2, citation="Quy chế cụm"))
    assert eligibility.warnings_for_proposal(db, first) == []
    run(db, eligibility.save_rule, rule_id=rule.id, version=rule.version, data=eligibility.RuleData(
        kind="max_per_year", award_type_id=award(db, "BK_BO"), count=1, citation="Quy chế cụm", from_year=2018))
    assert eligibility.warnings_for_proposal(db, first) == []
    one = seeded(db, "one_per_year")
    one.active = False
    db.commit()
    assert eligibility.warnings_for_proposal(db, propose(db, review, "BQL2", "CO_BO")) == []


def test_the_warnings_of_a_round_take_the_same_queries_for_one_candidate_or_nine(db, review, queries):
    _cluster, ids, _first, _second = review
    round_ = finalised(db, review, "BK_BO", {"BQL2": 7, "BQL3": 6})
    finalised(db, review, "CO_BO", {"BQL4": 6})
    for name in ids:
        give(db, ids[name], "BK_BO", 2014, 2015, 2016)
    add_rule(db, kind="needs_previous", award_type_id=award(db, "BK_BO"), required_award_type_id=award(db, "BK_BO"),
             count=3)
    proposal = propose(db, review, "BQL2", "BK_BO")

    def count(call):
        db.expire_all()
        with queries() as counted:
            call()
        return len(counted)

    one = count(lambda: eligibility.warnings_for_round(db, round_, [ids["BQL2"]]))
    nine = count(lambda: eligibility.warnings_for_round(db, round_, list(ids.values())))
    assert one == nine <= 7
    assert eligibility.warnings_for_round(db, round_, []) == {}
    assert count(lambda: eligibility.warnings_for_proposal(db, proposal)) <= 7
    assert count(lambda: eligibility.warnings_for_round(db, round_)) <= 20


def refusal(db, **values):
    with pytest.raises(DomainError) as caught:
        eligibility.save_rule(session=db, rule_id=None, version=None, data=eligibility.RuleData(**values))
    db.rollback()
    return {name: [str(m) for m in messages] for name, messages in caught.value.errors.items()}


def test_a_rule_is_checked_for_its_kind_before_it_is_saved(db):
    flag, certificate = award(db, "CO_BO"), award(db, "BK_BO")
    assert set(refusal(db, kind="needs_previous", citation="x")) == {"required_award_type_id", "count"}
    assert set(refusal(db, kind="needs_previous", citation="x", required_award_type_id=flag, count=21)) == {"count"}
    assert set(refusal(db, kind="needs_previous", citation="x", required_award_type_id=flag, count=0)) == {"count"}
    assert set(refusal(db, kind="max_per_year", citation="x", count=0)) == {"award_type_id", "count"}
    assert set(refusal(db, kind="leads_cluster", citation="x")) == {"award_type_id"}
    assert set(refusal(db, kind="one_per_year", citation=" ")) == {"citation"}
    assert set(refusal(db, kind="one_per_year", citation="x", from_year=2020, to_year=2019)) == {"to_year"}
    assert set(refusal(db, kind="one_per_year", citation="x", from_year=10**9)) == {"from_year"}
    assert set(refusal(db, kind="sometimes", citation="x")) == {"kind"}
    assert set(refusal(db, kind="max_per_year", citation="x", award_type_id=999, count=1)) == {"award_type_id"}
    assert set(refusal(db, kind="one_per_year", citation="x" * 1001)) == {"citation"}
    assert db.exec(select(EligibilityRule)).all() == [seeded(db, "one_per_year"), seeded(db, "leads_cluster")]

    row = add_rule(db, kind="needs_previous", award_type_id=flag, required_award_type_id=certificate, count=20,
                   from_year=2010, to_year=2024, citation="  Nghị định 91/2017/NĐ-CP  ")
    assert (row.kind, row.award_type_id, row.required_award_type_id, row.count, row.citation, row.version) == (
        "needs_previous", flag, certificate, 20, "Nghị định 91/2017/NĐ-CP", 1)
    # a kind that needs no count or required award does not keep them
    row = run(db, eligibility.save_rule, rule_id=row.id, version=1, data=eligibility.RuleData(
        kind="one_per_year", award_type_id=None, required_award_type_id=certificate, count=3, citation="Luật"))
    assert (row.required_award_type_id, row.count, row.version) == (None, None, 2)


def test_a_stale_edit_or_delete_is_refused_and_a_rule_can_be_deleted(db):
    row = add_rule(db, kind="max_per_year", award_type_id=award(db, "CO_BO"), count=1)
    with pytest.raises(Conflict):
        eligibility.save_rule(session=db, rule_id=row.id, version=0, data=eligibility.RuleData(
            kind="max_per_year", award_type_id=award(db, "CO_BO"), count=2, citation="x"))
    db.rollback()
    with pytest.raises(Conflict):
        eligibility.delete_rule(session=db, rule_id=row.id, version=None)
    db.rollback()
    run(db, eligibility.delete_rule, rule_id=row.id, version=row.version)
    assert db.get(EligibilityRule, row.id) is None
    assert len(eligibility.all_rules(db)) == 2
