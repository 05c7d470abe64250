"""Load and crash scenarios: client processes post a seeded mix of events to a real `jejak serve`,
write every answer to a file, and `audit` holds the ledger to those files.

Each client process has its own recorder key (`loader-<n>`), its own unit and four own employees
(whose stream versions only it changes, so it knows them exactly), and writes to twelve shared
employees and two shared units beside the other processes. Every request carries an
Idempotency-Key; a connection error, a timeout or a 503 is retried with the same key until an
answer comes, and some acknowledged requests are sent again on purpose.

Every request's answer is one JSON line in `answers-<n>.jsonl`: its key, kind, the statuses of
its attempts, its final status and error code, and the receipts of a 200/201.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROCESSES, REQUESTS = 8, 500


def server_threads(db_url: str) -> int:
    """Threads per server worker: 4, jejak serve's default, on both backends.

    SQLite ran with 1 until the background catch-up stopped reading the ledger inside its write
    transaction (projections.runner `_prefetch`): a writer thread queued on the event store's
    connection pool for the lock the catch-up held, and both waited out their timeouts (74 503s
    and 139 s for this scenario, against 0 and 30 s since).
    """
    return 4
SHARED_UNITS = ("DINKES", "BKPSDM")
SHARED_EMPLOYEES, OWN_EMPLOYEES = 12, 4
BUDGET = 10**12  # never exhausted: a refused training would only test the budget rule, not the load
COST = 150_000
SK = {"number": "800/7/BKPSDM/2025", "date": "2025-01-02"}
RETRY_FOR = 240.0   # seconds one request is retried (server restarts included) before the client gives up
HTTP_TIMEOUT = 60.0  # long: a timed-out request still running beside its retry would blur the accounting
JEJAK = str(Path(sys.executable).parent / "jejak")

# The mix after each client's two setup requests (its unit, then its employees): kind -> weight.
MIX = {"training": 24, "leave": 10, "penalty": 4, "ticket": 3, "allocate": 5, "batch": 18,
       "fresh": 10, "racy": 7, "stale": 5, "stale-batch": 3, "annul": 3, "resend": 8}


def nip(i: int) -> str:
    """A valid PNS NIP (born 1985-03-12, TMT CPNS 2010-01), distinct for each i < 1000."""
    return f"19850312201001{1 + i % 2}{i % 1000:03d}"


def shared_employees() -> list[str]:
    return [nip(i) for i in range(SHARED_EMPLOYEES)]


def own_employees(index: int) -> list[str]:
    return [nip(100 + 10 * index + k) for k in range(OWN_EMPLOYEES)]


def own_unit(index: int) -> str:
    return f"OPD-{index}"


# --- bodies ---------------------------------------------------------------------------------------

def unit(code: str) -> dict[str, Any]:
    return {"type": "UnitRegistered", "subject": code, "data": {"name": f"Unit {code}"}}


def allocate(code: str, amount: int = BUDGET) -> dict[str, Any]:
    return {"type": "TrainingBudgetAllocated", "subject": code, "data": {"year": 2025, "amount": amount}}


def appoint(n: str, code: str) -> dict[str, Any]:
    return {"type": "EmployeeAppointed", "subject": n, "effective_date": "2010-01-01", "legal_basis": SK,
            "data": {"employment_type": "pns", "name": f"Pegawai {n[-3:]}", "grade": "III/a",
                     "position": {"type": "pelaksana", "title": "Staf"}, "unit": code}}


def training(n: str, funding_unit: str, jp: int, cost: int) -> dict[str, Any]:
    return {"type": "TrainingCompleted", "subject": n,
            "data": {"path": "klasikal", "form": "bimtek", "title": "Bimtek Pelayanan Publik",
                     "provider": "BPSDM Sumut", "start_date": "2025-03-03", "end_date": "2025-03-05",
                     "jp": jp, "cost": cost, "funding_unit": funding_unit}}


def leave(n: str, day: int) -> dict[str, Any]:
    on = f"2025-{1 + day % 12:02d}-{1 + day % 28:02d}"
    return {"type": "LeaveGranted", "subject": n,
            "data": {"kind": "sakit", "start_date": on, "end_date": on, "days": 1}}


def penalty(n: str) -> dict[str, Any]:
    return {"type": "DisciplinaryPenaltyImposed", "subject": n, "effective_date": "2025-05-01",
            "legal_basis": SK, "data": {"level": "ringan", "kind": "teguran_lisan", "reason": "Terlambat"}}


def ticket(t: str, code: str) -> dict[str, Any]:
    return {"type": "FeedbackReceived", "subject": t,
            "data": {"classification": "pengaduan", "unit": code, "message": "Antrian lama", "anonymous": True}}


def annul(n: str, event_id: str) -> dict[str, Any]:
    return {"type": "Annulled", "subject": n, "reason": "SK pelatihan dibatalkan", "data": {"event_id": event_id}}


def setup_bodies() -> list[dict[str, Any]]:
    """The shared world, posted once before the clients start: two funded units, twelve employees."""
    shared = shared_employees()
    return ([unit(c) for c in SHARED_UNITS] + [allocate(c) for c in SHARED_UNITS]
            + [appoint(n, SHARED_UNITS[i % 2]) for i, n in enumerate(shared)])


# --- a client process -------------------------------------------------------------------------------

@dataclass
class Call:
    key: str
    kind: str
    path: str
    body: Any
    resend_of: str | None = None

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.body["events"] if self.path.endswith("/batch") else [self.body]


class Http:
    """One keep-alive connection with plain `http.client`: a quarter of `requests`' CPU per request,
    which matters with eight clients and two server workers on two cores."""

    def __init__(self, base: str, token: str) -> None:
        url = urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn: http.client.HTTPConnection | None = None

    def post(self, path: str, raw: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=HTTP_TIMEOUT)
        try:
            self.conn.request("POST", path, body=raw, headers={**self.headers, **headers})
            resp = self.conn.getresponse()
            body = resp.read()
        except BaseException:
            self.close()
            raise
        if resp.will_close:
            self.close()
        return resp.status, body

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def post(http_: Http, call: Call, deadline: float = RETRY_FOR) -> dict[str, Any]:
    """Send `call` until it is answered: connection errors, timeouts and 503s are retried with the
    same Idempotency-Key (so is another 5xx, at most three times, after being counted)."""
    raw = json.dumps(call.body).encode()
    headers = {"Idempotency-Key": call.key}
    attempts: list[Any] = []
    give_up = time.monotonic() + deadline
    while True:
        try:
            status, body = http_.post(call.path, raw, headers)
        except TimeoutError:
            attempts.append("timeout")
        except (OSError, http.client.HTTPException):  # refused, reset, closed before the answer
            attempts.append("connection")
        else:
            attempts.append(status)
            other_5xx = sum(1 for a in attempts if isinstance(a, int) and a >= 500 and a != 503)
            if status < 500 or (status != 503 and other_5xx >= 3):
                try:
                    answer = json.loads(body)
                except ValueError:
                    answer = {"text": body[:500].decode("utf-8", "replace")}
                return {"status": status, "attempts": attempts, "answer": answer}
        if time.monotonic() > give_up:
            return {"status": None, "attempts": attempts, "answer": None}
        # Retry soon (sooner than Retry-After's 1 s: the scenario wants the load, not the politeness).
        time.sleep(random.uniform(0.02, 0.12))


class Client:
    """One process's seeded requests, each decided from what the earlier answers said."""

    def __init__(self, index: int, seed: int) -> None:
        self.index = index
        self.rnd = random.Random(f"{seed}/{index}")
        self.unit = own_unit(index)
        self.own = own_employees(index)
        self.shared = shared_employees()
        self.units = list(SHARED_UNITS) + [self.unit]
        self.versions: dict[str, int] = {}   # own employees: exact (nobody else writes them)
        self.seen: dict[str, int] = {}       # shared employees: the last version this client saw
        self.acked: list[Call] = []
        self.paid: list[tuple[str, str]] = []  # own employees' paid trainings not yet annulled
        self.n = 0
        self.kinds, self.weights = list(MIX), list(MIX.values())

    def key(self) -> str:
        return f"load-p{self.index}-{self.n}"

    def employee(self) -> str:
        return self.rnd.choice(self.shared if self.rnd.random() < 0.6 else self.own)

    def some_event(self) -> dict[str, Any]:
        r = self.rnd.random()
        if r < 0.55:
            return training(self.employee(), self.rnd.choice(self.units), self.rnd.randint(2, 8),
                            self.rnd.choice([0, COST]))
        if r < 0.85:
            return leave(self.employee(), self.rnd.randrange(1000))
        return allocate(self.rnd.choice(SHARED_UNITS), 1000)

    def next_call(self) -> Call:
        single = "/v1/events"
        if self.n == 0:
            return Call(self.key(), "setup", single + "/batch", {"events": [unit(self.unit), allocate(self.unit)]})
        if self.n == 1:
            return Call(self.key(), "setup", single + "/batch",
                        {"events": [appoint(n, self.unit) for n in self.own]})
        kind = self.rnd.choices(self.kinds, self.weights)[0]
        if kind == "annul" and not self.paid:
            kind = "training"
        if kind == "resend" and not self.acked:
            kind = "leave"
        if kind == "resend":
            again = self.rnd.choice(self.acked)
            return Call(again.key, "resend", again.path, again.body, resend_of=again.key)
        if kind == "training":
            return Call(self.key(), kind, single, training(self.employee(), self.rnd.choice(self.units),
                                                           self.rnd.randint(2, 8), self.rnd.choice([0, COST])))
        if kind == "leave":
            return Call(self.key(), kind, single, leave(self.employee(), self.rnd.randrange(1000)))
        if kind == "penalty":
            return Call(self.key(), kind, single, penalty(self.employee()))
        if kind == "ticket":
            return Call(self.key(), kind, single, ticket(f"LPR-{self.index}-{self.n}", self.rnd.choice(SHARED_UNITS)))
        if kind == "allocate":
            return Call(self.key(), kind, single, allocate(self.rnd.choice(SHARED_UNITS), 1000))
        if kind == "batch":
            return Call(self.key(), kind, single + "/batch",
                        {"events": [self.some_event() for _ in range(self.rnd.randint(2, 4))]})
        if kind == "fresh":  # the exact current version of an own employee: must be recorded
            n = self.rnd.choice(self.own)
            return Call(self.key(), kind, single, {**leave(n, self.rnd.randrange(1000)),
                                                   "expected_version": self.versions[n]})
        if kind == "racy":  # a shared employee at the version last seen: recorded or refused 409
            n = self.rnd.choice(self.shared)
            return Call(self.key(), kind, single, {**training(n, self.rnd.choice(self.units), 2, 0),
                                                   "expected_version": self.seen.get(n, 1)})
        if kind == "stale":  # a version the stream has certainly left: must be refused 409
            n = self.rnd.choice(self.own)
            version = self.versions[n] - 1 if self.versions[n] > 1 else 0
            return Call(self.key(), kind, single, {**leave(n, 3), "expected_version": version})
        if kind == "stale-batch":  # a valid event, then a stale one: the whole batch refused
            n = self.rnd.choice(self.own)
            version = self.versions[n] - 1 if self.versions[n] > 1 else 0
            return Call(self.key(), kind, single + "/batch", {"events": [
                training(n, self.unit, 4, COST), {**leave(n, 5), "expected_version": version}]})
        assert kind == "annul"
        n, event_id = self.paid.pop(self.rnd.randrange(len(self.paid)))
        return Call(self.key(), kind, single, annul(n, event_id))

    def learn(self, call: Call, result: dict[str, Any]) -> None:
        if result["status"] not in (200, 201):
            return
        answer = result["answer"]
        receipts = answer["receipts"] if call.path.endswith("/batch") else [answer]
        if call.kind != "resend":
            self.acked.append(call)
        for body, receipt in zip(call.events, receipts):
            subject = receipt["subject"]
            if subject in self.own:
                self.versions[subject] = max(self.versions.get(subject, 0), receipt["version"])
                if body["type"] == "TrainingCompleted" and body["data"]["cost"] > 0 and call.kind != "resend":
                    self.paid.append((subject, receipt["event_id"]))
            elif subject in self.shared:
                self.seen[subject] = max(self.seen.get(subject, 0), receipt["version"])


def client_process(index: int, base: str, token: str, out: str, seed: int, count: int, progress: Any) -> None:
    """A client process's body (a `multiprocessing` target): `count` requests, one answer line each."""
    client = Client(index, seed)
    connection = Http(base, token)
    with open(out, "w", encoding="utf-8") as sink:
        for client.n in range(count):
            call = client.next_call()
            result = post(connection, call)
            client.learn(call, result)
            answer = result["answer"] or {}
            sink.write(json.dumps({
                "key": call.key, "actor": f"loader-{index}", "kind": call.kind, "path": call.path,
                "resend_of": call.resend_of, "types": [e["type"] for e in call.events],
                "subjects": [e["subject"] for e in call.events],
                "costs": [e["data"].get("cost", 0) if e["type"] == "TrainingCompleted" else 0 for e in call.events],
                "annuls": call.body["data"]["event_id"] if call.kind == "annul" else None,
                "status": result["status"], "attempts": result["attempts"],
                "code": (answer.get("error") or {}).get("code"),
                "message": (answer.get("error") or {}).get("message"),
                "receipts": (answer.get("receipts") if call.path.endswith("/batch") else [answer])
                if result["status"] in (200, 201) else None,
            }) + "\n")
            sink.flush()
            with progress.get_lock():
                progress.value += 1


# --- running the clients --------------------------------------------------------------------------

class Load:
    """The scenario around one running server: setup, the client processes, then the answers."""

    def __init__(self, base: str, db_url: str, admin_token: str, tmp: Path, seed: int,
                 processes: int = PROCESSES, requests_each: int = REQUESTS) -> None:
        import multiprocessing

        from api.keys import KeyStore

        self.base, self.db_url, self.admin, self.tmp, self.seed = base, db_url, admin_token, tmp, seed
        self.processes, self.requests_each = processes, requests_each
        self.ctx = multiprocessing.get_context("spawn")  # no fork of pytest's threads
        self.progress = self.ctx.Value("i", 0)
        store = KeyStore(db_url)
        try:
            self.tokens = [store.create(f"loader-{i}", "recorder") for i in range(processes)]
        finally:
            store.close()
        self.outs = [tmp / f"answers-{i}.jsonl" for i in range(processes)]
        self.setup_answer: dict[str, Any] | None = None
        self.workers: list[Any] = []

    @property
    def total(self) -> int:
        return self.processes * self.requests_each

    def setup(self) -> None:
        """The shared world in one batch (by the admin), answered like any client request."""
        import requests

        got = requests.get(f"{self.base}/v1/event-types", headers={"Authorization": f"Bearer {self.admin}"},
                           timeout=30)
        types = {t["type"]: t for t in got.json()["items"]}
        used = {b["type"] for b in setup_bodies()} | {"TrainingCompleted", "LeaveGranted", "Annulled",
                                                       "DisciplinaryPenaltyImposed", "FeedbackReceived"}
        assert used <= set(types), sorted(used - set(types))  # the catalogue still serves what we post
        call = Call("load-setup", "setup", "/v1/events/batch", {"events": setup_bodies()})
        result = post(Http(self.base, self.admin), call)
        assert result["status"] == 201, result
        self.setup_answer = {"key": call.key, "actor": "admin-live", "kind": "setup", "path": call.path,
                             "resend_of": None, "types": [e["type"] for e in call.events],
                             "subjects": [e["subject"] for e in call.events], "costs": [0] * len(call.events),
                             "annuls": None, "status": 201, "attempts": result["attempts"], "code": None,
                             "receipts": result["answer"]["receipts"]}

    def start(self) -> None:
        for i in range(self.processes):
            p = self.ctx.Process(target=client_process, name=f"loader-{i}",
                                 args=(i, self.base, self.tokens[i], str(self.outs[i]), self.seed,
                                       self.requests_each, self.progress))
            p.start()
            self.workers.append(p)

    def answered(self) -> int:
        return self.progress.value

    def running(self) -> bool:
        return any(p.is_alive() for p in self.workers)

    def stop(self) -> None:
        """End any client process still running (a test that failed early must not leave them retrying)."""
        for p in self.workers:
            if p.is_alive():
                p.terminate()
                p.join()

    def join(self, timeout: float = 420) -> None:
        deadline = time.monotonic() + timeout
        for p in self.workers:
            p.join(max(deadline - time.monotonic(), 1))
        stuck = [p.name for p in self.workers if p.is_alive()]
        for p in self.workers:
            if p.is_alive():
                p.terminate()
                p.join()
        assert not stuck, f"client processes still running after {timeout:.0f} s: {stuck}"
        assert [p.exitcode for p in self.workers] == [0] * self.processes, [p.exitcode for p in self.workers]

    def answers(self) -> list[dict[str, Any]]:
        assert self.setup_answer is not None
        out = [self.setup_answer]
        for path in self.outs:
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return out

    def settle(self) -> None:
        """Ask the server for a read model: the answering worker catches every projection up first."""
        import requests

        resp = requests.get(f"{self.base}/v1/employees?limit=1", headers={"Authorization": f"Bearer {self.admin}"},
                            timeout=300)
        assert resp.status_code == 200, resp.text


# --- the audit ----------------------------------------------------------------------------------------

@dataclass
class Tally:
    requests: int = 0
    events: int = 0
    acknowledged: int = 0
    receipts: int = 0
    derived: int = 0
    lost: int = 0
    duplicated: int = 0
    orphans: int = 0
    half_batches: int = 0
    server_errors: int = 0
    busy_retried: int = 0
    connection_retried: int = 0
    replays: int = 0          # 200s for deliberate resends
    recovered: int = 0        # 200s after a lost answer: the first attempt had committed
    busy_but_recorded: int = 0  # 200s after only 503s: a 503 said "nothing was changed" for a recorded write
    refused: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 40:
            self.problems.append(text)
        else:
            self.problems[-1] = f"... and more (last: {text})"

    def notes(self) -> str:
        refused = ", ".join(f"{k} {v}" for k, v in sorted(self.refused.items()))
        return (f"{self.acknowledged} acknowledged ({self.receipts} receipts, {self.derived} derived budget events); "
                f"{self.busy_retried} 503 database_busy retried; {self.connection_retried} connection errors "
                f"retried; {self.replays} deliberate idempotent resends answered 200 with the original receipts; "
                f"{self.recovered} retries after a lost answer answered 200 ({self.busy_but_recorded} of them after "
                f"a 503 for a recorded write, the fixed snapshot bug); refused: {refused or 'none'}")


EXPECTED = {"setup": {201}, "training": {201}, "leave": {201}, "penalty": {201}, "ticket": {201}, "allocate": {201},
            "batch": {201}, "fresh": {201}, "annul": {201}, "racy": {201, 409}, "stale": {409},
            "stale-batch": {409}, "resend": {200}}


def feed(db_url: str) -> list[dict[str, Any]]:
    """Every event, in position order, read from the ledger itself."""
    from ledger.application import Ledger

    ledger = Ledger(db_url)
    try:
        events: list[dict[str, Any]] = []
        while True:
            page = ledger.feed(events[-1]["position"] if events else 0, 1000)
            if not page:
                return events
            events += page
    finally:
        ledger.close()


def audit(db_url: str, answers: list[dict[str, Any]]) -> Tally:
    """Hold the ledger to the answers: each receipt's event once, at its position; no event without an
    acknowledged request (derived budget events traced to theirs); batches whole or absent; refusals
    absent; stream versions 1..n; positions 1..head; no 5xx but retried 503s."""
    t = Tally(requests=len(answers))
    events = feed(db_url)
    t.events = len(events)
    if [e["position"] for e in events] != list(range(1, len(events) + 1)):
        t.problem("positions are not 1..head without gaps")
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_id[e["event_id"]].append(e)
        if not e["derived"]:
            by_key[(e["actor"], e["idempotency_key"])].append(e)
    t.duplicated = sum(len(v) - 1 for v in by_id.values())

    originals: dict[tuple[str, str], dict[str, Any]] = {}
    for a in answers:
        if a["kind"] != "resend":
            originals[(a["actor"], a["key"])] = a
    for a in answers:
        statuses = a["attempts"]
        t.busy_retried += sum(1 for s in statuses if s == 503)
        t.connection_retried += sum(1 for s in statuses if s in ("connection", "timeout"))
        t.server_errors += sum(1 for s in statuses if isinstance(s, int) and s >= 500 and s != 503)
        lost_answer = any(s in ("connection", "timeout") for s in statuses[:-1])
        status = a["status"]
        if status == 200 and a["kind"] != "resend" and not lost_answer and 503 in statuses:
            t.busy_but_recorded += 1  # a 503 said "nothing was changed" for a recorded write: not allowed below
        # A retry after a lost answer may find its first attempt committed (200), but a stale version never is.
        replayable = lost_answer and a["kind"] not in ("resend", "stale", "stale-batch")
        allowed = EXPECTED[a["kind"]] | ({200} if replayable else set())
        if status not in allowed:
            t.problem(f"{a['key']} ({a['kind']}): answered {status} {a['code'] or ''} after {statuses}: "
                      f"{a.get('message')}")
        if status == 409 and a["code"] != "version_conflict":
            t.problem(f"{a['key']} ({a['kind']}): 409 {a['code']}, not version_conflict")
        if status not in (200, 201):
            if status is not None:
                t.refused[f"{status} {a['code']}"] += 1
            continue
        if a["kind"] == "resend":
            t.replays += 1
            first = originals.get((a["actor"], a["key"]))
            if first is None or first["receipts"] != a["receipts"]:
                t.problem(f"{a['key']}: a resend answered other receipts than the original")
            continue
        if status == 200:
            t.recovered += 1
        t.acknowledged += 1
        if len(a["receipts"]) != len(a["types"]):
            t.problem(f"{a['key']}: {len(a['receipts'])} receipts for {len(a['types'])} events")
        for i, r in enumerate(a["receipts"]):
            t.receipts += 1
            found = by_id.get(r["event_id"], [])
            if not found:
                t.lost += 1
                t.problem(f"{a['key']}: receipt {r['event_id']} (position {r['position']}) is not in the ledger")
                continue
            e = found[0]
            if (e["position"], e["version"], e["type"], e["subject"]) != (r["position"], r["version"], a["types"][i],
                                                                          a["subjects"][i]):
                t.problem(f"{a['key']}: receipt {r} disagrees with the ledger's {e['position']}/{e['version']}")

    # No event without an acknowledged request: its (actor, key) acknowledged, its id among the receipts.
    receipt_ids = {r["event_id"] for a in originals.values() if a["status"] in (200, 201) for r in a["receipts"]}
    for key, found in by_key.items():
        a = originals.get(key)
        if a is None or a["status"] not in (200, 201):
            t.orphans += len(found)
            if a is not None and a["path"].endswith("/batch") and len(found) < len(a["types"]):
                t.half_batches += 1
            answered = f"{a['status']} {a['code']}" if a else "never sent"
            t.problem(f"{len(found)} events of request {key} which was not acknowledged ({answered}; "
                      f"types {[e['type'] for e in found]})")
            continue
        if a["path"].endswith("/batch") and 0 < len(found) < len(a["types"]):
            t.half_batches += 1
        if len(found) != len(a["types"]):  # a batch half recorded, or a request recorded twice
            t.problem(f"request {key}: {len(found)} events in the ledger for {len(a['types'])} sent")
            t.duplicated += max(len(found) - len(a["types"]), 0)
        t.orphans += sum(1 for e in found if e["event_id"] not in receipt_ids)

    # Derived events: a paid training's realisation right after it; an annulled paid training's annulled
    # realisation right after the annulment; nothing else is derived.
    position_of = {e["event_id"]: e["position"] for e in events}
    paid = {r["event_id"] for a in originals.values() if a["status"] in (200, 201)
            for r, cost in zip(a["receipts"], a["costs"]) if cost > 0}
    annulments = {a["annuls"]: a["receipts"][0]["event_id"] for a in originals.values()
                  if a["kind"] == "annul" and a["status"] in (200, 201)}
    realised: dict[str, str] = {}  # training -> its realisation
    for e in events:
        if not e["derived"]:
            continue
        t.derived += 1
        cause = e["data"].get("training_event_id") if e["type"] == "TrainingBudgetRealised" else None
        if cause is not None and cause in paid and cause not in realised:
            realised[cause] = e["event_id"]
            if position_of[cause] != e["position"] - 1:
                t.problem(f"realisation at {e['position']} is not right after its training at {position_of[cause]}")
            continue
        if e["type"] == "Annulled":
            training_id = next((k for k, v in realised.items() if v == e["data"]["event_id"]), None)
            annulment = annulments.get(training_id) if training_id else None
            if annulment is not None and position_of.get(annulment) == e["position"] - 1:
                continue
        t.orphans += 1
        t.problem(f"derived event at {e['position']} ({e['type']}) traces to no acknowledged request")
    unrealised = paid - set(realised)
    if unrealised:
        t.problem(f"{len(unrealised)} acknowledged paid trainings without their budget realisation")

    # Each stream's versions are 1..n in position order.
    versions: dict[str, list[int]] = defaultdict(list)
    for e in events:
        versions[e["stream_id"]].append(e["version"])
    for sid, vs in versions.items():
        if vs != list(range(1, len(vs) + 1)):
            t.problem(f"stream {sid} has versions {vs[:10]}..., not 1..{len(vs)}")
    return t


# --- read models and integrity --------------------------------------------------------------------------

def read_models_equal_a_rebuild(db_url: str) -> list[str]:
    """The read models as the servers left them (caught up to the head) against a rebuild from zero:
    the names of tables that differ, or of projections that were not caught up."""
    from projection_support import dump

    from ledger.application import Ledger
    from projections.runner import Projections

    ledger, projections = Ledger(db_url), Projections(db_url)
    try:
        head = ledger.head()
        behind = [n for n, p in projections.positions().items() if p != head]
        live = dump(projections.engine)
        projections.rebuild(ledger)
        rebuilt = dump(projections.engine)
        return [f"{n} not caught up" for n in behind] + [t for t in live if live[t] != rebuilt[t]]
    finally:
        projections.close()
        ledger.close()


def verify(db_url: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """`jejak verify` as an auditor runs it, with the published public key pinned."""
    env = {**os.environ, "JEJAK_DATABASE_URL": db_url, "JEJAK_SIGNING_KEY": str(tmp / "signing.key")}
    pem = tmp / "published.pem"
    pem.write_text(subprocess.run([JEJAK, "signing-key", "public"], env=env, capture_output=True, text=True,
                                  timeout=60, check=True).stdout)
    return subprocess.run([JEJAK, "verify", "--public-key", str(pem)], env=env, capture_output=True, text=True,
                          timeout=300)


def backend(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgres"
