"""Reviews of findings (issue 18): an inspector's or auditor's note that a finding was looked at."""

from __future__ import annotations

from ledger.events.base import EVENT_ID, LedgerCreated, catalogued
from ledger.fields import Str

# Red flags the read models derive (projections/models/red_flags.py KINDS, less `finding`): a review may
# name one of these instead of a rulebook finding stored with the event; the console checks the flag exists.
FLAG_KINDS = ("self_action", "evaluator_hierarchy", "backdated", "promotion_without_two_baik",
              "realisation_beyond_allocation", "off_hours_burst")


@catalogued
class FindingReviewed(LedgerCreated):
    """A finding (or red flag) on an event was reviewed, with a note; the finding itself stays.

    The subject is `<position>/<rule>` of the reviewed event, so a finding is reviewed once and a
    second review is refused by name (`review_once`). Recorded through the console by the signed-in
    inspector or auditor (source `console`); through the HTTP API only by an admin.
    """

    STREAM = "review"
    DATA = {
        "event_id": EVENT_ID,
        "rule": Str(max_length=40, pattern=r"[a-z][a-z0-9_]*"),
        "note": Str(max_length=2000),
    }
