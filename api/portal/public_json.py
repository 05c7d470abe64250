"""The portal's JSON twin: a release's figures exactly as published, the releases, and feedback tickets."""

from __future__ import annotations

import re

from flask import current_app, jsonify, request, url_for

from api.body import read_json
from api.bootstrap import services
from api.errors import ApiError
from api.portal import feedback as public_feedback, release_view, view as public_view
from api.portal.pages import _checked_ticket, _engine, _limit, _once_per_change, bp
from ledger.errors import ValidationFailed


@bp.get("/v1/public/units")
def units_json():
    """A release's figures (`?release=`, else the latest) exactly as published: every OPD's and the city's."""
    release = release_view.checked(request.args.get("release"))
    body = _once_per_change(("units_json", release), lambda: public_view.units_json(_engine(), release))
    return current_app.response_class(body, mimetype="application/json") if isinstance(body, str) else jsonify(body)


@bp.get("/v1/public/units/<code>")
def unit_json(code: str):
    """One OPD's figures in a release (`?release=`, else the latest)."""
    release = release_view.checked(request.args.get("release"))
    return jsonify(_once_per_change(("unit_json", code, release),
                                    lambda: public_view.unit_json_for(_engine(), code, release)))


@bp.get("/v1/public/releases")
def releases_json():
    """Every published release in publication order: id, period, published_at, content_hash, ledger position."""
    from projections import queries

    after = request.args.get("after", "0")
    if not re.fullmatch(r"[0-9]{1,18}", after):
        raise ValidationFailed("after: the next_cursor of the previous page (a position)", field="after")
    items, cursor = queries.releases(_engine(), int(after), 100)
    return jsonify({"items": items, "next_cursor": cursor})


@bp.post("/v1/public/feedback")
def feedback_json():
    """Submit feedback: 201 with the ticket; contact is sealed, and never stored when anonymous."""
    _limit("PUBLIC_FEEDBACK_RATE")
    if request.mimetype != "application/json":  # a cross-site page can post text/plain, never JSON
        raise ApiError("unsupported_media_type", "Content-Type: send the feedback as application/json",
                       field="Content-Type")
    body = read_json()
    if not isinstance(body, dict):
        raise ValidationFailed("body: send a JSON object", field="body")
    try:
        ticket = public_feedback.submit(services(), current_app.extensions["jejak_contact_box"], body, "portal_api")
    except public_feedback.Refusal as refusal:
        raise ValidationFailed(refusal.message(), fields=refusal.english()) from None
    resp = jsonify({"ticket": ticket, "status": "received"})
    resp.status_code = 201
    resp.headers["Location"] = url_for("public.ticket_json", ticket=ticket)
    return resp


@bp.get("/v1/public/feedback/<ticket>")
def ticket_json(ticket: str):
    """A ticket's status, step times and public response only."""
    return jsonify(public_view.ticket_json(public_view.ticket(_engine(), _checked_ticket(ticket))))

