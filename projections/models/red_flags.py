"""Red flags for inspectors: actions an auditor should look at, each linked to its events.

Kinds (each id is deterministic: anchor position * 16 + kind number, so live and rebuilt
tables agree):
- `self_action`: the actor or `on_behalf_of` is the subject of the event.
- `evaluator_hierarchy`: the ledger warned that the evaluator's post does not usually
  evaluate the evaluated post (PermenPANRB 6/2022, `rules.evaluator_hierarchy_warning`).
- `backdated`: the TMT is more than 90 days before the WIB date of recording.
- `promotion_without_two_baik`: a regular promotion recorded with the ledger's warning that
  the last two annual predikat were not both at least Baik.
- `realisation_beyond_allocation`: a unit's training money realised beyond its allocation
  for a year. The ledger refuses this today; the flag guards events recorded before the rule
  (or imported) and is recomputed whenever the unit's stream changes.
- `off_hours_burst`: at least 20 events recorded by one actor within one off-hours block
  (18:00 to 07:00 WIB, the block named by the date it starts); one flag per actor and block.
- `finding`: an event recorded with a finding of the rulebook's compliance tier, one row per
  (event, rule) in `proj_finding`, so `?rule=` lists the events with that finding.

Annulling an event removes the flags about its business content (hierarchy, backdating,
promotion); a correction of its TMT re-judges backdating. Flags about the act of recording
(self action, off-hours burst) stay: the act happened even if its content was voided.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Connection, Date, DateTime, Index, String, Table, select

from ledger.reading import findings_of
from ledger.stream import WIB
from projections import values
from projections.source import FIX_TYPES, Event
from projections.tables import Projection, insert_rows, metadata

KINDS = ["self_action", "evaluator_hierarchy", "backdated", "promotion_without_two_baik",
         "realisation_beyond_allocation", "off_hours_burst", "finding"]
BACKDATING_DAYS = 90
MIGRATION_SOURCES = {"migrasi-simpeg"}  # the initial load of serving ASN carries their old TMTs by design
BURST_THRESHOLD = 20
WORK_START, WORK_END = 7, 18  # WIB hours
CONTENT_KINDS = ("evaluator_hierarchy", "backdated", "promotion_without_two_baik")
WARNING_KINDS = {"evaluator_hierarchy": "evaluator_hierarchy", "promotion_two_baik_years": "promotion_without_two_baik"}

flag = Table(
    "proj_flag", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("unit", String(40)),
    Column("actor", String(200)),
    Column("recorded_at", DateTime, nullable=False),
    Column("event_id", String(36)),
    Column("positions", JSON, nullable=False),
    Column("detail", JSON, nullable=False),
    Index("proj_flag_kind", "kind", "id"),
    Index("proj_flag_unit", "unit", "id"),
    Index("proj_flag_recorded_at", "recorded_at", "id"),
    Index("proj_flag_event", "event_id"),
)

off_hours = Table(
    "proj_flag_off_hours", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("actor", String(200), nullable=False),
    Column("block", Date, nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("unit", String(40)),
    Index("proj_flag_off_hours_actor", "actor", "block", "position"),
)


finding = Table(
    "proj_finding", metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("rule", String(60), primary_key=True),
    Column("severity", String(10), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("unit", String(40)),
    Column("actor", String(200)),
    Column("recorded_at", DateTime, nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("proj_finding_rule", "rule", "position"),
    Index("proj_finding_event", "event_id"),
)


def flag_id(position: int, kind: str) -> int:
    return position * 16 + KINDS.index(kind)


def off_hours_block(recorded_at: datetime) -> date | None:
    """The date an off-hours block starts (18:00 WIB), or None within working hours."""
    local = recorded_at.replace(tzinfo=timezone.utc).astimezone(WIB)
    if WORK_START <= local.hour < WORK_END:
        return None
    return local.date() if local.hour >= WORK_END else local.date() - timedelta(days=1)


def backdated(eff: date | None, recorded_at: datetime) -> int | None:
    """Days between TMT and recording when beyond the threshold."""
    if eff is None:
        return None
    recorded = recorded_at.replace(tzinfo=timezone.utc).astimezone(WIB).date()
    days = (recorded - eff).days
    return days if days > BACKDATING_DAYS else None


class RedFlags(Projection):
    """Flags per event, per unit budget year, and per actor's off-hours block."""

    name = "red_flags"
    tables = [flag, off_hours, finding]

    def __init__(self) -> None:
        self.memo = values.Memo()

    def apply(self, conn: Connection, chunk: Any) -> None:
        new: list[dict[str, Any]] = []
        blocks: set[tuple[str, date]] = set()
        late: list[dict[str, Any]] = []
        found: list[dict[str, Any]] = []
        for e in chunk.events:
            before, after = self.memo.step_event(chunk, e)
            unit = e.subject if e.kind == "unit" else after.get("unit") or before.get("unit")
            if e.type in FIX_TYPES:  # its target's flags may still be waiting in `new`
                self._insert(conn, new)
                new = []
            new += self._event_flags(conn, e, unit, chunk)
            found = self._found(conn, e, unit, found)
            block = off_hours_block(e.recorded_at)
            if block is not None and e.meta.get("derived_from") is None:
                late.append({"position": e.position, "actor": e.meta["actor"], "block": block,
                             "recorded_at": e.recorded_at, "unit": unit})
                blocks.add((e.meta["actor"], block))
        self._insert(conn, new)
        if found:
            conn.execute(finding.delete().where(finding.c.position.between(found[0]["position"],
                                                                           found[-1]["position"])))
            insert_rows(conn, finding, found)
        if late:  # one delete and one insert per chunk; bursts below read them back
            conn.execute(off_hours.delete().where(off_hours.c.position.between(late[0]["position"],
                                                                               late[-1]["position"])))
            insert_rows(conn, off_hours, late)
        for t in chunk.touched("unit"):
            self._budget_flags(conn, t)
        for actor, block in sorted(blocks):
            self._burst(conn, actor, block)

    @staticmethod
    def _found(conn: Connection, e: Event, unit: str | None, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The event's rows of findings added to `found`; an annulment voids its target's (its content's)."""
        if e.type == "Annulled":
            found = [r for r in found if r["event_id"] != e.data["event_id"]]
            conn.execute(finding.delete().where(finding.c.event_id == e.data["event_id"]))
        return found + [{"position": e.position, "rule": f["rule"], "severity": f["severity"], "subject": e.subject,
                         "unit": unit, "actor": e.meta["actor"], "recorded_at": e.recorded_at,
                         "event_id": e.event_id, "detail": {"type": e.type, **f}} for f in findings_of(e.meta)]

    @staticmethod
    def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
        if rows:
            conn.execute(flag.delete().where(flag.c.id.in_([f["id"] for f in rows])))
            insert_rows(conn, flag, rows)

    @staticmethod
    def _flag(e: Event, kind: str, unit: str | None, positions: list[int], detail: dict[str, Any],
              anchor: int | None = None, event_id: str | None = None) -> dict[str, Any]:
        return {"id": flag_id(anchor or e.position, kind), "kind": kind, "subject": e.subject, "unit": unit,
                "actor": e.meta["actor"], "recorded_at": e.recorded_at, "event_id": event_id or e.event_id,
                "positions": positions, "detail": detail}

    def _event_flags(self, conn: Connection, e: Event, unit: str | None, chunk: Any) -> list[dict[str, Any]]:
        m, out = e.meta, []
        who = [r for r in ("actor", "on_behalf_of") if m.get(r) and m[r] == e.subject]
        if who:
            out.append(self._flag(e, "self_action", unit, [e.position], {"roles": who, "type": e.type}))
        for w in findings_of(m):
            kind = WARNING_KINDS.get(w.get("rule"))
            if kind:
                out.append(self._flag(e, kind, unit, [e.position], {"type": e.type, "warning": w}))
        days = backdated(m.get("effective_date"), e.recorded_at) if m.get("source") not in MIGRATION_SOURCES else None
        if days is not None:
            out.append(self._flag(e, "backdated", unit, [e.position], {"type": e.type, "days": days,
                                                                        "threshold_days": BACKDATING_DAYS}))
        if e.type == "Annulled":
            conn.execute(flag.delete().where(flag.c.event_id == e.data["event_id"], flag.c.kind.in_(CONTENT_KINDS)))
        elif e.type == "Corrected" and "effective_date" in e.data["fields"]:
            out += self._rejudge_backdating(conn, e, unit, chunk)
        return out

    def _rejudge_backdating(self, conn: Connection, e: Event, unit: str | None, chunk: Any) -> list[dict[str, Any]]:
        facts = chunk.facts_of(e)
        target = next((f for f in facts if f["id"] == e.data["event_id"]), None)
        conn.execute(flag.delete().where(flag.c.event_id == e.data["event_id"], flag.c.kind == "backdated"))
        if target is None or target.get("p") is None:
            return []
        at = target["at"].astimezone(timezone.utc).replace(tzinfo=None)
        days = backdated(e.data["fields"]["effective_date"], at)
        if days is None:
            return []
        return [{**self._flag(e, "backdated", unit, [target["p"], e.position],
                              {"type": target["type"], "days": days, "threshold_days": BACKDATING_DAYS,
                               "corrected_by": e.event_id}, anchor=target["p"], event_id=target["id"]),
                 "recorded_at": at}]

    def _budget_flags(self, conn: Connection, t: Any) -> None:
        conn.execute(flag.delete().where(flag.c.kind == "realisation_beyond_allocation", flag.c.subject == t.subject))
        s = t.state()
        if s is None:
            return
        rows = []
        for year, b in sorted(s["budgets"].items()):
            if b["realised"] <= b["allocated"]:
                continue
            facts = [f for f in t.effective() if f["type"] in ("TrainingBudgetAllocated", "TrainingBudgetRealised")
                     and f["data"]["year"] == year]
            last = max(facts, key=lambda f: f["v"])
            positions = sorted(f["p"] for f in facts if f.get("p") is not None)
            rows.append({"id": flag_id(last["p"], "realisation_beyond_allocation"),
                         "kind": "realisation_beyond_allocation", "subject": t.subject, "unit": t.subject,
                         "actor": None, "recorded_at": last["at"].astimezone(timezone.utc).replace(tzinfo=None),
                         "event_id": last["id"], "positions": positions,
                         "detail": {"year": year, "allocated": b["allocated"], "realised": b["realised"]}})
        if rows:
            insert_rows(conn, flag, rows)

    def _burst(self, conn: Connection, actor: str, block: date) -> None:
        q = select(off_hours.c.position, off_hours.c.recorded_at, off_hours.c.unit).where(
            off_hours.c.actor == actor, off_hours.c.block == block).order_by(off_hours.c.position)
        rows = conn.execute(q).all()
        if len(rows) < BURST_THRESHOLD:
            return
        first = rows[0]
        fid = flag_id(first.position, "off_hours_burst")
        units = sorted({r.unit for r in rows if r.unit})
        conn.execute(flag.delete().where(flag.c.id == fid))
        insert_rows(conn, flag, [{
            "id": fid, "kind": "off_hours_burst", "subject": actor, "unit": units[0] if len(units) == 1 else None,
            "actor": actor, "recorded_at": first.recorded_at, "event_id": None,
            "positions": [r.position for r in rows],
            "detail": {"events": len(rows), "threshold": BURST_THRESHOLD, "block_starts": block.isoformat(),
                       "hours_wib": f"{WORK_END:02d}:00-{WORK_START:02d}:00", "units": units,
                       "last_recorded_at": rows[-1].recorded_at.isoformat() + "Z"}}])

