"""When a period's release is frozen and published: a corrections window, then fixed dates.

A period closes at its last day; corrections recorded during the next `CORRECTION_MONTHS`
months still count; the release freezes and is published on the first day after the window
(00:00 WIB): a year on 1 April of the next year, a month on the first day of the fourth month
after it. Past years come only as annual releases; the current year (of the day publishing)
only as monthly releases, January to November (December's people are the annual release's).
A month of a past year whose release was not published while its year was current is not
published later: its year's annual release covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from ledger.stream import WIB

CORRECTION_MONTHS = 3


def _add_months(day: date, months: int) -> date:
    m = day.month - 1 + months
    return date(day.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    key: str  # "2025" or "2026-08"

    @property
    def year(self) -> int:
        return int(self.key[:4])

    @property
    def monthly(self) -> bool:
        return len(self.key) == 7

    @property
    def first(self) -> date:
        return date(self.year, int(self.key[5:]), 1) if self.monthly else date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The period's last day: membership is counted as of this day (by TMT)."""
        nxt = _add_months(self.first, 1 if self.monthly else 12)
        return date.fromordinal(nxt.toordinal() - 1)

    @property
    def publish_on(self) -> date:
        return _add_months(self.first, (1 if self.monthly else 12) + CORRECTION_MONTHS)

    @property
    def frozen_at(self) -> datetime:
        """The moment the release freezes (00:00 WIB of its publication date), in UTC: later records never count."""
        return datetime.combine(self.publish_on, time(0), WIB).astimezone(timezone.utc)

    @property
    def release_id(self) -> str:
        return f"R-{self.key}"


def period_of(text: str) -> Period:
    if not re.fullmatch(r"[0-9]{4}(-(0[1-9]|1[0-2]))?", text):
        raise ValueError("--period: a year (2025) or a month (2026-08)")
    return Period(text)


def due(first_year: int, today: date) -> list[Period]:
    """Every release due by `today` for data from `first_year` on, in publication order."""
    out = []
    for year in range(first_year, today.year + 1):
        annual = Period(str(year))
        if annual.publish_on <= today:
            out.append(annual)
        if year == today.year:
            out += [p for m in range(1, 12) if (p := Period(f"{year}-{m:02d}")).publish_on <= today]
    return sorted(out, key=lambda p: (p.publish_on, p.key))
