"""A ledger that whoever holds the database file cannot rewrite unnoticed (issue 15, finding 3; docs/ledger.md).
Each tampering that `flask verify` missed before is replayed on the test database as an attacker with the file
would do it (triggers dropped where needed, hashes recomputed) and must be caught, naming the round and the event;
on SQLite and PostgreSQL."""
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.support.ballots import all_votes, award, figures, run, tamper, through
from tracker.models import BallotEvent, BallotRevision, BallotRound, LedgerSeal
from tracker.rules import rounds as rules
from tracker.rules.chain import canonical, link
from tracker.services import ballots, ledger, seals


@pytest.fixture
def locked(db, review):
    """The 2017 flag round entered, checked and finalised (BQL4 elected with 6 of 9), then the certificate round
    opened: the ledger holds two rounds."""
    cluster, ids, first, second = review
    flag = run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, "CO_BO"),
               meeting=ballots.Meeting())
    flag = through(db, flag, ids, first, second, all_votes(ids, BQL4=6, BQL2=3))
    run(db, ballots.open_round, user=first, cluster_id=cluster.id, year=2017, award_type_id=award(db, "BK_BO"),
        meeting=ballots.Meeting())
    assert ledger.verify(db).problems == []
    return flag, ids


def caught(db) -> list[tuple]:
    db.expire_all()
    return [(p.round_id, p.seq) for p in ledger.verify(db).problems]


def rehash(db, round_id: int) -> None:
    """Recompute a round's own chain and head after its payloads were changed, as an attacker would."""
    prev = "0" * 64
    for event in db.exec(select(BallotEvent).where(BallotEvent.round_id == round_id).order_by(BallotEvent.seq)).all():
        tamper(db, "UPDATE ballot_event SET prev_hash = :p, hash = :h WHERE id = :i",
               p=prev, h=link(prev, event.payload), i=event.id)
        prev = link(prev, event.payload)
    tamper(db, "UPDATE ballot_round SET chain_head = :h WHERE id = :i", h=prev, i=round_id)


def test_every_event_is_sealed_in_one_chain_with_a_key_outside_the_database(app, db, locked):
    rows = db.exec(select(LedgerSeal).order_by(LedgerSeal.position)).all()
    assert [r.position for r in rows] == list(range(1, len(rows) + 1))
    assert len(rows) == len(db.exec(select(BallotEvent)).all())
    assert all(rows[n].prev_mac == rows[n - 1].mac for n in range(1, len(rows)))
    ring = seals.keyring()
    key = ring.keys[ring.current]
    assert key.hex() not in json.dumps([r.model_dump(mode="json") for r in rows])
    lines = seals.read_checkpoints()  # the newest seal of every transaction that sealed, outside the database
    final = seals.finalisation_seal(db, locked[0].id)
    assert (final.position, final.mac, locked[0].id, "finalised") in [(c.position, c.mac, c.round_id, c.what)
                                                                      for c in lines]
    assert lines[-1].position == rows[-1].position and lines[-1].mac == rows[-1].mac


def test_unfinalising_a_round_is_caught(db, locked):
    """Delete its last event and seal, move its head back, clear the revision's result: the checkpoint written at
    the finalisation names the round and the event."""
    flag, _ids = locked
    last = db.exec(select(BallotEvent).where(BallotEvent.round_id == flag.id).order_by(BallotEvent.seq.desc())).first()
    tamper(db, "DELETE FROM ledger_seal WHERE event_id = :e; DELETE FROM ballot_event WHERE id = :e;"
               "UPDATE ballot_round SET chain_head = :h, status = 'checked' WHERE id = :r;"
               "UPDATE ballot_revision SET result = '', finalised_at = NULL, finalised_by = NULL WHERE round_id = :r",
           e=last.id, h=last.prev_hash, r=flag.id)
    assert (flag.id, last.seq) in caught(db)


def test_rewriting_counts_and_result_with_every_hash_recomputed_is_caught(db, locked):
    """Another board elected: counts and result rewritten in the revision and in every event, every hash of the
    round's own chain recomputed; only the seals, made with a key the attacker does not have, give it away."""
    flag, ids = locked
    swap = {f'"{ids["BQL4"]}":6': f'"{ids["BQL4"]}":3', f'"{ids["BQL2"]}":3': f'"{ids["BQL2"]}":6'}
    revision = db.exec(select(BallotRevision).where(BallotRevision.round_id == flag.id)).one()
    counts = revision.counts
    for old, new in swap.items():
        counts = counts.replace(old, new)
    result = canonical(rules.result_json(rules.tally_counts(json.loads(counts))))
    assert json.loads(result)["elected"] == [ids["BQL2"]]
    tamper(db, "UPDATE ballot_revision SET counts = :c, result = :r WHERE id = :i", c=counts, r=result,
           i=revision.id)
    for event in db.exec(select(BallotEvent).where(BallotEvent.round_id == flag.id)).all():
        payload = json.loads(event.payload)
        if "counts" in payload["data"]:
            payload["data"]["counts"] = json.loads(counts)
        if "result" in payload["data"]:
            payload["data"]["result"] = json.loads(result)
        tamper(db, "UPDATE ballot_event SET payload = :p WHERE id = :i", p=canonical(payload), i=event.id)
    rehash(db, flag.id)
    assert [round_id for round_id, _seq in caught(db)] == [flag.id]


def test_a_forged_amendment_made_with_inserts_only_is_caught(db, locked):
    """A new revision with "amended", "checked" and "finalised" events chained properly, written with INSERTs
    (no trigger dropped) and the round moved on: the events were never sealed."""
    flag, ids = locked
    db.expire_all()
    flag = db.get(BallotRound, flag.id)
    counts = rules.counts_json(ballots.round_rule(db, flag), list(ids.values()), 1,
                               figures(ids, all_votes(ids, BQL4=3, BQL2=6)))
    result = rules.result_json(rules.tally_counts(counts))
    db.add(BallotRevision(round_id=flag.id, revision=2, reason="Đếm lại", counts=canonical(counts),
                          result=canonical(result)))
    prev, seq = flag.chain_head, max(e.seq for e in ballots.events(db, flag.id))
    forged = []
    for kind, data in (("amended", {"counts": counts}), ("checked", {}), ("finalised", {"counts": counts,
                                                                                       "result": result})):
        seq += 1
        payload = canonical({"kind": kind, "round": flag.id, "seq": seq, "revision": 2, "user": "thu_ky_1",
                             "at": "2018-03-01T00:00:00+00:00", "data": data})
        event = BallotEvent(round_id=flag.id, seq=seq, kind=kind, at=datetime(2018, 3, 1, tzinfo=UTC),
                            payload=payload, prev_hash=prev, hash=link(prev, payload))
        db.add(event)
        forged.append(seq)
        prev = event.hash
    db.execute(text("UPDATE ballot_round SET chain_head = :h, revision = 2 WHERE id = :i"), {"h": prev, "i": flag.id})
    db.commit()
    found = caught(db)
    assert any(round_id == flag.id and seq in forged for round_id, seq in found)


@pytest.mark.parametrize("change", ["seats = 2", "status = 'draft'", "revision = 5", "rule = replace(rule, :a, :b)"])
def test_changing_a_rounds_decisive_fields_is_caught(db, locked, change):
    flag, _ids = locked
    tamper(db, f"UPDATE ballot_round SET {change} WHERE id = :i", i=flag.id, a='"second_entry":true',
           b='"second_entry":false')
    last = max(e.seq for e in ballots.events(db, flag.id))
    assert (flag.id, last) in caught(db)


def test_a_head_printed_on_the_minutes_is_checked_with_one_command(app, db, locked, runner):
    final = seals.finalisation_seal(db, locked[0].id)
    db.rollback()
    good = runner.invoke(args=["verify", "--head", f"{final.position}:{final.mac[:32]}"])
    assert good.exit_code == 0 and "a seal of this ledger" in good.output
    bad = runner.invoke(args=["verify", "--head", f"{final.position}:{'0' * 32}"])
    assert bad.exit_code == 1 and "NOT a seal" in bad.output
    head = runner.invoke(args=["ledger-head"])
    assert head.exit_code == 0 and head.output.startswith(f"{seals.head(db)[0]}:")


def test_a_rotated_key_keeps_older_seals_verifiable(app, db, locked, review, runner):
    old = seals.keyring().current
    db.rollback()  # the command writes in a session of its own
    result = runner.invoke(args=["ledger-rotate-key"])
    assert result.exit_code == 0, result.output
    cluster, ids, first, second = review
    db.expire_all()
    certificate = db.exec(select(BallotRound).where(BallotRound.status == "draft")).one()
    run(db, ballots.enter, user=first, round_id=certificate.id, version=certificate.version,
        figures=figures(ids, {n: 0 for n in ids if n != "BQL4"}), meeting=ballots.Meeting())
    keys = {row.key_id for row in db.exec(select(LedgerSeal)).all()}
    assert old in keys and len(keys) == 2
    assert ledger.verify(db).problems == []
    assert [line for line in seals.read_checkpoints() if line.round_id is None]  # the rotation is checkpointed


def test_without_the_key_nothing_is_claimed_verified(app, db, locked, tmp_path):
    app.config["LEDGER_KEY_DIR"] = str(tmp_path / "elsewhere")
    problems = ledger.verify(db).problems
    assert problems and problems[0].round_id is None and "instance/ledger-keys" in str(problems[0])
