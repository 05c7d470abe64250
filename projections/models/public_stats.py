"""Public per-unit aggregates (UU 14/2008 KIP; UU 27/2022 PDP): only what DOMAIN.md lets the public see.

Each employee, ticket and unit budget contributes one row (replaced whenever its stream
changes); the per-unit aggregate row is recomputed from those rows for every unit a chunk
touched. Any count of people (or tickets) under 5 is published as {"suppressed": true},
never as a number, and when exactly one cell of a distribution is suppressed the next
smallest is suppressed too, so the hidden one cannot be recovered by subtraction.
Employees count in their current unit; predikat figures are over the current active staff
of the unit, training attainment over its current active PNS only (the 20 JP duty binds PNS,
PP 17/2020): `staff` is the PNS headcount (also `headcount.pns`), and a PPPK never counts as
below 20 JP. Because `headcount.total` is published, the PNS figures are suppressed too when
the other staff (PPPK) are 1 to 4: total minus PNS would reveal that small group.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Column, Connection, Integer, String, Table, select

from projections.tables import Projection, metadata, replace
from projections.models.training import JP_DUTY, duty_applies

MIN_GROUP = 5
SUPPRESSED = {"suppressed": True}

member = Table(
    "proj_public_member", metadata,
    Column("nip", String(64), primary_key=True),
    Column("unit", String(40), index=True),
    Column("position_type", String(40)),
    Column("employment_type", String(20)),
    Column("jp_duty", Boolean, nullable=False),  # the 20 JP duty applies (PNS), judged by training.duty_applies
    Column("active", Boolean, nullable=False),
    Column("jp", JSON, nullable=False),
    Column("predikat", JSON, nullable=False),
)

ticket = Table(
    "proj_public_ticket", metadata,
    Column("ticket", String(64), primary_key=True),
    Column("unit", String(40), index=True),
    Column("classification", String(40)),
    Column("status", String(20)),
    Column("response_seconds", BigInteger),
)

budget = Table(
    "proj_public_budget", metadata,
    Column("unit", String(40), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("allocated", BigInteger, nullable=False),
    Column("realised", BigInteger, nullable=False),
)

public_unit = Table(
    "proj_public_unit", metadata,
    Column("unit", String(40), primary_key=True),
    Column("name", String(200)),
    Column("stats", JSON, nullable=False),
)


def count(n: int) -> Any:
    return n if n >= MIN_GROUP else dict(SUPPRESSED)


def distribution(counts: dict[str, int]) -> dict[str, Any]:
    """Counts per category with small cells suppressed, plus one more when only one is hidden."""
    out: dict[str, Any] = {k: count(v) for k, v in sorted(counts.items())}
    hidden = [k for k, v in out.items() if isinstance(v, dict)]
    shown = sorted((v, k) for k, v in out.items() if not isinstance(v, dict))
    if len(hidden) == 1 and shown:
        out[shown[0][1]] = dict(SUPPRESSED)
    return out


def pns_count(active: int, pns: int) -> Any:
    """Active PNS: suppressed under 5, or when the rest (1 to 4 PPPK) would follow from the published total."""
    return count(pns) if not 0 < active - pns < MIN_GROUP else dict(SUPPRESSED)


def unit_stats(name: str | None, members: list[Any], tickets: list[Any], budgets: list[Any]) -> dict[str, Any]:
    active = [m for m in members if m.active]
    pns = [m for m in active if m.jp_duty]
    by_type: dict[str, int] = {}
    for m in active:
        by_type[m.position_type or "unknown"] = by_type.get(m.position_type or "unknown", 0) + 1
    years = sorted({y for m in active for y in m.jp} | {y for m in active for y in m.predikat})
    staff = pns_count(len(active), len(pns))
    training, predikat = {}, {}
    for y in years:
        met = sum(1 for m in pns if m.jp.get(y, 0) >= JP_DUTY)
        training[y] = ({"staff": staff, **distribution({"met_20_jp": met, "below_20_jp": len(pns) - met})}
                       if isinstance(staff, int) else dict(SUPPRESSED))
        ratings: dict[str, int] = {}
        for m in active:
            if y in m.predikat:
                ratings[m.predikat[y]] = ratings.get(m.predikat[y], 0) + 1
        if ratings:
            predikat[y] = distribution(ratings) if sum(ratings.values()) >= MIN_GROUP else dict(SUPPRESSED)
    statuses: dict[str, int] = {}
    kinds: dict[str, int] = {}
    for t in tickets:
        statuses[t.status] = statuses.get(t.status, 0) + 1
        kinds[t.classification] = kinds.get(t.classification, 0) + 1
    answered = [t.response_seconds for t in tickets if t.response_seconds is not None]
    median = round(statistics.median(answered) / 3600, 1) if len(answered) >= MIN_GROUP else dict(SUPPRESSED)
    return {
        "name": name,
        "headcount": {"total": count(len(active)), "by_position_type": distribution(by_type), "pns": staff},
        "training": training,
        "predikat": predikat,
        "budget": {str(b.year): {"allocated": b.allocated, "realised": b.realised} for b in budgets},
        "feedback": {"total": count(len(tickets)), "by_status": distribution(statuses),
                     "by_classification": distribution(kinds), "median_response_hours": median},
    }


class PublicStats(Projection):
    """Contribution rows per employee, ticket and budget year; one aggregate row per unit."""

    name = "public_stats"
    tables = [member, ticket, budget, public_unit]

    def apply(self, conn: Connection, chunk: Any) -> None:
        units: set[str] = set()
        names: dict[str, str | None] = {}
        emps = chunk.touched("employee")
        old = conn.execute(select(member.c.unit).where(member.c.nip.in_([t.subject for t in emps]))).scalars() if emps else []
        units.update(u for u in old if u)
        rows = []
        for t in emps:
            s = t.state()
            if s is None:
                continue
            rows.append({"nip": t.subject, "unit": s.get("unit"), "position_type": (s.get("position") or {}).get("type"),
                         "employment_type": s.get("employment_type"), "jp_duty": duty_applies(s.get("employment_type")),
                         "active": s.get("status") == "active",
                         "jp": {str(y): jp for y, jp in sorted(s["training"].items())},
                         "predikat": {str(y): p for y, p in sorted(s["annual_predikat"].items())}})
            units.add(s.get("unit"))
        replace(conn, member, "nip", [t.subject for t in emps], rows)
        fbs = chunk.touched("feedback")
        old = conn.execute(select(ticket.c.unit).where(ticket.c.ticket.in_([t.subject for t in fbs]))).scalars() if fbs else []
        units.update(u for u in old if u)
        rows = []
        for t in fbs:
            s = t.state()
            if s is None:
                continue
            steps = {}
            for step in s["steps"]:
                steps.setdefault(step["status"], step["at"])
            answered = steps.get("responded")
            seconds = int((answered - steps["received"]).total_seconds()) if answered and "received" in steps else None
            rows.append({"ticket": t.subject, "unit": s.get("unit"), "classification": s.get("classification"),
                         "status": s.get("status"), "response_seconds": seconds})
            units.add(s.get("unit"))
        replace(conn, ticket, "ticket", [t.subject for t in fbs], rows)
        rows = []
        for t in chunk.touched("unit"):
            s = t.state()
            units.add(t.subject)
            if s is not None:
                names[t.subject] = s.get("name")
                rows += [{"unit": t.subject, "year": y, "allocated": b["allocated"], "realised": b["realised"]}
                         for y, b in sorted(s["budgets"].items())]
        replace(conn, budget, "unit", [t.subject for t in chunk.touched("unit")], rows)
        self._aggregate(conn, sorted(u for u in units if u), names)

    def _aggregate(self, conn: Connection, units: list[str], names: dict[str, str | None]) -> None:
        out = []
        for code in units:
            name = names.get(code)
            if code not in names:
                name = conn.execute(select(public_unit.c.name).where(public_unit.c.unit == code)).scalar()
            members = conn.execute(select(member).where(member.c.unit == code)).all()
            tickets = conn.execute(select(ticket).where(ticket.c.unit == code)).all()
            budgets = conn.execute(select(budget).where(budget.c.unit == code).order_by(budget.c.year)).all()
            out.append({"unit": code, "name": name, "stats": unit_stats(name, members, tickets, budgets)})
        replace(conn, public_unit, "unit", units, out)
