"""Evidence: an auditor downloads an audit bundle (the export of GET /v1/ledger/export: events, proofs, the
signed checkpoint, the key and the standalone verifier) for one subject or a period, with the steps to
verify it offline on the page. The download is logged in the access log under the session's principal."""

from __future__ import annotations

import re
from datetime import datetime, time, timezone

from flask import Response, g, render_template, request

from api.bootstrap import services
from api.console.gate import Refused, bp, day_arg, session, signed_in
from api.console.proof import _checkpointer
from api.console.timeline import end_of_day_wib
from api.http import note_access
from ledger.errors import LedgerError
from ledger.integrity import utc_text
from ledger.integrity.bundle import stream as stream_bundle
from ledger.stream import WIB

SUBJECT = r"[A-Za-z0-9][A-Za-z0-9/._-]{0,63}"


@bp.get("/bukti-audit")
@signed_in("auditor")
def evidence():
    """The form (a subject, or a period in WIB days) and the offline verification steps."""
    return render_template("console/evidence.html", session=session())


@bp.get("/bukti-audit/unduh")
@signed_in("auditor")
def evidence_download():
    """The bundle, streamed as it is made; refusals (an unknown subject, a bad period) come before any byte."""
    subject = request.args.get("subject", "").strip() or None
    if subject is not None and not re.fullmatch(SUBJECT, subject):
        raise Refused(400, "subject", "a NIP, unit code, intern id or ticket", "NIP, kode unit, id magang atau tiket")
    since, until = day_arg("since"), day_arg("until")
    if subject is None and since is None and until is None:
        raise Refused(400, "subject", "name a subject or a period (a whole ledger is `jejak export`'s job)",
                      "isi subjek atau periode (seluruh buku besar: `jejak export`)")
    if since and until and since > until:
        raise Refused(400, "until", "the period ends before it starts", "periode berakhir sebelum dimulai")
    lo = utc_text(datetime.combine(since, time(), WIB).astimezone(timezone.utc)) if since else None
    hi = utc_text(end_of_day_wib(until).astimezone(timezone.utc)) if until else None
    try:
        body = stream_bundle(services().ledger.recorder, _checkpointer(), subject=subject, since=lo, until=hi,
                             disclosed=services().ledger.disclosed_for(lambda field: True))
    except LedgerError as exc:
        field = exc.field or "subject"
        message = str(exc).split(": ", 1)[-1]
        raise Refused(404 if exc.code == "not_found" else 400, field, message, message) from None
    g.access_principal = (session().principal, session().role)
    note_access(subject, ["bundle"])  # a bundle carries the subject's events unmasked
    name = re.sub(r"[^A-Za-z0-9_-]", "_", subject or f"{since or ''}_{until or ''}")
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": f"attachment; filename=jejak-bukti-{name}.zip"})
