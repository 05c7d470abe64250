"""The canonical bytes of an event are stable: the worked example of docs/INTEGRITY.md, byte for byte."""

from __future__ import annotations

import json

from ledger.integrity.leaves import canonical_bytes, canonical_event, leaf_hash

STORED = json.dumps({
    "timestamp": {"_type_": "datetime_iso", "_data_": "2025-03-21T02:11:09.410211+00:00"},
    "originator_topic": "ledger.employee:Employee",
    "data": {"from_grade": "III/b", "to_grade": "III/c", "kind": "reguler"},
    "meta": {"event_id": "6f1c2a9e-8d4b-4f0e-9a51-3c7d2e8b1f40", "subject": "198503122010011002",
             "actor": "siasn-sync", "source": None, "idempotency_key": None,
             "effective_date": {"_type_": "date_iso", "_data_": "2025-04-01"},
             "legal_basis": {"number": "800/123/BKPSDM/2025", "date": "2025-03-20"},
             "reason": "Kenaikan pangkat reguler periode April 2025 \u2014 Binjai",
             "on_behalf_of": "197901012005011001", "correlation_id": "siasn-sync-2025-03-21", "warnings": []},
}, separators=(",", ":")).encode()
CANONICAL = (
    '{"data":{"from_grade":"III/b","kind":"reguler","to_grade":"III/c"},"metadata":{"actor":"siasn-sync",'
    '"correlation_id":"siasn-sync-2025-03-21","effective_date":"2025-04-01",'
    '"event_id":"6f1c2a9e-8d4b-4f0e-9a51-3c7d2e8b1f40","idempotency_key":null,'
    '"legal_basis":{"date":"2025-03-20","number":"800/123/BKPSDM/2025"},"on_behalf_of":"197901012005011001",'
    '"reason":"Kenaikan pangkat reguler periode April 2025 \u2014 Binjai","source":null,'
    '"subject":"198503122010011002","warnings":[]},"position":123456,"recorded_at":"2025-03-21T02:11:09.410211Z",'
    '"stream_id":"c988c72b-258f-54fe-93a3-e2ffbcc79434","type":"PromotionGranted","version":8}'
).encode("utf-8")
LEAF = "ff1829797140d4f5b88026d584243bb48cca9fb8c24851d6606431646e940584"


def canonical(state: bytes = STORED) -> bytes:
    return canonical_bytes(canonical_event(123456, "c988c72b-258f-54fe-93a3-e2ffbcc79434", 8,
                                           "ledger.events:PromotionGranted", state))


def test_the_documented_example_gives_exactly_the_documented_bytes_and_leaf_hash():
    assert canonical() == CANONICAL
    assert leaf_hash(CANONICAL).hex() == LEAF


def test_non_ascii_text_is_raw_utf8_and_typed_values_are_plain_strings():
    assert "\u2014".encode() in CANONICAL and b"\\u2014" not in CANONICAL
    assert b'"effective_date":"2025-04-01"' in CANONICAL and b"_type_" not in CANONICAL


def test_a_recording_time_without_microseconds_or_in_another_offset_is_written_the_same_way():
    plain = STORED.replace(b"2025-03-21T02:11:09.410211+00:00", b"2025-03-21T09:11:09+07:00")
    assert b'"recorded_at":"2025-03-21T02:11:09.000000Z"' in canonical(plain)


def test_every_metadata_field_changes_the_leaf():
    for old, new in ((b'"siasn-sync"', b'"siasn-synd"'), (b"2025-04-01", b"2025-04-02"), (b'"III/c"', b'"III/d"')):
        assert leaf_hash(canonical(STORED.replace(old, new, 1))).hex() != LEAF
