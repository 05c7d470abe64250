"""Internship (magang) events: interns are not ASN and have their own stream."""

from __future__ import annotations

from ledger.events.base import LedgerCreated, LedgerEvent, UNIT_CODE, catalogued
from ledger.fields import Choice, Date, Int, Nip, Str


@catalogued
class InternshipStarted(LedgerCreated):
    """A student begins an internship in a unit under a supervising employee."""

    STREAM = "internship"
    DATA = {
        "intern_name": Str(max_length=200),
        "institution": Str(max_length=200),
        "scheme": Str(max_length=80),
        "host_unit": UNIT_CODE,
        "supervisor": Nip(),
        "start_date": Date(),
        "end_date": Date(),
        "student_number": Str(max_length=40, required=False),  # NIM: personal, like the name
    }


@catalogued
class InternshipCompleted(LedgerEvent):
    """The internship ends with an outcome and credit (SKS or hours)."""

    STREAM = "internship"
    DATA = {"outcome": Choice(["passed", "failed"]), "certificate_number": Str(max_length=100, required=False),
            "sks": Int(minimum=0, maximum=40, required=False), "hours": Int(minimum=0, maximum=5000, required=False),
            "completed_on": Date()}


@catalogued
class InternshipCancelled(LedgerEvent):
    """The internship stops before its end."""

    STREAM = "internship"
    DATA = {"cancelled_on": Date(), "cause": Str(max_length=500)}
