"""What every rule shares: the Finding a compliance rule returns instead of refusing, and counting years."""

from __future__ import annotations

from datetime import date

from ledger.rules.book import Finding

Warning = Finding  # the name the rules used before findings replaced warnings


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def months_later(d: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
