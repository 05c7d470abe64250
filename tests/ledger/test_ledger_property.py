"""Random valid careers: storage replays what memory applied, and both reads agree with a reference model.

The reference model below reads the CONTRACT's "Boundaries" literally: an event counts for
`as_of` from its recording time (inclusive) and for `valid_at` from its TMT or natural date
(inclusive); an annulment removes its target from the moment it is recorded; a correction
replaces the named fields from the moment it is recorded, for the original's valid dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger.application import Ledger
from ledger.errors import NotFound
from ledger.rules import PNS_GRADES, PREDIKAT_MATRIX, RATINGS, allowed_promotion_months
from ledger.stream import stream_id

EVALUATOR = "197901012004011002"
UNITS = ["BKPSDM", "DINKES", "DISDIK"]
SK = {"number": "800/9/BKPSDM", "date": "2015-01-01"}


class CapturingLedger(Ledger):
    """Keeps the domain events it saved, exactly as they were applied in memory."""

    name = Ledger.name  # the same tables as the Ledger it stands in for

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = []

    def save(self, *objs, **kwargs):
        recordings = super().save(*objs, **kwargs)
        self.saved.extend(r.domain_event for r in recordings)
        return recordings


# --- the reference model -------------------------------------------------------------------

class Model:
    """Facts as posted; every read is computed from scratch, the simplest way that is right."""

    def __init__(self):
        self.facts = []  # dicts: id, type, version, at, eff, data (originals) or target (fixes)

    def add(self, receipt, body):
        at = datetime.fromisoformat(receipt["recorded_at"].replace("Z", "+00:00"))
        tmt = date.fromisoformat(body["effective_date"]) if body.get("effective_date") else None
        self.facts.append({"id": receipt["event_id"], "type": body["type"], "version": receipt["version"],
                           "at": at, "tmt": tmt, "data": dict(body["data"])})

    def originals(self, as_of=None):
        known = [f for f in self.facts if as_of is None or f["at"] <= as_of]
        annulled = {f["data"]["event_id"] for f in known if f["type"] == "Annulled"}
        out = []
        for f in known:
            if f["type"] in ("Corrected", "Annulled") or f["id"] in annulled:
                continue
            f = dict(f, data=dict(f["data"]))
            for c in known:
                if c["type"] == "Corrected" and c["data"]["event_id"] == f["id"]:
                    for name, value in c["data"]["fields"].items():
                        if name == "effective_date":
                            f["tmt"] = date.fromisoformat(value)
                        else:
                            f["data"][name] = value
            f["eff"] = f["tmt"] or natural_date(f["type"], f["data"])  # from the corrected fields
            out.append(f)
        return out

    def state(self, as_of=None, valid_at=None):
        facts = self.originals(as_of)
        appointment = facts[0]
        if valid_at is not None and appointment["eff"] > valid_at:
            return None
        counted = sorted((f for f in facts[1:] if valid_at is None or f["eff"] <= valid_at),
                         key=lambda f: (f["eff"], f["version"]))
        s = {"grade": appointment["data"]["grade"], "unit": appointment["data"]["unit"], "training": {},
             "annual_predikat": {}, "plans": set()}
        for f in counted:
            d = f["data"]
            if f["type"] == "PromotionGranted":
                s["grade"] = d["to_grade"]
            elif f["type"] == "Transferred":
                s["unit"] = d["to_unit"]
            elif f["type"] == "TrainingCompleted":
                year = date.fromisoformat(d["end_date"]).year
                s["training"][year] = s["training"].get(year, 0) + d["jp"]
            elif f["type"] == "PerformancePlanned":
                s["plans"].add(d["year"])
            elif f["type"] == "PerformanceEvaluated":
                s["annual_predikat"][d["period"]["year"]] = d["predikat"]
        return s


def natural_date(type_, d):
    """Events without a TMT take effect on the date their own data names (DOMAIN.md)."""
    if type_ == "PerformancePlanned":
        return date(d["year"], 1, 1)
    if type_ == "PerformanceEvaluated":
        return date(d["period"]["year"], 12, 31)
    return date.fromisoformat(d["end_date"])


# --- random valid careers ------------------------------------------------------------------

def promotion_tmt(draw):
    year = draw(st.integers(2016, 2027))
    return date(year, draw(st.sampled_from(sorted(allowed_promotion_months(date(year, 12, 1)) &
                                                   allowed_promotion_months(date(year, 1, 1)) or {4}))), 1)


def any_date(draw):
    return date(2016, 1, 1) + timedelta(days=draw(st.integers(0, 12 * 365)))


def ratings(draw):
    r, b = draw(st.sampled_from(RATINGS)), draw(st.sampled_from(RATINGS))
    return {"results_rating": r, "behaviour_rating": b, "predikat": PREDIKAT_MATRIX[(r, b)]}


def next_body(draw, model, nip):
    """One valid event for the model's current state."""
    now = model.state()
    originals = model.originals()
    ops = ["transfer", "plan", "training"]
    ops += ["promote"] if now["grade"] != PNS_GRADES[-1] else []
    ops += ["evaluate"] if now["plans"] else []
    ops += ["correct", "annul"] if len(originals) > 1 else []
    op = draw(st.sampled_from(ops))
    if op == "promote":
        grade = now["grade"]
        return {"type": "PromotionGranted", "subject": nip, "legal_basis": SK,
                "effective_date": promotion_tmt(draw).isoformat(),
                "data": {"from_grade": grade, "to_grade": PNS_GRADES[PNS_GRADES.index(grade) + 1],
                         "kind": draw(st.sampled_from(["reguler", "pilihan"]))}}
    if op == "transfer":
        to = draw(st.sampled_from([u for u in UNITS if u != now["unit"]]))
        return {"type": "Transferred", "subject": nip, "legal_basis": SK, "effective_date": any_date(draw).isoformat(),
                "data": {"from_unit": now["unit"], "to_unit": to}}
    if op == "plan":
        return {"type": "PerformancePlanned", "subject": nip,
                "data": {"year": draw(st.integers(2016, 2027)), "approach": "kuantitatif", "evaluator": EVALUATOR,
                         "results": [{"indicator": "Layanan", "target": "100%"}]}}
    if op == "evaluate":
        year = draw(st.sampled_from(sorted(now["plans"])))
        return {"type": "PerformanceEvaluated", "subject": nip,
                "data": {"period": {"year": year, "kind": "annual"}, "evaluator": EVALUATOR, **ratings(draw)}}
    if op == "training":
        return {"type": "TrainingCompleted", "subject": nip,
                "data": {"path": "nonklasikal", "form": "e_learning", "title": "Literasi digital",
                         "provider": "LAN", "start_date": "2016-01-01", "end_date": any_date(draw).isoformat(),
                         "jp": draw(st.integers(1, 40)), "cost": 0, "funding_unit": "BKPSDM"}}
    target = draw(st.sampled_from(originals[1:] if op == "annul" else originals))
    if op == "annul":
        return {"type": "Annulled", "subject": nip, "reason": "SK dicabut", "data": {"event_id": target["id"]}}
    t = target["type"]
    fields = {
        "EmployeeAppointed": lambda: {"name": "Nama Terkoreksi"},
        "PromotionGranted": lambda: {"effective_date": promotion_tmt(draw).isoformat()},
        "Transferred": lambda: {"effective_date": any_date(draw).isoformat()},
        "PerformancePlanned": lambda: {"approach": "kualitatif"},
        "PerformanceEvaluated": lambda: ratings(draw),
        "TrainingCompleted": lambda: draw(st.sampled_from([
            {"jp": draw(st.integers(1, 40))}, {"end_date": any_date(draw).isoformat()}])),
    }[t]()
    return {"type": "Corrected", "subject": nip, "reason": "Salah input", "data": {"event_id": target["id"],
                                                                                   "fields": fields}}


# --- the property --------------------------------------------------------------------------

NIPS = (f"{date(1980, 1, 1) + timedelta(days=n):%Y%m%d}200501{1 + n % 2}{n % 1000:03d}" for n in itertools.count())


@pytest.fixture
def ledgers(database_url, clock):
    """A writer that keeps what it applied in memory and a second Ledger that only reads storage.

    Examples share the database, each with a new employee (streams are independent), so no
    example pays for creating tables.
    """
    writer = CapturingLedger(database_url, clock=clock)
    for code in UNITS:
        writer.record([{"type": "UnitRegistered", "subject": code, "data": {"name": code}}], "clerk")
    reader = Ledger(database_url)  # no aggregate cache: every read below replays from storage
    yield writer, reader
    reader.close()
    writer.close()


def fold_in_memory(events):
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    return aggregate


def comparable(state):
    return {k: state[k] for k in ("grade", "unit", "training", "annual_predikat")}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_careers_replay_from_storage_and_agree_with_the_reference_model(ledgers, data):
    ledger, replayer = ledgers
    nip = next(NIPS)
    model = Model()
    appointment = {"type": "EmployeeAppointed", "subject": nip, "legal_basis": SK,
                   "effective_date": data.draw(st.dates(date(2015, 1, 1), date(2019, 12, 31))).isoformat(),
                   "data": {"employment_type": "pns", "name": "Siti Rahmah",
                            "grade": data.draw(st.sampled_from(PNS_GRADES[4:12])),
                            "position": {"type": "pelaksana", "title": "Pengadministrasi"}, "unit": "BKPSDM"}}
    bodies = [appointment] + [None] * data.draw(st.integers(1, 18))
    for body in bodies:
        body = body or next_body(data.draw, model, nip)
        (receipt,), _ = ledger.record([body], "clerk")
        model.add(receipt, body)

    sid = stream_id("employee", nip)
    applied = [e for e in ledger.saved if e.originator_id == sid]
    stored = replayer.state("employee", nip)
    in_memory = fold_in_memory(applied).state()
    assert {k: v for k, v in stored.items() if k not in ("version", "last_position")} == in_memory
    assert comparable(stored) == comparable(model.state())
    assert stored["version"] == len(applied)

    for k, event in enumerate(applied, start=1):
        as_of = event.timestamp
        at_k = replayer.state("employee", nip, as_of=as_of)
        assert {x: v for x, v in at_k.items() if x not in ("version", "last_position")} == \
            fold_in_memory(applied[:k]).state()
        assert at_k["version"] == k
        assert comparable(at_k) == comparable(model.state(as_of=as_of))

    moments = [None, applied[len(applied) // 2].timestamp]
    days = {f["eff"] + timedelta(days=d) for f in model.originals() for d in (-1, 0)}
    for as_of in moments:
        for day in sorted(days):
            expected = model.state(as_of=as_of, valid_at=day)
            if expected is None:
                with pytest.raises(NotFound):
                    replayer.state("employee", nip, as_of=as_of, valid_at=day)
            else:
                got = replayer.state("employee", nip, as_of=as_of, valid_at=day)
                assert comparable(got) == comparable(expected), (as_of, day)
