"""Working days and recording moments in Binjai time (WIB), for believable history."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

WIB = timezone(timedelta(hours=7))
DAY_START, DAY_SECONDS = time(8, 0), 8 * 3600 + 1800  # records between 08:00 and 16:30 WIB


def workday(d: date) -> date:
    """The first working day (Monday-Friday) on or after d."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def workday_between(rng: random.Random, lo: date, hi: date) -> date:
    span = max(0, (hi - lo).days)
    return workday(lo + timedelta(days=rng.randint(0, span)))


def add_workdays(d: date, n: int) -> date:
    d = workday(d)
    while n > 0:
        d = workday(d + timedelta(days=1))
        n -= 1
    return d


def first_of_month(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def moment(day: date, fraction: float) -> datetime:
    """A UTC moment `fraction` of the way through day's office hours in WIB."""
    local = datetime.combine(day, DAY_START, WIB) + timedelta(seconds=fraction * DAY_SECONDS)
    return local.astimezone(timezone.utc)


def at_wib(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=WIB).astimezone(timezone.utc)
