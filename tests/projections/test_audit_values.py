"""The audit's before/after values come from the effect table: each event shows what its effect
changed in the stream's state, and stepping event by event equals replaying from scratch."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import effect_samples as samples
from ledger.effects import EFFECTS
from ledger.reading import AGGREGATES
from projections.source import FIX_TYPES
from projections.values import PERSONAL, Memo, changes, flat, plain, replay, shown


def values_of(kind, facts):
    """The audited values after `facts`, from scratch."""
    return flat(shown(kind, replay(AGGREGATES[kind].reading("K-1"), facts)))


@pytest.mark.parametrize("kind", samples.KINDS)
def test_each_event_type_shows_in_the_audit_as_what_its_effect_changed_in_the_state(kind):
    facts = samples.career(kind)
    stream = AGGREGATES[kind].reading("K-1")
    memo = Memo()
    for v, f in enumerate(facts, start=1):
        state = copy.deepcopy(replay(stream, facts[:v - 1]))
        EFFECTS[f["type"]](state, f["data"], f, stream.valid_date)

        before, after = memo.step(kind, "K-1", "sid", facts, v)

        assert after == flat(shown(kind, state)), f["type"]
        assert before != after, f"{f['type']} changes nothing the audit shows"
        parts = shown(kind, state)
        assert sum(map(len, parts.values())) == len(flat(parts)), "two parts show a value under one name"


def test_an_objection_upheld_with_a_new_predikat_shows_that_predikat_changing():
    facts = samples.career("employee")[:8]  # ... evaluated 2023 (baik), objection filed, decided: upheld
    assert [f["type"] for f in facts[5:]] == ["PerformanceEvaluated", "ObjectionFiled", "ObjectionDecided"]
    facts[7] = {**facts[7], "data": {**facts[7]["data"], "new_predikat": "sangat_baik"}}
    memo = Memo()
    for v in range(1, 8):
        memo.step("employee", "K-1", "sid", facts, v)

    before, after = memo.step("employee", "K-1", "sid", facts, 8)

    assert changes(before, after, facts[7], []) == [
        {"field": f"objection.{facts[6]['id']}", "before": "filed", "after": "upheld"},
        {"field": "predikat.2023.annual", "before": "baik", "after": "sangat_baik"},
    ]


class Chunk(SimpleNamespace):
    """What `Memo.step_event` reads of a chunk: the steps other read models took, and the facts."""

    def facts_from(self, e):
        return self.facts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_stepping_the_audit_event_by_event_equals_replaying_each_version_from_scratch(data):
    kind = data.draw(st.sampled_from(samples.KINDS))
    facts = samples.random_career(lambda choices: data.draw(st.sampled_from(choices)), kind,
                                  data.draw(st.integers(0, 25)))
    memos = [Memo(), Memo()]  # two read models: one steps, the other reuses its step (then replays)
    steps: dict = {}
    for v, f in enumerate(facts, start=1):
        chunk, e = Chunk(steps=steps, facts=facts), SimpleNamespace(position=v, kind=kind, subject="K-1",
                                                                    stream_id="sid", version=v)
        first = data.draw(st.sampled_from(memos))
        stepped = [first.step_event(chunk, e)]
        names = first.names  # what the stepping memo says may have changed, when it knows
        stepped += [m.step_event(chunk, e) for m in memos if m is not first]

        expected = (values_of(kind, facts[:v - 1]), values_of(kind, facts[:v]))
        assert all(step == expected for step in stepped), (v, f["type"])
        fixes = facts[:v] if f["type"] in FIX_TYPES else []
        found = changes(*expected, f, fixes)
        assert changes(*expected, f, fixes, names) == found, (v, f["type"], names)
        plainly = every_value_compared(*expected)  # after a correction's own fields, when it is one
        assert found[len(found) - len(plainly):] == plainly and (fixes or len(found) == len(plainly)), v


def every_value_compared(before, after):
    """The audited values' changes found the plain way: every name of either side compared (a missing one is
    None), in name order; personal fields are never shown."""
    return [{"field": k, "before": plain(before.get(k)), "after": plain(after.get(k))}
            for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k) and k not in PERSONAL]
