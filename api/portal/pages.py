"""The public transparency portal (Bahasa Indonesia) and its JSON twin: no token, public aggregates only.

What may be shown follows DOMAIN.md "What may be public" (UU 14/2008 KIP, UU 27/2022
PDP): per-unit aggregates from the `public_stats` and `feedback` read models, with
groups of fewer than 5 people suppressed; a ticket shows its status and public
response, never its message or the complainant.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound as HTTPNotFound

from api.portal import feedback as public_feedback, formguard, openapi as public_openapi, release_view
from api.portal import view as public_view
from api.portal.pagecache import PageCache
from api.portal.contact_crypto import ContactBox, default_key_path
from api.errors import ApiError, _http_error as http_error, error_response  # the API's JSON 404, unchanged
from api.bootstrap import services
from api.reads import read_model_positions, tried
from api.portal.ratelimit import PortalLimits, parse_rate, parse_trusted_proxies
from ledger.errors import NotFound

bp = Blueprint("public", __name__, template_folder="templates", static_folder="static",
               static_url_path="/portal-static")
PORTAL_TICKET = r"LPR-\d{4}-[0-9A-HJKMNP-TV-Z]{16}"  # every public number (ledger.feedback.PUBLIC_NUMBER)
TICKET = r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
# Nothing but our own stylesheet loads; no script at all; ticket URLs never leak through Referer.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
}
DEFAULT_RATES = {"PUBLIC_FEEDBACK_RATE": "5/600", "PUBLIC_READ_RATE": "300/60"}


# --- wiring ------------------------------------------------------------------

@bp.record_once
def _setup(state: Any) -> None:
    """Limiters and the contact key are made once per app; bad settings stop the start with advice."""
    import os

    app = state.app
    rates = {}
    for name, default in DEFAULT_RATES.items():
        rates[name] = app.config.get(name) or os.environ.get(f"JEJAK_{name}") or default
        try:
            parse_rate(rates[name])
        except ValueError as exc:
            raise RuntimeError(f"JEJAK_{name}: {exc}") from None
    try:
        hops = parse_trusted_proxies(app.config.get("TRUSTED_PROXIES", os.environ.get("JEJAK_TRUSTED_PROXIES")))
    except ValueError as exc:
        raise RuntimeError(f"JEJAK_TRUSTED_PROXIES: {exc}") from None
    app.extensions["jejak_public_limits"] = PortalLimits(
        app, rates, app.config.get("REDIS_URL") or os.environ.get("JEJAK_REDIS_URL"), hops,
        prefix=app.config.get("RATE_LIMIT_PREFIX", "jejak-portal"))
    key_path = Path(app.config.get("CONTACT_KEY_PATH") or default_key_path(app.extensions["jejak"].url))
    app.extensions["jejak_contact_box"] = ContactBox.from_path(key_path)
    app.extensions["jejak_page_cache"] = PageCache()
    for name, func in public_view.FILTERS.items():
        app.jinja_env.filters[name] = func
    app.config.setdefault("OPENAPI_PATHS", {}).update(public_openapi.OPENAPI_PATHS)


def _limit(name: str) -> None:
    wait = current_app.extensions["jejak_public_limits"].hit(name)
    if wait:
        raise ApiError("rate_limited", f"client: too many requests from this address; retry after {wait} s",
                       headers={"Retry-After": str(wait)})


def _engine() -> Any:
    """The read models' engine, tried with one small read first, so a failing replica gives way to the primary."""
    return services().from_read_models(tried)


def _once_per_change(key: tuple[Any, ...], compute: Any) -> Any:
    """`compute()` kept until the read models move on (or the day changes), computed by one request at a time.
    The version is the read models' positions, not the ledger head: a page computed while a read model
    lagged must be computed again once it catches up, though the head did not move."""
    # caught up first (on the primary), so the version names what the page will be computed from
    version = (tuple(sorted(services().from_read_models(read_model_positions).items())), public_view.today())
    return current_app.extensions["jejak_page_cache"].get(key, version, compute)


def _page(template: str, status: int = 200, cacheable: bool = False, **context: Any) -> tuple[str, int, dict]:
    """A rendered page; only the statistics pages may sit in shared caches (tickets never)."""
    context.setdefault("generated_at", public_view.waktu(datetime.now(timezone.utc)))
    headers = {"Content-Language": "id", "Cache-Control": "public, max-age=60" if cacheable else "no-store",
               **SECURITY_HEADERS}
    return render_template(template, **context), status, headers


def _error_page(status: int, title: str, message: str, headers: dict[str, str] | None = None):
    body, status, base = _page("error.html", status, title=title, message=message)
    return body, status, {**base, **(headers or {})}


def _is_page() -> bool:
    return not request.path.startswith("/v1/")


@bp.before_request
def _read_limit() -> None:
    if request.method == "GET":
        _limit("PUBLIC_READ_RATE")


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    if not _is_page():
        resp, status = error_response(exc.code, exc.message, exc.fields)
        resp.headers.update(exc.headers)
        return resp, status
    if exc.code == "rate_limited":
        wait = exc.headers.get("Retry-After", "60")
        return _error_page(429, "Terlalu banyak permintaan",
                           f"Terlalu banyak permintaan dari alamat Anda. Silakan coba lagi dalam {wait} detik.",
                           {"Retry-After": wait})
    message = "Tahun harus empat angka, misalnya 2025." if "tahun" in exc.fields else exc.message
    return _error_page(400, "Permintaan tidak dapat diproses", message)


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound):
    if not _is_page():
        return error_response(exc.code, exc.message, exc.fields)
    return _missing_page()


def _missing_page():
    return _error_page(404, "Tidak ditemukan",
                       "Halaman atau data yang Anda cari tidak ada. Periksa alamatnya, atau mulai dari ringkasan kota.")


# Paths of the API and the other front doors: an unknown one there answers the API's JSON error.
NOT_PORTAL = ("/v1/", "/console", "/docs", "/openapi", "/healthz", "/readyz", "/metrics")


@bp.app_errorhandler(HTTPNotFound)
def _unknown_path(exc: HTTPNotFound):
    """An unknown page is a page in Bahasa Indonesia for a citizen's browser, not the API's JSON error."""
    if request.path.startswith(NOT_PORTAL) or request.blueprint not in (None, bp.name):
        return http_error(exc)
    return _missing_page()


# --- pages -------------------------------------------------------------------

@bp.get("/")
def overview():
    """City overview: headcount, 20 JP attainment, predikat, budget and feedback per OPD."""
    year, rilis = _year(), release_view.checked(request.args.get("rilis"), "rilis")

    def compute() -> tuple[str, int, dict]:
        city = public_view.city(_engine(), year, rilis)
        if city is None:
            return _page("error.html", cacheable=True, title="Belum ada rilis statistik",
                         message="Angka ASN Kota Binjai diterbitkan sebagai rilis pada tanggal tetap; belum ada "
                                 "rilis yang diterbitkan.")
        return _page("overview.html", cacheable=True, city=city, charts=public_view.city_charts(city))
    return _once_per_change(("overview", year, rilis), compute)


@bp.get("/opd/<code>")
def unit_page(code: str):
    """One OPD's public aggregates."""
    year, rilis = _year(), release_view.checked(request.args.get("rilis"), "rilis")

    def compute() -> tuple[str, int, dict]:
        unit = public_view.unit(_engine(), code, year, rilis)
        return _page("unit.html", cacheable=True, unit=unit, charts=public_view.unit_charts(unit))
    return _once_per_change(("unit", code, year, rilis), compute)


def _year() -> int | None:
    """`?tahun=2025` shows that year; without it each section shows its latest year."""
    text = request.args.get("tahun")
    if text is None or text == "":
        return None
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ApiError("validation_failed", "tahun: a year of four digits, e.g. 2025", field="tahun")
    return int(text)


@bp.get("/masukan")
def feedback_form():
    """The feedback form (aspirasi, pengaduan, permintaan informasi)."""
    form = {"unit": request.args.get("unit", ""), "classification": "", "message": "", "contact": ""}
    return _form_page(form, {})


def _form_page(form: dict[str, Any], errors: dict[str, str], status: int = 200):
    units = _once_per_change(("unit_choices",), lambda: public_view.unit_choices(_engine()))
    token = formguard.token()
    body, status, headers = _page("feedback_form.html", status, form=form, errors=errors, units=units,
                                  classifications=list(public_feedback.CLASSIFICATIONS.items()),
                                  max_message=public_feedback.MAX_MESSAGE, form_token=token)
    return formguard.set_cookie(current_app.make_response((body, status, headers)), token)


@bp.post("/masukan")
def feedback_submit():
    """Record the form's feedback; on success go to its ticket page, else show the form again with its errors."""
    _limit("PUBLIC_FEEDBACK_RATE")
    if not formguard.from_this_site():
        return _error_page(403, "Formulir tidak dapat diterima",
                           "Formulir ini tidak dikirim dari halaman masukan kami, atau halamannya sudah terlalu lama "
                           "terbuka. Muat ulang halaman Sampaikan masukan lalu kirim lagi; tidak ada yang tercatat.")
    f = request.form
    body = {"classification": f.get("classification", ""), "unit": f.get("unit", ""),
            "message": f.get("message", ""), "anonymous": f.get("anonymous") == "1",
            "confidential": f.get("confidential") == "1", "contact": f.get("contact", "")}
    try:
        ticket = public_feedback.submit(services(), current_app.extensions["jejak_contact_box"], body, "portal_web")
    except public_feedback.Refusal as refusal:
        return _form_page(body, refusal.indonesian(), 400)
    # Post/redirect/get: reloading the ticket page never sends the feedback twice.
    return redirect(url_for("public.ticket_page", ticket=ticket, baru=1), 303)


@bp.get("/tiket")
def ticket_lookup():
    """Ask for a ticket number; a well-formed one goes to its status page."""
    nomor = (request.args.get("nomor") or "").strip()
    if re.fullmatch(PORTAL_TICKET, nomor, re.IGNORECASE):
        nomor = nomor.upper()
    if not nomor:
        return _page("ticket_lookup.html", nomor="", error=None)
    if not re.fullmatch(TICKET, nomor):
        return _page("ticket_lookup.html", 400, nomor=nomor,
                     error="Nomor tiket tidak dikenali. Nomor dari portal ini berbentuk LPR-tahun-16 huruf/angka, "
                           "misalnya LPR-2026-7K3M9QXR2HDPABCD.")
    return ticket_page(nomor)


@bp.get("/tiket/<ticket>")
def ticket_page(ticket: str):
    """A ticket's status, its steps and the public response."""
    t = public_view.ticket(_engine(), _checked_ticket(ticket))
    return _page("ticket.html", t=t, new=request.args.get("baru") == "1")


def _checked_ticket(ticket: str) -> str:
    if not re.fullmatch(TICKET, ticket):
        raise NotFound(f"ticket: no ticket {ticket!r}", field="ticket")
    return ticket
