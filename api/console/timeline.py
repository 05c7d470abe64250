"""An employee's events on both time axes: recorded time and valid time (TMT), each with its field
changes (the audit index), who did it and for whom, its SK, reason and findings; plus the scatter the
page draws, recorded date across and TMT up, where a backdated event falls far below the diagonal."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from api.console.reviews import reviews_since
from ledger.personal_fields import FIELD_NAMES, PERSONAL_FIELDS
from projections import queries
from projections.models.red_flags import BACKDATING_DAYS, backdated
from ledger.stream import wib_date

PERSONAL = ("nik", "birth_date", "address", "contact")  # left out of an inspector's page altogether
PAGE = 1000
WIDTH, HEIGHT, MARGIN = 720, 360, 48


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def findings(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Findings (`findings`, issue 17) or, until they arrive, the rule warnings stored with the event."""
    return list(event.get("findings") or event.get("warnings") or [])


def all_history(ledger: Any, nip: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        got = ledger.history("employee", nip, after_version=events[-1]["version"] if events else 0, limit=PAGE)
        events += got
        if len(got) < PAGE:
            return events


def shown(value: Any) -> Any:
    """A changed value as one line of text: a post {type, title} reads "pelaksana · Staf"."""
    if isinstance(value, dict):
        return " · ".join(str(v) for v in value.values() if v is not None)
    return value


def withheld(changes: list[dict[str, Any]], show_personal: bool) -> list[dict[str, Any]]:
    """Changes as this reader may see them: a personal field's values never reach an inspector's page."""
    return [{"field": c["field"], "withheld": True} if c["field"] in PERSONAL and not show_personal else
            {**c, "before": shown(c["before"]), "after": shown(c["after"])} for c in changes]


def names(engine: Any, nips: set[str]) -> dict[str, str]:
    out = {}
    for nip in sorted(n for n in nips if n):
        row = queries.employee(engine, nip)
        if row is not None:
            out[nip] = row["name"]
    return out


def timeline(ledger: Any, engine: Any, nip: str, show_personal: bool, as_of: datetime | None = None,
             reveal: Any = None) -> list[dict[str, Any]]:
    """Every event of the employee, oldest first (only those recorded by `as_of` when given). `reveal`
    replaces the personal values' commitments in the events and their changes for this reader."""
    events = all_history(ledger, nip)
    if as_of is not None:
        events = [e for e in events if _moment(e["recorded_at"]) <= as_of]
    changes = queries.subject_changes(engine, nip)
    if reveal is not None:
        # Only what can hold a commitment: events of types with personal fields (and corrections), and
        # changes of personal fields; walking all 1,000 events for markers was a third of the page's time.
        reveal([e for e in events if e["type"] in PERSONAL_FIELDS or e["type"] == "Corrected"] +
               [c for cs in changes.values() for c in cs if c["field"].rsplit(".", 1)[-1] in FIELD_NAMES])
    who = names(engine, {e["on_behalf_of"] for e in events})
    reviewed: dict[int, list[dict[str, Any]]] = {}
    for key, review in reviews_since(engine, events[0]["position"] if events else None).items():
        position, rule = key.split("/", 1)
        reviewed.setdefault(int(position), []).append({**review, "rule": rule})
    rows = []
    for e in events:
        recorded = _moment(e["recorded_at"])
        tmt = date.fromisoformat(e["effective_date"]) if e.get("effective_date") else None
        rows.append({**e, "recorded_date": wib_date(recorded), "tmt": tmt,
                     "backdated_days": backdated(tmt, recorded) if tmt else None,
                     "on_behalf_name": who.get(e["on_behalf_of"]), "findings": findings(e),
                     "reviews": reviewed.get(e["position"], []),
                     "changes": withheld(changes.get(e["position"], []), show_personal)})
    return rows


def scatter(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates of each event with a TMT: one scale for both axes, so on-time events sit on the diagonal."""
    days = [d for r in rows for d in (r["recorded_date"], r["tmt"]) if d is not None]
    if not days:
        return {"points": [], "ticks": []}
    lo, hi = min(days), max(days)
    span = max((hi - lo).days, 1)

    def x(d: date) -> float:
        return round(MARGIN + (d - lo).days / span * (WIDTH - 2 * MARGIN), 1)

    def y(d: date) -> float:
        return round(HEIGHT - MARGIN - (d - lo).days / span * (HEIGHT - 2 * MARGIN), 1)

    points = [{"x": x(r["recorded_date"]), "y": y(r["tmt"]), "position": r["position"], "type": r["type"],
               "recorded": r["recorded_date"], "tmt": r["tmt"], "backdated": r["backdated_days"] is not None}
              for r in rows if r["tmt"] is not None]
    years = range(lo.year + 1, hi.year + 1)
    step = max(1, len(years) // 6)
    ticks = [{"label": year, "x": x(date(year, 1, 1)), "y": y(date(year, 1, 1))} for year in years[::step]]
    return {"points": points, "ticks": ticks, "width": WIDTH, "height": HEIGHT, "margin": MARGIN,
            "lo": lo, "hi": hi, "backdated": sum(p["backdated"] for p in points), "threshold": BACKDATING_DAYS}


def end_of_day_wib(day: date) -> datetime:
    """"As the ledger knew it on DAY": every event recorded by the end of that day in Binjai (WIB)."""
    from ledger.stream import WIB

    return datetime.combine(day + timedelta(days=1), datetime.min.time(), WIB) - timedelta(microseconds=1)
