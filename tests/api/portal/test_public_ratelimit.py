"""The portal's rate limits: shared by workers through Redis, per IPv6 /64, never freed by a flood,
and keyed on the client behind our own proxies only."""

from __future__ import annotations

import uuid

import pytest

from api.portal.ratelimit import client_address, client_bucket, parse_rate, parse_trusted_proxies
from portal_apps import FEEDBACK, portal_app

REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    url = f"sqlite:///{tmp / 'jejak.db'}"
    portal_app(url, tmp).extensions["jejak"].close()  # registers the units once
    return url, tmp


@pytest.fixture
def make(database):
    """Apps ("workers") over one database, sharing one Redis namespace per test."""
    url, tmp = database
    prefix, apps = f"jejak-test-{uuid.uuid4().hex}", []

    def make_app(**config):
        app = portal_app(url, tmp, REDIS_URL=REDIS, RATE_LIMIT_PREFIX=prefix, PUBLIC_READ_RATE="10000/60",
                         **config)
        apps.append(app)
        return app
    yield make_app
    for app in apps:
        app.extensions["jejak"].close()


def post(app, addr="10.0.0.1", **headers):
    return app.test_client().post("/v1/public/feedback", json=FEEDBACK, headers=headers,
                                  environ_base={"REMOTE_ADDR": addr})


def test_two_workers_share_one_limit_through_redis(make):
    first, second = make(PUBLIC_FEEDBACK_RATE="2/600"), make(PUBLIC_FEEDBACK_RATE="2/600")
    assert post(first).status_code == 201 and post(second).status_code == 201
    refused = post(first)
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert post(second).status_code == 429


def test_addresses_of_one_ipv6_64_share_a_bucket(make):
    app = make(PUBLIC_FEEDBACK_RATE="1/600")
    assert post(app, "2001:db8:1:2::1").status_code == 201
    assert post(app, "2001:db8:1:2:ffff:ffff:ffff:fffe").status_code == 429
    assert post(app, "2001:db8:1:3::1").status_code == 201  # the next /64 is another host


def test_a_flood_of_other_addresses_does_not_free_a_blocked_one(database):
    """In memory, where a bounded table once evicted the blocked address (Redis evicts nothing unasked)."""
    url, tmp = database
    app = portal_app(url, tmp, PUBLIC_FEEDBACK_RATE="1/600", PUBLIC_READ_RATE="10000/60")
    assert post(app, "198.51.100.7").status_code == 201
    assert post(app, "198.51.100.7").status_code == 429
    limits = app.extensions["jejak_public_limits"]
    for i in range(100_000):
        limits.hit("PUBLIC_FEEDBACK_RATE", f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}")
    assert post(app, "198.51.100.7").status_code == 429
    app.extensions["jejak"].close()


def test_with_one_trusted_proxy_the_client_is_the_address_it_forwarded(make):
    app = make(PUBLIC_FEEDBACK_RATE="1/600", TRUSTED_PROXIES=1)
    proxy = "10.0.0.254"
    assert post(app, proxy, **{"X-Forwarded-For": "203.0.113.5"}).status_code == 201
    assert post(app, proxy, **{"X-Forwarded-For": "203.0.113.6"}).status_code == 201  # another citizen
    # What the client wrote to the left of what our proxy appended is not believed.
    assert post(app, proxy, **{"X-Forwarded-For": "192.0.2.99, 203.0.113.5"}).status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(make):
    app = make(PUBLIC_FEEDBACK_RATE="1/600")
    assert post(app, "10.0.0.9", **{"X-Forwarded-For": "203.0.113.7"}).status_code == 201
    assert post(app, "10.0.0.9", **{"X-Forwarded-For": "203.0.113.8"}).status_code == 429


def test_without_redis_the_limit_is_kept_in_memory(database):
    url, tmp = database
    app = portal_app(url, tmp, PUBLIC_FEEDBACK_RATE="1/600")
    try:
        assert post(app, "10.1.1.1").status_code == 201 and post(app, "10.1.1.1").status_code == 429
    finally:
        app.extensions["jejak"].close()


@pytest.mark.parametrize("address, bucket", [
    ("192.0.2.1", "192.0.2.1"), ("2001:db8::1", "2001:db8::/64"), ("2001:DB8:0:0:1::9", "2001:db8::/64"),
    ("::ffff:192.0.2.1", "192.0.2.1"), ("fe80::1%eth0", "fe80::/64"), ("not an address", "not an address")])
def test_each_address_counts_in_its_bucket(address, bucket):
    assert client_bucket(address) == bucket


def test_the_client_is_read_from_the_right_of_x_forwarded_for_by_trusted_hops():
    assert client_address("10.0.0.1", ["1.1.1.1, 2.2.2.2", "3.3.3.3"], 0) == "10.0.0.1"
    assert client_address("10.0.0.1", ["1.1.1.1, 2.2.2.2", "3.3.3.3"], 1) == "3.3.3.3"
    assert client_address("10.0.0.1", ["1.1.1.1, 2.2.2.2", "3.3.3.3"], 2) == "2.2.2.2"
    assert client_address("10.0.0.1", ["3.3.3.3"], 2) == "10.0.0.1"  # fewer hops than proxies: not believed


@pytest.mark.parametrize("text", ["-1", "many", "11"])
def test_a_bad_proxy_count_is_refused_with_advice(text):
    with pytest.raises(ValueError, match="0 \\(none, the default\\)"):
        parse_trusted_proxies(text)


@pytest.mark.parametrize("text, expected", [("5/600", (5, 600.0)), ("30/minute", (30, 60.0)), ("2/hour", (2, 3600.0))])
def test_rates_are_read_as_count_per_window(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["5", "five/minute", "0/60", "5/fortnight", "5/-1"])
def test_a_malformed_rate_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="5/600"):
        parse_rate(text)
