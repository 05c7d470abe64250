"""Backups a ledger can be restored from: SQLite's online backup API, PostgreSQL's pg_dump -Fc.

A backup is a consistent snapshot taken while the server keeps writing: on SQLite one
read transaction is held across every step of the copy (WAL lets writers go on), on
PostgreSQL pg_dump reads from one snapshot. A restore only copies; `jejak restore`
then runs `jejak verify` on the result, so a changed backup is refused by position.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlparse

from ledger.integrity.keyring import Keyring
from ledger.errors import LedgerError
from ledger.integrity.tree import StoredTree
from ledger.config import create_private_file, is_postgres, setting_int, sqlite_path
from ledger.integrity.verifier import checkpoint_problem

Progress = Callable[[int, int], None]
SQLITE_MAGIC, PG_MAGIC = b"SQLite format 3\x00", b"PGDMP"
PAGES_PER_STEP = 256  # 1 MiB of 4 KiB pages per step: the bar moves, and each step is short
INSTALL = "install the PostgreSQL client tools of the server's version or newer (Debian/Ubuntu: postgresql-client)"


class BackupError(LedgerError):
    """The backup or restore could not be done; the message says what to do next."""

    code = "backup_failed"


class NotEmpty(BackupError):
    """The database to restore into already holds tables; `--force` replaces them."""

    code = "not_empty"


def backup(url: str, output: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write a backup of the database at `url` to `output` (via `output.partial`, renamed when complete)."""
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent}: no such directory; create it, or write the backup elsewhere",
                          field="--output")
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    create_private_file(partial)  # pg_dump and SQLite write into it and keep its mode: personal data, owner only
    try:
        summary = _pg_dump(url, partial) if is_postgres(url) else _sqlite_backup(url, partial, progress)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return {**summary, "bytes": output.stat().st_size}


def restore(source: Path, url: str, force: bool = False, progress: Progress | None = None) -> dict[str, int]:
    """Restore `source` into the database at `url`; a database holding tables needs `force`."""
    kind = backup_kind(source)
    wanted = "postgres" if is_postgres(url) else "sqlite"
    if kind != wanted:
        raise BackupError(f"{source}: a {kind} backup cannot be restored into JEJAK_DATABASE_URL's {wanted} "
                          f"database; point JEJAK_DATABASE_URL at a {kind} database", field="FILE")
    tables, events = contents(url)
    if tables and not force:
        raise NotEmpty(f"the database of JEJAK_DATABASE_URL is not empty ({tables} tables, {events} events); "
                       "restore into an empty database, or pass --force to replace what it holds", field="FILE")
    if is_postgres(url):
        _pg_restore(source, url, clean=bool(tables))
    else:
        _sqlite_restore(source, url, progress)
    return {"replaced_tables": tables, "replaced_events": events}


def backup_kind(path: Path) -> str:
    """'sqlite' or 'postgres' from the file's first bytes; anything else is refused."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: cannot read the backup ({exc.strerror})", field="FILE") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgres"
    raise BackupError(f"{path}: not a Jejak backup (neither a SQLite database nor a pg_dump -Fc archive); "
                      "make one with `jejak backup -o FILE`", field="FILE")


def contents(url: str) -> tuple[int, int]:
    """(tables, events) in the database at `url`: (0, 0) for a missing or empty one."""
    if is_postgres(url):
        tables = int(_psql(url, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog',"
                                " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'") or 0)
        events = _psql(url, "SELECT CASE WHEN to_regclass('jejak_events') IS NULL THEN 0"
                            " ELSE (SELECT count(*) FROM jejak_events) END") if tables else 0
        return tables, int(events or 0)
    path = Path(sqlite_path(url))
    if not path.exists() or path.stat().st_size == 0:
        return 0, 0
    conn = sqlite3.connect(path)
    try:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        events = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0] if "stored_events" in names else 0
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a SQLite database ({exc}); move it away before restoring") from exc
    finally:
        conn.close()
    return len(names), int(events)


# --- SQLite ---------------------------------------------------------------------------

def _sqlite_backup(url: str, target: Path, progress: Progress | None) -> dict[str, int]:
    path = Path(sqlite_path(url))
    if not path.exists():
        raise BackupError(f"no database at {path}: check JEJAK_DATABASE_URL", field="JEJAK_DATABASE_URL")
    source = sqlite3.connect(path, isolation_level=None, timeout=setting_int("JEJAK_LOCK_TIMEOUT", 10))
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        # One read transaction across all steps: the copy is one snapshot, and writers (WAL) go on.
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(dest, pages=PAGES_PER_STEP, progress=_pages(progress))
        source.execute("COMMIT")
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        return _check_sqlite(dest, target)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: backup failed ({exc}); try again, or stop the server if it persists") from exc
    finally:
        dest.close()
        source.close()


def _sqlite_restore(source: Path, url: str, progress: Progress | None) -> None:
    path = Path(sqlite_path(url))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    try:
        _check_sqlite(src, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private_file(path)
        dest = sqlite3.connect(path, isolation_level=None, timeout=setting_int("JEJAK_LOCK_TIMEOUT", 10))
        try:
            src.backup(dest, pages=PAGES_PER_STEP, progress=_pages(progress))
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise BackupError(f"restoring {source} into {path} failed ({exc}); stop the server and try again") from exc
    finally:
        src.close()


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> dict[str, int]:
    """The copy opens, passes SQLite's own check and holds a ledger; return what it holds."""
    problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    if problems != ["ok"]:
        raise BackupError(f"{path}: the SQLite file is damaged ({'; '.join(problems[:3])})", field="FILE")
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "stored_events" not in names or "jejak_checkpoints" not in names:
        raise BackupError(f"{path}: a SQLite database, but not a Jejak ledger (no stored_events)", field="FILE")
    events = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    checkpoints = conn.execute("SELECT count(*) FROM jejak_checkpoints").fetchone()[0]
    return {"events": int(events), "checkpoints": int(checkpoints)}


def _pages(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None
    return lambda status, remaining, total: progress(total - remaining, total)


# --- PostgreSQL -----------------------------------------------------------------------

def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH: {INSTALL}", field=name)
    return found


def _pg_env(url: str) -> dict[str, str]:
    """The connection as libpq variables, so no password appears on a command line."""
    u = urlparse(url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://", 1))
    env = {**os.environ, "PGHOST": u.hostname or "127.0.0.1", "PGPORT": str(u.port or 5432),
           "PGUSER": unquote(u.username or "postgres"), "PGDATABASE": (u.path or "/jejak").lstrip("/")}
    if u.password:
        env["PGPASSWORD"] = unquote(u.password)
    return env


def _run(args: list[str], url: str, what: str) -> str:
    done = subprocess.run(args, env=_pg_env(url), capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {' / '.join(lines[-3:]) or f'exit {done.returncode}'}")
    return done.stdout


def _psql(url: str, sql: str) -> str:
    return _run([_tool("psql"), "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql], url,
                "psql (reading the database of JEJAK_DATABASE_URL)").strip()


def _pg_dump(url: str, target: Path) -> dict[str, int]:
    _run([_tool("pg_dump"), "-Fc", "--no-password", "-f", str(target)], url, "pg_dump")
    listing = _run([_tool("pg_restore"), "--list", str(target)], url, "pg_restore --list (checking the dump)")
    if " TABLE DATA public jejak_events " not in listing:
        raise BackupError("pg_dump wrote an archive without the ledger's events: check JEJAK_DATABASE_URL")
    return {}


def _pg_restore(source: Path, url: str, clean: bool) -> None:
    _run([_tool("pg_restore"), "--list", str(source)], url, f"pg_restore --list {source} (not a readable dump?)")
    args = [_tool("pg_restore"), "--no-password", "--exit-on-error", "--single-transaction", "-d",
            _pg_env(url)["PGDATABASE"]]
    if clean:
        args += ["--clean", "--if-exists"]
    _run(args + [str(source)], url, "pg_restore (nothing was changed: it runs in one transaction)")


def held_checkpoint_problem(recorder: Any, cp: dict[str, Any], anchors: list[Any]) -> str | None:
    """Why a checkpoint kept outside the backup (published, given to auditors) is not reached by the restored
    tree, or None. Signatures and the tree are checked by `jejak verify`; this catches a backup cut short
    and stripped of its later checkpoints, which verify alone cannot see."""
    try:
        size, root = int(cp["tree_size"]), str(cp["root_hash"])
        problem = checkpoint_problem(cp, Keyring(recorder).trusted(anchors))
    except (KeyError, TypeError, ValueError) as exc:
        return f"not a Jejak checkpoint ({exc!r} missing or malformed)"
    if problem:
        return problem
    tree = StoredTree(recorder)
    if size > tree.size():
        return (f"it signs {size} events but the restored ledger has {tree.size()}: the backup is older than "
                "this checkpoint or was cut short")
    if size and tree.head(size)[1].hex() != root:
        return f"the restored tree's root at size {size} differs from the signed one: history was rewritten"
    return None
