"""Portal apps over a tiny registered world, for the attack tests (form, limits, names)."""

from __future__ import annotations

import re

UNITS = {"DINKES": "Dinas Kesehatan", "DISDIK": "Dinas Pendidikan"}
FEEDBACK = {"classification": "aspirasi", "unit": "DINKES", "message": "Perpanjang jam layanan", "anonymous": True}


def portal_app(url: str, tmp_path, **config):
    from api import create_app

    app = create_app({"DATABASE_URL": url, "TESTING": True, "CONTACT_KEY_PATH": str(tmp_path / "contact.key"),
                      **config})
    ledger = app.extensions["jejak"].ledger
    if ledger.head() == 0:
        bodies = [{"type": "UnitRegistered", "subject": c, "data": {"name": n}} for c, n in UNITS.items()]
        ledger.record(bodies, actor="tests", batch=True)
        app.extensions["jejak"].after_write()
    return app


def form_token(client) -> str:
    """The hidden token of the feedback form, as a browser gets it with the page."""
    page = client.get("/masukan").get_data(as_text=True)
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)
