"""Citizens' feedback: check the submission, seal the contact, record `FeedbackReceived` under a new ticket.

Shared by the HTML form and `POST /v1/public/feedback`, so both accept and refuse
exactly the same things. Errors name the field, in English for the API and in
Bahasa Indonesia for the form.
"""

from __future__ import annotations

import base64
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from api.keys import PORTAL_PRINCIPAL
from api.portal.contact_crypto import ContactBox
from ledger.events.base import UNIT_CODE
from ledger.errors import NotFound, ValidationFailed
from ledger.feedback import new_public_number

CLASSIFICATIONS = {"aspirasi": "Aspirasi", "pengaduan": "Pengaduan", "permintaan_informasi": "Permintaan informasi"}
MAX_MESSAGE = 5000
MAX_CONTACT = 200
ACTOR = PORTAL_PRINCIPAL  # reserved in api.keys: no API key can take it


@dataclass
class Refusal(Exception):
    """The submission is refused; nothing was recorded. `fields` maps a field to (English, Indonesian)."""

    fields: dict[str, tuple[str, str]]

    def english(self) -> dict[str, list[str]]:
        return {k: [en] for k, (en, _) in self.fields.items()}

    def indonesian(self) -> dict[str, str]:
        return {k: idn for k, (_, idn) in self.fields.items()}

    def message(self) -> str:
        name, (en, _) = next(iter(self.fields.items()))
        return f"{name}: {en}"


def new_ticket(now: datetime | None = None) -> str:
    """A new public number (`ledger.feedback.new_public_number`), which is also the new ticket's stream key."""
    return new_public_number(now)


def check(body: dict[str, Any]) -> dict[str, Any]:
    """The submission's fields, checked; raises Refusal naming every bad field."""
    errors: dict[str, tuple[str, str]] = {}
    unknown = sorted(set(body) - {"classification", "unit", "message", "anonymous", "contact", "confidential"})
    for name in unknown:
        errors[name] = ("unknown field", "isian tidak dikenal")
    classification = body.get("classification")
    if classification not in CLASSIFICATIONS:
        errors["classification"] = ("one of " + ", ".join(CLASSIFICATIONS), "pilih jenis masukan")
    unit = body.get("unit")
    if not isinstance(unit, str) or not re.fullmatch(UNIT_CODE.pattern, unit, re.ASCII):
        errors["unit"] = ("the code of the unit (OPD) the feedback is for", "pilih OPD yang dituju")
    message = body.get("message")
    if not isinstance(message, str) or not message.strip():
        errors["message"] = ("must not be empty", "isi masukan tidak boleh kosong")
    elif len(message) > MAX_MESSAGE:
        errors["message"] = (f"must be at most {MAX_MESSAGE} characters",
                             f"isi masukan paling banyak {MAX_MESSAGE} karakter")
    flags = {}
    for name in ("anonymous", "confidential"):
        value = body.get(name, False)
        if not isinstance(value, bool):
            errors[name] = ("must be true or false", "harus ya atau tidak")
        flags[name] = value is True
    contact = body.get("contact")
    if contact is not None and not isinstance(contact, str):
        errors["contact"] = ("must be a string or null", "kontak harus berupa teks")
        contact = None
    contact = (contact or "").strip() or None
    if contact and len(contact) > MAX_CONTACT:
        errors["contact"] = (f"must be at most {MAX_CONTACT} characters", f"kontak paling banyak {MAX_CONTACT} karakter")
    if contact and flags["anonymous"]:
        errors["contact"] = ("anonymous feedback stores no contact: leave contact empty or set anonymous to false",
                             "masukan anonim tidak menyimpan kontak: kosongkan kontak atau batalkan pilihan anonim")
    if errors:
        raise Refusal(errors)
    return {"classification": classification, "unit": unit, "message": message.strip(),
            "anonymous": flags["anonymous"], "confidential": flags["confidential"], "contact": contact}


def submit(services: Any, box: ContactBox, body: dict[str, Any], channel: str) -> str:
    """Record the feedback as `FeedbackReceived` under a new ticket; returns the ticket."""
    fields = check(body)
    ticket = new_ticket()
    data: dict[str, Any] = {"classification": fields["classification"], "unit": fields["unit"],
                            "message": fields["message"], "anonymous": fields["anonymous"],
                            "confidential": fields["confidential"], "channel": channel}
    if fields["contact"] and not fields["anonymous"]:
        data["contact_encrypted"] = box.seal(fields["contact"], ticket)
    try:
        services.ledger.record([{"type": "FeedbackReceived", "subject": ticket, "data": data}],
                               actor=ACTOR, source="portal", established=("data.channel",))
    except (NotFound, ValidationFailed) as exc:
        if exc.field == "data.unit":
            raise Refusal({"unit": (f"unit {fields['unit']} is not registered",
                                    f"OPD {fields['unit']} tidak terdaftar")}) from None
        raise
    services.after_write()
    return ticket
