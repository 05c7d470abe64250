"""The auditors' and inspectors' console under /console: sign-in and sessions (`signin`, `sessions`, `gate`),
employees on both time axes (`employee`, `timeline`) and the proof badge the browser checks (`proof`,
static/proof.js). Server-rendered pages in Bahasa Indonesia first; other front doors use only this face."""

from api.console import changes, desk, employee, evidence, inbox, proof, reviews, signin  # noqa: F401 - their routes register on the blueprint
from api.console.gate import bp

__all__ = ["bp"]
