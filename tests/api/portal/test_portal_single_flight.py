"""After a write, many visitors at once cause one computation of a public page, not one each."""

from __future__ import annotations

import threading

import pytest

from portal_apps import portal_app

VISITORS = 8


@pytest.fixture
def app(database_url, tmp_path):
    app = portal_app(database_url, tmp_path, PUBLIC_READ_RATE="10000/60")
    yield app
    app.extensions["jejak"].close()


@pytest.fixture
def counted(monkeypatch):
    """How often the overview's figures are computed (the real computation, counted on its way)."""
    from api.portal import view

    calls = []
    real = view.city

    def city(*args, **kwargs):
        calls.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "city", city)
    return calls


def _visit_at_once(app, path):
    start, statuses = threading.Barrier(VISITORS), []

    def visit():
        client = app.test_client()
        start.wait()
        statuses.append(client.get(path).status_code)

    threads = [threading.Thread(target=visit) for _ in range(VISITORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def _write(app, code):
    app.extensions["jejak"].ledger.record([{"type": "UnitRegistered", "subject": code,
                                            "data": {"name": f"Kantor {code}"}}], "tests")


def test_visitors_arriving_together_after_a_write_cause_one_computation_of_the_overview(app, counted):
    _write(app, "KESBANG")
    assert _visit_at_once(app, "/") == [200] * VISITORS
    assert len(counted) == 1


def test_the_overview_is_computed_again_after_the_next_write_and_shows_it(app, counted):
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert len(counted) == 1
    _write(app, "SATPOLPP")  # shown in the next release (issue 16): the page is computed again all the same
    assert client.get("/").status_code == 200
    assert len(counted) == 2


def test_a_year_without_a_release_is_a_404_that_no_one_keeps(app, counted):
    """Pages are kept per (page, year, release) once computed; a year with no release (this small city's
    figures are all withheld, so it has none) answers 404 each time, and an answer that failed is kept
    by no one, so a release published later shows at once."""
    client = app.test_client()
    statuses = [client.get(f"/?tahun={year}").status_code for year in (2025, 2024, 2025)]
    assert statuses == [404, 404, 404]
    assert len(counted) == 3
