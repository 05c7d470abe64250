"""Review aggregate: one finding of one event, marked reviewed once, with the reviewer's note."""

from __future__ import annotations

from typing import Any, Callable

from ledger import rules
from ledger.errors import NotFound, RuleViolated, ValidationFailed
from ledger.events.review import FLAG_KINDS
from ledger.stream import Stream


class FindingReview(Stream):
    """A review, keyed by the reviewed event's position and the rule (`123456/backdated`)."""

    KIND = "review"

    def start(self) -> dict[str, Any]:
        return {"key": self.key}


def subject_of(position: int, rule: str) -> str:
    return f"{position}/{rule}"


def decide(review: FindingReview | None, data: dict[str, Any], meta: dict[str, Any],
           event_at: Callable[[str], dict[str, Any] | None]) -> list[rules.Warning]:
    """The event exists, carries that finding (or the rule is a red-flag kind), and was not reviewed yet."""
    event = event_at(data["event_id"])
    if event is None:
        raise NotFound(f"data.event_id: no event {data['event_id']}", field="data.event_id")
    rule = data["rule"]
    stored = {f.get("rule") for f in event["findings"]}
    if rule not in stored and rule not in FLAG_KINDS:
        raise RuleViolated("review_names_finding",
                           f"event {data['event_id']} has no finding {rule} (its findings: "
                           f"{', '.join(sorted(r for r in stored if r)) or 'none'})",
                           f"peristiwa {data['event_id']} tidak memiliki temuan {rule}", field="data.rule")
    if meta["subject"] != subject_of(event["position"], rule):
        raise ValidationFailed(f"subject: the review of {rule} on position {event['position']} is "
                               f"{subject_of(event['position'], rule)}", field="subject")
    if review is not None:
        raise RuleViolated("review_once", f"finding {rule} of event {data['event_id']} is already reviewed",
                           f"temuan {rule} pada peristiwa {data['event_id']} sudah ditinjau", field="data.rule")
    return []
