"""What a posted event is: its shape, its validation, its hash and its served JSON Schema."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ledger import provenance
from ledger.errors import Malformed, ValidationFailed
from ledger.events import CATALOGUE, LedgerEvent
from ledger.fields import LINE, TEXT, Int, Obj, Str, load_date, load_object
from ledger.integrity import utc_text

SUBJECT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"
LEGAL_BASIS = Obj({"number": Str(max_length=120), "date": Str(max_length=10, pattern=r"\d{4}-\d{2}-\d{2}")})
# As served: the SK date must also be a real date (parse_request checks it after the pattern).
LEGAL_BASIS_SCHEMA = {**LEGAL_BASIS.schema(), "properties": {
    **LEGAL_BASIS.schema()["properties"], "date": {**LEGAL_BASIS.fields["date"].schema(), "format": "date"}}}
TOP_LEVEL = {"type", "subject", "data", "effective_date", "legal_basis", "reason", "on_behalf_of",
             "correlation_id", "expected_version", "source"}


@dataclass(frozen=True)
class Request:
    """One validated event request, ready for the rules."""

    cls: type[LedgerEvent]
    subject: str
    data: dict[str, Any]
    meta: dict[str, Any]
    expected_version: int | None


def jsonable(value: Any) -> Any:
    """Plain JSON values of stored data (dates as ISO strings, moments as UTC text)."""
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def request_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def parse_request(body: Any, actor: str, source: str | None, idempotency_key: str | None,
                  established: tuple[str, ...] = ()) -> Request:
    """Validate the posted shape of one event; every error names its field. `established` names the
    provenance fields the calling front door filled in itself (ledger/provenance.py)."""
    if not isinstance(body, dict):
        raise Malformed("body: an event is a JSON object", field="body")
    unknown = sorted(set(body) - TOP_LEVEL)
    if unknown:
        raise ValidationFailed(f"{unknown[0]}: unknown field", field=unknown[0],
                               fields={u: ["unknown field"] for u in unknown})
    type_ = body.get("type")
    if not isinstance(type_, str) or type_ not in CATALOGUE:
        raise ValidationFailed(f"type: unknown event type {type_!r}; see GET /v1/event-types", field="type")
    cls = CATALOGUE[type_]
    if cls.RECORDED_BY is not None and actor != cls.RECORDED_BY:
        raise ValidationFailed(f"type: {type_} is recorded only by the ledger's own {cls.RECORDED_BY} (jejak releases "
                               "publish), never posted", field="type")
    subject = body.get("subject")
    if not isinstance(subject, str) or not re.fullmatch(SUBJECT_PATTERN, subject):
        raise ValidationFailed("subject: a NIP, unit code, intern id or ticket (letters, digits, / . _ -)",
                               field="subject")
    data = body.get("data")
    if not isinstance(data, dict):
        raise ValidationFailed("data: must be an object", field="data")
    data = load_object(cls.DATA, data, "data")
    meta: dict[str, Any] = {"event_id": str(uuid.uuid4()), "subject": subject, "actor": actor,
                            "source": source, "idempotency_key": idempotency_key}
    eff = body.get("effective_date")
    if eff is None and cls.TMT:
        raise ValidationFailed("effective_date: the TMT is required for " + type_, field="effective_date")
    meta["effective_date"] = load_date(eff, "effective_date") if eff is not None else None
    lb = body.get("legal_basis")
    if lb is None and cls.LEGAL_BASIS:
        raise ValidationFailed(f"legal_basis: the SK (number, date) is required for {type_}", field="legal_basis")
    if lb is not None:
        lb = load_object(LEGAL_BASIS.fields, lb, "legal_basis") if isinstance(lb, dict) else LEGAL_BASIS.load(lb, "legal_basis")
        load_date(lb["date"], "legal_basis.date")
    meta["legal_basis"] = lb
    reason = body.get("reason")
    if reason is None and cls.STREAM == "any":
        raise ValidationFailed(f"reason: a {type_} needs a reason", field="reason")
    meta["reason"] = Str(max_length=2000).load(reason, "reason") if reason is not None else None
    for name in ("on_behalf_of", "correlation_id", "source"):
        value = body.get(name)
        if value is not None:
            value = Str(max_length=200).load(value, name)
        if name == "source":
            meta["source"] = value or source
        else:
            meta[name] = value
    meta["provenance"] = provenance.split(body, source, established)
    ev = body.get("expected_version")
    expected = Int(minimum=0).load(ev, "expected_version") if ev is not None else None
    return Request(cls=cls, subject=subject, data=data, meta=meta, expected_version=expected)


def catalogue_schema() -> list[dict[str, Any]]:
    """Each event type with its stream and the JSON Schema of a posted body."""
    from ledger.fields import object_schema
    items = []
    for name, cls in CATALOGUE.items():
        required = ["type", "subject", "data"] + (["effective_date"] if cls.TMT else []) + \
                   (["legal_basis"] if cls.LEGAL_BASIS else []) + (["reason"] if cls.STREAM == "any" else [])
        schema = {
            "type": "object",
            "properties": {
                "type": {"const": name},
                "subject": {"type": "string", "pattern": f"^{SUBJECT_PATTERN}$"},
                "data": object_schema(cls.DATA),  # exact: the validator's own declarations
                "effective_date": {"type": "string", "format": "date"},
                "legal_basis": LEGAL_BASIS_SCHEMA,
                "reason": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": TEXT},
                "on_behalf_of": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": LINE},
                "correlation_id": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": LINE},
                "source": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": LINE},
                "expected_version": {"type": "integer", "minimum": 0},
            },
            "required": required,
            "additionalProperties": False,
        }
        items.append({"type": name, "stream": cls.STREAM, "tmt": cls.TMT,
                      "description": (cls.__doc__ or "").strip(), "schema": schema})
    return items
