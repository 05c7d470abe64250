"""One silent HiGHS model for the release audit (projections/releases/audit.py)."""

from __future__ import annotations

import os
import sys
from typing import Any

import highspy

_banner_shown = False


def silent_model() -> Any:
    """A silent HiGHS model; the library's banner, written to stdout by the first model a process makes, is
    sent to stderr instead (stdout carries the CLI's JSON)."""
    global _banner_shown
    if _banner_shown:
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    h.silent()
    h.setOptionValue("presolve", "off")  # only the objective changes between solves: start from the last basis
    return h
