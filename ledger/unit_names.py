"""A unit's name is its own: no other unit may hold a name that reads the same.

Names are compared after Unicode NFKC normalisation, case folding and collapsing of spaces, so
"Dinas Ｋesehatan" (a fullwidth letter), "DINAS KESEHATAN" and "Dinas  Kesehatan" are the name
"Dinas Kesehatan" and are refused for another code. NFKC leaves letters of other scripts alone
(Cyrillic "а" is not Latin "a"), so a unit name also keeps to one script (UTS #39's single-script
restriction): no OPD of Binjai mixes alphabets in its name. Codes are compared as typed: the code
pattern allows ASCII only, and `DlNKES` is a code of its own, shown beside its name.

The index is the ledger's table `jejak_unit_names (normalised, code)`, written in the events'
own transaction (`recorders.after_insert`): its primary key refuses a racing lookalike, which the
writer then decides again and refuses by name. A name once held stays reserved to its code, even
after a correction or an annulment: a citizen who knew the old name must not find it on a decoy.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable

from ledger.errors import RuleViolated

_SPACES = re.compile(r"\s+")


def normalised(name: str) -> str:
    """The form two names are compared in (NFKC, case folded, spaces collapsed)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _SPACES.sub(" ", folded).strip()


def scripts(name: str) -> set[str]:
    """The scripts of a name's letters, by their Unicode names (LATIN, CYRILLIC, GREEK, ...)."""
    found = set()
    for char in unicodedata.normalize("NFKC", name):
        if unicodedata.category(char).startswith("L"):
            found.add(unicodedata.name(char, "UNKNOWN").split(" ")[0])
    return found


def check_name(name: str, code: str, holder: Callable[[str], str | None], field: str = "data.name") -> str:
    """Refuse a mixed-script name or one that another unit holds; the normalised name otherwise."""
    mixed = scripts(name)
    if len(mixed) > 1:
        listed = ", ".join(sorted(s.lower() for s in mixed))
        raise RuleViolated("unit_name_single_script",
                           f"{field}: a unit name is written in one alphabet, not several ({listed}); "
                           "type it again on an ordinary keyboard",
                           f"{field}: nama unit ditulis dalam satu aksara, bukan campuran ({listed}); "
                           "ketik ulang dengan papan ketik biasa", field=field)
    key = normalised(name)
    held_by = holder(key)
    if held_by is not None and held_by != code:
        raise RuleViolated("unit_name_unique",
                           f"{field}: unit {held_by} already has the name {name!r} (compared ignoring case, "
                           "width and look-alike forms of letters)",
                           f"{field}: unit {held_by} sudah bernama {name!r} (dibandingkan tanpa membedakan "
                           "huruf besar-kecil, lebar, dan bentuk huruf yang mirip)", field=field)
    return key


def holder_in_table(recorder: Any) -> Callable[[str], str | None]:
    """Who holds a normalised name, read from the ledger's index."""

    def holder(key: str) -> str | None:
        rows = recorder.query("SELECT code FROM jejak_unit_names WHERE normalised = ?", (key,))
        return rows[0][0] if rows else None

    return holder


def backfill(ledger: Any) -> None:
    """Fill an empty index from the registrations already recorded (a ledger from before it existed)."""
    if ledger.recorder.query("SELECT COUNT(*) FROM jejak_unit_names")[0][0]:
        return
    rows: dict[str, str] = {}
    after = 0
    while True:
        notes = ledger.recorder.select_notifications(after + 1, 1000, topics=["ledger.events:UnitRegistered"])
        if not notes:
            break
        for event in ledger._views(notes):
            rows.setdefault(normalised(event["data"]["name"]), event["subject"])
        after = notes[-1].id
    ledger.recorder.execute_many([("INSERT INTO jejak_unit_names (normalised, code) VALUES (?, ?)"
                                   " ON CONFLICT DO NOTHING", row) for row in rows.items()])
