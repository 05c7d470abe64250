"""Public feedback (SP4N-LAPOR!): the order of a ticket's steps."""

from __future__ import annotations

from ledger.errors import RuleViolated
from ledger.rules import book

book.validation("feedback_step_order", "Perpres 76/2013", "art. 15", "A ticket goes Received -> Verified -> "
                "Dispositioned -> Responded -> Closed, or is rejected.",
                "Tiket berjalan Diterima -> Diverifikasi -> Didisposisikan -> Ditanggapi -> Ditutup, atau ditolak.")

FEEDBACK_NEXT = {
    "received": {"verified", "rejected"},
    "verified": {"dispositioned", "rejected"},
    "dispositioned": {"responded", "rejected"},
    "responded": {"closed"},
    "closed": set(),
    "rejected": set(),
}


def check_feedback_step(current: str, target: str) -> None:
    """Feedback follows Received -> Verified -> Dispositioned -> Responded -> Closed (SP4N-LAPOR!)."""
    if target not in FEEDBACK_NEXT.get(current, set()):
        raise RuleViolated("feedback_step_order", f"a ticket in status {current} cannot become {target}",
                           f"tiket berstatus {current} tidak dapat menjadi {target}", field="type")
