"""A period's figures before disclosure control: its people as of its last day, as the ledger knew them when it froze.

Membership (unit, status, post, employment type) is read in effect on the period's last day (by
TMT), never today's roster, so a later transfer, separation or correction cannot move anyone into
or out of a past period; everything is read as recorded up to the freeze (`as_of`), so a release
computed again later is the same. Annual releases add the year's 20 JP attainment (active PNS at
the year's end, PP 17/2020) and predikat (SKP, PermenPANRB 6/2022); monthly ones only headcounts,
feedback of the year so far and the training budget, since their people change every month.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from ledger.rules import POSITION_TYPES, PREDIKAT
from ledger.stream import WIB
from projections.models.feedback import feedback as feedback_table
from projections.models.public_stats import member, public_unit
from projections.models.training import JP_DUTY, duty_applies
from projections.releases.schedule import Period

OTHER_TYPE = "lainnya"  # a post without a known type: kept so the types add up to the total
TYPES = [*POSITION_TYPES, OTHER_TYPE]
STATUSES = ["received", "verified", "dispositioned", "responded", "closed", "rejected"]
CLASSES = ["aspirasi", "pengaduan", "permintaan_informasi"]


@dataclass
class Source:
    """The ledger's streams, each read once for every period computed from it.

    An employee's state for a period is the fold of the facts known at its freeze and in effect on its last
    day; the next period's facts usually extend that list (a later freeze knows more, a later day counts
    more), so the fold is carried on from where the last period left it instead of replayed from the first
    fact: the same effects in the same order, hence the same state. When the list does not extend (a fact
    backdated before the last period's day, a correction), the fold starts again.
    """

    ledger: Any
    engine: Engine
    streams: dict[tuple[str, str], Any] = field(default_factory=dict)
    folds: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = field(default_factory=dict)

    def keys(self) -> tuple[list[str], list[str], list[str]]:
        with self.engine.connect() as conn:
            nips = list(conn.execute(select(member.c.nip).order_by(member.c.nip)).scalars())
            tickets = list(conn.execute(select(feedback_table.c.ticket).order_by(feedback_table.c.ticket)).scalars())
            units = list(conn.execute(select(public_unit.c.unit).order_by(public_unit.c.unit)).scalars())
        return nips, tickets, units

    def state(self, kind: str, key: str, period: Period, in_effect: bool = True) -> dict[str, Any] | None:
        agg = self.streams.get((kind, key))
        if agg is None:
            agg = self.streams[(kind, key)] = self.ledger.aggregate(kind, key)
        if agg is None:
            return None
        if kind != "employee":
            return agg.state(as_of=period.frozen_at, valid_at=period.end if in_effect else None)
        return self._carried(key, agg, agg.effective(period.frozen_at, period.end if in_effect else None))

    def _carried(self, key: str, agg: Any, facts: list[dict[str, Any]]) -> dict[str, Any] | None:
        """`agg.fold(facts)`, carried on from the last fold of the stream when `facts` extend its facts. The state
        returned is the stream's running one: read it before asking for the same stream's next period.
        (An employee's `complete` only derives `leave_days` afresh from the leave, which no effect reads.)"""
        if not facts or facts[0]["v"] != 1:
            return None
        done, state = self.folds.get(key, ((), None))
        n = len(done)
        if state is None or n > len(facts) or any(a is not b for a, b in zip(done, facts)):
            n, state = 0, agg.start()
        state = agg.complete(agg.play(state, facts[n:]))
        self.folds[key] = (facts, state)
        return state


def _group(code: str | None, name: str | None) -> dict[str, Any]:
    return {"code": code, "name": name, "people": [], "tickets": [], "budget": {"allocated": 0, "realised": 0}}


def figures(source: Source, period: Period) -> dict[str, Any]:
    """The release's content with every count true (disclosure control comes after)."""
    nips, tickets, units = source.keys()
    groups = {}
    for code in units:
        s = source.state("unit", code, period)
        if s is None:  # registered after the release froze
            continue
        groups[code] = _group(code, s.get("name") or code)
        if period.year in s["budgets"]:
            b = s["budgets"][period.year]
            groups[code]["budget"] = {"allocated": b["allocated"], "realised": b["realised"]}
    for nip in nips:
        s = source.state("employee", nip, period)
        if s is None or s.get("status") != "active" or s.get("unit") not in groups:
            continue
        groups[s["unit"]]["people"].append(s)
    for key in tickets:
        s = source.state("feedback", key, period, in_effect=False)
        if s is None or not s["steps"] or s.get("unit") not in groups:
            continue
        received = s["steps"][0]["at"].astimezone(WIB).date()
        if period.year == received.year and received <= period.end:
            groups[s["unit"]]["tickets"].append(s)
    items = [unit_figures(g, period) for g in groups.values()]
    city = _group(None, "Kota Binjai")
    for g in groups.values():
        city["people"] += g["people"]
        city["tickets"] += g["tickets"]
        for k in ("allocated", "realised"):
            city["budget"][k] += g["budget"][k]
    return {"release": period.release_id, "period": period.key, "kind": "monthly" if period.monthly else "annual",
            "as_of": period.end.isoformat(), "frozen_at": period.frozen_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "city": unit_figures(city, period), "items": items, "next_cursor": None}


def unit_figures(g: dict[str, Any], period: Period) -> dict[str, Any]:
    people, year = g["people"], period.year
    types = {t: 0 for t in TYPES}
    for p in people:
        t = (p.get("position") or {}).get("type")
        types[t if t in types else OTHER_TYPE] += 1
    pns = [p for p in people if duty_applies(p.get("employment_type"))]
    out: dict[str, Any] = {"code": g["code"], "name": g["name"],
                           "headcount": {"total": len(people), "pns": len(pns), "by_position_type": types},
                           "training": {}, "predikat": {},
                           "budget": {str(year): dict(g["budget"])}}
    if not period.monthly:
        met = sum(1 for p in pns if p["training"].get(year, 0) >= JP_DUTY)
        out["training"][str(year)] = {"staff": len(pns), "met_20_jp": met, "below_20_jp": len(pns) - met}
        ratings = {r: 0 for r in PREDIKAT}
        for p in people:
            if p["annual_predikat"].get(year) in ratings:
                ratings[p["annual_predikat"][year]] += 1
        out["predikat"][str(year)] = ratings
    statuses, kinds, answered = {s: 0 for s in STATUSES}, {c: 0 for c in CLASSES}, []
    for t in g["tickets"]:
        statuses[t["status"]] = statuses.get(t["status"], 0) + 1
        kinds[t["classification"]] = kinds.get(t["classification"], 0) + 1
        at = {}
        for step in t["steps"]:
            at.setdefault(step["status"], step["at"])
        if "responded" in at:
            answered.append((at["responded"] - at["received"]).total_seconds())
    median = round(statistics.median(answered) / 3600, 1) if answered else None
    out["feedback"] = {"total": len(g["tickets"]), "by_status": statuses, "by_classification": kinds,
                       "median_response_hours": median, "answered": len(answered)}
    return out
