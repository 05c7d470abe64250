"""Schemathesis with every check it has (the CLI's `--checks all`) finds nothing against /openapi.json.

One setting differs from its defaults: a schema-valid request may also be refused with 422 `rule_violated`, because
the domain rules (an NIP's embedded dates, the next grade, a budget's remainder) judge what no JSON Schema can.
And one known disagreement is steered around, not hidden: JSON Schema counts 168.0 as an integer, the ledger's
validator refuses it (`data.jp: must be an integer`), so generated bodies carry integral numbers as 168; the test
`test_an_integral_number_written_with_a_fraction_is_refused_today` pins that behaviour until the ledger decides.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS, is_check_class, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from api_bodies import auth

# A cursor is opaque (base64 of the list's keyset position): only one the API issued is valid, so none is invented.
CONFIG = {"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}}}


def every_check() -> list:
    load_all_checks()
    checks = [check for check in CHECKS.get_all() if not is_check_class(check)]
    assert len(checks) >= 14, [c.__name__ for c in checks]
    return checks


def integral_floats_as_ints(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: integral_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [integral_floats_as_ints(v) for v in value]
    return value


def run_operation(operation, headers: dict[str, str], mode: GenerationMode, checks: list) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=8, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    check()


# Never made up: cursors (only those the API issued are valid) and, for valid data, the proofs' tree sizes
# (a size beyond today's tree is refused with 400 naming the field, a state-dependent limit no schema can
# state; tests/ledger/integrity/test_integrity.py holds that refusal).
STATEFUL = {"cursor"}
STATEFUL_WHEN_VALID = {"tree_size", "second"}
# For valid data a consistency proof's `first` is at most 1: it must not exceed `second`, whose default is the
# latest checkpoint's size (7 in this fixture), and `first=1024` was refused with 400 naming `first` in one run
# of several, a state-dependent limit no schema can state (held by tests/ledger/integrity/test_integrity.py).
def first_within_tree(query):
    if query and isinstance(query.get("first"), int) and query["first"] > 1:
        return {**query, "first": 1}
    return query


# For valid data, If-Match is left out too: with a body's expected_version it must agree (a cross-field rule,
# 400 naming If-Match, held by tests/api/http/test_bad_requests.py).
HEADERS_WHEN_VALID = {"If-Match"}


def registered_unit(body):
    """For valid data, public feedback names a registered unit: which units exist is the ledger's state, not a
    schema's (an unknown one is refused with 400 naming `unit`, held by tests/api/portal/test_public_portal.py)."""
    if isinstance(body, dict) and isinstance(body.get("unit"), str):
        body = {**body, "unit": "DINKES"}
        if body.get("anonymous") and body.get("contact"):  # cross-field: anonymous feedback keeps no contact
            body.pop("contact")
    return body


# Valid and invalid data both: the catalogue's object schemas are exact (additionalProperties: false, the
# validators' own patterns, bounds and enums), so schemathesis's valid bodies are the ledger's valid bodies.
@pytest.mark.parametrize("mode", [GenerationMode.NEGATIVE, GenerationMode.POSITIVE], ids=["invalid", "valid"])
def test_every_schemathesis_check_passes_on_every_operation(app, tokens, seeded, mode):
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG))
    schema.hook("map_body")(lambda ctx, body: integral_floats_as_ints(body))
    dropped = STATEFUL | (STATEFUL_WHEN_VALID if mode == GenerationMode.POSITIVE else set())
    positive = mode == GenerationMode.POSITIVE
    schema.hook("map_query")(lambda ctx, query: (lambda q: first_within_tree(q) if positive else q)(
        {k: v for k, v in query.items() if k not in dropped} if query else query))
    if mode == GenerationMode.POSITIVE:
        schema.hook("map_body")(lambda ctx, body: registered_unit(integral_floats_as_ints(body)))
        schema.hook("map_headers")(lambda ctx, headers: {k: v for k, v in (headers or {}).items()
                                                         if k not in HEADERS_WHEN_VALID} or None)
    checks, failures = every_check(), []
    for operation in [result.ok() for result in schema.get_all_operations()]:
        if operation.path.startswith("/console"):
            # HTML pages behind a session cookie and a CSRF token, not the bearer-token API: a request
            # without the cookie is sent to sign in (303). tests/api/console covers them (sessions, CSRF,
            # expiry, roles, axe-core in chromium).
            continue
        try:
            run_operation(operation, auth(tokens["admin"]), mode, checks)
        except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters, no body)
            continue
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, then report all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def test_an_integral_number_written_with_a_fraction_is_refused_today(client, tokens, seeded):
    body = {"type": "TrainingBudgetAllocated", "subject": "DINKES", "data": {"year": 2031, "amount": 5.0}}
    resp = client.post("/v1/events", json=body, headers=auth(tokens["admin"]))
    assert resp.status_code == 400 and resp.json["error"]["fields"] == {"data.amount": ["must be an integer"]}
