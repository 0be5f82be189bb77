"""The `carried` fixture (a plugin, loaded by tests/conftest.py): the 2017 review carried from the vote to the
decision, for the report services and the report pages."""
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.support.ballots import award, finalised, run
from tracker.models import Authority, ClusterYear, Indicator, Meeting, Pledge, Proposal, Target
from tracker.services import decisions, proposals


@pytest.fixture
def carried(db, review):
    """The nine-member 2017 review: flag to BQL4 (6 votes), certificates to BQL2 and BQL3; proposals submitted;
    a decision grants BQL4 the flag as proposed and BQL2 a certificate; BQL5 holds a past award nobody proposed;
    a pledge with one target met and one missed; the year-end review held."""
    cluster, ids, first, second = review
    authority = Authority(name="Bộ Kế hoạch và Đầu tư")
    db.add(authority)
    db.flush()
    cluster.authority_id, cluster.region = authority.id, "Đông Nam Bộ"
    db.add(cluster)
    db.commit()
    certificates = finalised(db, review, "BK_BO", {"BQL2": 7, "BQL3": 6, "BQL6": 1})
    flag = finalised(db, review, "CO_BO", {"BQL4": 6, "BQL2": 2})
    for round_ in (flag, certificates):
        run(db, proposals.create_from_round, user=first, round_id=round_.id)
    cy = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id)).one()
    for p in db.exec(select(Proposal)).all():
        p.status, p.submission_number, p.submission_date = "submitted", "12/TTr-CTĐ", date(2018, 3, 1)
        db.add(p)
    db.commit()
    decision = decisions.save_decision(session=db, decision_id=None, version=None, data=decisions.DecisionData(
        number="1234/QĐ-BKHĐT", decided_on=date(2018, 5, 10), authority_id=authority.id))
    decisions.add_award(session=db, user=None, decision_id=decision.id,
                        line=decisions.AwardLine(ids["BQL4"], award(db, "CO_BO"), 2017))
    decisions.add_award(session=db, user=None, decision_id=decision.id,
                        line=decisions.AwardLine(ids["BQL2"], award(db, "BK_BO"), 2017))
    decisions.add_past_award(session=db, user=None, line=decisions.AwardLine(ids["BQL5"], award(db, "BK_BO"), 2017))
    pledge = Pledge(cluster_year_id=cy.id, signed_on=date(2017, 3, 1))
    indicator = Indicator(cluster_year_id=cy.id, name="Vốn đầu tư", unit="tỷ đồng")
    db.add_all([pledge, indicator, Meeting(cluster_year_id=cy.id, kind="yearend", held_on=date(2017, 12, 20))])
    db.flush()
    db.add_all([Target(indicator_id=indicator.id, board_id=ids["BQL1"], target=Decimal(100), actual=Decimal(120)),
                Target(indicator_id=indicator.id, board_id=ids["BQL2"], target=Decimal(100), actual=Decimal(80))])
    db.commit()
    return cluster, ids, authority
