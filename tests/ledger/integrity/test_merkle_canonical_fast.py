"""The fast decode of stored events (no Python hook for the usual event) gives exactly what the hook gives.

Canonical bytes, and so every leaf, must not depend on which path decoded the event: a
difference would make `jejak verify` report a tamper that never happened (or miss one).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.integrity.leaves import _DECODER, _decode

STAMPS = st.sampled_from(["2025-01-06T01:02:30+00:00", "2025-01-06T01:02:30.123456+00:00",
                          "2025-01-06T08:02:30+07:00", "2025-01-06T01:02:30.5+00:00", "not a date"])
WRAPPED = st.builds(lambda t, d: {"_type_": t, "_data_": d},
                    st.sampled_from(["datetime_iso", "date_iso", "decimal_str", "uuid_hex"]),
                    st.one_of(STAMPS, st.text(max_size=5), st.integers()))
KEYS = st.sampled_from(["_type_", "_data_", "timestamp", "data", "meta", "a", "é", "x_type_y"])
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["_type_", "\u2014", "\\u005f", "s"]),
              WRAPPED),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8)
BODIES = st.fixed_dictionaries({"timestamp": st.one_of(WRAPPED, STAMPS, VALUES), "data": VALUES, "meta": VALUES})


def outcome(decode, text: str) -> str:
    """The decoded value as sorted JSON, or the error it raises (verify reports those as unreadable)."""
    try:
        return json.dumps(decode(text), sort_keys=True)
    except (ValueError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"


def same(text: str) -> None:
    assert outcome(_decode, text) == outcome(_DECODER.decode, text)


@settings(max_examples=400, deadline=None)
@given(BODIES, st.booleans())
def test_any_stored_body_decodes_as_the_hook_decodes_it(body, ascii_escapes):
    same(json.dumps(body, separators=(",", ":"), ensure_ascii=ascii_escapes))


@settings(max_examples=200, deadline=None)
@given(st.one_of(VALUES, st.lists(VALUES, max_size=2)))
def test_a_damaged_body_of_any_shape_decodes_as_the_hook_decodes_it(value):
    same(json.dumps(value, ensure_ascii=False))


def test_an_escaped_key_cannot_hide_a_typed_value_from_the_fast_path():
    # "\u005ftype_" is "_type_": the hook unwraps it, so the fast path must not skip it.
    text = ('{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-06T01:02:30+00:00"},'
            '"data":{"d":{"\\u005ftype_":"date_iso","_data_":"2025-01-01"}},"meta":{}}')
    assert _decode(text)["data"] == {"d": "2025-01-01"}
    same(text)


def test_the_usual_event_has_its_timestamp_unwrapped_by_the_fast_path():
    text = '{"timestamp":{"_type_":"datetime_iso","_data_":"2025-01-06T01:02:30+00:00"},"data":{"n":1},"meta":{}}'
    assert _decode(text) == {"timestamp": "2025-01-06T01:02:30.000000Z", "data": {"n": 1}, "meta": {}}
