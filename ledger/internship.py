"""Internship (magang) aggregate: interns are not ASN and have their own stream."""

from __future__ import annotations

from typing import Any

from ledger import rules
from ledger.errors import NotFound, RuleViolated
from ledger.stream import Stream


class Internship(Stream):
    """One student's internship in a host unit, keyed by intern id."""

    KIND = "internship"
    NATURAL_DATES = {
        "InternshipStarted": lambda d: d["start_date"],
        "InternshipCompleted": lambda d: d["completed_on"],
        "InternshipCancelled": lambda d: d["cancelled_on"],
    }

    def start(self) -> dict[str, Any]:
        return {"intern_id": self.key}


def decide(intern: Internship | None, type_: str, data: dict[str, Any], meta: dict[str, Any],
           ctx: Any) -> list[rules.Finding]:
    key = meta["subject"]
    if type_ == "InternshipStarted":
        if intern is not None:
            raise RuleViolated("internship_started_once", f"internship {key} already exists",
                               f"magang {key} sudah ada", field="subject")
        if data["end_date"] < data["start_date"]:
            raise RuleViolated("internship_dates", "end_date is before start_date",
                               "end_date sebelum start_date", field="data.end_date")
        if not ctx.has("unit", data["host_unit"]):
            raise NotFound(f"data.host_unit: unit {data['host_unit']} is not registered", field="data.host_unit")
        if not ctx.has("employee", data["supervisor"]):
            raise NotFound(f"data.supervisor: no employee {data['supervisor']}", field="data.supervisor")
        return []
    if intern is None:
        raise NotFound(f"subject: internship {key} was never started", field="subject")
    state = intern.state() or {}
    if state.get("status") != "active":
        raise RuleViolated("internship_finished", f"internship {key} is already {state.get('status')}",
                           f"magang {key} sudah {state.get('status')}", field="type")
    return []
