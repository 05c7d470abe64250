"""What an event changes is said once, in the effect table: every type that changes a stream has
exactly one effect, the folds play it, and the catalogue keeps its stored topics."""

from __future__ import annotations

import copy

import pytest
from eventsourcing.utils import get_topic, resolve_topic

import effect_samples as samples
import ledger.events
from ledger.effects import EFFECTS, effect
from ledger.events import CATALOGUE, PromotionGranted
from ledger.reading import AGGREGATES


def test_every_event_type_that_changes_a_stream_has_exactly_one_effect():
    changing = {name for name, cls in CATALOGUE.items() if cls.STREAM != "any"}

    assert changing == set(EFFECTS)  # one entry per type, none for the fixes, none for an unknown type
    assert set(CATALOGUE) - changing == {"Corrected", "Annulled", "PersonalDataErased"}  # none changes a state


def test_an_event_type_cannot_be_given_a_second_effect():
    first = EFFECTS["PromotionGranted"]

    with pytest.raises(ValueError, match="PromotionGranted already has an effect"):
        @effect(PromotionGranted)
        def promoted_again(s, d, f, on):  # pragma: no cover - never registered
            s["grade"] = "X"

    assert EFFECTS["PromotionGranted"] is first


def test_every_catalogued_event_keeps_its_stored_topic_in_ledger_events():
    for name, cls in CATALOGUE.items():
        assert get_topic(cls) == f"ledger.events:{name}"
        assert resolve_topic(f"ledger.events:{name}") is cls
        assert getattr(ledger.events, name) is cls


@pytest.mark.parametrize("kind", samples.KINDS)
def test_a_stream_folds_by_playing_each_fact_through_the_table_then_completing(kind):
    facts = samples.career(kind)
    stream = AGGREGATES[kind].reading("K-1", facts)
    state = stream.start()
    for f in facts:
        EFFECTS[f["type"]](state, f["data"], f, stream.valid_date)

    assert stream.fold(facts) == stream.complete(state)


@pytest.mark.parametrize("kind", samples.KINDS)
def test_an_effect_changes_the_state_it_is_given_and_never_the_fact(kind):
    facts = samples.career(kind)
    kept = copy.deepcopy(facts)
    stream = AGGREGATES[kind].reading("K-1", facts)

    stream.fold(facts)
    stream.fold(facts)

    assert facts == kept


def test_the_state_keeps_every_kind_of_leave_and_derives_the_annual_days_its_quota_rule_reads():
    facts = samples.career("employee")
    for kind, days in (("tahunan", 2), ("sakit", 4)):
        facts.append(samples.fact(facts, "LeaveGranted", {**facts[10]["data"], "kind": kind, "days": days}))
    state = AGGREGATES["employee"].reading("K-1", facts).fold(facts)
    year = facts[10]["data"]["start_date"].year

    assert state["leave"][year] == {"tahunan": 1 + 2, "sakit": 4}
    assert state["leave_days"] == {year: 3}


def test_a_units_budget_is_completed_from_what_was_allocated_and_realised():
    facts = samples.career("unit")
    state = AGGREGATES["unit"].reading("DINKES", facts).fold(facts)

    assert state["budgets"] == {2023: {"allocated": 0, "realised": 0, "remaining": 0}}
    facts.append(samples.fact(facts, "TrainingBudgetRealised", {"year": 2025, "amount": 700}))
    assert AGGREGATES["unit"].reading("DINKES", facts).fold(facts)["budgets"][2025] == {
        "allocated": 0, "realised": 700, "remaining": -700}
