"""Every page and every API endpoint runs a number of SQL statements that does not grow with the data: each GET
route of the application is opened on a small and on a much larger synthetic database, and the larger one may not
need more statements than the smaller one (plus two, for lookups that depend on what a record happens to hold,
such as a host board that is not a member)."""
import shutil

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from tests.support.accounts import CHEAP_HASHING, PASSWORD, password_hash
from tests.support.database import PG_URL
from tracker import create_app
from tracker.models import (
    Authority,
    Award,
    BallotRound,
    Board,
    Cluster,
    ClusterYear,
    Decision,
    Indicator,
    Meeting,
    Membership,
    Proposal,
    SecretaryCluster,
    User,
)
from tracker.ops import synthetic

SIZES = {"small": (2, 4, 3), "large": (8, 7, 6)}
SLACK = 2
SKIP = {"main.set_language", "static", "auth.logout"}


def _open_every_page(path, size) -> dict[str, tuple[int, int]]:
    """Fill a database with synthetic data of this size, then open every GET page: its status and statements."""
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bounds", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "UPLOAD_FOLDER": str(path.parent / "uploads"), **CHEAP_HASHING})
    engine = app.extensions["engine"]
    clusters, boards, years = size
    with app.app_context(), Session(engine) as db:
        synthetic.generate(session=db, clusters=clusters, boards_per_cluster=boards, years=years, last_year=2025,
                           seed=7)
        db.commit()
        cluster = db.exec(select(Cluster).order_by(Cluster.id)).first()
        admin = User(username="quantri", role="admin", password_hash=password_hash(), must_change_password=False)
        db.add(admin)
        db.flush()
        db.add(SecretaryCluster(user_id=admin.id, cluster_id=cluster.id))
        year = 2024
        cy = db.exec(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id, ClusterYear.year == year)).one()
        board_id = db.exec(select(Membership.board_id).where(Membership.cluster_year_id == cy.id)
                           .order_by(Membership.board_id)).first()
        decision = db.exec(select(Decision).order_by(Decision.id)).first()
        args = {
            "cluster_id": cluster.id, "year": year, "board_id": board_id,
            "round_id": db.exec(select(BallotRound.id).where(BallotRound.cluster_year_id == cy.id)
                                .order_by(BallotRound.id)).first(),
            "meeting_id": db.exec(select(Meeting.id).where(Meeting.cluster_year_id == cy.id)).first(),
            "proposal_id": db.exec(select(Proposal.id).where(Proposal.cluster_year_id == cy.id)).first(),
            "indicator_id": db.exec(select(Indicator.id).where(Indicator.cluster_year_id == cy.id)).first(),
            "decision_id": decision.id,
            "award_id": db.exec(select(Award.id).where(Award.decision_id == decision.id)).first(),
            "authority_id": db.exec(select(Authority.id).order_by(Authority.id)).first(),
            "user_id": admin.id, "award_type_id": 2, "rule_id": 1, "document": "minutes", "kind": "pdf",
            "fmt": "csv",
        }
        assert db.exec(select(Board).where(Board.id == board_id)).one()
        db.commit()
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "quantri", "password": PASSWORD}).status_code == 302
    counts = {}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP:
            continue
        if any(args.get(name) is None for name in rule.arguments):
            continue  # no such record in synthetic data (meeting photos)
        url = rule.build(args, append_unknown=False)[1]
        counted = []

        def record(_conn, _cursor, statement, *_args, counted=counted):
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
                counted.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(url).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert status < 500, (url, status)
        counts[rule.rule] = (status, len(counted))  # by route: the ids differ between the two databases
    engine.dispose()
    return counts


@pytest.mark.skipif(bool(PG_URL), reason="compares two databases side by side: SQLite files")
def test_no_page_needs_more_statements_on_more_data(_template_db, tmp_path):
    found = {}
    for name, size in SIZES.items():
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(_template_db, folder / "tracker.sqlite3")
        found[name] = _open_every_page(folder / "tracker.sqlite3", size)
    small, large = found["small"], found["large"]
    assert small.keys() == large.keys() and len(small) > 60
    # a page that answers differently (a record found in one and not the other) takes another path: not compared
    same = [url for url in small if small[url][0] == large[url][0]]
    assert len(same) > 0.9 * len(small)
    grown = {url: (small[url][1], large[url][1]) for url in same if large[url][1] > small[url][1] + SLACK}
    assert grown == {}
