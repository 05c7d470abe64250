"""Schemathesis against /openapi.json: no 5xx, and every response conforms to the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)
from schemathesis.generation import GenerationMode

from api_bodies import auth

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 6}


def run_operation(operation, headers: dict[str, str], mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_answers_within_its_documented_responses(app, tokens, seeded, mode):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for operation in operations:
        try:
            run_operation(operation, auth(tokens["admin"]), mode)
        except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
            continue
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def test_the_document_describes_every_contract_endpoint(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"].startswith("3.")
    expected = {("post", "/v1/events"), ("post", "/v1/events/batch"), ("get", "/v1/event-types"),
                ("get", "/v1/employees"), ("get", "/v1/employees/{nip}"), ("get", "/v1/employees/{nip}/history"),
                ("get", "/v1/units/{code}"), ("get", "/v1/units/{code}/budget"), ("get", "/v1/events/{event_id}"),
                ("get", "/v1/feed"), ("get", "/v1/audit"), ("get", "/v1/audit/flags"), ("get", "/healthz"),
                ("get", "/openapi.json")}
    described = {(m, p) for p, ops in doc["paths"].items() for m in ops}
    assert expected <= described
    for method, path in expected:
        responses = doc["paths"][path][method]["responses"]
        assert "200" in responses or "201" in responses
    body = doc["paths"]["/v1/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/EventBody"}
