"""The interop tests fail, never skip, when Go or its x/mod sources are missing."""

from __future__ import annotations

import pytest

import gotools


@pytest.fixture(scope="session")
def go_program():
    """The built Go program (once per source hash, shared by the xdist workers through a lock)."""
    try:
        return gotools.binary()
    except gotools.GoUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
