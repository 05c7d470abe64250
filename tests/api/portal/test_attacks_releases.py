"""The attacks of issue 16 on the demo city's public figures: differencing, homogeneity, linear recovery.

Each test is what a citizen with only public data did: compare what the portal shows before and
after a transfer, a separation or a correction, look for groups all in one category, and solve for
the suppressed cells with every published figure and the rules that bind them. Each must recover
nothing.
"""

from __future__ import annotations

import math

from release_attacks import LB, active, publish, published, record, visible


def differences(before: dict, after: dict) -> dict:
    return {k: (before.get(k), after.get(k)) for k in set(before) | set(after) if before.get(k) != after.get(k)}


def test_a_pengawas_transferring_out_changes_nothing_shown_about_the_unit_they_left(demo_city):
    client = demo_city.app.test_client()
    staff = active(client)
    watched = active(client, "pengawas")  # officials whose moves are public, as DISDIK's in the issue
    biggest = max({e["unit"] for e in watched} - {"BKPSDM"}, key=lambda u: sum(e["unit"] == u for e in staff))
    pengawas = next(e for e in watched if e["unit"] == biggest)
    before = visible(client, pengawas["unit"])
    assert any(k[0] == "predikat" for k in before), "the unit's predikat is published somewhere"
    record(demo_city, [{"type": "Transferred", "subject": pengawas["nip"], "effective_date": "2026-04-11",
                        "legal_basis": LB, "data": {"from_unit": pengawas["unit"], "to_unit": "BKPSDM"}}])
    assert publish(demo_city, "2026-05-01").returncode == 0  # the next release (January 2026) is due
    assert differences(before, visible(client, pengawas["unit"])) == {}


def test_a_separation_and_an_annulled_training_change_nothing_shown_about_past_periods(demo_city):
    client = demo_city.app.test_client()
    ledger = demo_city.app.extensions["jejak"].ledger
    leaving = [e for e in active(client, "pelaksana") if e["unit"] != "BKPSDM"][0]
    trained = next(e for e in ledger.feed(0, 100000) if e["type"] == "TrainingCompleted"
                   and e["data"]["end_date"].startswith("2025") and e["data"]["jp"] >= 10)
    owner = ledger.state("employee", trained["subject"])["unit"]
    before = {code: visible(client, code) for code in {leaving["unit"], owner}}
    record(demo_city, [{"type": "Separated", "subject": leaving["nip"], "effective_date": "2026-04-12",
                        "legal_basis": LB, "data": {"kind": "resigned"}},
                       {"type": "Annulled", "subject": trained["subject"], "reason": "Diklat tidak pernah diikuti",
                        "data": {"event_id": trained["event_id"]}}])
    assert publish(demo_city, "2026-06-01").returncode == 0  # February 2026
    assert {code: differences(b, visible(client, code)) for code, b in before.items()} == {
        code: {} for code in before}


def test_no_group_shows_all_or_nearly_all_of_its_people_in_one_category(demo_city):
    client = demo_city.app.test_client()
    homogeneous = []
    for body in published(client):
        for g in body["items"] + [body["city"]]:
            total = g["headcount"]["total"]
            for section in ("predikat", "training"):
                for year, cells in g[section].items():
                    cats = {k: v for k, v in cells.items() if k != "staff"}
                    shown = {k: v for k, v in cats.items() if isinstance(v, int) and not isinstance(v, bool)}
                    group = cells.get("staff") if section == "training" else total
                    if shown and isinstance(group, int) and any(group - v < 5 for v in shown.values()):
                        homogeneous.append((body.get("release"), g["code"], section, year, cells))
    assert homogeneous == []


def test_every_category_is_always_present_so_no_key_says_a_group_is_empty(demo_city):
    from ledger.rules import POSITION_TYPES, PREDIKAT

    client = demo_city.app.test_client()
    for body in published(client):
        for g in body["items"] + [body["city"]]:
            assert set(POSITION_TYPES) <= set(g["headcount"]["by_position_type"])
            for cells in g["predikat"].values():
                assert set(cells) == set(PREDIKAT)
            for cells in g["training"].values():
                assert set(cells) == {"staff", "met_20_jp", "below_20_jp"}
            assert len(g["feedback"]["by_status"]) == 6 and len(g["feedback"]["by_classification"]) == 3


def test_solving_every_published_release_together_pins_no_suppressed_cell(demo_city):
    """The linear attack: every published cell fixed, every suppressed one >= 0, all rules of all releases."""
    from projections.releases.audit import Audit
    from projections.releases.table import cells, rows

    client = demo_city.app.test_client()
    bodies = published(client)
    audit = Audit([(cells(b), rows(b)) for b in bodies])
    narrow = []
    for c in sorted(audit.hidden):
        lo, hi = audit.interval(c)
        if not math.isinf(hi) and hi - lo < 4:  # narrower than ±2 people
            narrow.append(("/".join(c), lo, hi))
    assert len(audit.hidden) > 50 and narrow == []


def test_each_suppressed_cell_stays_uncertain_by_half_its_true_value(demo_city):
    """The protection rule with the true values (recomputed from the frozen ledger): width >= max(4, value)."""
    from projections.releases import Period
    from projections.releases.audit import Audit, protected
    from projections.releases.figures import Source, figures
    from projections.releases.table import cells, rows

    client = demo_city.app.test_client()
    bodies = published(client)
    services = demo_city.app.extensions["jejak"]
    source = Source(services.ledger, services.read_models())
    audit = Audit([(cells(b), rows(b)) for b in bodies])
    exposed = []
    for b in bodies:
        truth = cells(figures(source, Period(b["period"])))
        exposed += [c for c, v in cells(b).items() if v is None and not protected(truth[c], *audit.interval(c))]
    assert exposed == []


def test_the_audits_shortcut_from_earlier_solutions_decides_every_cell_as_solving_it_does(demo_city):
    """`protects` and `protects_unknown` skip a cell's own solves when earlier solutions already span the
    width the rule asks; over every published release they must answer as the full interval does."""
    from projections.releases import Period
    from projections.releases.audit import Audit, protected
    from projections.releases.figures import Source, figures
    from projections.releases.table import cells, rows

    bodies = published(demo_city.app.test_client())
    services = demo_city.app.extensions["jejak"]
    source = Source(services.ledger, services.read_models())
    system = [(cells(b), rows(b)) for b in bodies]
    quick, full = Audit(system), Audit(system)
    decided, hidden = [], sorted(full.hidden)
    for b in bodies:
        truth = cells(figures(source, Period(b["period"])))
        for c, v in cells(b).items():
            if v is None and c in full.hidden:
                decided.append((quick.protects(c, truth[c]), protected(truth[c], *full.interval(c))))
    unknown = [(quick.protects_unknown(c), protected(None, *full.interval(c))) for c in hidden]
    assert len(decided) > 50 and all(a == b for a, b in decided + unknown)
    assert any(not b for _, b in unknown)  # the conservative rule does refuse some cells: the test can fail


def test_a_citizen_solving_every_published_release_as_one_system_narrows_no_cell_below_the_promise(demo_city):
    """Issue 16's LP written from the public JSON alone (`release_lp`, not the gate's model), over every release at
    once: every suppressed cell of every release keeps max - min >= 4 and, with its true value v, >= max(4, v)."""
    from projections.releases import Period
    from projections.releases.figures import Source, figures
    from projections.releases.table import cells
    from release_lp import intervals, system

    assert publish(demo_city, "2026-06-01").returncode == 0  # January and February 2026 too, run alone or not
    bodies = published(demo_city.app.test_client())
    services = demo_city.app.extensions["jejak"]
    source = Source(services.ledger, services.read_models())
    truth = {c: v for b in bodies for c, v in cells(figures(source, Period(b["period"]))).items()}
    values, rows = system(bodies)
    found = intervals(values, rows)
    assert len(bodies) >= 3 and len(found) > 100
    assert all(lo - 1e-6 <= truth[c] <= hi + 1e-6 for c, (lo, hi) in found.items())  # the model holds for the truth
    narrow = [c for c, (lo, hi) in found.items() if hi - lo < 4 - 1e-6]
    exposed = [c for c, (lo, hi) in found.items() if hi - lo < max(4, truth[c]) - 1e-6]
    assert narrow == [] and exposed == []


def test_no_rule_spans_two_releases_so_each_earlier_cell_keeps_the_interval_its_own_audit_checked(demo_city):
    """Why the gate re-checks earlier cells only where the new release links to them: releases count different days,
    so no cell and no rule is shared and each part of the system lies in one release. Every earlier cell's interval
    is then the one its own gate checked with its true value, even where the stricter rule without it fails."""
    from projections.releases.audit import linked
    from projections.releases.table import cells, rows
    from release_lp import intervals, parts, system

    assert publish(demo_city, "2026-06-01").returncode == 0  # January and February 2026 too, run alone or not
    bodies = published(demo_city.app.test_client())
    values, lp_rows = system(bodies)
    assert len(bodies) >= 2 and all(len({c[0] for c in part}) == 1 for part in parts(values, lp_rows))
    alone = {}
    for b in bodies:
        alone.update(intervals(*system([b])))
        others = [(cells(o), rows(o)) for o in bodies if o is not b]
        assert linked(cells(b), others) == []  # the gate leaves every other release out, rightly
    together = intervals(values, lp_rows)
    assert together.keys() == alone.keys()
    assert all(math.isclose(x, y, abs_tol=1e-6) for c in alone for x, y in zip(together[c], alone[c]))
