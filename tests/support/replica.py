"""A real PostgreSQL streaming replica of the local cluster, made with `pg_basebackup -R` in a temp dir.

The cluster's files must belong to the user that runs the server (PostgreSQL refuses root), so when the
tests run as root every `pg_*` command runs as the owner of the primary's data directory (`runuser`).
A replication slot keeps the WAL the replica has not yet received; it is dropped with the replica, and
slots left by a killed run (named `jejak_test_replica_<pid>`, their pid gone) are dropped on the next start.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("JEJAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
SLOT_PREFIX = "jejak_test_replica_"
ROOT = Path(__file__).resolve().parents[2]


class ReplicaUnavailable(RuntimeError):
    """Why no replica can be made on this machine (the tests skip naming it)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(owner: str, *command: str) -> list[str]:
    if os.geteuid() == 0 and owner != "root":
        return ["runuser", "-u", owner, "--", *command]
    return list(command)


def _drop_stale_slots(admin: psycopg.Connection) -> None:
    for (slot,) in admin.execute("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE %s AND NOT active",
                                 (SLOT_PREFIX + "%",)).fetchall():
        pid = slot[len(SLOT_PREFIX):].split("_", 1)[0]
        if not pid.isdigit() or not Path(f"/proc/{pid}").exists():
            admin.execute("SELECT pg_drop_replication_slot(%s)", (slot,))


@dataclass
class Replica:
    """A running hot standby: its URL base, data directory and the slot it streams through."""

    admin_url: str  # the primary's maintenance database
    port: int
    where: Path
    owner: str
    slot: str
    options: str = ""

    def url(self, primary_url: str) -> str:
        """The replica's URL for a database of the primary (the same name: a physical copy holds them all)."""
        base, dbname = primary_url.rsplit("/", 1)
        host = base.rsplit("@", 1)
        return f"{host[0]}@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str) -> list[tuple]:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            cur = conn.execute(sql)
            return cur.fetchall() if cur.description else []

    def pause(self) -> None:
        """Stop replaying WAL (it is still received): the replica's reads stay where they are."""
        self.execute("SELECT pg_wal_replay_pause()")
        deadline = time.monotonic() + 10
        while self.execute("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
            if time.monotonic() > deadline:
                raise AssertionError("the replica did not pause its replay within 10 s")
            time.sleep(0.01)

    def resume(self) -> None:
        self.execute("SELECT pg_wal_replay_resume()")

    def caught_up(self, timeout: float = 30.0) -> None:
        """Wait until the replica has replayed everything the primary has written so far."""
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            target = admin.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + timeout
        while True:
            (done,) = self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]
            if done:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")
            time.sleep(0.01)

    def halt(self) -> None:
        """Stop the replica's server (a crash or a restart, as its clients see it); `start_again` brings it back."""
        subprocess.run(_as_owner(self.owner, str(BIN / "pg_ctl"), "-D", str(self.where / "data"), "-m", "immediate",
                                 "-w", "stop"), capture_output=True, check=True)

    def start_again(self) -> None:
        _run(self.owner, str(BIN / "pg_ctl"), "-D", str(self.where / "data"), "-l", str(self.where / "log"), "-w",
             "-t", "60", "-o", self.options, "start")
        self.caught_up()

    def stop(self) -> None:
        subprocess.run(_as_owner(self.owner, str(BIN / "pg_ctl"), "-D", str(self.where / "data"), "-m", "immediate",
                                 "-w", "stop"), capture_output=True, check=False)
        try:
            with psycopg.connect(self.admin_url, autocommit=True) as admin:
                admin.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                              "WHERE slot_name = %s", (self.slot,))
        finally:
            shutil.rmtree(self.where, ignore_errors=True)


def start(admin_url: str) -> Replica:
    """Make and start a replica of the cluster behind `admin_url`; ReplicaUnavailable says why it cannot."""
    if not (BIN / "pg_basebackup").exists():
        raise ReplicaUnavailable(f"no {BIN / 'pg_basebackup'} (set JEJAK_PG_BIN to PostgreSQL's bin directory)")
    allow = subprocess.run([str(ROOT / ".ci" / "allow-replication")], capture_output=True, text=True)
    if allow.returncode != 0:
        raise ReplicaUnavailable(f"the local cluster refuses replication from 127.0.0.1: {allow.stderr.strip()}")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        data_dir = admin.execute("SHOW data_directory").fetchone()[0]
        if admin.execute("SHOW wal_level").fetchone()[0] == "minimal":
            raise ReplicaUnavailable("wal_level is minimal on the local cluster: set it to replica and restart")
        _drop_stale_slots(admin)
    owner = pwd.getpwuid(os.stat(data_dir).st_uid).pw_name if os.path.exists(data_dir) else "postgres"
    if os.geteuid() != 0 and owner != pwd.getpwuid(os.geteuid()).pw_name:
        owner = pwd.getpwuid(os.geteuid()).pw_name  # our own cluster files; the server then runs as us
    where = Path(tempfile.mkdtemp(prefix="jejak-replica-"))
    shutil.chown(where, owner, owner) if os.geteuid() == 0 else None
    slot = f"{SLOT_PREFIX}{os.getpid()}_{where.name[-6:].lower()}"
    port = _free_port()
    options = (f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={where} "
               "-c hot_standby=on -c shared_buffers=32MB -c max_connections=100 -c fsync=off")
    replica = Replica(admin_url, port, where, owner, slot, options)
    try:
        _run(owner, str(BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", "5432", "-U", "postgres",
             "-D", str(where / "data"), "-R", "-C", "-S", slot, "-X", "stream", "-c", "fast")
        for name, text in (("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
                           ("postgresql.conf", "")):  # Debian keeps the primary's in /etc: the copy has none
            (where / "data" / name).write_text(text)
            shutil.chown(where / "data" / name, owner, owner) if os.geteuid() == 0 else None
        _run(owner, str(BIN / "pg_ctl"), "-D", str(where / "data"), "-l", str(where / "log"), "-w", "-t", "60",
             "-o", options, "start")
        replica.caught_up()
    except BaseException:
        replica.stop()
        raise
    return replica


def _run(owner: str, *command: str) -> None:
    done = subprocess.run(_as_owner(owner, *command), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:1])} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
