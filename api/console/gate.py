"""The console's blueprint and its gate: who is signed in (the session cookie), which roles may see a
page, the CSRF check every form passes, and the headers and error pages every console answer carries."""

from __future__ import annotations

from datetime import date
from functools import wraps
from typing import Any, Callable
from urllib.parse import quote

import sqlalchemy as sa
from flask import Blueprint, current_app, g, redirect, render_template, request

from api.bootstrap import services
from api.console import openapi as console_openapi
from api.console.sessions import Session, SessionStore, timeouts
from api.keys import api_keys

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates", static_folder="static",
               static_url_path="/static")
COOKIE = "jejak_console"
CONSOLE_ROLES = ("inspector", "auditor", "admin", "feedback_officer")  # recorders post events; no console
HOME = {"feedback_officer": "/console/aduan"}  # a role's first page when it has no /console/pegawai
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
}


@bp.record_once
def _setup(state: Any) -> None:
    app = state.app
    idle, absolute = timeouts(app.config)
    app.extensions["jejak_console_sessions"] = SessionStore(app.extensions["jejak"].url, idle, absolute)
    app.config.setdefault("OPENAPI_PATHS", {}).update(console_openapi.OPENAPI_PATHS)


@bp.after_request
def _headers(response: Any) -> Any:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def store() -> SessionStore:
    return current_app.extensions["jejak_console_sessions"]


def role_of(principal: str) -> str | None:
    """The key's role now (None once revoked): a revoked key ends its sessions at their next request."""
    with services().keys.engine.connect() as conn:
        return conn.execute(sa.select(api_keys.c.role).where(api_keys.c.name == principal,
                                                             api_keys.c.revoked_at.is_(None))).scalar()


def problem(status: int, message: str, message_id: str, field: str | None = None) -> tuple[str, int]:
    """A console error page: Bahasa Indonesia first, the field it is about, nothing changed."""
    return render_template("console/error.html", status=status, message=message, message_id=message_id,
                           field=field, session=g.get("console_session")), status


class Refused(Exception):
    """A request the console refuses with a 4xx page (bad input, bad CSRF token, a role not allowed)."""

    def __init__(self, status: int, field: str, message: str, message_id: str) -> None:
        super().__init__(message)
        self.status, self.field, self.message, self.message_id = status, field, message, message_id


def day_arg(field: str) -> date | None:
    """The query argument `field` as a date (empty: None); anything else is refused naming the field."""
    text = request.args.get(field, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Refused(400, field, f"expected a date like 2025-04-01, got {text[:40]!r}",
                      f"harus tanggal seperti 2025-04-01, bukan {text[:40]!r}") from None


@bp.errorhandler(Refused)
def _refused(exc: Refused) -> tuple[str, int]:
    return problem(exc.status, f"{exc.field}: {exc.message}", f"{exc.field}: {exc.message_id}", exc.field)


def check_csrf(session: Session) -> None:
    import hmac

    given = request.form.get("csrf_token", "")
    if not given:
        raise Refused(403, "csrf_token", "the form carries no CSRF token; reload the page and send it again",
                      "formulir tidak membawa token CSRF; muat ulang halaman lalu kirim lagi")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), session.csrf.encode("ascii")):
        raise Refused(403, "csrf_token", "the CSRF token does not belong to this session",
                      "token CSRF bukan milik sesi ini")


def signed_in(*roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The view needs a live session of one of these roles (admin always); forms also need its CSRF token.
    Without a live session a GET goes to the sign-in page and comes back; a POST is refused."""
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            session = store().resume(request.cookies.get(COOKIE), role_of)
            if session is None:
                if request.method != "GET":
                    raise Refused(403, "session", "no live session (signed out or expired); sign in again",
                                  "tidak ada sesi aktif (sudah keluar atau kedaluwarsa); silakan masuk lagi")
                back = request.full_path.rstrip("?")
                return redirect(f"/console/masuk?next={quote(back, safe='/')}", 303)
            g.console_session = session
            if request.method != "GET":
                check_csrf(session)
            if session.role != "admin" and session.role not in roles:
                raise Refused(403, "role", f"role {session.role} may not use this page",
                              f"peran {session.role} tidak boleh membuka halaman ini")
            return view(*args, **kwargs)
        return wrapper
    return decorate


def session() -> Session:
    return g.console_session


def sees_personal() -> bool:
    """Whether personal fields may reach this page at all (auditors and admins); for inspectors they are
    left out of the HTML, not hidden by CSS. p15's `reveal` will decide this per field."""
    return session().role in ("auditor", "admin")
