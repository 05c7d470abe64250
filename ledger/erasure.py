"""Erasing personal data: which disclosures a `PersonalDataErased` deletes, and its tombstones.

The erasure is an event of the subject's own stream; in its transaction the recorder deletes the
disclosures it names and records one tombstone per commitment (`jejak_erasures`), so reads show
the fields as erased, by which event and when, while every commitment, leaf and proof stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.errors import NotFound, RuleViolated, ValidationFailed
from ledger.personal import FIELD_NAMES, markers

KINDS = ("employee", "internship", "feedback", "unit")


@dataclass(frozen=True)
class Tombstone:
    commitment: str
    erased_by: str
    erased_at: str
    event_id: str
    subject: str
    field: str
    path: str


def kind_of_subject(subject: str, batch: Any) -> str:
    """The stream kind of the subject whose data is erased (NIP, intern id, ticket, unit code)."""
    for kind in KINDS:
        if batch.has(kind, subject):
            return kind
    raise NotFound(f"subject: no employee, intern or feedback ticket {subject}", field="subject")


def decide(agg: Any, data: dict[str, Any], meta: dict[str, Any], recorder: Any) -> list[tuple[str, str, str, str]]:
    """(commitment, event id, field, path) of each disclosure to delete; refuses fields that are not
    personal, events of another subject, and an erasure that finds nothing left to erase."""
    names = []
    for i, path in enumerate(data["fields"]):
        name = path[len("data."):]
        if name not in FIELD_NAMES:
            raise ValidationFailed(f"data.fields[{i}]: {path} is not a personal field (see GET /v1/event-types"
                                   " and docs/PERSONAL_DATA.md)", field=f"data.fields[{i}]")
        names.append(name)
    wanted = data.get("event_ids")
    if wanted is None:
        facts = agg.facts
    else:
        facts = []
        for i, event_id in enumerate(wanted):
            fact = agg.fact(event_id)
            if fact is None:
                raise NotFound(f"data.event_ids[{i}]: no event {event_id} of {meta['subject']}",
                               field=f"data.event_ids[{i}]")
            facts.append(fact)
    found = [(c, f["id"], path.rsplit(".", 1)[-1], path) for f in facts
             for path, c in markers(f["data"], "data") if path.rsplit(".", 1)[-1] in names]
    if found:
        marks = ", ".join("?" for _ in found)
        present = {r[0] for r in recorder.query(
            f"SELECT commitment FROM jejak_disclosures WHERE commitment IN ({marks})", [c for c, *_ in found])}
        found = [item for item in found if item[0] in present]
    if not found:
        raise RuleViolated("erasure_finds_data", "nothing left to erase: no disclosure of these fields remains",
                           "tidak ada yang dihapus: tidak ada lagi data pribadi pada bidang ini", field="data.fields")
    return found


def tombstones(found: list[tuple[str, str, str, str]], erased_by: str, erased_at: str,
               subject: str) -> list[Tombstone]:
    return [Tombstone(c, erased_by, erased_at, event_id, subject, field, path) for c, event_id, field, path in found]
