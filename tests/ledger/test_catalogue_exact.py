"""The catalogue's JSON Schemas say exactly what the validators accept, so generated valid bodies are valid."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from ledger.errors import ValidationFailed
from ledger.events import CATALOGUE
from ledger.integrity import utc_text
from ledger.requests import catalogue_schema


def _objects(schema, path="$"):
    if isinstance(schema, dict):
        if schema.get("type") == "object" and "properties" in schema:
            yield path, schema
        for key, value in schema.items():
            yield from _objects(value, f"{path}.{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _objects(value, f"{path}[{i}]")


def test_every_declared_object_of_every_event_type_forbids_unknown_keys():
    loose = [f"{item['type']} {path}" for item in catalogue_schema() for path, obj in _objects(item["schema"])
             if obj.get("additionalProperties") is not False]
    assert not loose, loose


def test_a_correction_names_its_original_with_the_validators_own_pattern_and_at_least_one_field():
    data = next(i for i in catalogue_schema() if i["type"] == "Corrected")["schema"]["properties"]["data"]
    upper = "0F8FAD5B-D9CB-469F-A165-70867728950E"
    assert not re.fullmatch(data["properties"]["event_id"]["pattern"].strip("^$"), upper)
    assert data["properties"]["fields"]["minProperties"] == 1
    with pytest.raises(ValidationFailed, match="data.fields"):
        CATALOGUE["Corrected"].DATA["fields"].load({}, "data.fields")


def test_a_moment_before_the_year_1000_is_written_with_four_digits_as_iso_8601_reads_it():
    text = utc_text(datetime(429, 3, 20, 1, 59, 48, 630200, tzinfo=timezone.utc))
    assert text == "0429-03-20T01:59:48.630200Z"
    assert datetime.fromisoformat(text.replace("Z", "+00:00")).year == 429


def test_a_feedback_public_number_the_schema_allows_is_one_the_ledger_accepts():
    """The fuzz drew `public_number: "0"` from the published schema and the rule refused it: the form is the schema's."""
    from ledger.feedback import PUBLIC_NUMBER, new_public_number

    schema = next(i for i in catalogue_schema() if i["type"] == "FeedbackReceived")["schema"]
    number = schema["properties"]["data"]["properties"]["public_number"]
    assert re.fullmatch(number["pattern"], new_public_number())
    for wrong in ("0", "LPR-2025-00001", "lpr-2025-ABCDEFGHJKMNPQRS", "LPR-2025-ABCDEFGHJKMNPQRI"):
        assert not re.fullmatch(number["pattern"], wrong) and not PUBLIC_NUMBER.fullmatch(wrong)
