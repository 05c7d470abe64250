"""Signing in (an API token exchanged for a session cookie) and out."""

from __future__ import annotations

import hmac
import re
import secrets

from flask import make_response, redirect, render_template, request

from api.bootstrap import services
from api.console.gate import COOKIE, CONSOLE_ROLES, HOME, Refused, bp, role_of, session, signed_in, store

PRE_COOKIE = "jejak_console_pre"  # the sign-in form's own CSRF token (double submit): no session exists yet
NEXT = r"/console/[A-Za-z0-9/_.?=&%-]{0,300}"


def _cookie(response, name: str, value: str, max_age: int | None = None):
    response.set_cookie(name, value, max_age=max_age, path="/console", httponly=True, secure=request.is_secure,
                        samesite="Strict")
    return response


def _safe_next(value: str | None) -> str:
    """Only a console path: never another site (`//evil`, `https://…`) after signing in."""
    if value and re.fullmatch(NEXT, value) and "//" not in value:
        return value
    return "/console/pegawai"


def _form(status: int = 200, error: tuple[str, str] | None = None):
    pre = secrets.token_urlsafe(24)
    page = render_template("console/signin.html", pre_token=pre, next=_safe_next(request.values.get("next")),
                           error=error, session=None)
    return _cookie(make_response(page, status), PRE_COOKIE, pre, max_age=3600)


@bp.get("/")
def home():
    """The signed-in role's first page (a feedback officer's is the desk; without a session, sign-in follows)."""
    live = store().resume(request.cookies.get(COOKIE), role_of)
    return redirect(HOME.get(live.role if live else "", "/console/pegawai"), 303)


@bp.get("/masuk")
def signin_form():
    """The sign-in form: paste the token `jejak keys create` printed."""
    return _form()


@bp.post("/masuk")
def signin():
    pre = request.cookies.get(PRE_COOKIE, "")
    given = request.form.get("csrf_token", "")
    if not pre or not given or not hmac.compare_digest(pre.encode(), given.encode("utf-8", "replace")):
        raise Refused(403, "csrf_token", "the sign-in form's CSRF token is missing or wrong; open the form again",
                      "token CSRF formulir masuk tidak ada atau salah; buka formulir lagi")
    token = request.form.get("token", "").strip()
    if not token or len(token) > 200:
        return _form(400, ("token: paste the API token from `jejak keys create`",
                           "token: tempelkan token API dari `jejak keys create`"))
    principal = services().keys.authenticate(token)
    if principal is None:
        return _form(401, ("token: the token is unknown or revoked", "token: token tidak dikenal atau sudah dicabut"))
    if principal.role not in CONSOLE_ROLES:
        return _form(403, (f"token: role {principal.role} may not use the console (inspectors, auditors, admins, "
                           "feedback officers)",
                           f"token: peran {principal.role} tidak boleh memakai konsol (inspektur, auditor, admin, "
                           "petugas pengaduan)"))
    opened = store().open(principal.name, principal.role)
    back = _safe_next(request.form.get("next"))
    if principal.role in HOME and not back.startswith(HOME[principal.role]):
        back = HOME[principal.role]  # the desk only: never land on a page the role may not open
    response = make_response(redirect(back, 303))
    response.delete_cookie(PRE_COOKIE, path="/console")
    return _cookie(response, COOKIE, opened.id)


@bp.post("/keluar")
@signed_in(*CONSOLE_ROLES)
def signout():
    """Sign out: the session row is deleted, so the cookie is worthless even if it was copied."""
    store().close(session().id)
    response = make_response(redirect("/console/masuk", 303))
    response.delete_cookie(COOKIE, path="/console")
    return response
