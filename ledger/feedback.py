"""FeedbackCase aggregate: a citizen's ticket through the SP4N-LAPOR! lifecycle."""

from __future__ import annotations

from typing import Any

from ledger import rules
from ledger.errors import NotFound, RuleViolated
from ledger.events import FEEDBACK_STATUS_BY_TYPE
from ledger.stream import Stream


class FeedbackCase(Stream):
    """One ticket; each step records when it happened so response times can be measured."""

    KIND = "feedback"

    def start(self) -> dict[str, Any]:
        return {"ticket": self.key, "steps": []}


def decide(case: FeedbackCase | None, type_: str, data: dict[str, Any], meta: dict[str, Any],
           ctx: Any) -> list[rules.Finding]:
    ticket = meta["subject"]
    if type_ == "FeedbackReceived":
        if case is not None:
            raise RuleViolated("ticket_once", f"ticket {ticket} already exists", f"tiket {ticket} sudah ada",
                               field="subject")
        if data["anonymous"] and data.get("contact_encrypted"):
            raise RuleViolated("anonymous_has_no_contact", "anonymous feedback stores no contact",
                               "pengaduan anonim tidak menyimpan kontak", field="data.contact_encrypted")
        if not ctx.has("unit", data["unit"]):
            raise NotFound(f"data.unit: unit {data['unit']} is not registered", field="data.unit")
        return []
    if case is None:
        raise NotFound(f"subject: no ticket {ticket}", field="subject")
    state = case.state() or {"status": "received"}
    rules.check_feedback_step(state["status"], FEEDBACK_STATUS_BY_TYPE[type_])
    if type_ == "FeedbackDispositioned" and not ctx.has("unit", data["to_unit"]):
        raise NotFound(f"data.to_unit: unit {data['to_unit']} is not registered", field="data.to_unit")
    return []
