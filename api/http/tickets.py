"""Feedback tickets' history (SP4N-LAPOR! complaints) for the officers who handle them, and for staff."""

from __future__ import annotations

from flask import Blueprint

from api.http.auth import require_role
from api.http.employees import history_page

bp = Blueprint("tickets", __name__)


@bp.get("/v1/feedback/<ticket>/history")
@require_role("inspector", "auditor", "feedback_officer")
def ticket_history(ticket: str):
    """A ticket's events, oldest first: the message shown to those who may read it (and logged), the contact never."""
    return history_page("feedback", ticket)
