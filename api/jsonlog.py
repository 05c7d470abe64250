"""JSON log lines, one per record, with anything shaped like a NIP, a ticket or a token blanked.

Every field of every line passes through `redact`, so a NIP that reaches a message (an exception's
text, a path) is blanked there too. `LOGCONFIG` is what `jejak serve` hands gunicorn's workers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from typing import Any

# 18-digit NIPs, also written in their usual groups (19850312 201001 1 002); portal tickets; API tokens.
NIP = re.compile(r"(?<![0-9])[0-9]{8}(?:[ ._-]|%20)?[0-9]{6}(?:[ ._-]|%20)?[0-9](?:[ ._-]|%20)?[0-9]{3}(?![0-9])")
TICKET = re.compile(r"LPR-[0-9]{4}-[A-Za-z0-9]+", re.IGNORECASE)
TOKEN = re.compile(r"jjk_[A-Za-z0-9_-]+")
SUSPECT = re.compile(r"jjk_|LPR-|[0-9]{8}", re.IGNORECASE)  # one cheap scan before the three substitutions


def redact(text: str) -> str:
    """The text with NIPs, tickets and tokens replaced by `[nip]`, `LPR-[redacted]`, `jjk_[redacted]`."""
    if SUSPECT.search(text) is None:
        return text  # the common case: nothing to look for, no substitutions paid
    return NIP.sub("[nip]", TICKET.sub("LPR-[redacted]", TOKEN.sub("jjk_[redacted]", text)))


def clean(line: dict[str, Any]) -> dict[str, Any]:
    """The line with every text field redacted (fields are flat: texts, numbers, None)."""
    return {k: redact(v) if isinstance(v, str) else v for k, v in line.items()}


def utc_now_text(seconds: float | None = None) -> str:
    seconds = time.time() if seconds is None else seconds
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "pid", "message", ...fields}`: fields come from `extra={"fields": {...}}`
    and, inside a request, the request id; an exception adds its traceback as `"error"`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"time": utc_now_text(record.created), "level": record.levelname,
                                "logger": record.name, "pid": record.process, "message": record.getMessage()}
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        elif "request_id" not in line:
            rid = _request_id()
            if rid:
                line["request_id"] = rid
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(clean(line), ensure_ascii=False, default=str)


def _request_id() -> str | None:
    """The current request's id, when a record is logged inside a request (e.g. an unexpected error)."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - flask is a dependency
        return None
    return g.get("request_id") if has_request_context() else None


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is now (pytest swaps it per test; gunicorn redirects it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def logconfig(level: str = "INFO") -> dict[str, Any]:
    """gunicorn's `logconfig_dict`: Jejak's and gunicorn's own records as JSON lines on stderr.

    gunicorn writes no access line (`accesslog` is off in `api.cli.serve`): each request's one line
    is the JSON `jejak.access` line, with the request id, principal, route template and status.
    """
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "api.jsonlog.JsonFormatter"},
                       "generic": {"format": "%(asctime)s %(message)s"}},
        "handlers": {"json": {"()": "api.jsonlog.StderrHandler", "formatter": "json"},
                     "error_console": {"()": "api.jsonlog.StderrHandler", "formatter": "json"},
                     "console": {"class": "logging.StreamHandler", "formatter": "generic",
                                 "stream": "ext://sys.stdout"}},
        "root": {"level": "WARNING", "handlers": ["json"]},
        "loggers": {"jejak": {"level": level, "handlers": ["json"], "propagate": False},
                    "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
                    "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False}},
    }
