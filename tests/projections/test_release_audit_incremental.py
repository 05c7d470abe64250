"""Publishing many releases cheaply (issue 21) must decide exactly as publishing each from scratch did.

Three shortcuts, each checked against the slow way on a real demo city (200 ASN, 2025 and 2026 to
7 December: R-2025 and eight monthly releases), on both backends:
- a `Source` carries each employee's fold from one period to the next instead of replaying it;
- `protect` suppresses a complement in the audit it has (`Audit.hide`) instead of building a new one;
- the gate (`check`) takes `protect`'s solutions as witnesses once it has checked them against its own rules.

Only the `Source` reads the database, so only its tests run on both backends. The audits are pure functions of a
release's content (numpy and HiGHS, no database), so their tests run once, on the SQLite city's contents: running
them again on PostgreSQL's contents repeated the same solves, minutes of the suite on 2 cores, and
`protect`'s own result is computed once per release for the three tests that start from it.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest

import public_world

TODAY = "2026-12-07"


def built_city(url: str, work):
    from ledger.application import Ledger
    from projections.releases import due_releases
    from projections.runner import Projections

    public_world.load_demo(url, work, years=2, today=TODAY, releases=False)
    ledger, projections = Ledger(url), Projections(url)
    due = due_releases(ledger, projections.engine, date.fromisoformat(TODAY))
    yield SimpleNamespace(ledger=ledger, engine=projections.engine, due=due)
    projections.close()
    ledger.close()


@pytest.fixture(scope="module")
def sqlite_city(tmp_path_factory):
    work = tmp_path_factory.mktemp("release-city")
    yield from built_city(f"sqlite:///{work / 'jejak.db'}", work)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def city(request, tmp_path_factory):
    """The demo city on each backend (the SQLite one is `sqlite_city`, built once for the module)."""
    from server_process import empty_database

    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_city")
        return
    work = tmp_path_factory.mktemp("release-city")
    yield from built_city(empty_database(request, work), work)  # (not `from conftest import`: ambiguous under xdist)


@pytest.fixture(scope="module")
def contents(sqlite_city):
    """Each due release's figures, carried from period to period as publishing computes them."""
    from projections.releases.figures import Source, figures

    source = Source(sqlite_city.ledger, sqlite_city.engine)
    return [figures(source, p) for p in sqlite_city.due]


@pytest.fixture(scope="module")
def protected(contents):
    """`protect`'s suppression of each release and the audit's solutions it hands the gate (`points` only
    receives them: the suppression is what `protect(content, [])` returns)."""
    from projections.releases.disclosure import protect

    out = []
    for content in contents:
        points: list = []
        out.append((frozenset(protect(content, [], points)), points))
    return out


def test_figures_carried_from_period_to_period_equal_each_period_folded_from_its_first_fact(city):
    from projections.releases.figures import Source, figures

    assert len(city.due) >= 9 and city.due[0].key == "2025"
    source = Source(city.ledger, city.engine)
    carried = [figures(source, p) for p in city.due]
    alone = [figures(Source(city.ledger, city.engine), p) for p in city.due]  # every fold from the start
    assert carried == alone


def test_a_source_carries_most_folds_on_and_folds_again_when_a_fact_lands_before_the_last_period(city):
    """The carried fold is the ledger's own fold even when a fact known later takes effect before the period
    already counted: the next period then folds from the first fact."""
    from projections.releases.figures import Source

    source = Source(city.ledger, city.engine)
    nip = source.keys()[0][0]
    agg = city.ledger.aggregate("employee", nip)
    late, early = city.due[-1], city.due[1]
    facts_late = agg.effective(late.frozen_at, late.end)
    assert source._carried(nip, agg, facts_late) == agg.fold(facts_late)
    facts_early = agg.effective(early.frozen_at, early.end)  # fewer facts: not an extension, folded again
    assert len(facts_early) < len(facts_late)
    assert source._carried(nip, agg, facts_early) == agg.fold(facts_early)
    extended = source._carried(nip, agg, facts_late)  # carried on from the early fold
    assert source.folds[nip][0] is facts_late and extended == agg.fold(facts_late)
    moved = [*facts_late[:1], {**facts_late[1], "v": facts_late[1]["v"]}, *facts_late[2:]]  # same facts, a new copy
    assert source._carried(nip, agg, moved) == agg.fold(moved)


def protect_rebuilding(content):
    """`protect` as it was before issue 21's change: a whole new `Audit` after every complement."""
    from projections.releases.audit import Audit
    from projections.releases.disclosure import _complements, masked, primary
    from projections.releases.table import cells, rows

    truth, own_rows = cells(content), rows(content)
    hidden = primary(content)
    rows_of = {}
    for coeffs, _ in own_rows:
        for c in coeffs:
            rows_of.setdefault(c, []).append(coeffs)
    queue = sorted(hidden)
    audit = Audit([(masked(truth, hidden), own_rows)])
    while queue:
        cell = queue.pop(0)
        while not audit.protects(cell, truth[cell]):
            choice = _complements(cell, hidden, rows_of, truth, set())[0][1]
            hidden.add(choice)
            queue.append(choice)
            audit = Audit([(masked(truth, hidden), own_rows)])
    return hidden


def test_protect_hiding_complements_in_place_suppresses_exactly_what_rebuilding_the_audit_did(contents, protected):
    from projections.releases.disclosure import primary

    grew = 0
    for content, (hidden, _) in zip(contents, protected, strict=True):
        assert hidden == protect_rebuilding(content), content["release"]
        grew += len(hidden - primary(content))
    assert grew > 0  # complements were chosen: the in-place path ran


def test_an_audit_with_cells_hidden_in_place_gives_every_interval_a_new_audit_gives(contents, protected):
    from projections.releases.audit import Audit
    from projections.releases.disclosure import masked, primary
    from projections.releases.table import cells, rows

    content = contents[0]
    truth, own_rows = cells(content), rows(content)
    first, final = primary(content), set(protected[0][0])
    grown = Audit([(masked(truth, first), own_rows)])
    for c in sorted(first):
        grown.protects(c, truth[c])  # models built and solved before the complements come
    for c in sorted(final - first):
        grown.hide(c)
    fresh = Audit([(masked(truth, final), own_rows)])
    assert grown.hidden == fresh.hidden and len(final - first) > 0
    for c in sorted(final):
        assert np.allclose(grown.interval(c), fresh.interval(c), atol=1e-6), c
        assert grown.protects(c, truth[c]) == fresh.protects(c, truth[c])


def test_the_gate_with_protects_solutions_refuses_and_passes_exactly_the_cells_it_does_alone(contents, protected):
    from projections.releases.disclosure import check, primary

    for content, (hidden, points) in zip(contents, protected, strict=True):
        assert points and check(content, set(hidden), [], points) == check(content, set(hidden), []) == []
    content, (_, points) = contents[0], protected[0]
    bare = primary(content)  # primary suppression alone leaves cells a reader can pin
    refused = check(content, bare, [])
    assert refused and check(content, bare, [], points) == refused


def test_the_gate_ignores_offered_points_that_break_a_rule(contents):
    """A point claiming every suppressed cell could be 0 or 1,000 would make every cell look protected; it is not a
    solution of the published rules, so the gate solves as if it had never been offered."""
    from projections.releases.disclosure import check, primary

    content = contents[0]
    bare = primary(content)
    refused = check(content, bare, [])
    cells = sorted(bare)
    lies = [(cells, np.zeros(len(cells))), (cells, np.full(len(cells), 1000.0))]
    assert refused and check(content, bare, [], lies) == refused
