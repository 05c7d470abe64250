"""One way to describe an operation in the OpenAPI document, shared by every blueprint that describes its own."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {400: "bad request (malformed, validation_failed)", 401: "no or bad token (unauthenticated)",
          403: "role not allowed (forbidden)", 404: "not found", 405: "method not allowed",
          409: "version conflict or idempotency mismatch", 413: "body too large", 415: "not JSON",
          422: "a domain rule refuses it (rule_violated)", 429: "rate_limited: see Retry-After",
          503: "database_busy: another transaction held the lock past the lock timeout; nothing was recorded; "
               "retry after Retry-After seconds"}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "integer"}}}


def path_parameters(path: str) -> list[dict[str, Any]]:
    return [{"in": "path", "name": p.strip("{}"), "required": True,
             "schema": {"type": "string", "minLength": 1, "maxLength": 64}}
            for p in path.split("/") if p.startswith("{")]


def operation(operation_id: str, tag: str, summary: str, ok: dict[int, Any], *, roles: tuple[str, ...] | None = None,
              query: Any = None, parameters: list[dict[str, Any]] | None = None, body: Any = None,
              media: str = "application/json", errors: tuple[int, ...] = (), description: str = "",
              headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """An operation object: `ok` maps each success status to its schema (a marshmallow schema, a JSON Schema or
    None for no body) in `media`; `errors` answer with the one error shape; `roles` need a bearer token."""
    op: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": summary, "responses": {}}
    if description or roles:
        op["description"] = " ".join(filter(None, [description, "Roles: " + ", ".join(roles) if roles else ""]))
    if roles:
        op["security"] = [{"bearer": []}]
        errors = (*errors, 401, 403)
    params = list(parameters or [])
    if query is not None:
        params.append({"in": "query", "schema": query})
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    for status, schema in ok.items():
        response: dict[str, Any] = {"description": "OK"}
        if schema is not None:
            response["content"] = {media: {"schema": schema}}
        if headers:
            response["headers"] = headers
        op["responses"][str(status)] = response
    for status in sorted(set(errors)):
        op["responses"][str(status)] = {"description": ERRORS[status], "content": {"application/json": {
            "schema": ERROR}}, **({"headers": RETRY_AFTER} if status in (429, 503) else {})}
    return op
