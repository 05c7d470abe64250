"""Leaf v2 covers exactly the stored bytes: the worked example of docs/INTEGRITY.md, byte for byte."""

from __future__ import annotations

import json

from ledger.integrity.leaves import leaf_hash, leaf_input

STORED = json.dumps({
    "timestamp": {"_type_": "datetime_iso", "_data_": "2025-03-21T02:11:09.410211+00:00"},
    "data": {"from_grade": "III/b", "to_grade": "III/c", "kind": "reguler"},
    "meta": {"event_id": "6f1c2a9e-8d4b-4f0e-9a51-3c7d2e8b1f40", "subject": "198503122010011002",
             "actor": "siasn-sync", "source": None, "idempotency_key": None,
             "effective_date": {"_type_": "date_iso", "_data_": "2025-04-01"},
             "legal_basis": {"number": "800/123/BKPSDM/2025", "date": "2025-03-20"},
             "reason": "Kenaikan pangkat reguler periode April 2025 \u2014 Binjai",
             "on_behalf_of": "197901012005011001", "correlation_id": "siasn-sync-2025-03-21", "warnings": []},
}, separators=(",", ":"), ensure_ascii=False).encode()
TOPIC = "ledger.events:PromotionGranted"
SID = "c988c72b-258f-54fe-93a3-e2ffbcc79434"
CANONICAL = (
    '{"position":123456,"state":"{\\"timestamp\\":{\\"_type_\\":\\"datetime_iso\\",\\"_data_\\":'
    '\\"2025-03-21T02:11:09.410211+00:00\\"},\\"data\\":{\\"from_grade\\":\\"III/b\\",\\"to_grade\\":\\"III/c\\",'
    '\\"kind\\":\\"reguler\\"},\\"meta\\":{\\"event_id\\":\\"6f1c2a9e-8d4b-4f0e-9a51-3c7d2e8b1f40\\",'
    '\\"subject\\":\\"198503122010011002\\",\\"actor\\":\\"siasn-sync\\",\\"source\\":null,'
    '\\"idempotency_key\\":null,\\"effective_date\\":{\\"_type_\\":\\"date_iso\\",\\"_data_\\":\\"2025-04-01\\"},'
    '\\"legal_basis\\":{\\"number\\":\\"800/123/BKPSDM/2025\\",\\"date\\":\\"2025-03-20\\"},'
    '\\"reason\\":\\"Kenaikan pangkat reguler periode April 2025 \u2014 Binjai\\",'
    '\\"on_behalf_of\\":\\"197901012005011001\\",\\"correlation_id\\":\\"siasn-sync-2025-03-21\\",'
    '\\"warnings\\":[]}}","stream_id":"c988c72b-258f-54fe-93a3-e2ffbcc79434",'
    '"topic":"ledger.events:PromotionGranted","version":8}'
).encode("utf-8")
LEAF = "1627cd14a6a90a14a4548fdcc52e9464c9242ec3f705dab967ec697489ce3da2"


def canonical(state: bytes = STORED, topic: str = TOPIC) -> bytes:
    return leaf_input(123456, SID, 8, topic, state)


def test_the_documented_example_gives_exactly_the_documented_bytes_and_leaf_hash():
    assert canonical() == CANONICAL
    assert leaf_hash(CANONICAL).hex() == LEAF


def test_the_line_is_canonical_json_whose_state_is_the_stored_bytes_exactly():
    obj = json.loads(CANONICAL)
    assert sorted(obj) == ["position", "state", "stream_id", "topic", "version"]
    assert obj["state"].encode("utf-8") == STORED
    assert json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == CANONICAL
    assert "\u2014".encode() in CANONICAL and b"\\u2014" not in CANONICAL


def test_every_stored_byte_changes_the_leaf():
    for old, new in ((b'"siasn-sync"', b'"siasn-synd"'), (b"2025-04-01", b"2025-04-02"), (b'"III/c"', b'"III/d"'),
                     (b'"date_iso"', b'"text"'), (b'{"timestamp"', b'{"extra":1,"timestamp"'),
                     (b',"kind":"reguler"', b', "kind":"reguler"')):
        assert old in STORED
        assert leaf_hash(canonical(STORED.replace(old, new, 1))).hex() != LEAF, new


def test_the_type_tag_is_covered_whole():
    for topic in ("ledger.events:PromotionRevoked", "evil.events:PromotionGranted", "ledger.events:X.PromotionGranted"):
        assert leaf_hash(canonical(topic=topic)).hex() != LEAF
