"""Fixtures of the page tests: `flag`, a flag round opened on the 2017 review (used by the ballot and session
pages)."""
import pytest

from tests.support.ballots import award, run
from tracker.services import ballots


@pytest.fixture
def flag(db, review):
    """The review's flag round, opened by its first secretary: (cluster, board ids, round, round URL)."""
    cluster, ids, first, second = review
    round_ = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017,
                 award_type_id=award(db, "CO_BO"), meeting=ballots.Meeting())
    return cluster, ids, round_, f"/clusters/{cluster.id}/ballots/{round_.id}"
