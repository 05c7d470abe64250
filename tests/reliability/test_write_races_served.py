"""Two requests at once on a real `jejak serve` of 2 workers, each deciding on its own process's cached
streams: one key is one event, a budget is never overspent, and a lawful training is never refused."""

from __future__ import annotations

import threading

import pytest
import requests

from api_bodies import appointment, budget, training, unit
from server_process import empty_database, serving

NIPS = ("198503122010011002", "198601012010012003")
ROUNDS = 8


def at_once(*calls):
    """Run the calls together (as far as two threads can); their answers in order."""
    start, answers = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        start.wait()
        answers[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@pytest.fixture(params=["sqlite", "postgres"])
def server(request, tmp_path):
    with serving(empty_database(request, tmp_path), tmp_path) as served:
        post = lambda body, **h: requests.post(f"{served.url}/v1/events", json=body,  # noqa: E731
                                               headers={**served.headers, **h}, timeout=60)
        for body in (unit("DINKES"), *(appointment(n) for n in NIPS)):
            assert post(body).status_code == 201
        for _ in range(8):  # both workers read (and cache) the employees and the unit
            for path in (*(f"/v1/employees/{n}" for n in NIPS), "/v1/units/DINKES"):
                requests.get(f"{served.url}{path}", headers=served.headers, timeout=60)
        yield served, post


def test_the_same_key_and_body_at_once_is_one_event_with_one_receipt(server):
    served, post = server
    for i in range(ROUNDS):
        head = served.head()
        body = training(NIPS[0], cost=0, jp=1 + i)
        a, b = at_once(lambda: post(body, **{"Idempotency-Key": f"k{i}"}),
                       lambda: post(body, **{"Idempotency-Key": f"k{i}"}))
        assert sorted((a.status_code, b.status_code)) == [200, 201], (a.text, b.text)
        assert a.json() == b.json()
        assert served.head() == head + 1


def test_the_same_key_with_two_bodies_at_once_records_one_and_refuses_the_other(server):
    served, post = server
    for i in range(ROUNDS):
        head = served.head()
        a, b = at_once(lambda: post(training(NIPS[0], cost=0, jp=1), **{"Idempotency-Key": f"d{i}"}),
                       lambda: post(training(NIPS[1], cost=0, jp=2), **{"Idempotency-Key": f"d{i}"}))
        codes = sorted((a.status_code, b.status_code))
        assert codes[0] == 201 and codes[1] in (409, 422), (a.text, b.text)
        refused = a if a.status_code != 201 else b
        assert refused.json()["error"]["code"] == "idempotency_mismatch", refused.text
        assert served.head() == head + 1


def test_two_trainings_at_once_never_overspend_their_funding_units_budget(server):
    served, post = server
    for i in range(ROUNDS):
        year = 2000 + i
        assert post(budget("DINKES", year, 100)).status_code == 201
        a, b = at_once(lambda: post(training(NIPS[0], cost=60, year=year)),
                       lambda: post(training(NIPS[1], cost=60, year=year)))
        assert sorted((a.status_code, b.status_code)) == [201, 422], (a.text, b.text)
        refused = a if a.status_code == 422 else b
        assert refused.json()["error"]["rule"] == "budget_within_allocation", refused.text
        # and two that fit are both recorded, whichever worker decided on a stale copy of the unit
        a, b = at_once(lambda: post(training(NIPS[0], cost=20, jp=3, year=year)),
                       lambda: post(training(NIPS[1], cost=20, jp=3, year=year)))
        assert (a.status_code, b.status_code) == (201, 201), (a.text, b.text)
