"""/openapi.json is a valid OpenAPI 3.1 document: ids, tags and response schemas everywhere, enums from the domain."""

from __future__ import annotations

import json

from openapi_spec_validator import OpenAPIV31SpecValidator

from api.http.schemas import EVENT_TYPES, FLAG_KINDS
from ledger.requests import catalogue_schema
from projections.models.red_flags import KINDS


def operations(doc):
    return [(m, p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def test_the_document_passes_openapi_spec_validator_as_3_1(client):
    doc = client.get("/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    errors = [str(e)[:500] for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == []


def test_every_operation_has_a_unique_id_a_declared_tag_and_a_success_schema(client):
    doc = client.get("/openapi.json").json
    tags = {t["name"] for t in doc["tags"]}
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids))
    for method, path, op in operations(doc):
        assert op["tags"] and set(op["tags"]) <= tags, (method, path)
        ok = [r for status, r in op["responses"].items() if status[0] in "23"]
        assert ok and all(c.get("schema") for r in ok for c in r["content"].values()), (method, path)


def test_every_route_of_the_app_is_described(app, client):
    doc = client.get("/openapi.json").json
    described = {(m, p) for m, p, _ in operations(doc)}
    for rule in app.url_map.iter_rules():
        if "static" in rule.endpoint or rule.endpoint == "docs.asset":
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method.lower(), path) in described


def test_integrity_answers_have_their_schemas(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert schemas["Checkpoint"]["properties"]["note"]["type"] == ["string", "null"]
    assert "vkey" in schemas["PublicKeys"]["properties"]
    assert {"leaf_index", "tree_size", "leaf_hash", "audit_path"} <= set(schemas["InclusionProof"]["required"])
    assert {"first", "second", "proof"} <= set(schemas["ConsistencyProof"]["required"])
    paths = client.get("/openapi.json").json["paths"]
    assert "text/plain" in paths["/v1/public/checkpoint"]["get"]["responses"]["200"]["content"]
    assert "application/zip" in paths["/v1/ledger/export"]["get"]["responses"]["200"]["content"]


def test_event_types_and_red_flag_kinds_are_enums_of_the_catalogue_and_the_read_model(client):
    schemas = client.get("/openapi.json").json["components"]["schemas"]
    assert EVENT_TYPES == tuple(item["type"] for item in catalogue_schema())
    assert schemas["Event"]["properties"]["type"]["enum"] == list(EVENT_TYPES)
    assert FLAG_KINDS == tuple(KINDS) and schemas["Flag"]["properties"]["kind"]["enum"] == list(KINDS)
    from ledger.events import CATALOGUE

    posted = {t for t in EVENT_TYPES if CATALOGUE[t].RECORDED_BY is None}  # a release is the ledger's own
    assert set(schemas["EventBody"]["discriminator"]["mapping"]) == posted == set(EVENT_TYPES) - {"PublicReleasePublished"}


def test_nullability_is_json_schema_2020_12_not_openapi_3_0(client):
    text = json.dumps(client.get("/openapi.json").json)
    assert '"nullable"' not in text and '"required": []' not in text
