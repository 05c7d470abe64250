"""Fixtures of the storage tests: a second Ledger on the same database, as another server process is."""

from __future__ import annotations

import pytest

from ledger.application import Ledger


@pytest.fixture
def twin(database_url):
    """A second Ledger on the same database: another server process, as far as caches go."""
    app = Ledger(database_url)
    yield app
    app.close()
