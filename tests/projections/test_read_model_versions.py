"""A read model's version: raising it in the code rebuilds that read model, and only it, on the next open."""

from __future__ import annotations

import sqlalchemy
from sqlalchemy import select

from projections.models.roster import Roster, roster
from projections.runner import Projections
from projections.tables import tracking

UNIT = {"type": "UnitRegistered", "subject": "DINKES", "data": {"name": "Dinas Kesehatan"}}
SK = {"number": "800/1/BKPSDM/2010", "date": "2009-12-20"}


def appoint(nip: str) -> dict:
    return {"type": "EmployeeAppointed", "subject": nip, "effective_date": "2010-01-01", "legal_basis": SK,
            "data": {"employment_type": "pns", "name": f"Pegawai {nip[-3:]}", "grade": "III/a",
                     "position": {"type": "pelaksana", "title": "Staf"}, "unit": "DINKES"}}


def names(engine: sqlalchemy.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(roster.c.nip, roster.c.name)).all())


def tracked(engine: sqlalchemy.Engine) -> dict[str, tuple[int, int]]:
    with engine.connect() as conn:
        return {n: (p, v) for n, p, v in conn.execute(select(tracking.c.name, tracking.c.position, tracking.c.version))}


def test_raising_a_read_models_version_rebuilds_it_on_the_next_open_and_leaves_the_others(ledger, database_url,
                                                                                           monkeypatch):
    ledger.record([UNIT, appoint("198503122010011002"), appoint("198503122010011003")], "clerk", batch=True)
    first = Projections(database_url)
    try:
        first.catch_up(ledger)
        with first.engine.begin() as conn:  # a row the old code built differently
            conn.execute(roster.update().where(roster.c.nip == "198503122010011002").values(name="built by v1"))
        before = tracked(first.engine)
    finally:
        first.close()
    assert before["roster"] == (3, 1)

    monkeypatch.setattr(Roster, "version", 2)
    second = Projections(database_url)
    try:
        opened = tracked(second.engine)
        assert opened["roster"] == (0, 2) and names(second.engine) == {}, "the changed read model was not emptied"
        assert {n: t for n, t in opened.items() if n != "roster"} == {n: t for n, t in before.items() if n != "roster"}
        second.catch_up(ledger)
        assert names(second.engine) == {"198503122010011002": "Pegawai 002", "198503122010011003": "Pegawai 003"}
        assert tracked(second.engine)["roster"] == (3, 2)
    finally:
        second.close()
    third = Projections(database_url)  # the same version again: nothing is rebuilt
    try:
        assert tracked(third.engine)["roster"] == (3, 2)
    finally:
        third.close()


def test_a_tracking_table_from_before_versions_gets_the_column_and_rebuilds_nothing(ledger, database_url):
    ledger.record([UNIT, appoint("198503122010011002")], "clerk", batch=True)
    first = Projections(database_url)
    try:
        first.catch_up(ledger)
        with first.engine.begin() as conn:
            conn.execute(sqlalchemy.text("ALTER TABLE proj_tracking DROP COLUMN version"))
    finally:
        first.close()
    second = Projections(database_url)
    try:
        assert set(tracked(second.engine).values()) == {(2, 1)}
        assert names(second.engine) == {"198503122010011002": "Pegawai 002"}
    finally:
        second.close()
