"""Verify is not tied to wording (issue 15, finding 4): changing only the words of a reason in rules/ballot.py kept
`verify` reporting both finalised demo rounds as not matching their counts, and the hand-over import refused them.
Now both compare what decides and the reasons are rebuilt for display."""
import json

from sqlmodel import select

from tracker.models import BallotRound, Cluster
from tracker.ops import demo
from tracker.rules import ballot
from tracker.services import ballots, handover, handover_import, ledger


def reword(monkeypatch):
    said = ballot._comparison

    def reworded(*args, **kwargs):
        vi, en = said(*args, **kwargs)
        return vi.replace("thành viên", "đơn vị thành viên"), en.replace("members", "member boards")

    monkeypatch.setattr(ballot, "_comparison", reworded)


def test_a_reworded_reason_keeps_verify_and_the_import_passing(db, monkeypatch):
    demo.seed(db)
    db.commit()
    reword(monkeypatch)
    report = ledger.verify(db)
    assert report.finalised >= 2 and report.problems == []
    for cluster in db.exec(select(Cluster)).all():
        package = json.loads(handover.dumps(handover.export_cluster(db, cluster.id)))
        assert [p for p in handover_import.check(db, package) if ".rounds" in p.path] == []


def test_the_round_page_shows_the_reasons_in_todays_words(db, monkeypatch):
    demo.seed(db)
    db.commit()
    reword(monkeypatch)
    round_ = db.exec(select(BallotRound).where(BallotRound.status == "finalised")).first()
    reading = ballots.read(db, round_, viewer=None)
    assert any("đơn vị thành viên" in o.reason_vi for o in reading.official_result.outcomes)
