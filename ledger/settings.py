"""Every `JEJAK_*` setting in one table, read and checked once: a bad value stops the start and names itself.

The table is the single source for `jejak config`, for `jejak serve`'s check before it forks and for the
settings table of docs/DEPLOY.md. Some modules still read the environment themselves (see DEPLOY.md);
they read the same names with the same defaults, which `tests/api/cli/test_config.py` keeps in step.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit, urlunsplit

from ledger.config import DEFAULT_URL, SCHEMA_NAME, is_postgres, sqlite_path, whole_number


class SettingError(ValueError):
    """A setting's value is wrong; the message starts with the setting's name and says what is expected."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name


def _url(text: str) -> str:
    if is_postgres(text):
        return text
    sqlite_path(text)  # raises ValueError naming the expected shapes
    return text


def _replica_url(text: str) -> str:
    if not is_postgres(text):
        raise ValueError(f"{text!r}: expected postgresql://... (a streaming replica of JEJAK_DATABASE_URL)")
    return text


def _schema(text: str) -> str:
    if not SCHEMA_NAME.fullmatch(text):
        raise ValueError(f"{text!r}: expected a lower-case name such as jejak_binjai (a-z, 0-9 and _, "
                         "not starting with a digit, at most 63)")
    return text


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"expected a positive number, got {text!r}")
    return value


def _count(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    return lambda text: whole_number(text, minimum, maximum)


def _rate(text: str) -> str:
    """The grammar of api/portal/ratelimit.py's parse_rate: COUNT/SECONDS or COUNT/minute|hour|day."""
    match = re.fullmatch(r"([1-9]\d*)/(second|minute|hour|day|\d+(?:\.\d+)?)", text)
    if not match or match.group(2) in {"0", "0.0"}:
        raise ValueError(f"rate {text!r}: write COUNT/SECONDS or COUNT/minute|hour|day, e.g. 5/600")
    return text


def _file(text: str) -> Path:
    path = Path(text)
    if not path.parent.is_dir():
        raise ValueError(f"directory {str(path.parent)!r} does not exist")
    return path


def _directory(text: str) -> Path:
    if not Path(text).is_dir():
        raise ValueError(f"{text!r} is not a directory")
    return Path(text)


def _origin(text: str) -> str:
    from ledger.integrity import note
    if not note.is_valid_name(text):
        raise ValueError(f"{text!r} is not a valid origin (no spaces, no '+', not empty)")
    return text


def _witnesses(text: str) -> str:
    from ledger.integrity import witnessing
    from ledger.errors import LedgerError
    try:
        witnessing.peers(text)
    except LedgerError as exc:
        raise ValueError(getattr(exc, "message", str(exc))) from None
    return text


def _rules(text: str) -> Path:
    """A rules file must load: its compliance rules switched or re-graded, no validation rule named."""
    from ledger.rules.book import load_overrides

    load_overrides(text)
    return Path(text)


def _log_level(text: str) -> str:
    if text.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError(f"expected DEBUG, INFO, WARNING or ERROR, got {text!r}")
    return text.upper()


def _beside_database(name: str) -> Callable[[Mapping[str, Any]], str]:
    def default(values: Mapping[str, Any]) -> str:
        url = values["JEJAK_DATABASE_URL"]
        return name if is_postgres(url) else str(Path(sqlite_path(url)).resolve().parent / name)
    return default


@dataclass(frozen=True)
class Setting:
    """One setting: its name, its default (text, or computed from the settings before it), what it means."""

    name: str
    default: str | Callable[[Mapping[str, Any]], str] | None
    meaning: str
    parse: Callable[[str], Any] = str
    shown_default: str = ""
    secret: bool = False

    def default_text(self) -> str:
        return self.shown_default or ("" if self.default is None else str(self.default))


SETTINGS: tuple[Setting, ...] = (
    Setting("JEJAK_DATABASE_URL", DEFAULT_URL, "the database: `sqlite:///FILE` or `postgresql://USER:PASSWORD@HOST/DB`",
            _url, secret=True),
    Setting("JEJAK_LOCK_TIMEOUT", lambda v: "5" if is_postgres(v["JEJAK_DATABASE_URL"]) else "10",
            "seconds a writer waits for the ledger's write lock before `503 database_busy`", _count(1),
            "10 (SQLite), 5 (PostgreSQL)"),
    Setting("JEJAK_POSTGRES_SCHEMA", "public", "PostgreSQL schema of every table of this ledger (events, jejak_*, "
            "read models, keys): the library's POSTGRES_SCHEMA and each connection's search_path", _schema),
    Setting("JEJAK_READ_DATABASE_URL", None, "a PostgreSQL streaming replica of the database: reads go there, writes "
            "to JEJAK_DATABASE_URL (docs/DEPLOY.md, reads on a replica)", _replica_url, secret=True),
    Setting("JEJAK_READ_WAIT_MS", "200", "milliseconds a read carrying `Jejak-Min-Position` waits for the replica "
            "before it reads the primary", _count(0, 10_000)),
    Setting("JEJAK_POOL_SIZE", "5", "PostgreSQL connections per process (10 more on overflow)", _count(1)),
    Setting("JEJAK_AGGREGATE_CACHE", "2000", "streams each process keeps decoded; 0 turns the cache off", _count(0)),
    Setting("JEJAK_PROJECTION_FACTS", "1000000", "facts (one per event) of the streams a read-model worker keeps "
            "decoded, least recently used streams dropped first (~1.7 KB each)", _count(1)),
    Setting("JEJAK_PG_RANDOM_PAGE_COST", "1.1", "PostgreSQL planner's `random_page_cost` for the read models "
            "(SSD default)", _positive),
    Setting("JEJAK_SIGNING_KEY", _beside_database("jejak-signing.key"), "the Ed25519 key file that signs "
            "checkpoints (created by `jejak serve` when missing)", _file,
            "`jejak-signing.key` beside the SQLite file (working directory for PostgreSQL)"),
    Setting("JEJAK_LOG_ORIGIN", "binjaikota.go.id/jejak", "the log's C2SP origin line and note key name; "
            "one per deployment, never changed", _origin),
    Setting("JEJAK_CHECKPOINT_EVERY_EVENTS", "1000", "sign a checkpoint after this many new events", _count(1)),
    Setting("JEJAK_CHECKPOINT_EVERY_SECONDS", "300", "or after this many seconds with new events", _positive),
    Setting("JEJAK_WITNESSES", "", "witnesses to ask for cosignatures: `URL VKEY` per line or separated by `;`",
            _witnesses),
    Setting("JEJAK_CONTACT_KEY", _beside_database("jejak-contact.key"), "the personal-data key file: seals every "
            "personal value kept apart from the events and feedback contacts", _file, "`jejak-contact.key` beside the SQLite file (working directory for "
            "PostgreSQL)"),
    Setting("JEJAK_PUBLIC_FEEDBACK_RATE", "5/600", "feedback posts per client address: COUNT/SECONDS", _rate),
    Setting("JEJAK_PUBLIC_READ_RATE", "300/60", "public reads per client address: COUNT/SECONDS", _rate),
    Setting("JEJAK_READY_MAX_LAG", "10000", "`/readyz` answers 503 when a read model is more events behind "
            "the ledger than this", _count(0)),
    Setting("JEJAK_TRUSTED_PROXIES", "0", "reverse proxies in front of `jejak serve` whose X-Forwarded-For is "
            "trusted (1 behind one nginx); 0 uses the peer address", _count(0, 10)),
    Setting("JEJAK_CONSOLE_IDLE_MINUTES", "30", "a console session ends after this many minutes without a request",
            _positive),
    Setting("JEJAK_CONSOLE_SESSION_HOURS", "8", "a console session ends this many hours after sign-in, however "
            "busy", _positive),
    Setting("JEJAK_REDIS_URL", "", "Redis for the portal's rate limits, shared by every worker "
            "(`redis://127.0.0.1:6379/0`); empty keeps the counts per process", str, secret=True),
    Setting("JEJAK_RULES", None, "a TOML or JSON file switching compliance rules off or re-grading them "
            "(`[rules.transfer_tenure]` `enabled = false`, `severity = \"info\"`); validation rules cannot be",
            _rules, "(none: every rule as the rulebook declares it)"),
    Setting("JEJAK_LOG_LEVEL", "INFO", "level of Jejak's JSON log lines (INFO logs every request)", _log_level),
    Setting("PROMETHEUS_MULTIPROC_DIR", None, "directory where gunicorn's workers share their metrics; "
            "`jejak serve` makes a fresh one when unset", _directory, "a new temporary directory per `jejak serve`"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def hide(setting: Setting, value: Any) -> str:
    """The value as `jejak config` may print it: a URL's password becomes `***`."""
    text = "" if value is None else str(value)
    if setting.secret and "@" in text:
        parts = urlsplit(text)
        if parts.password is not None:
            user = parts.username or ""
            return urlunsplit(parts._replace(netloc=f"{user}:***@{parts.netloc.rsplit('@', 1)[1]}"))
    return text


@dataclass(frozen=True)
class Settings:
    """The effective settings: each value parsed, and whether it came from the environment or the default."""

    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def shown(self) -> list[dict[str, Any]]:
        """Every setting for `jejak config`, secrets hidden."""
        return [{"name": s.name, "value": hide(s, self.values[s.name]), "source": self.sources[s.name],
                 "meaning": s.meaning} for s in SETTINGS]


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; the first wrong one raises `SettingError` naming it."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for s in SETTINGS:
        text = environ.get(s.name) or None  # an empty variable means the default, as the readers treat it
        sources[s.name] = "environment" if text is not None else "default"
        if text is None:
            text = s.default(values) if callable(s.default) else s.default
        if text is None:
            values[s.name] = None
            continue
        try:
            values[s.name] = s.parse(text)
        except ValueError as exc:
            raise SettingError(s.name, str(exc).removeprefix(f"{s.name}: ")) from None
    return Settings(values, sources)
