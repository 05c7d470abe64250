"""The one list of personal fields (docs/PERSONAL_DATA.md), with no imports, so the catalogue can name them."""

from __future__ import annotations

# Event type -> the personal fields of its `data`. A `Corrected` of one of these types holds the same
# names under `data.fields`. Only optional fields are ever added, so older events keep their meaning.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "EmployeeAppointed": ("nik", "birth_date", "address", "contact"),
    "FeedbackReceived": ("message", "contact_encrypted"),
    "InternshipStarted": ("intern_name", "student_number"),
    "LeaveGranted": ("health_detail",),
}
FIELD_NAMES = frozenset(name for names in PERSONAL_FIELDS.values() for name in names)
# Which personal fields each role sees (docs/PERSONAL_DATA.md): auditors and admins all; inspectors only
# the birth date, which the NIP they see begins with anyway; recorders and the public none. Feedback
# officers read the complainant's message, which is personal (it may name the complainant or others) and
# which they cannot handle unseen, so each reading is logged; the contact they open only with a reason.
SEEN_BY = {"auditor": FIELD_NAMES, "admin": FIELD_NAMES, "inspector": frozenset({"birth_date"}),
           "recorder": frozenset(), "public": frozenset(), "feedback_officer": frozenset({"message"})}


def role_may_see(role: str, field: str) -> bool:
    return field in SEEN_BY.get(role, frozenset())


ERASABLE = tuple(sorted(f"data.{name}" for name in FIELD_NAMES))  # what PersonalDataErased may name
