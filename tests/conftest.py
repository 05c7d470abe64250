"""Shared fixtures: every storage test runs on a real SQLite file and the real PostgreSQL.

Tests follow the house: tests/ledger (with integrity/ and storage/), tests/projections,
tests/api/{http,portal,cli,demo}, tests/bench and tests/reliability. Fixtures live in this file
and in tests/api/conftest.py (apps, keys, a live `jejak serve`); helper modules shared across
rooms live in tests/support/, which this file puts on sys.path.

Files in the working directory: none is ever read or written. `make demo` leaves `jejak.db`,
`jejak-signing.key` and `jejak-contact.key` in the checkout, and on PostgreSQL the keys' default place
is the working directory; so every test starts with JEJAK_DATABASE_URL, JEJAK_SIGNING_KEY and
JEJAK_CONTACT_KEY pointing at files of its own that do not exist yet (tests that need them set their own).

PostgreSQL: one database per test session (created here, dropped at the end);
each test gets an empty `public` schema. In CI a missing PostgreSQL fails the
run: it is never skipped.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))  # shared helper modules

# Set at import, before any fixture of any scope, so module fixtures and subprocesses inherit them too.
ISOLATED = Path(tempfile.mkdtemp(prefix="jejak-test-files-"))
atexit.register(shutil.rmtree, ISOLATED, True)
_per_test = itertools.count()


def _isolated_files(where: Path) -> dict[str, str]:
    where.mkdir(parents=True, exist_ok=True)  # the files are absent; their directory exists, as settings require
    return {"JEJAK_DATABASE_URL": f"sqlite:///{where / 'jejak.db'}",
            "JEJAK_SIGNING_KEY": str(where / "jejak-signing.key"),
            "JEJAK_CONTACT_KEY": str(where / "jejak-contact.key")}


os.environ.update(_isolated_files(ISOLATED / "session"))




def pytest_xdist_make_scheduler(config, log):
    """`make test` (`--dist loadscope`) schedules a module's tests on one backend as one work unit
    (tests/support/scheduling.py); other modes are xdist's own."""
    import scheduling

    return scheduling.module_and_backend(config, log) if config.getvalue("dist") == "loadscope" else None

@pytest.fixture(autouse=True)
def files_of_its_own(monkeypatch):
    """Each test gets its own (absent) database and keys, so one test's key is never another's."""
    where = ISOLATED / f"test-{next(_per_test)}"
    for name, value in _isolated_files(where).items():
        monkeypatch.setenv(name, value)


PG_ADMIN = os.environ.get("JEJAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_url(dbname: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0]
    return f"{base}/{dbname}"


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session (per xdist worker), dropped afterwards."""
    name = f"jejak_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:  # a failure, not a skip: see .ci/run
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {exc}. Start it (see .ci/run).")
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def pg_replica():
    """A streaming replica of the local cluster (tests/support/replica.py), started once and removed at the end.

    Fails, naming why, where a replica cannot be made (no pg_basebackup, replication not allowed and
    pg_hba.conf not writable): .ci/run arranges both, and a skip would hide the missing replica in CI.
    """
    import replica

    try:
        standby = replica.start(PG_ADMIN)
    except replica.ReplicaUnavailable as exc:
        pytest.fail(f"no PostgreSQL streaming replica on this machine: {exc} (run .ci/allow-replication)")
    try:
        yield standby
    finally:
        standby.stop()


def reset_pg(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """A database URL with nothing in it: a new SQLite file, or an emptied PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jejak.db'}"
    url = request.getfixturevalue("pg_database")
    reset_pg(url)
    return url


@pytest.fixture
def ledger(database_url):
    from ledger.application import Ledger

    app = Ledger(database_url)
    yield app
    app.close()


# --- Ledger core: a fixed clock and builders of valid posted bodies ----------------------

class SteppingClock:
    """A recording clock that advances a fixed step on every reading (tests fix recording times)."""

    def __init__(self, start: str = "2026-01-05T01:00:00+00:00", step_seconds: float = 1.0) -> None:
        from datetime import datetime, timedelta

        self.now = datetime.fromisoformat(start)
        self.step = timedelta(seconds=step_seconds)

    def __call__(self):
        self.now += self.step
        return self.now


@pytest.fixture
def clock():
    return SteppingClock()


@pytest.fixture
def clocked_ledger(database_url, clock):
    """A `Ledger` whose recording times come from `clock`."""
    from ledger.application import Ledger

    app = Ledger(database_url, clock=clock)
    yield app
    app.close()


class HRBodies:
    """Valid posted bodies of the core event types, with overridable fields."""

    NIP = "198503122010011002"        # PNS born 1985-03-12, TMT CPNS 2010-01, male, sequence 002
    EVALUATOR = "197901012005011001"  # PNS born 1979-01-01
    PPPK = "199204152023212001"       # NI PPPK born 1992-04-15
    SK = {"number": "800/1/BKPSDM/2025", "date": "2025-01-02"}

    def unit(self, code="BKPSDM", name=None):
        """A unit registration; other codes than BKPSDM are named after their code (no two units share a name)."""
        name = name or ("Badan Kepegawaian dan Pengembangan SDM" if code == "BKPSDM" else f"Dinas {code}")
        return {"type": "UnitRegistered", "subject": code, "data": {"name": name}}

    def budget(self, year=2025, amount=10_000_000, code="BKPSDM"):
        return {"type": "TrainingBudgetAllocated", "subject": code, "data": {"year": year, "amount": amount}}

    def realise(self, amount, year=2025, code="BKPSDM"):
        return {"type": "TrainingBudgetRealised", "subject": code, "data": {"year": year, "amount": amount}}

    def appoint(self, nip=NIP, employment_type="pns", grade="III/a", tmt="2010-01-01", unit="BKPSDM",
                post="pelaksana", **data):
        return {"type": "EmployeeAppointed", "subject": nip, "effective_date": tmt, "legal_basis": self.SK,
                "data": {"employment_type": employment_type, "name": "Budi Santoso", "grade": grade,
                         "position": {"type": post, "title": "Analis SDM"}, "unit": unit, **data}}

    def promote(self, from_grade="III/a", to_grade="III/b", tmt="2025-04-01", nip=NIP, kind="pilihan"):
        return {"type": "PromotionGranted", "subject": nip, "effective_date": tmt, "legal_basis": self.SK,
                "data": {"from_grade": from_grade, "to_grade": to_grade, "kind": kind}}

    def transfer(self, from_unit="BKPSDM", to_unit="DINKES", tmt="2025-03-01", nip=NIP):
        return {"type": "Transferred", "subject": nip, "effective_date": tmt, "legal_basis": self.SK,
                "data": {"from_unit": from_unit, "to_unit": to_unit}}

    def plan(self, year=2025, evaluator=EVALUATOR, nip=NIP):
        return {"type": "PerformancePlanned", "subject": nip,
                "data": {"year": year, "approach": "kuantitatif", "evaluator": evaluator,
                         "results": [{"indicator": "Dokumen selesai", "target": "12 dokumen"}]}}

    def evaluate(self, year=2025, results="sesuai", behaviour="sesuai", predikat="baik", evaluator=EVALUATOR,
                 nip=NIP, evaluated_on=None):
        data = {"period": {"year": year, "kind": "annual"}, "results_rating": results,
                "behaviour_rating": behaviour, "predikat": predikat, "evaluator": evaluator}
        if evaluated_on:
            data["evaluated_on"] = evaluated_on
        return {"type": "PerformanceEvaluated", "subject": nip, "data": data}

    def object(self, evaluation_event_id, filed_on, nip=NIP):
        return {"type": "ObjectionFiled", "subject": nip,
                "data": {"evaluation_event_id": evaluation_event_id, "filed_on": filed_on,
                         "grounds": "Capaian tidak dinilai lengkap"}}

    def penalty(self, level="ringan", kind="teguran_lisan", tmt="2025-05-01", nip=NIP):
        return {"type": "DisciplinaryPenaltyImposed", "subject": nip, "effective_date": tmt, "legal_basis": self.SK,
                "data": {"level": level, "kind": kind, "reason": "Terlambat berulang kali"}}

    def leave(self, kind="tahunan", start="2025-06-02", end="2025-06-06", days=5, nip=NIP):
        return {"type": "LeaveGranted", "subject": nip,
                "data": {"kind": kind, "start_date": start, "end_date": end, "days": days}}

    def training(self, jp=20, cost=0, funding_unit="BKPSDM", end="2025-07-04", nip=NIP):
        return {"type": "TrainingCompleted", "subject": nip,
                "data": {"path": "klasikal", "form": "pelatihan_teknis", "title": "Manajemen ASN",
                         "provider": "BPSDM Sumut", "start_date": "2025-07-01", "end_date": end, "jp": jp,
                         "cost": cost, "funding_unit": funding_unit}}

    def separate(self, kind="resigned", tmt="2025-08-01", nip=NIP):
        return {"type": "Separated", "subject": nip, "effective_date": tmt, "legal_basis": self.SK,
                "data": {"kind": kind}}

    def correct(self, event_id, fields, subject=NIP):
        return {"type": "Corrected", "subject": subject, "reason": "Salah ketik pada SK",
                "data": {"event_id": event_id, "fields": fields}}

    def annul(self, event_id, subject=NIP):
        return {"type": "Annulled", "subject": subject, "reason": "SK dibatalkan", "data": {"event_id": event_id}}

    def feedback(self, ticket="LPR-0001", unit="BKPSDM"):
        return {"type": "FeedbackReceived", "subject": ticket,
                "data": {"classification": "pengaduan", "unit": unit, "message": "Antrian terlalu lama",
                         "anonymous": True}}

    def step(self, type_, ticket="LPR-0001", **data):
        return {"type": type_, "subject": ticket, "data": data}

    # --- recording ---------------------------------------------------------------------

    @staticmethod
    def record(ledger, *bodies):
        """Record each body on its own; return the receipts."""
        return [ledger.record([b], "clerk")[0][0] for b in bodies]

    def employee(self, ledger, *bodies, nip=NIP, **appointment):
        """A registered BKPSDM and DINKES with budgets, an employee appointed, then `bodies`."""
        self.record(ledger, self.unit(), self.unit("DINKES", "Dinas Kesehatan"), self.budget(),
                    self.appoint(nip=nip, **appointment))
        return self.record(ledger, *bodies)

    @staticmethod
    def finds(ledger, body, *rules):
        """Assert `body` is recorded with exactly the findings of `rules` (none when no rule is named),
        each citing its regulation in both languages; return the recorded event."""
        receipt = ledger.record([body], "clerk")[0][0]
        event = ledger.event(receipt["event_id"])
        assert [f["rule"] for f in event["findings"]] == list(rules), event["findings"]
        for f in event["findings"]:
            assert f["regulation"] and f["article"] and f["severity"] in ("info", "warning", "serious")
            assert f["message"] and f["message_id"] and f["message"] != f["message_id"]
        return event

    @staticmethod
    def refuses(ledger, body, rule, field=None):
        """Assert `body` is refused naming `rule` (both languages) and that nothing was stored."""
        from ledger.errors import RuleViolated

        head, feed = ledger.head(), ledger.feed(0, 10_000)
        with pytest.raises(RuleViolated) as caught:
            ledger.record([body], "clerk")
        err = caught.value
        assert err.rule == rule, (err.rule, err.message)
        assert err.message and err.message_id and err.message != err.message_id
        if field is not None:
            assert err.field == field and err.message.startswith(f"{field}: ")
        assert ledger.head() == head
        assert ledger.feed(0, 10_000) == feed
        return err


@pytest.fixture
def hr():
    return HRBodies()
