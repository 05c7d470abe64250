"""What an event stores of its provenance: the caller's claims apart from what a front door set itself."""

from __future__ import annotations

from ledger import provenance


def test_a_line_of_an_import_naming_its_own_source_asserts_it_and_one_without_gets_the_imports():
    named = {"type": "UnitRegistered", "subject": "X", "data": {"name": "X"}, "source": "simpeg"}
    assert provenance.split(named, "import") == {"asserted": ["source"], "established": []}
    bare = {"type": "UnitRegistered", "subject": "X", "data": {"name": "X"}}
    assert provenance.split(bare, "import") == {"asserted": [], "established": ["source"]}


def test_an_event_recorded_before_the_split_was_stored_shows_every_claim_it_carries_as_asserted():
    meta = {"actor": "portal-like", "source": "portal", "on_behalf_of": None, "correlation_id": "c-1"}
    shown = provenance.of_event(meta, {"channel": "web"})
    assert shown == {"established": list(provenance.ESTABLISHED),
                     "asserted": ["source", "data.channel", "correlation_id"]}


def test_the_ledger_stores_the_split_with_the_event(ledger, hr):
    body = {**hr.unit("DINKES", "Dinas Kesehatan"), "correlation_id": "siasn-1"}
    receipt = ledger.record([body], "clerk", source="import")[0][0]
    event = ledger.event(receipt["event_id"])
    assert event["provenance"] == {"established": [*provenance.ESTABLISHED, "source"], "asserted": ["correlation_id"]}
