"""Fixtures shared by the load and crash scenarios."""

from __future__ import annotations


import pytest


from server_process import empty_database  # noqa: E402


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db(request, tmp_path):
    """An empty database of each backend for a real server."""
    return empty_database(request, tmp_path)
