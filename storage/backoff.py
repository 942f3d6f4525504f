"""Waiting before a retry: exponential backoff with jitter, and HTTP Retry-After. Pure.

Shared by the crawler's retry middleware and alert delivery, which may not import each
other: it lives here, in the bottom layer, beside the archive that keeps their retry times.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date) into seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000" or no zone: HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Return the wait before retry number ``attempt`` (1-based): base·2^(n-1), ±25% jitter."""
    rng = rng or random.Random()
    delay = min(base * 2.0 ** (attempt - 1), cap)
    return float(delay * rng.uniform(0.75, 1.25))
