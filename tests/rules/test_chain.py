"""The hash chain notices any change, removal or reordering of events."""
from hypothesis import given
from hypothesis import strategies as st

from tracker.rules.chain import GENESIS, Break, Link, canonical, first_break, link


def chain(payloads):
    events, prev = [], GENESIS
    for seq, payload in enumerate(payloads, start=1):
        digest = link(prev, payload)
        events.append(Link(seq, payload, prev, digest))
        prev = digest
    return events


def test_canonical_json_is_one_spelling():
    assert canonical({"b": 1, "a": "Tây Ninh"}) == '{"a":"Tây Ninh","b":1}'
    assert link(GENESIS, "x") == link(GENESIS, "x") != link(GENESIS, "y")


def test_an_intact_chain_holds_and_an_empty_one_has_no_head():
    events = chain(['{"kind":"opened"}', '{"kind":"entered"}'])
    assert first_break(events, events[-1].hash) is None
    assert first_break([], "") is None
    assert first_break(events, "f" * 64) == Break(2, "head")


@given(st.lists(st.text(min_size=1), min_size=2, max_size=6), st.data())
def test_any_change_to_a_payload_is_found_at_that_event(payloads, data):
    events = chain(payloads)
    index = data.draw(st.integers(0, len(events) - 1))
    changed = events[index]
    events[index] = Link(changed.seq, changed.payload + "!", changed.prev_hash, changed.hash)
    assert first_break(events, events[-1].hash) == Break(index + 1, "hash")


def test_a_removed_or_reordered_event_is_found():
    events = chain(["a", "b", "c"])
    assert first_break([events[0], events[2]], events[2].hash) == Break(3, "sequence")
    assert first_break([events[1], events[0], events[2]], events[2].hash) == Break(2, "sequence")
    rehashed = Link(2, "B", events[0].hash, link(events[0].hash, "B"))
    assert first_break([events[0], rehashed, events[2]], events[2].hash) == Break(3, "previous hash")
