"""The one place where exceptions become the contract's single error shape."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from ledger.errors import LedgerError
from ledger.storage.retrying import connection_lost

log = logging.getLogger("jejak.api")

STATUS = {
    "malformed": 400, "validation_failed": 400, "unauthenticated": 401, "forbidden": 403,
    "not_found": 404, "method_not_allowed": 405, "version_conflict": 409, "idempotency_mismatch": 409,
    "too_large": 413, "unsupported_media_type": 415, "rule_violated": 422, "rate_limited": 429,
    "database_busy": 503, "integrity_failed": 500,
}
HTTP_CODES = {400: "malformed", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type", 429: "rate_limited"}


class ApiError(Exception):
    """A refusal raised by the web layer itself (auth, limits, query parameters)."""

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 fields: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message = code, message
        self.fields = dict(fields or ({field: [message.split(": ", 1)[-1]]} if field else {}))
        self.headers = headers or {}


def error_response(code: str, message: str, fields: dict[str, list[str]] | None = None,
                   status: int | None = None, **extra: Any):
    body = {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}
    return jsonify(body), status or STATUS.get(code, 400)


def _ledger_error(exc: LedgerError):
    extra = {}
    if exc.code == "rule_violated":
        extra = {"rule": exc.rule, "message_id": exc.message_id}  # type: ignore[attr-defined]
    return error_response(exc.code, exc.message, exc.fields, **extra)


def _api_error(exc: ApiError):
    resp, status = error_response(exc.code, exc.message, exc.fields)
    resp.headers.update(exc.headers)
    return resp, status


def _http_error(exc: HTTPException):
    status = exc.code or 500
    code = HTTP_CODES.get(status, "malformed" if status < 500 else "internal_error")
    messages = {
        404: "path: no such endpoint; see GET /openapi.json",
        405: "method: this endpoint does not accept that method",
        413: "body: the request body is over the size limit",
    }
    resp, status = error_response(code, messages.get(status, exc.description or exc.name), status=status)
    if status == 405 and exc.get_response().headers.get("Allow"):
        resp.headers["Allow"] = exc.get_response().headers["Allow"]
    return resp, status


# PostgreSQL: lock_timeout, statement_timeout, deadlock, serialization failure: all retryable.
BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001"}
SQLITE_BUSY, SQLITE_LOCKED = 5, 6
RETRY_AFTER_SECONDS = 1


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is a lock wait that timed out: retryable, nothing written.

    The ledger waits at most JEJAK_LOCK_TIMEOUT seconds for a writer's lock (SQLite busy
    timeout, PostgreSQL lock_timeout) or for a pooled connection, then gives up: the client
    is told to retry instead of holding a worker (and the lock queue) indefinitely.
    """
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if getattr(e, "sqlstate", None) in BUSY_SQLSTATES:
            return True
        if isinstance(e, sqlite3.OperationalError) and (
                (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)
                or "database is locked" in str(e)):
            return True
        if type(e).__name__ in ("PoolTimeout", "ConnectionUnavailableError", "TimeoutError"):
            return True
        stack += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return False


def _busy_response(lost: bool = False):
    why = ("database: unavailable (its connections were ended, as by a restart, and retries did not reach it); "
           "retry with the same Idempotency-Key" if lost else
           "database: busy (another transaction holds the lock); nothing was changed; retry")
    resp, status = error_response("database_busy", f"{why} after {RETRY_AFTER_SECONDS} s", status=503)
    resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return resp, status


def _unexpected(exc: Exception):
    if connection_lost(exc):
        log.warning("database connection lost: %s; answered 503", type(exc).__name__)
        return _busy_response(lost=True)
    if is_busy(exc):
        log.warning("database busy: %s; answered 503", type(exc).__name__)
        return _busy_response()
    log.exception("unexpected error")
    return error_response("internal_error", "server: an unexpected error; it was logged", status=500)


def init_app(app: Flask) -> None:
    app.register_error_handler(LedgerError, _ledger_error)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
