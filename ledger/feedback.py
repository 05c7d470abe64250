"""FeedbackCase aggregate: a citizen's ticket through the SP4N-LAPOR! lifecycle."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timezone
from typing import Any

from ledger import rules
from ledger.errors import NotFound, RuleViolated, ValidationFailed
from ledger.events import FEEDBACK_STATUS_BY_TYPE
from ledger.events.feedback import PUBLIC_NUMBER_PATTERN
from ledger.stream import Stream


# Crockford's base32 alphabet: no I, L, O or U, so nothing read aloud or copied by hand is ambiguous.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PUBLIC_NUMBER = re.compile(PUBLIC_NUMBER_PATTERN)


def new_public_number(now: datetime | None = None) -> str:
    """`LPR-<year>-` and 16 random characters of `ALPHABET` (80 bits from `secrets`): unguessable."""
    year = (now or datetime.now(timezone.utc)).year
    return f"LPR-{year}-" + "".join(secrets.choice(ALPHABET) for _ in range(16))


def is_public_number(text: str) -> bool:
    return PUBLIC_NUMBER.fullmatch(text) is not None


def public_number_of(ticket: str, data: dict[str, Any]) -> str | None:
    """The number the public knows a ticket by: the one recorded, else the stream key when it has the form
    (tickets recorded before numbers were kept), else none (a sequential key is never public)."""
    number = data.get("public_number")
    if number:
        return number
    return ticket if is_public_number(ticket) else None


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
        number = data.get("public_number")
        if number is not None and not is_public_number(number):
            raise ValidationFailed("data.public_number: LPR-<year>-<16 of " + ALPHABET + ">, or leave it out",
                                   field="data.public_number")
        if number is None:
            # An imported ticket (a LAPOR! or demo number, often sequential) keeps its key as the stream key
            # and gets a random public number here; a portal ticket's key already is one.
            data["public_number"] = ticket if is_public_number(ticket) else new_public_number()
        return []
    if case is None:
        raise NotFound(f"subject: no ticket {ticket}", field="subject")
    state = case.state() or {"status": "received"}
    rules.check_feedback_step(state["status"], FEEDBACK_STATUS_BY_TYPE[type_])
    if type_ == "FeedbackDispositioned" and not ctx.has("unit", data["to_unit"]):
        raise NotFound(f"data.to_unit: unit {data['to_unit']} is not registered", field="data.to_unit")
    return []
