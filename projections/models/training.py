"""Training: JP and cost per employee per year; the PNS 20 JP duty and the PPPK 24 JP ceiling.

Every PNS must get at least 20 JP a year (PP 17/2020 amending PP 11/2017 art. 203(4)); the
duty does not bind PPPK, whose competency development is at most 24 JP a year (PP 49/2018
art. 39). So `duty_met` is NULL for a PPPK and `over_pppk_ceiling` NULL for a PNS: "not
applicable", never False. The employment type is the employee's current one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Connection, Date, Index, Integer, String, Table

from projections.tables import Projection, metadata, replace

JP_DUTY = 20  # PP 17/2020 amending PP 11/2017 art. 203(4): every PNS at least 20 JP a year
JP_PPPK_CEILING = 24  # PP 49/2018 art. 39: PPPK competency development at most 24 JP a year
PPPK_TYPES = ("pppk", "pppk_paruh_waktu")

training_year = Table(
    "proj_training_year", metadata,
    Column("nip", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("employment_type", String(20)),
    Column("unit", String(40)),
    Column("jp", Integer, nullable=False),
    Column("cost", BigInteger, nullable=False),
    Column("trainings", Integer, nullable=False),
    Column("duty_met", Boolean),  # NULL: not a PNS, the 20 JP duty does not apply
    Column("over_pppk_ceiling", Boolean),  # NULL: not a PPPK
    Index("proj_training_year_unit", "unit", "year"),
)

training_record = Table(
    "proj_training_record", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("nip", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("path", String(20)),
    Column("form", String(80)),
    Column("title", String(300)),
    Column("provider", String(200)),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("jp", Integer, nullable=False),
    Column("cost", BigInteger, nullable=False),
    Column("funding_unit", String(40)),
    Column("certificate_number", String(100)),
    Column("position", BigInteger),
    Index("proj_training_record_nip", "nip", "year"),
)


def duty_applies(employment_type: str | None) -> bool:
    """The 20 JP duty binds PNS only (PP 17/2020 art. 203(4)); PPPK and unknown types are not judged."""
    return employment_type == "pns"


def duty_met(employment_type: str | None, jp: int) -> bool | None:
    """A PNS's year meets the 20 JP duty; None when the duty does not apply."""
    return jp >= JP_DUTY if duty_applies(employment_type) else None


def over_pppk_ceiling(employment_type: str | None, jp: int) -> bool | None:
    """A PPPK's year has more than 24 JP (PP 49/2018 art. 39); None for anyone else."""
    return jp > JP_PPPK_CEILING if employment_type in PPPK_TYPES else None


def rows(nip: str, state: dict[str, Any], facts: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    records = []
    for f in facts:
        if f["type"] != "TrainingCompleted":
            continue
        d = f["data"]
        records.append({"event_id": f["id"], "nip": nip, "year": d["end_date"].year, "path": d["path"],
                        "form": d["form"], "title": d["title"], "provider": d["provider"],
                        "start_date": d["start_date"], "end_date": d["end_date"], "jp": d["jp"],
                        "cost": d["cost"], "funding_unit": d["funding_unit"],
                        "certificate_number": d.get("certificate_number"), "position": f.get("p")})
    years: dict[int, dict[str, Any]] = {}
    for r in records:
        y = years.setdefault(r["year"], {"nip": nip, "year": r["year"], "employment_type": state.get("employment_type"),
                                         "unit": state.get("unit"), "jp": 0, "cost": 0, "trainings": 0})
        y["jp"] += r["jp"]
        y["cost"] += r["cost"]
        y["trainings"] += 1
    for y in years.values():
        y["duty_met"] = duty_met(y["employment_type"], y["jp"])
        y["over_pppk_ceiling"] = over_pppk_ceiling(y["employment_type"], y["jp"])
    return list(years.values()), records


class Training(Projection):
    """Per employee and year: JP, cost, number of trainings, PNS 20 JP duty, PPPK ceiling; and each training."""

    name = "training"
    tables = [training_year, training_record]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("employee")
        years, records = [], []
        for t in touched:
            state = t.state()
            if state is None:
                continue
            y, r = rows(t.subject, state, t.effective())
            years += y
            records += r
        nips = [t.subject for t in touched]
        replace(conn, training_year, "nip", nips, years)
        replace(conn, training_record, "nip", nips, records)
