"""Public statistics releases (issue 16): which periods are due, their figures, disclosure control, the audit.

`schedule` says which releases are due on a date; `figures` counts a period's people as the
ledger knew them when the period froze; `table` turns figures into cells and the linear rules
that bind them; `audit` solves each suppressed cell's interval over every release (HiGHS);
`disclosure` suppresses small and homogeneous groups and chooses complements until the audit
passes; `prepare` does it all for one period and returns what the `PublicReleasePublished`
event records. docs/PORTAL.md "Releases" states the method and its parameters.
"""

from projections.releases.prepare import ReleaseRefused, due_releases, prepare
from projections.releases.schedule import CORRECTION_MONTHS, Period, due, period_of

__all__ = ["CORRECTION_MONTHS", "Period", "ReleaseRefused", "due", "due_releases", "period_of", "prepare"]
