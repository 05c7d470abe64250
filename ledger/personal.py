"""The one list of personal fields, and their commitments (docs/PERSONAL_DATA.md).

A personal value never enters an event's stored bytes, so neither its leaf hash: the rules decide
on the plain value, then the value is replaced by a marker `{"commitment": "<64 hex>"}`, where the
commitment is SHA-256(salt || canonical JSON of the value) over a fresh random salt of 16 bytes.
The disclosure (salt, value) is sealed with the personal-data key (`ledger.sealing`) and stored
apart, in `jejak_disclosures`, in the event's own transaction; an erasure deletes it and leaves a
tombstone, and every leaf, proof and bundle still verifies.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Iterator

from ledger.errors import ValidationFailed
from ledger.requests import jsonable
from ledger.personal_fields import FIELD_NAMES, PERSONAL_FIELDS, SEEN_BY, role_may_see  # noqa: F401 (one list)

SALT_BYTES = 16  # 128 bits: guessing the salt is out of reach, so is guessing the value behind it
HEX64 = re.compile(r"[0-9a-f]{64}")


def is_marker(value: Any) -> bool:
    """Whether a value is a commitment marker (the only shape a personal value has in an event)."""
    return (isinstance(value, dict) and len(value) == 1 and isinstance(value.get("commitment"), str)
            and HEX64.fullmatch(value["commitment"]) is not None)


def canonical(value: Any) -> bytes:
    """The committed bytes of a value: its canonical UTF-8 JSON (dates as ISO text)."""
    return json.dumps(jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def commitment_of(salt: bytes, value: Any) -> str:
    return hashlib.sha256(salt + canonical(value)).hexdigest()


@dataclass(frozen=True)
class Disclosure:
    """What is kept apart from an event: the value behind one of its commitments, and its salt."""

    commitment: str
    event_id: str
    subject: str
    field: str  # the personal field's name, e.g. `nik`
    path: str  # where its marker sits in the event, e.g. `data.fields.nik`
    salt: bytes
    value: Any


def personal_paths(type_: str, data: dict[str, Any], target_type: str | None = None) -> Iterator[tuple[str, str]]:
    """(field name, path) of each personal value present in an event's data."""
    for name in PERSONAL_FIELDS.get(type_, ()):
        if data.get(name) is not None:
            yield name, f"data.{name}"
    if type_ == "Corrected" and isinstance(data.get("fields"), dict):
        for name in PERSONAL_FIELDS.get(target_type or "", ()):
            if data["fields"].get(name) is not None:
                yield name, f"data.fields.{name}"


def refuse_markers(value: Any, path: str = "data") -> None:
    """A posted body may not carry a marker of its own: only the ledger commits values."""
    if is_marker(value):
        raise ValidationFailed(f"{path}: this shape is reserved for the ledger's commitments", field=path)
    if isinstance(value, dict):
        for k, v in value.items():
            refuse_markers(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            refuse_markers(v, f"{path}[{i}]")


def commit(type_: str, data: dict[str, Any], meta: dict[str, Any],
           target_type: str | None = None) -> list[Disclosure]:
    """Replace each personal value of `data` in place by its marker; the disclosures to keep apart."""
    out = []
    for name, path in list(personal_paths(type_, data, target_type)):
        holder = data["fields"] if path.startswith("data.fields.") else data
        value = jsonable(holder[name])
        salt = secrets.token_bytes(SALT_BYTES)
        c = commitment_of(salt, value)
        holder[name] = {"commitment": c}
        out.append(Disclosure(c, meta["event_id"], meta["subject"], name, path, salt, value))
    return out


def markers(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, commitment) of every marker inside a JSON-able value, paths dotted (`data.nik`,
    `changes[2].after`)."""
    if is_marker(value):
        yield path, value["commitment"]
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from markers(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from markers(v, f"{path}[{i}]")
