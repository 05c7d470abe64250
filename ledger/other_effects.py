"""What each unit, internship, feedback, release and review event changes in its stream's state (the table
and the conventions are ledger/effects.py's; split from it by stream kind)."""

from __future__ import annotations

from ledger import events as ev
from ledger.effect_table import DateOf, Data, Fact, State, add_to, effect


# --- Unit (state begun by `Unit.start`) -------------------------------------------------------

@effect(ev.UnitRegistered)
def unit_registered(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(name=d["name"], kind=d.get("kind"), parent=d.get("parent"))


@effect(ev.TrainingBudgetAllocated)
def budget_allocated(s: State, d: Data, f: Fact, on: DateOf) -> None:
    add_to(s["budgets"].setdefault(d["year"], {}), "allocated", d["amount"])


@effect(ev.TrainingBudgetRealised)
def budget_realised(s: State, d: Data, f: Fact, on: DateOf) -> None:
    add_to(s["budgets"].setdefault(d["year"], {}), "realised", d["amount"])


@effect(ev.UnitAchievementAssessed)
def achievement_assessed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["achievements"][d["year"]] = d["achievement"]


# --- Internship (state begun by `Internship.start`) -----------------------------------------

@effect(ev.InternshipStarted)
def internship_started(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(d)
    s["status"] = "active"


@effect(ev.InternshipCompleted)
def internship_completed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(status="completed", outcome=d["outcome"], sks=d.get("sks"), hours=d.get("hours"),
             completed_on=d["completed_on"])


@effect(ev.InternshipCancelled)
def internship_cancelled(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(status="cancelled", cancelled_on=d["cancelled_on"])


# --- Feedback (state begun by `FeedbackCase.start`) -----------------------------------------

def _step(s: State, f: Fact) -> None:
    """Each step of a ticket sets its status and is kept with its recording time (response times)."""
    status = ev.FEEDBACK_STATUS_BY_TYPE[f["type"]]
    s["status"] = status
    s["steps"].append({"status": status, "at": f["at"]})


@effect(ev.FeedbackReceived)
def feedback_received(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(classification=d["classification"], unit=d["unit"], message=d["message"], anonymous=d["anonymous"],
             confidential=d.get("confidential", False), contact_encrypted=d.get("contact_encrypted"), response=None,
             public_number=d.get("public_number"))
    _step(s, f)


# --- Release (state begun by `PublicRelease.start`) ------------------------------------------

@effect(ev.PublicReleasePublished)
def release_published(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(period=d["period"], content_hash=d["content_hash"], published_at=f["at"])


# --- Review (state begun by `FindingReview.start`) -------------------------------------------

@effect(ev.FindingReviewed)
def finding_reviewed(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s.update(event_id=d["event_id"], rule=d["rule"], note=d["note"], reviewed_at=f["at"])


@effect(ev.FeedbackDispositioned)
def feedback_dispositioned(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["unit"] = d["to_unit"]
    _step(s, f)


@effect(ev.FeedbackResponded)
def feedback_responded(s: State, d: Data, f: Fact, on: DateOf) -> None:
    s["response"] = d["response"]
    _step(s, f)


@effect(ev.FeedbackVerified, ev.FeedbackClosed, ev.FeedbackRejected)
def feedback_stepped(s: State, d: Data, f: Fact, on: DateOf) -> None:
    _step(s, f)
