"""Live-built projections (random chunk sizes, crashes between rows and tracking) equal a rebuild from zero."""

from __future__ import annotations

import random
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import projection_support as s
from ledger.application import Ledger
from ledger.errors import LedgerError
from ledger.rules import PNS_GRADES, PREDIKAT_MATRIX
from projections.runner import NAMES, Projections


class Crash(Exception):
    """Injected between a chunk's rows and its tracking position."""


OPS = ["appoint", "promote", "transfer", "evaluate", "train", "allocate", "ticket", "step", "intern",
       "correct", "annul", "burst"]
UNITS = ["BKPSDM", "DINKES", "DISDIK"]


def current(ledger: Ledger, n: str) -> dict:
    try:
        return ledger.state("employee", n)
    except LedgerError:  # e.g. its appointment was annulled
        return {}


def play(ledger: Ledger, clock: s.Clock, rnd: random.Random, ops: list[str], world: dict) -> None:
    """Record a random but mostly valid history; refusals are simply skipped."""
    people: list[str] = world.setdefault("people", [])
    receipts: list[tuple[str, dict]] = world.setdefault("receipts", [])
    tickets: dict[str, int] = world.setdefault("tickets", {})
    if not world.get("units"):
        for code in UNITS:
            s.record(ledger, s.unit(code))
        world["units"] = True
    for op in ops:
        clock.advance(minutes=rnd.choice([1, 3, 45, 200, 700]))
        body = None
        if op == "appoint" or not people:
            n = s.nip(len(people))
            body = s.appoint(n, rnd.choice(UNITS), rnd.choice(["pelaksana", "pengawas", "administrator",
                                                               "jpt_pratama"]),
                             eff=rnd.choice(["2025-10-01", "2024-01-15"]))
            if rnd.random() < 0.3:  # PPPK: no 20 JP duty, a 24 JP ceiling, no golongan ladder
                body["data"].update(employment_type=rnd.choice(["pppk", "pppk_paruh_waktu"]), grade="IX")
            people.append(n)
        elif op == "promote":
            n = rnd.choice(people)
            grade = current(ledger, n).get("grade")
            grade = grade if grade in PNS_GRADES else "III/a"  # a PPPK's promotion is refused and skipped
            nxt = PNS_GRADES[min(PNS_GRADES.index(grade) + 1, len(PNS_GRADES) - 1)]
            body = s.promote(n, grade, nxt, eff=f"2026-{rnd.randint(1, 12):02d}-01",
                             on_behalf_of=rnd.choice([n, "198001012005011001"]))
        elif op == "transfer":
            n = rnd.choice(people)
            here = current(ledger, n).get("unit") or UNITS[0]
            body = s.transfer(n, here, rnd.choice([u for u in UNITS if u != here]))
        elif op == "evaluate":
            n, ev = rnd.choice(people), rnd.choice(people)
            s.try_record(ledger, s.plan(n, ev, 2025))
            r, b = rnd.choice(list(PREDIKAT_MATRIX))
            body = s.evaluate(n, ev, 2025, r, b, PREDIKAT_MATRIX[(r, b)])
        elif op == "train":
            body = s.train(rnd.choice(people), rnd.choice(UNITS), jp=rnd.randint(1, 30),
                           cost=rnd.choice([0, 100_000, 900_000]))
        elif op == "allocate":
            body = s.allocate(rnd.choice(UNITS), rnd.choice([500_000, 2_000_000]))
        elif op == "ticket":
            t = f"LPR-{len(tickets)}"
            tickets[t] = 0
            body = s.ticket(t, rnd.choice(UNITS))
        elif op == "step" and tickets:
            t = rnd.choice(sorted(tickets))
            seq = ["FeedbackVerified", "FeedbackDispositioned", "FeedbackResponded", "FeedbackClosed"]
            if tickets[t] < len(seq):
                data = {"to_unit": rnd.choice(UNITS)} if seq[tickets[t]] == "FeedbackDispositioned" else (
                    {"response": "Sudah ditangani"} if seq[tickets[t]] == "FeedbackResponded" else {})
                body = s.step(t, seq[tickets[t]], **data)
                tickets[t] += 1
        elif op == "intern":
            body = s.intern(f"MAG-{rnd.randint(0, 3)}", rnd.choice(UNITS), rnd.choice(people))
        elif op == "correct" and receipts:
            subject, rec = rnd.choice(receipts)
            fields = {"PromotionGranted": {"kind": "pilihan"}, "EmployeeAppointed": {"name": "Nama Benar"},
                      "TrainingCompleted": {"jp": rnd.randint(1, 40)},
                      "TrainingBudgetAllocated": {"amount": 3_000_000},
                      "Transferred": {"effective_date": "2025-01-02"}}.get(rec["type"], {"effective_date": "2025-06-01"})
            body = s.correct(subject, rec["event_id"], **fields)
        elif op == "annul" and receipts:
            subject, rec = rnd.choice(receipts)
            body = s.annul(subject, rec["event_id"])
        elif op == "burst":
            clock.now = clock.now.replace(hour=15)  # 22:00 WIB
            for _ in range(21):
                clock.advance(seconds=30)
                s.try_record(ledger, s.allocate(rnd.choice(UNITS), 1000), actor="night-sync")
        if body is not None:
            rec = s.try_record(ledger, body, actor=rnd.choice(["bkpsdm-clerk", "siasn-sync", people[0]]))
            if rec is not None:
                receipts.append((body["subject"], rec))


def build_live(projections: Projections, ledger: Ledger, rnd: random.Random, crashes: int) -> int:
    """Catch up in random chunk sizes; some chunks crash after their rows and before tracking."""
    seen = 0

    def fault(name: str, events: list) -> None:
        if rnd.random() < 0.15:
            before = s.dump(projections.engine, [name]), s.tracking(projections.engine)[name]
            raise Crash((name, before))

    projections.fault = fault
    while s.tracking(projections.engine) != {n: ledger.head() for n in NAMES}:
        try:
            projections.catch_up(ledger, chunk_size=rnd.choice([1, 2, 3, 7, 50]))
        except Crash as crash:
            name, (rows, position) = crash.args[0]
            # The crashed transaction left neither its rows nor its position.
            assert s.dump(projections.engine, [name]) == rows
            assert s.tracking(projections.engine)[name] == position
            seen += 1
    projections.fault = None
    return seen


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ops=st.lists(st.sampled_from(OPS), min_size=5, max_size=35), seed=st.integers(0, 2**32 - 1))
def test_tables_built_live_with_crashes_equal_tables_rebuilt_from_zero(database_url, tmp_path, ops, seed):
    url = f"sqlite:///{tmp_path / (uuid.uuid4().hex + '.db')}" if database_url.startswith("sqlite") else database_url
    if url.startswith("postgres"):
        s.reset_pg(url)
    rnd = random.Random(seed)
    clock = s.Clock()
    ledger = Ledger(url, clock=clock)
    projections = Projections(url)
    try:
        half, world = len(ops) // 2, {}
        play(ledger, clock, rnd, ops[:half], world)
        build_live(projections, ledger, rnd, crashes=1)
        play(ledger, clock, rnd, ops[half:], world)
        build_live(projections, ledger, rnd, crashes=1)
        live = s.dump(projections.engine)
        fresh = Projections(url)  # a new process's view: no cached facts
        fresh.rebuild(ledger)
        rebuilt = s.dump(fresh.engine)
        fresh.close()
        for table in live:
            assert live[table] == rebuilt[table], table
    finally:
        projections.close()
        ledger.close()


def test_a_redelivered_chunk_changes_nothing(ledger):
    projections = Projections(ledger_url(ledger))
    try:
        s.record(ledger, s.unit("DINKES"))
        s.record(ledger, s.appoint(s.nip(1), "DINKES"))
        projections.catch_up(ledger)
        before = s.dump(projections.engine), s.tracking(projections.engine)
        for name in NAMES:  # deliver every event again, as a second worker would
            from projections.source import Chunk, read

            events = read(ledger, 0, 100)
            projections._apply(name, events, Chunk(events, projections._facts_for(ledger)),
                               projections._facts_for(ledger))
        assert (s.dump(projections.engine), s.tracking(projections.engine)) == before
    finally:
        projections.close()


def ledger_url(ledger: Ledger) -> str:
    env = ledger.env
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.sqlite":
        return f"sqlite:///{env['SQLITE_DBNAME']}"
    return (f"postgresql://{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
            f"/{env['POSTGRES_DBNAME']}")


@pytest.mark.parametrize("name", NAMES)
def test_rebuilding_one_projection_leaves_the_others_alone(ledger, name):
    projections = Projections(ledger_url(ledger))
    try:
        s.record(ledger, s.unit("DINKES"))
        s.record(ledger, s.appoint(s.nip(1), "DINKES"))
        projections.catch_up(ledger)
        before = s.dump(projections.engine)
        projections.rebuild(ledger, name)
        assert s.dump(projections.engine) == before
        assert s.tracking(projections.engine) == {n: ledger.head() for n in NAMES}
    finally:
        projections.close()


def test_rebuilding_in_two_processes_equals_rebuilding_in_one(database_url):
    clock, rnd = s.Clock(), random.Random(7)
    ledger = Ledger(database_url, clock=clock)
    projections = Projections(database_url)
    try:
        play(ledger, clock, rnd, [rnd.choice(OPS) for _ in range(40)], {})
        projections.rebuild(ledger)
        one = s.dump(projections.engine)
        assert projections.rebuild(ledger, workers=2) == ledger.head()
        assert s.dump(projections.engine) == one
        assert s.tracking(projections.engine) == {n: ledger.head() for n in NAMES}
    finally:
        projections.close()
        ledger.close()
