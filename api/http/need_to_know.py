"""Need to know: a recorder learns what it needs to post (versions, grade, post, unit), not how people are rated.

Issue 15: recorders read any employee's predikat, ratings and light sanctions. A posting system needs the
stream's `version` / `last_position` and the facts its next event refers to (status, grade, position,
unit, employment type); the performance, discipline, training and separation figures are withheld, as
`null`, and named in `masked` like personal fields.
"""

from __future__ import annotations

from typing import Any

WITHHELD_FROM_RECORDERS = ("latest_predikat", "annual_predikat", "active_penalties", "training_jp", "separation")


def withhold_from_recorders(view: dict[str, Any]) -> dict[str, Any]:
    """The employee view with what a recorder need not know set to null and listed in `masked`."""
    for name in WITHHELD_FROM_RECORDERS:
        view[name] = None
    view["masked"] = [*view.get("masked", []), *WITHHELD_FROM_RECORDERS]
    return view
