"""Employee pages: search by NIP or name; one employee's state on two date controls ("as the ledger knew
it on…", "in effect on…"), what changed between two dates, and the timeline of every event."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import g, render_template, request

from api.bootstrap import services
from api.http import note_access
from api.console.rows import points, timeline_rows
from api.console.gate import Refused, bp, day_arg, sees_personal, session, signed_in
from api.console.timeline import PERSONAL, end_of_day_wib, scatter, timeline
from ledger.errors import NotFound
from projections import queries

NIP = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"
SHOWN = ("name", "employment_type", "status", "grade", "position", "unit", "latest_predikat", "appointed_on",
         "in_post_since", "last_promotion_on", "version", "last_position")


def _state(nip: str, as_of: Any = None, valid_at: date | None = None) -> dict[str, Any] | None:
    try:
        state = services().ledger.state("employee", nip, as_of=as_of, valid_at=valid_at)
    except NotFound:
        return None
    _reveal([state])
    fields = SHOWN + (PERSONAL if sees_personal() else ())
    return {k: _text(state.get(k)) for k in fields}


def _reveal(docs: list[dict[str, Any]]) -> None:
    """Personal values for auditors (from their commitments, checked), logged as read; null for inspectors."""
    g.access_principal = (session().principal, session().role)  # the access log's "who" for this page
    for subject, paths in services().ledger.reveal(docs, lambda field: sees_personal()).items():
        note_access(subject, sorted(paths))


def _text(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{v}" for v in value.values() if v is not None)
    return value.isoformat() if isinstance(value, date) else value


@bp.get("/pegawai")
@signed_in("inspector", "auditor")
def search():
    """Search the roster by NIP (its start) or by name (any part)."""
    text = request.args.get("q", "").strip()
    if len(text) > 64:
        raise Refused(400, "q", "at most 64 characters", "paling banyak 64 karakter")
    found = queries.find_employees(services().primary_read_models(), text) if text else []
    return render_template("console/search.html", q=text, found=found, session=session())


@bp.get("/pegawai/<nip>")
@signed_in("inspector", "auditor")
def employee(nip: str):
    """One employee: state on the chosen dates, a comparison, and every event on both time axes."""
    if not re.fullmatch(NIP, nip):
        raise Refused(404, "nip", f"no employee {nip[:64]!r}", f"tidak ada pegawai {nip[:64]!r}")
    known_on, valid_at = day_arg("as_of"), day_arg("valid_at")
    since, until = day_arg("from"), day_arg("to")
    if known_on is not None and not sees_personal():
        raise Refused(403, "as_of", "inspectors may not replay the ledger as it was known (auditors may)",
                      "inspektur tidak boleh memutar ulang buku besar seperti yang diketahui dulu (auditor boleh)")
    as_of = end_of_day_wib(known_on) if known_on else None
    state = _state(nip, as_of, valid_at)
    if state is None and valid_at is None:
        raise Refused(404, "nip", f"no employee {nip}" + (f" known on {known_on}" if known_on else ""),
                      f"tidak ada pegawai {nip}" + (f" yang tercatat per {known_on}" if known_on else ""))
    compare = None
    if since or until:
        if not (since and until):
            missing = "from" if since is None else "to"
            raise Refused(400, missing, "give both dates to compare", "isi kedua tanggal untuk membandingkan")
        before, after = _state(nip, as_of, since), _state(nip, as_of, until)
        keys = [k for k in (before or after or {}) if k not in ("version", "last_position")]
        compare = {"from": since, "to": until,
                   "rows": [{"field": k, "before": (before or {}).get(k), "after": (after or {}).get(k)}
                            for k in keys if (before or {}).get(k) != (after or {}).get(k)]}
    rows = timeline(services().ledger, services().primary_read_models(), nip, sees_personal(), as_of, reveal=_reveal)
    return render_template("console/employee.html", nip=nip, state=state, rows=rows, chart=scatter(rows),
                           known_on=known_on, valid_at=valid_at, compare=compare, session=session(),
                           may_prove=sees_personal(), timeline_rows=timeline_rows, points=points)
