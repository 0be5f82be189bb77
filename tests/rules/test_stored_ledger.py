"""Rounds as the tracker stored them on 8 December 2026 (tests/fixtures/ledger-2026-12.json: the demo, synthetic
data, a tie and its runoff, seats full and an amendment, no quorum, a tie broken by score) must verify forever:
their chains hold and every finalised result is what its counts give, compared on what decides (issue 15,
finding 4). A later version that changes how it counts keeps the old engine for these."""
import json
from pathlib import Path

import pytest

from tracker.rules import ballot
from tracker.rules import rounds as rules
from tracker.rules.chain import Link, first_break

FIXTURE = json.loads((Path(__file__).parent.parent / "fixtures" / "ledger-2026-12.json").read_text(encoding="utf-8"))
ROUNDS = FIXTURE["rounds"]


def test_the_fixture_holds_every_kind_of_outcome():
    statuses = {o["status"] for r in ROUNDS for v in r["revisions"] if v["result"]
                for o in json.loads(v["result"])["outcomes"]}
    assert statuses == {"elected", "below_threshold", "no_quorum", "tie_runoff", "seats_full"}
    assert any(len(r["revisions"]) > 1 for r in ROUNDS) and any(r["number"] > 1 for r in ROUNDS)


@pytest.mark.parametrize("stored", ROUNDS, ids=lambda r: f"round{r['round']}")
def test_a_stored_chain_holds(stored):
    links = [Link(e["seq"], e["payload"], e["prev_hash"], e["hash"]) for e in stored["events"]]
    assert first_break(links, stored["chain_head"]) is None


@pytest.mark.parametrize("stored", ROUNDS, ids=lambda r: f"round{r['round']}")
def test_a_stored_result_is_what_its_counts_give(stored):
    for revision in stored["revisions"]:
        if revision["result"]:
            counts, result = json.loads(revision["counts"]), json.loads(revision["result"])
            assert rules.comparable(rules.result_json(rules.tally_counts(counts))) == rules.comparable(result)


def test_reworded_reasons_change_nothing_that_decides(monkeypatch):
    """Finding 4: changing only the words of a reason must not make a past vote disagree with its counts."""
    said = ballot._comparison

    def reworded(*args, **kwargs):
        vi, en = said(*args, **kwargs)
        return vi.replace("thành viên", "đơn vị thành viên"), en + " (reworded)"

    monkeypatch.setattr(ballot, "_comparison", reworded)
    for stored in ROUNDS:
        for revision in stored["revisions"]:
            if revision["result"]:
                counts, result = json.loads(revision["counts"]), json.loads(revision["result"])
                recount = rules.result_json(rules.tally_counts(counts))
                assert rules.comparable(recount) == rules.comparable(result)
                shown = rules.reworded(rules.StoredResult.of(result), counts)
                assert all("(reworded)" in o.reason_en for o in shown.outcomes  # shown in today's words
                           if o.status != "no_quorum")


def test_counts_of_an_unknown_engine_are_refused_not_miscounted():
    counts = json.loads(next(v["counts"] for r in ROUNDS for v in r["revisions"] if v["counts"]))
    for engine in (2, "1", None, [1], True):
        with pytest.raises(ballot.BallotError):
            rules.tally_counts({**counts, "engine": engine})
    assert rules.tally_counts({**counts, "engine": 1}) == rules.tally_counts({k: v for k, v in counts.items()
                                                                               if k != "engine"})
