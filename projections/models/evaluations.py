"""Evaluations: each SKP evaluation with its ratings, predikat (after any objection) and evaluator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Date, Index, Integer, String, Table

from projections.tables import Projection, metadata, replace
from projections.values import effective_in_recording_order

evaluation = Table(
    "proj_evaluation", metadata,
    Column("event_id", String(36), primary_key=True),
    Column("nip", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("number", Integer),
    Column("results_rating", String(20)),
    Column("behaviour_rating", String(20)),
    Column("predikat", String(20)),
    Column("original_predikat", String(20)),
    Column("evaluator", String(64)),
    Column("plan_evaluator", String(64)),
    Column("evaluated_on", Date),
    Column("objection", String(30)),
    Column("position", BigInteger),
    Index("proj_evaluation_nip", "nip", "year"),
    Index("proj_evaluation_evaluator", "evaluator"),
)


def who(evaluator: Any) -> str:
    """An evaluator as the table keeps it: the NIP, or a named official as `title: name` (no NIP)."""
    if isinstance(evaluator, dict):
        return f"{evaluator['title']}: {evaluator['name']}"[:64]
    return evaluator


def rows(nip: str, stream: Any, facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    plans: dict[int, str] = {}
    objections: dict[str, str] = {}
    for f in facts:
        t, d = f["type"], f["data"]
        if t == "PerformancePlanned":
            plans[d["year"]] = who(d["evaluator"])
        elif t == "PerformanceEvaluated":
            p = d["period"]
            out[f["id"]] = {"event_id": f["id"], "nip": nip, "year": p["year"], "kind": p["kind"],
                            "number": p.get("number"), "results_rating": d["results_rating"],
                            "behaviour_rating": d["behaviour_rating"], "predikat": d["predikat"],
                            "original_predikat": d["predikat"], "evaluator": who(d["evaluator"]),
                            "plan_evaluator": plans.get(p["year"]), "evaluated_on": stream.valid_date(f),
                            "objection": None, "position": f.get("p")}
        elif t == "ObjectionFiled" and d["evaluation_event_id"] in out:
            objections[f["id"]] = d["evaluation_event_id"]
            out[d["evaluation_event_id"]]["objection"] = "filed"
        elif t == "ObjectionDecided" and d["objection_event_id"] in objections:
            ev = out[objections[d["objection_event_id"]]]
            ev["objection"] = d["outcome"]
            if d.get("new_predikat") and d["outcome"] != "rejected":
                ev["predikat"] = d["new_predikat"]
    return list(out.values())


class Evaluations(Projection):
    """One row per SKP evaluation that counts (annulled ones dropped, corrections applied).

    Facts are read in recording order: an objection is decided after it is filed, whatever
    dates the evaluation and the filing carry."""

    name = "evaluations"
    tables = [evaluation]

    def apply(self, conn: Connection, chunk: Any) -> None:
        touched = chunk.touched("employee")
        out = []
        for t in touched:
            out += rows(t.subject, t.stream, effective_in_recording_order(t.facts))
        replace(conn, evaluation, "nip", [t.subject for t in touched], out)
