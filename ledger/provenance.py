"""Which of an event's provenance fields the caller asserted and which the server established.

The server always establishes who recorded it (`actor`, from the token), when (`recorded_at`),
where (`position`, `version`, `leaf_hash`) and its `event_id`. The caller asserts the rest:
`source`, `data.channel`, `on_behalf_of`, `correlation_id`, `legal_basis` and `effective_date`
say what the caller claims, and nothing checks them against the world. `source` and
`data.channel` can be either: the public portal sets them itself (source "portal", the channel
it was reached by), `jejak import` sets source "import" unless a line names its own. So each
event stores its own split in `meta["provenance"]`; an event recorded before the split was
stored shows every such field it has as asserted, the cautious reading.
"""

from __future__ import annotations

from typing import Any

ESTABLISHED = ("actor", "recorded_at", "position", "version", "leaf_hash", "event_id")
ASSERTABLE = ("source", "data.channel", "on_behalf_of", "correlation_id", "legal_basis", "effective_date")


def _given(body: dict[str, Any], path: str) -> bool:
    if path.startswith("data."):
        data = body.get("data")
        return isinstance(data, dict) and data.get(path[5:]) is not None
    return body.get(path) is not None


def split(body: dict[str, Any], server_source: str | None, established: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What `meta["provenance"]` stores for a posted body: the fields the caller gave (`asserted`) and
    those the front door set itself (`established`: a default source, or the paths it names)."""
    asserted = [p for p in ASSERTABLE if _given(body, p) and p not in established]
    own = [p for p in ASSERTABLE if p in established]
    if server_source is not None and "source" not in asserted and "source" not in own:
        own.insert(0, "source")
    return {"asserted": asserted, "established": own}


def of_event(meta: dict[str, Any], data: dict[str, Any]) -> dict[str, list[str]]:
    """The provenance an event view shows: the fixed established fields, then the stored split."""
    stored = meta.get("provenance")
    if stored is None:  # recorded before the split was stored
        present = [p for p in ASSERTABLE
                   if (data.get(p[5:]) if p.startswith("data.") else meta.get(p)) is not None]
        return {"established": list(ESTABLISHED), "asserted": present}
    return {"established": [*ESTABLISHED, *stored.get("established", [])], "asserted": list(stored.get("asserted", []))}
