"""Fixtures of the page tests: `flag`, a flag round opened on the 2017 review (used by the ballot and session
pages); `ministries` and `proposed`, two ministries and the south-east cluster's submitted proposals (used by the
decision and audit pages)."""
from datetime import date

import pytest
from sqlmodel import select

from tests.support.ballots import award, run
from tracker.models import Authority, ClusterYear, Proposal
from tracker.services import ballots


@pytest.fixture
def flag(db, review):
    """The review's flag round, opened by its first secretary: (cluster, board ids, round, round URL)."""
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    return cluster, ids, round_, f"/clusters/{cluster.id}/ballots/{round_.id}"


@pytest.fixture
def ministries(db):
    """Bộ Kế hoạch và Đầu tư until 28/02/2025, then Bộ Tài chính."""
    finance = Authority(name="Bộ Tài chính", valid_from=date(2025, 3, 1))
    db.add(finance)
    db.flush()
    planning = Authority(name="Bộ Kế hoạch và Đầu tư", valid_to=date(2025, 2, 28), successor_id=finance.id)
    db.add(planning)
    db.commit()
    return {"BKHĐT": planning, "BTC": finance}


@pytest.fixture
def proposed(db, south_east, ministries):
    """The south-east cluster of 2019 with two submitted proposals: DIZA for the ministry flag, HEPZA for the
    minister's certificate."""
    cluster, boards = south_east
    cluster_year = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id)).one()
    rows = {}
    for key, code in (("DIZA", "CO_BO"), ("HEPZA", "BK_BO")):
        rows[key] = Proposal(cluster_year_id=cluster_year.id, board_id=boards[key].id, award_type_id=award(db, code),
                             status="submitted", submission_number="12/TTr-CTĐ", submission_date=date(2020, 1, 10))
        db.add(rows[key])
    db.commit()
    return cluster, boards, ministries, rows
