"""The kept current state (issue 21) is the full fold: after every event of random streams, with
appends in and out of TMT order, corrections, annulments and erasures, and for `state_if`."""

from __future__ import annotations

import copy
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import effect_samples as samples
from ledger.reading import AGGREGATES
from ledger.storage.cache import clone


def stream_of(kind, facts):
    """A stream reading `facts` (the list itself), at the version of its last fact."""
    stream = AGGREGATES[kind].reading("K-1", facts)
    stream.__dict__["_version"] = len(facts)
    return stream


def full_fold(kind, facts):
    """The state the whole fold makes, on a stream that never kept one."""
    fresh = AGGREGATES[kind].reading("K-1", list(facts))
    ordered = fresh.effective()
    return fresh.fold(ordered) if ordered and ordered[0]["v"] == 1 else None


def with_erasures(draw, facts):
    """`facts` with PersonalDataErased facts drawn in between, renumbered in recording order."""
    out = []
    for f in facts:
        if out and draw([False, False, False, True]):
            out.append({**f, "id": f"erasure-{len(out)}", "type": "PersonalDataErased",
                        "eff": None, "data": {"fields": ["data.name"]}})
        out.append(f)
    return [{**f, "v": v, "at": samples.START + timedelta(hours=v)} for v, f in enumerate(out, start=1)]


def candidate(draw, kind, facts):
    """(type, data) of one more event a rule could ask `state_if` about, a fix of an earlier fact too."""
    type_ = draw(samples.TYPES[kind][1:] + list(samples.FIXES))
    originals = [f for f in facts if f["type"] not in (*samples.FIXES, "PersonalDataErased")]
    if type_ == "Annulled":
        return type_, {"event_id": draw(originals)["id"]}
    if type_ == "Corrected":
        target = draw(originals)
        return type_, {"event_id": target["id"], "fields": samples.sample_data(target["type"], draw, facts)}
    return type_, samples.sample_data(type_, draw, facts)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(samples.KINDS), length=st.integers(0, 40), data=st.data())
def test_the_kept_state_equals_the_full_fold_after_every_event_and_state_if_with_one_more(kind, length, data):
    def draw(choices):
        return data.draw(st.sampled_from(choices))

    facts = with_erasures(draw, samples.random_career(draw, kind, length))
    stream = stream_of(kind, [])
    for f in facts:
        stream.facts.append(f)
        stream.__dict__["_version"] = f["v"]
        if draw([True, True, False]):  # sometimes several appends are played at once
            assert stream.state() == full_fold(kind, stream.facts)
        if draw([True, False]):
            type_, extra = candidate(draw, kind, stream.facts)
            at = samples.START + timedelta(hours=f["v"] + 1)
            one_more = {"v": f["v"] + 1, "id": "", "type": type_, "at": at, "eff": None, "data": extra}
            assert stream.state_if(type_, extra, at) == full_fold(kind, stream.facts + [one_more])
    assert stream.state() == full_fold(kind, stream.facts)


@pytest.mark.parametrize("days", [range(1, 30), [(7 * i) % 30 for i in range(1, 30)]], ids=["in", "out of"])
def test_appends_in_and_out_of_tmt_order_are_placed_in_the_kept_order_without_a_refold(days):
    facts = samples.career("employee")[:1]
    stream = stream_of("employee", facts)
    stream.state()
    kept = stream._played
    for day in days:
        data = samples.sample_data("TrainingCompleted", lambda choices: choices[0], facts)
        data["end_date"] = data["start_date"] + timedelta(days=day)
        facts.append(samples.fact(facts, "TrainingCompleted", data))
        assert stream.state() == full_fold("employee", facts)
        assert stream._played is kept and kept.n == len(facts) and kept.ordered == stream.effective()

    facts.append(samples.fact(facts, "Annulled", {"event_id": facts[3]["id"]}))
    assert stream.state() == full_fold("employee", facts)
    assert stream._played is not kept  # an annulment refolds


@pytest.mark.parametrize("kind", samples.KINDS)
def test_a_caller_changing_the_state_it_was_given_changes_nothing_the_next_read_sees(kind):
    facts = samples.career(kind)
    stream = stream_of(kind, facts)
    untouched = copy.deepcopy(stream.state())
    for given in (stream.state(), stream.state_if(facts[-1]["type"], facts[-1]["data"], facts[-1]["at"])):
        for value in given.values():
            if isinstance(value, dict):
                value["vandal"] = {"x": 1}
                for inner in value.values():
                    if isinstance(inner, dict):
                        inner["vandal"] = 1
            elif isinstance(value, list):
                value.append("vandal")
        given["status"] = "vandal"
    assert stream.state() == untouched == full_fold(kind, facts)


def test_a_clone_and_a_snapshot_start_without_the_kept_state_and_read_the_same():
    facts = samples.career("employee")
    stream = stream_of("employee", facts)
    before = stream.state()
    twin = clone(stream)
    assert getattr(twin, "_played", None) is None
    assert stream._played is not None and "_played" not in vars(stream)  # what snapshots and equality read
    nxt = samples.fact(facts, "TrainingCompleted", samples.sample_data("TrainingCompleted", lambda c: c[-1], facts))
    twin.facts.append(nxt)
    twin.__dict__["_version"] = nxt["v"]
    assert twin.state() == full_fold("employee", twin.facts)
    assert stream.state() == before  # the original's facts and kept state are its own



def test_a_copied_stream_refolds_for_itself_and_leaves_the_originals_kept_state_alone():
    facts = samples.career("employee")
    stream = stream_of("employee", facts)
    before = stream.state()
    for twin in (copy.deepcopy(stream), copy.copy(stream)):
        twin.facts = list(twin.facts)
        nxt = samples.fact(twin.facts, "TrainingCompleted",
                           samples.sample_data("TrainingCompleted", lambda c: c[-1], twin.facts))
        twin.facts.append(nxt)
        assert twin.state() == full_fold("employee", twin.facts)
        assert stream.state() == before == full_fold("employee", facts)


def test_threads_reading_one_stream_whose_kept_state_lags_never_play_a_fact_twice():
    facts = samples.career("employee")[:1]
    streams = []
    for _ in range(20):
        stream = stream_of("employee", list(facts))
        stream.state()
        for day in range(1, 200):
            data = samples.sample_data("TrainingCompleted", lambda choices: choices[0], stream.facts)
            data["end_date"] = data["start_date"] + timedelta(days=day)
            stream.facts.append(samples.fact(stream.facts, "TrainingCompleted", data))
        streams.append(stream)
    expected = full_fold("employee", streams[0].facts)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for stream in streams:
            with ThreadPoolExecutor(4) as pool:
                seen = list(pool.map(lambda _: stream.state(), range(4)))
            assert seen == [expected] * 4 and stream.state() == expected
    finally:
        sys.setswitchinterval(interval)


LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.dates())
NESTED = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=2), inner, max_size=4),
    st.frozensets(st.integers(), max_size=3).map(set)), max_leaves=30)


def vandalise(value):
    """Change every container reachable in `value` (through tuples too); what a careless caller might do."""
    if isinstance(value, dict):
        for inner in list(value.values()):
            vandalise(inner)
        value["vandal"] = 1
    elif isinstance(value, list):
        for inner in value:
            vandalise(inner)
        value.append("vandal")
    elif isinstance(value, tuple):
        for inner in value:
            vandalise(inner)
    elif isinstance(value, set):
        value.add("vandal")


@settings(max_examples=300, deadline=None)
@given(NESTED)
def test_thaw_copies_every_container_at_any_depth_and_shares_only_leaves(value):
    from ledger.stream import thaw

    untouched = copy.deepcopy(value)
    copied = thaw(value)
    assert copied == value
    vandalise(copied)
    assert value == untouched
