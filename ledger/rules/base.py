"""What every rule shares: the Warning a *(check)* rule returns instead of refusing, and counting years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Warning:
    """A *(check)* rule that did not hold: stored with the event, never refusing it."""

    rule: str
    message: str
    message_id: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message, "message_id": self.message_id}


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
