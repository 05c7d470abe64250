"""The portal's per-address rate limiter, on a fixed clock."""

import pytest

from api.portal.ratelimit import RateLimiter, parse_rate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_within_the_limit_are_allowed_and_the_next_one_waits_for_the_window():
    clock = Clock()
    limiter = RateLimiter(3, 60, clock=clock)
    assert [limiter.hit("10.0.0.1") for _ in range(3)] == [0, 0, 0]
    clock.now += 20
    assert limiter.hit("10.0.0.1") == 40


def test_each_address_has_its_own_window():
    limiter = RateLimiter(1, 60, clock=Clock())
    assert limiter.hit("10.0.0.1") == 0
    assert limiter.hit("10.0.0.1") > 0
    assert limiter.hit("10.0.0.2") == 0


def test_an_address_is_allowed_again_once_its_oldest_hit_leaves_the_window():
    clock = Clock()
    limiter = RateLimiter(2, 10, clock=clock)
    limiter.hit("a")
    clock.now += 5
    limiter.hit("a")
    assert limiter.hit("a") == 5
    clock.now += 5
    assert limiter.hit("a") == 0


def test_refused_requests_do_not_extend_the_wait():
    clock = Clock()
    limiter = RateLimiter(1, 10, clock=clock)
    limiter.hit("a")
    for _ in range(5):
        clock.now += 1
        limiter.hit("a")
    clock.now += 5
    assert limiter.hit("a") == 0


def test_memory_stays_bounded_when_many_addresses_arrive():
    clock = Clock()
    limiter = RateLimiter(1, 10, clock=clock, max_keys=100)
    for i in range(1000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter._hits) <= 100


@pytest.mark.parametrize("text, expected", [("5/600", (5, 600.0)), ("30/minute", (30, 60.0)), ("2/hour", (2, 3600.0))])
def test_rates_are_read_as_count_per_window(text, expected):
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", ["5", "five/minute", "0/60", "5/fortnight", "5/-1"])
def test_a_malformed_rate_is_refused_with_an_example(text):
    with pytest.raises(ValueError, match="5/600"):
        parse_rate(text)
