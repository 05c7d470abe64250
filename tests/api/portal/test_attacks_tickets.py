"""Ticket enumeration: imported and demo tickets are keyed LPR-<year>-00001…; counting up must find nothing."""

from __future__ import annotations

import re

from ledger.feedback import PUBLIC_NUMBER


def stream_keys_and_numbers(app) -> list[tuple[str, str | None]]:
    ledger = app.extensions["jejak"].ledger
    found, after = [], 0
    while batch := ledger.feed(after, 2000):
        found += [(e["subject"], e["data"].get("public_number")) for e in batch if e["type"] == "FeedbackReceived"]
        after = batch[-1]["position"]
    return found


def test_counting_up_sequential_ticket_numbers_reads_no_ticket(demo_city):
    client = demo_city.app.test_client()
    keys = [k for k, _ in stream_keys_and_numbers(demo_city.app)]
    years = sorted({m.group(1) for k in keys if (m := re.match(r"LPR-(\d{4})-", k))})
    assert years, "the demo city records its imported tickets under sequential LAPOR! numbers"
    readable = []
    for year in years:
        for n in range(1, 60):
            for guess in (f"LPR-{year}-{n:05d}", f"LPR-{year}-{n:04d}", f"lpr-{year}-{n:05d}"):
                for path in (f"/v1/public/feedback/{guess}", f"/tiket/{guess}", f"/tiket?nomor={guess}"):
                    if client.get(path).status_code != 404:
                        readable.append(path)
    assert readable == []


def test_every_ticket_has_a_random_public_number_that_opens_its_status_in_any_case(demo_city):
    client = demo_city.app.test_client()
    pairs = stream_keys_and_numbers(demo_city.app)
    numbers = [n for _, n in pairs]
    assert all(n and PUBLIC_NUMBER.fullmatch(n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    for key, number in pairs[:20]:
        assert number != key
        assert client.get(f"/v1/public/feedback/{number.lower()}").json["ticket"] == number
        assert number in client.get(f"/tiket?nomor={number.lower()}").get_data(as_text=True)
