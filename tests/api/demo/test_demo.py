"""The synthetic Binjai obeys every rule, is deterministic, and looks like a real city."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from api.demo.generator import generate
from api.demo.recording import DEMO_LEDGER_ENV, relax_sqlite_sync
from ledger.application import Ledger
from projections import queries
from projections.models.red_flags import KINDS
from projections.runner import Projections
from ledger.rules import PNS_GRADES, allowed_promotion_months
from demo_city import TODAY

WIB = timezone(timedelta(hours=7))
EXPECTED_FINDINGS = {"evaluator_hierarchy", "promotion_two_baik_years", "transfer_tenure", "evaluator_is_plans",
                     "nik_matches_nip", "unit_predikat_spread", "promotion_four_years_in_rank",
                     "absence_penalty_band", "leave_overlap", "promotion_under_examination", "penalty_appeal_late",
                     "cltn_approval", "action_during_cltn"}
POSTED = ("type", "subject", "data", "effective_date", "legal_basis", "reason", "on_behalf_of", "correlation_id",
          "source")


def build(city) -> tuple[object, list[dict], dict[str, list[dict]]]:
    """The city's feed as an auditor reads it and its red flags, from read models rebuilt from its log."""
    ledger = Ledger(city.url, env=DEMO_LEDGER_ENV)
    try:
        feed, after = [], 0
        while batch := ledger.feed(after, 1000):
            ledger.reveal(batch, lambda field: True)  # as an auditor reads it: personal values, not commitments
            feed += batch
            after = batch[-1]["position"]
        projections = Projections(city.url)
        projections.rebuild(ledger)
        flags = {kind: queries.flags(projections.engine, kind=kind, limit=1000) for kind in KINDS}
        flags |= {f"rule:{rule}": queries.flags(projections.engine, rule=rule, limit=1000) for rule in EXPECTED_FINDINGS}
        projections.close()
    finally:
        ledger.close()
    return city.world, feed, flags


@pytest.fixture(scope="module")
def demo(recorded_demo):
    """The session's 300-employee, two-year demo (tests/support/demo_city.py) on each backend, read once here."""
    return build(recorded_demo)


def posted_body(event: dict, ids: dict[str, str] | None = None) -> dict:
    """The body as posted; an event id it names (an appeal's penalty, a close's examination) re-pointed by `ids`."""
    body = {k: event[k] for k in POSTED if event.get(k) is not None}
    if ids:
        body["data"] = {k: ids.get(v, v) if k.endswith("_event_id") else v for k, v in body["data"].items()}
    return body


def _names(event: dict) -> set[str]:
    return {v for k, v in event["data"].items() if k.endswith("_event_id")}


def test_every_generated_event_is_accepted_again_by_a_fresh_ledger(demo, tmp_path):
    _, feed, _ = demo
    fresh = Ledger(f"sqlite:///{tmp_path / 'replay.db'}", env=DEMO_LEDGER_ENV)
    relax_sqlite_sync(fresh)
    ids: dict[str, str] = {}  # the city's event ids -> the fresh ledger's, for events that name earlier ones
    try:
        run: list[dict] = []
        for e in [e for e in feed if not e["derived"]] + [None]:
            if run and (e is None or e["actor"] != run[0]["actor"] or len(run) == 1000
                        or _names(e) & {x["event_id"] for x in run}):
                receipts, _ = fresh.record([posted_body(x, ids) for x in run], run[0]["actor"], batch=True)
                ids.update({x["event_id"]: r["event_id"] for x, r in zip(run, receipts)})
                run = []
            if e is not None:
                run.append(e)
        assert fresh.head() == len(feed)
    finally:
        fresh.close()


def test_every_planted_irregularity_carries_its_findings_and_no_lawful_action_raises_one(demo):
    world, feed, _ = demo
    found = [(e["subject"], e["type"], sorted(f["rule"] for f in e["findings"])) for e in feed if e["findings"]]
    wanted = [(p["subject"], p["type"], sorted(p["rules"])) for p in world.planted if p["rules"]]
    kinds = {p["type"] for p in world.planted if p["rules"]}
    assert {"PromotionGranted", "PerformanceEvaluated", "EmployeeAppointed", "UnitAchievementAssessed",
            "DisciplinaryPenaltyImposed", "LeaveGranted", "DisciplinaryPenaltyAppealed"} <= kinds
    assert {"cltn_approval", "action_during_cltn", "penalty_appeal_late"} <= {r for p in world.planted for r in p["rules"]}
    cltn = {e["subject"]: e["findings"] for e in feed if e["type"] == "LeaveGranted" and e["data"]["kind"] == "cltn"}
    assert len(cltn) == 2 and sorted(len(f) for f in cltn.values()) == [0, 1]  # one approved (lawful), one not
    lawful = {p["type"] for p in world.planted if not p["rules"]}  # planted lawful: each must raise nothing
    assert {"DisciplinaryPenaltyAppealed", "DisciplinaryExaminationClosed"} <= lawful
    closed = [e for e in feed if e["type"] == "DisciplinaryExaminationClosed"]
    assert closed and all(e["data"]["outcome"] == "no_penalty" for e in closed)
    assert sorted(found) == sorted(wanted)  # each planted one found with exactly its rules; nothing else found
    assert len(found) == len(wanted) >= 4


def test_only_the_deliberate_anomalies_raise_findings_and_each_is_flagged_by_rule(demo):
    _, feed, flags = demo
    rules = Counter(f["rule"] for e in feed for f in e["findings"])
    assert set(rules) <= EXPECTED_FINDINGS, rules  # the city's lawful actions raise no other rule
    assert rules["evaluator_hierarchy"] >= 1 and rules["promotion_two_baik_years"] >= 1, rules
    assert all(f["regulation"] and f["article"] for e in feed for f in e["findings"])
    for rule in EXPECTED_FINDINGS:  # each finding is listed under its rule for the inspectors
        listed = flags[f"rule:{rule}"]
        assert len(listed) == min(rules[rule], 1000) and {f["detail"]["rule"] for f in listed} <= {rule}


def test_the_planted_anomalies_are_in_the_ledger(demo):
    _, feed, _ = demo
    assert any(e["on_behalf_of"] == e["subject"] for e in feed), "a self-recorded action"
    backdated = [e for e in feed if e["type"] == "Transferred" and
                 (date.fromisoformat(e["recorded_at"][:10]) - date.fromisoformat(e["effective_date"])).days > 90]
    assert backdated, "a transfer backdated by more than 90 days"
    late = [e for e in feed if not 7 <= _wib(e).hour < 18]
    assert late and {e["actor"] for e in late} == {"operator-bkpsdm-2"}, "only the burst is out of hours"


def test_the_red_flags_catch_each_planted_anomaly_and_nothing_else(demo):
    _, feed, flags = demo
    by_position = {e["position"]: e for e in feed}
    assert len(flags["self_action"]) == 2
    assert [by_position[f["positions"][0]]["type"] for f in flags["backdated"]] == ["Transferred"]
    assert len(flags["evaluator_hierarchy"]) == 1 and len(flags["promotion_without_two_baik"]) == 1
    assert len(flags["off_hours_burst"]) == 1 and flags["off_hours_burst"][0]["actor"] == "operator-bkpsdm-2"
    assert flags["realisation_beyond_allocation"] == []


def test_recording_times_never_go_backwards_and_stay_before_today(demo):
    _, feed, _ = demo
    times = [e["recorded_at"] for e in feed]
    assert times == sorted(times)
    assert _wib(feed[-1]).date() < TODAY


def test_promotions_are_one_step_on_the_first_of_an_allowed_month(demo):
    _, feed, _ = demo
    promotions = [e for e in feed if e["type"] == "PromotionGranted"]
    assert promotions
    for e in promotions:
        tmt = date.fromisoformat(e["effective_date"])
        assert tmt.day == 1 and tmt.month in allowed_promotion_months(tmt)
        assert PNS_GRADES.index(e["data"]["to_grade"]) == PNS_GRADES.index(e["data"]["from_grade"]) + 1


def test_workforce_grades_and_predikat_fall_in_realistic_ranges(demo):
    world, feed, _ = demo
    appointed = [e for e in feed if e["type"] == "EmployeeAppointed"]
    assert len(appointed) == 300
    kinds = Counter(e["data"]["employment_type"] for e in appointed)
    assert 0.40 <= kinds["pns"] / 300 <= 0.75 and 0.15 <= kinds["pppk_paruh_waktu"] / 300 <= 0.35
    pns_grades = Counter(e["data"]["grade"].split("/")[0] for e in appointed if e["data"]["employment_type"] == "pns")
    assert pns_grades["III"] / sum(pns_grades.values()) >= 0.35 and set(pns_grades) <= {"I", "II", "III", "IV"}
    annual = Counter(e["data"]["predikat"] for e in feed if e["type"] == "PerformanceEvaluated"
                     and e["data"]["period"]["kind"] == "annual")
    total = sum(annual.values())
    assert 0.60 <= annual["baik"] / total <= 0.92
    assert 0.04 <= annual["sangat_baik"] / total <= 0.25
    assert (annual["butuh_perbaikan"] + annual["kurang"] + annual["sangat_kurang"]) / total <= 0.2


def test_training_hours_stay_within_0_to_60_jp_and_inside_each_budget(demo):
    world, feed, _ = demo
    jp: dict[tuple[str, int], int] = defaultdict(int)
    for e in feed:  # leadership courses (PKP, PKA, PKN) lie beyond the demo's own 60 JP cap for the rest
        if e["type"] == "TrainingCompleted" and e["data"]["form"] != "pelatihan_kepemimpinan":
            jp[(e["subject"], int(e["data"]["end_date"][:4]))] += e["data"]["jp"]
    assert max(jp.values()) <= 60
    mean = sum(jp.values()) / len(jp)
    assert 10 <= mean <= 45
    allocated: dict[tuple[str, int], int] = defaultdict(int)
    realised: dict[tuple[str, int], int] = defaultdict(int)
    for e in feed:
        key = (e["subject"], e["data"].get("year"))
        if e["type"] == "TrainingBudgetAllocated":
            allocated[key] += e["data"]["amount"]
        elif e["type"] == "TrainingBudgetRealised":
            realised[key] += e["data"]["amount"]
    assert all(realised[k] <= allocated[k] for k in realised)
    use = sum(realised.values()) / sum(allocated.values())
    assert 0.3 <= use <= 1.0


def test_the_same_seed_gives_the_same_city_and_another_seed_another():
    a = [e.body for e in generate(250, 1, seed=3, today=TODAY).plan.ordered()]
    b = [e.body for e in generate(250, 1, seed=3, today=TODAY).plan.ordered()]
    c = [e.body for e in generate(250, 1, seed=4, today=TODAY).plan.ordered()]
    assert a == b and a != c


def test_nips_are_unique_and_encode_birth_date_and_tmt_cpns(demo):
    world, _, _ = demo
    nips = [p.nip for p in world.people]
    assert len(nips) == len(set(nips))
    for p in world.people:
        assert p.nip[:8] == f"{p.birth:%Y%m%d}" and len(p.nip) == 18
        if p.employment_type == "pns":
            cpns = date(int(p.nip[8:12]), int(p.nip[12:14]), 1)
            assert cpns >= date(p.birth.year + 18, p.birth.month, 1) and p.nip[14] in "12"


def _wib(e: dict) -> datetime:
    return datetime.fromisoformat(e["recorded_at"].replace("Z", "+00:00")).astimezone(WIB)


def test_teachers_sit_in_schools_under_the_dinas_and_are_evaluated_by_their_principal(demo):
    _, feed, _ = demo
    schools = {e["subject"] for e in feed if e["type"] == "UnitRegistered" and e["data"].get("kind") == "sekolah"}
    assert schools and all(e["data"]["parent"] == "DISDIK" for e in feed
                           if e["type"] == "UnitRegistered" and e["subject"] in schools)
    appointed = {e["subject"]: e["data"] for e in feed if e["type"] == "EmployeeAppointed"}
    principal = {d["unit"]: nip for nip, d in appointed.items() if "Kepala Sekolah" in d["position"]["title"]}
    assert set(principal) == schools
    teachers = {nip: d["unit"] for nip, d in appointed.items()
                if d["unit"] in schools and "guru" in d["position"]["title"].lower().split() and nip not in
                principal.values()}
    evaluations = [e for e in feed if e["type"] == "PerformanceEvaluated" and e["subject"] in teachers]
    assert evaluations and all(e["data"]["evaluator"] == principal[teachers[e["subject"]]] for e in evaluations)


def test_the_sekda_is_jpt_pratama_evaluated_by_the_wali_kota_and_camat_are_administrators(demo):
    _, feed, _ = demo
    appointed = {e["subject"]: e["data"] for e in feed if e["type"] == "EmployeeAppointed"}
    (sekda,) = [nip for nip, d in appointed.items() if d["position"]["title"] == "Sekretaris Daerah"]
    assert appointed[sekda]["position"]["type"] == "jpt_pratama"
    by_wali_kota = {e["subject"] for e in feed if e["type"] == "PerformanceEvaluated"
                    and isinstance(e["data"]["evaluator"], dict)}
    assert sekda in by_wali_kota and all(appointed[n]["position"]["type"] == "jpt_pratama" for n in by_wali_kota)
    camat = [d for d in appointed.values() if d["position"]["title"] == "Camat"]
    assert len(camat) == 5 and {d["position"]["type"] for d in camat} == {"administrator"}


def test_kelurahan_puskesmas_and_uptd_sit_under_their_opd_headed_by_a_pengawas_who_evaluates_their_staff(demo):
    _, feed, _ = demo
    units = {e["subject"]: e["data"] for e in feed if e["type"] == "UnitRegistered"}
    parents = {"kelurahan": {"kecamatan"}, "puskesmas": {"dinas"}, "uptd": {"dinas"}}
    sub = {code: d for code, d in units.items() if d.get("kind") in parents}
    assert {d["kind"] for d in sub.values()} == set(parents)
    assert all(units[d["parent"]]["kind"] in parents[d["kind"]] for d in sub.values())
    appointed = {e["subject"]: e["data"] for e in feed if e["type"] == "EmployeeAppointed"}
    heads = {d["unit"]: nip for nip, d in appointed.items()
             if d["unit"] in sub and d["position"]["type"] == "pengawas"}
    assert set(heads) == set(sub)
    staff = {nip: d["unit"] for nip, d in appointed.items() if d["unit"] in sub and nip not in heads.values()}
    evaluations = [e for e in feed if e["type"] == "PerformanceEvaluated" and e["subject"] in staff]
    assert evaluations and all(e["data"]["evaluator"] == heads[staff[e["subject"]]] for e in evaluations)


def test_officials_follow_the_leadership_course_of_their_post_once(demo):
    _, feed, _ = demo
    posts = {e["subject"]: e["data"]["position"]["type"] for e in feed if e["type"] == "EmployeeAppointed"}
    courses = [e for e in feed if e["type"] == "TrainingCompleted" and e["data"]["form"] == "pelatihan_kepemimpinan"]
    wanted = {"pengawas": "(PKP)", "administrator": "(PKA)", "jpt_pratama": "(PKN II)"}
    assert courses and {posts[e["subject"]] for e in courses} <= set(wanted)
    assert all(e["data"]["title"].endswith(wanted[posts[e["subject"]]]) for e in courses)
    assert len({e["subject"] for e in courses}) == len(courses)
