"""Personal fields in responses: who may see which, revealed from their commitments (ledger.disclosures).

Auditors and admins see every personal value. Inspectors see none but `birth_date`: a NIP, which
they need and see, begins with the birth date (and carries the sex digit), so hiding the birth
date from them protected nothing (docs/PERSONAL_DATA.md). Recorders and the public see none.
Every response that revealed a value notes whose and which fields in `flask.g` (`revealed()`),
for the access log.
"""

from __future__ import annotations

from typing import Any

from flask import g

from api.bootstrap import services
from api.http.access import note_access
from api.http.auth import current_principal
from ledger.personal import FIELD_NAMES, PERSONAL_FIELDS, is_marker, role_may_see


def may_see(field: str) -> bool:
    """Whether the current principal may see a personal field's value (`ledger.personal.SEEN_BY`)."""
    return role_may_see(current_principal()[1], field)


def reveal(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with every commitment replaced for the current principal (in place)."""
    found = services().ledger.reveal(docs, may_see)
    shown: dict[str, set[str]] = g.setdefault("personal_revealed", {})
    for subject, fields in found.items():
        shown.setdefault(subject, set()).update(fields)
        note_access(subject, sorted(fields))  # logged by the access log's hook before the response leaves
    return docs


def revealed() -> dict[str, list[str]]:
    """{subject: personal fields} this request's response revealed so far (for the access log)."""
    return {s: sorted(f) for s, f in sorted(g.get("personal_revealed", {}).items())}


def withhold(doc: dict[str, Any], holder: dict[str, Any], names: Any, prefix: str) -> None:
    """Plain personal values recorded before commitments existed: withheld by the same rule."""
    hidden = []
    for name in names:
        value = holder.get(name)
        if value is not None and not is_marker(value) and not may_see(name):
            holder[name] = None
            hidden.append(prefix + name)
    if hidden:
        doc["masked"] = sorted(set(doc.get("masked") or []) | set(hidden))


def reveal_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event views as the current principal may see them."""
    for e in events:
        e["data"] = dict(e["data"])
        withhold(e, e["data"], PERSONAL_FIELDS.get(e["type"], ()), "data.")
        if isinstance(e["data"].get("fields"), dict):
            e["data"]["fields"] = dict(e["data"]["fields"])
            withhold(e, e["data"]["fields"], FIELD_NAMES, "data.fields.")
    return reveal(events)
