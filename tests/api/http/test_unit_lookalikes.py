"""A decoy unit whose name only looks like a real one's is refused, so the public form never lists it."""

from __future__ import annotations

import threading

from api_bodies import auth, unit


def test_a_decoy_unit_named_like_a_real_one_is_refused_naming_the_field_and_kept_off_the_form(client, tokens):
    assert client.post("/v1/events", json=unit("DINKES", "Dinas Kesehatan"),
                       headers=auth(tokens["recorder"])).status_code == 201
    for decoy in ("Dinas \uff2besehatan", "DINAS KESEHATAN", "Dinas Kes\u0435hatan"):
        resp = client.post("/v1/events", json=unit("DlNKES", decoy), headers=auth(tokens["recorder"]))
        assert resp.status_code == 422, resp.json
        error = resp.json["error"]
        assert error["rule"] in ("unit_name_unique", "unit_name_single_script")
        assert "data.name" in error["fields"] and error["message_id"] != error["message"]
    assert client.get("/v1/units/DlNKES", headers=auth(tokens["admin"])).status_code == 404
    form = client.get("/masukan").get_data(as_text=True)
    assert form.count('value="DINKES"') == 1 and 'value="DlNKES"' not in form
    assert "Dinas \uff2besehatan" not in form and "DINAS KESEHATAN" not in form


def test_racing_registrations_of_one_name_under_many_codes_record_exactly_one(app, tokens):
    outcomes: list[int] = []

    def register(i: int) -> None:
        resp = app.test_client().post("/v1/events", json=unit(f"RACE{i}", "Badan Pendapatan Daerah " + " " * i),
                                      headers=auth(tokens["recorder"]))
        outcomes.append(resp.status_code)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [201] + [422] * 5
