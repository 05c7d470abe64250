"""Public feedback events (SP4N-LAPOR! style): a citizen's ticket from receipt to closing."""

from __future__ import annotations

from ledger.events.base import LedgerCreated, LedgerEvent, UNIT_CODE, catalogued
from ledger.fields import Bool, Choice, Str

PUBLIC_NUMBER_PATTERN = r"LPR-[0-9]{4}-[0-9A-HJKMNP-TV-Z]{16}"  # LPR-<year>-<16 Crockford base32>


@catalogued
class FeedbackReceived(LedgerCreated):
    """A citizen's aspirasi, complaint or information request arrives (contact stored encrypted)."""

    STREAM = "feedback"
    DATA = {
        "classification": Choice(["aspirasi", "pengaduan", "permintaan_informasi"]),
        "unit": UNIT_CODE,
        "message": Str(max_length=5000),
        "anonymous": Bool(),
        "confidential": Bool(required=False),
        "contact_encrypted": Str(max_length=4000, required=False),
        "channel": Str(max_length=40, required=False),
        # The number the public knows the ticket by; assigned when left out. Its form is in the schema, so a
        # client reading GET /v1/event-types learns it (a number the schema allowed was refused by the rule).
        "public_number": Str(max_length=25, pattern=PUBLIC_NUMBER_PATTERN, required=False),
    }


@catalogued
class FeedbackVerified(LedgerEvent):
    """The ticket was checked and accepted for handling (target: 3 working days)."""

    STREAM = "feedback"
    DATA = {"note": Str(max_length=2000, required=False)}


@catalogued
class FeedbackDispositioned(LedgerEvent):
    """The ticket is passed to the unit that must answer it."""

    STREAM = "feedback"
    DATA = {"to_unit": UNIT_CODE}


@catalogued
class FeedbackResponded(LedgerEvent):
    """The unit answers; the response is public."""

    STREAM = "feedback"
    DATA = {"response": Str(max_length=5000)}


@catalogued
class FeedbackClosed(LedgerEvent):
    """The ticket is closed after its response."""

    STREAM = "feedback"
    DATA = {"note": Str(max_length=2000, required=False)}


@catalogued
class FeedbackRejected(LedgerEvent):
    """The ticket is rejected or not within the city's authority."""

    STREAM = "feedback"
    DATA = {"cause": Choice(["not_in_authority", "incomplete", "duplicate", "abusive"]),
            "note": Str(max_length=2000, required=False)}


FEEDBACK_STATUS_BY_TYPE = {
    "FeedbackReceived": "received", "FeedbackVerified": "verified",
    "FeedbackDispositioned": "dispositioned", "FeedbackResponded": "responded",
    "FeedbackClosed": "closed", "FeedbackRejected": "rejected",
}
