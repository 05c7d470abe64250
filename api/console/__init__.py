"""The auditors' and inspectors' console under /console: sign-in and sessions (`signin`, `sessions`, `gate`),
employees on both time axes (`employee`, `timeline`, `rows`), the proof badge the browser checks (`proof`,
static/proof.js), findings and their reviews (`inbox`, `reviews`), who changed what (`changes`), the feedback
desk (`desk`) and evidence bundles (`evidence`). Server-rendered pages in Bahasa Indonesia first; other front
doors use only this face."""

# Imported for their routes, which register on the blueprint.
from api.console import changes, desk, employee, evidence, inbox, proof, reviews, signin  # noqa: F401
from api.console.gate import bp

__all__ = ["bp"]
