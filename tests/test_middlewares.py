"""crawler.middlewares: Retry-After parsing and the exponential backoff with jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from crawler.middlewares import backoff_delay, retry_after_seconds

NOW = datetime(2026, 8, 12, 6, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("Wed, 12 Aug 2026 06:02:00 GMT", 120.0),
        ("Wed, 12 Aug 2026 15:02:00 +0900", 120.0),
        ("Wed, 12 Aug 2026 06:00:00 GMT", 0.0),
        ("Wed, 12 Aug 2026 05:00:00 GMT", 0.0),
    ],
    ids=["seconds", "seconds_with_spaces", "zero", "http_date_future", "date_with_kst_offset",
         "http_date_now", "http_date_past_is_zero"],
)
def test_retry_after_seconds(value: str, expected: float) -> None:
    assert retry_after_seconds(value, now=NOW) == expected


@pytest.mark.parametrize(
    "value",
    [None, "", "soon", "-5", "1.5", "Wed, 99 Foo 2026"],
    ids=["none", "empty", "word", "negative", "fraction", "broken_date"],
)
def test_retry_after_seconds_unusable_is_none(value: str | None) -> None:
    assert retry_after_seconds(value, now=NOW) is None


# Regression: an HTTP date without a zone (or '-0000') parses to a naive datetime and 'when - now'
# raises TypeError instead of reading it as GMT (or returning None)
@pytest.mark.parametrize(
    "value",
    ["Wed, 12 Aug 2026 06:02:00", "Wed, 12 Aug 2026 06:02:00 -0000"],
    ids=["no_zone", "minus_zero"],
)
def test_retry_after_seconds_date_without_zone(value: str) -> None:
    assert retry_after_seconds(value, now=NOW) == 120.0


# -- backoff_delay ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "base", "cap", "nominal"),
    [
        (1, 1.0, 60.0, 1.0),
        (2, 1.0, 60.0, 2.0),
        (3, 1.0, 60.0, 4.0),
        (4, 1.0, 60.0, 8.0),
        (6, 1.0, 60.0, 32.0),
        (7, 1.0, 60.0, 60.0),
        (20, 1.0, 60.0, 60.0),
        (3, 0.5, 60.0, 2.0),
        (3, 2.0, 5.0, 5.0),
    ],
    ids=["first", "second", "third", "fourth", "sixth", "seventh_capped", "far_capped",
         "half_second_base", "small_cap"],
)
def test_backoff_delay_within_jitter(attempt: int, base: float, cap: float,
                                     nominal: float) -> None:
    rng = random.Random(2026)
    for _ in range(200):
        delay = backoff_delay(attempt, base, cap, rng=rng)
        assert 0.75 * nominal <= delay <= 1.25 * nominal, f"{delay} outside ±25% of {nominal}"


def test_backoff_delay_doubles_per_attempt() -> None:
    # The same seed draws the same jitter factor, so only the exponential part differs.
    delays = [backoff_delay(n, 1.0, 1000.0, rng=random.Random(7)) for n in range(1, 8)]
    for previous, current in pairwise(delays):
        assert current == pytest.approx(2 * previous)


def test_backoff_delay_stops_growing_at_cap() -> None:
    delays = [backoff_delay(n, 1.0, 10.0, rng=random.Random(7)) for n in range(5, 12)]
    assert len(set(delays)) == 1, "past the cap every attempt waits the same (same seed)"


def test_backoff_delay_jitter_spreads() -> None:
    rng = random.Random(11)
    delays = [backoff_delay(3, 1.0, 60.0, rng=rng) for _ in range(200)]
    assert min(delays) < 3.5 < 4.5 < max(delays), "jitter uses both sides of the nominal wait"


def test_backoff_delay_seeded_is_reproducible() -> None:
    first = [backoff_delay(n, 1.0, 60.0, rng=random.Random(42)) for n in range(1, 6)]
    second = [backoff_delay(n, 1.0, 60.0, rng=random.Random(42)) for n in range(1, 6)]
    assert first == second
