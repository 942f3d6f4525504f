"""Search-API quota: how many calls one crawl may make, and how long to wait after a 429.

Pure: times in, numbers out. A discovery source has a ``daily_budget`` of calls per quota day
(a date in Korea time: Naver's quota resets at midnight KST). Each crawl takes an even share
of what is left for the crawls still due that day, so the budget lasts until midnight instead
of going in the morning; a crawl that runs out of its share leaves its position for the next.
"""

from __future__ import annotations

import math
from datetime import datetime, time, timedelta

from storage.normalize import KST

MAX_RUNS_COUNTED = 1440  # a cron schedule is walked this far at most (once a minute, a day)
RATE_WAIT = 60.0  # seconds after a rate-limit 429 without Retry-After; doubled each time
MAX_RATE_WAIT = 3600.0
DAILY_QUOTA_CODES = ("010",)  # Naver: "Query limit exceeded" (the day's quota is spent)


def quota_day(now: datetime) -> str:
    """The quota day of a moment: its date in Korea time (``2026-11-20``)."""
    return now.astimezone(KST).date().isoformat()


def next_midnight(now: datetime) -> datetime:
    """The next midnight in Korea time (when Naver's daily quota resets)."""
    local = now.astimezone(KST)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=KST)


def runs_left_today(now: datetime, every: timedelta, cron: str = "") -> int:
    """How many crawls of the source are due from now to midnight KST, this one included."""
    midnight = next_midnight(now)
    if cron:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(cron, timezone=KST)
        runs, fire = 1, trigger.get_next_fire_time(None, now)
        while fire is not None and fire < midnight and runs < MAX_RUNS_COUNTED:
            runs += 1
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        return runs
    seconds = max(every.total_seconds(), 1.0)
    # This crawl and every later one that starts before midnight.
    return max(1, math.ceil((midnight - now.astimezone(KST)).total_seconds() / seconds))


def crawl_allowance(budget: int, used: int, runs_left: int) -> int:
    """Calls this crawl may make: an even share of what is left today (at least one)."""
    left = max(budget - used, 0)
    if not left:
        return 0
    return max(1, math.ceil(left / max(runs_left, 1)))


def backoff_until(now: datetime, code: str | None, retry_after: float | None,
                  backoffs: int) -> tuple[datetime, str]:
    """When calls may start again after a 429, and why.

    The day's quota spent (Naver error 010): at midnight KST, when it resets. A rate limit
    (012, or no code): the Retry-After header, else one minute doubled per 429 in a row
    (``backoffs`` before this one), at most an hour.
    """
    if code in DAILY_QUOTA_CODES:
        return next_midnight(now) + timedelta(minutes=1), "daily quota exceeded"
    wait = retry_after if retry_after is not None else min(
        RATE_WAIT * 2.0 ** max(backoffs, 0), MAX_RATE_WAIT)
    return now + timedelta(seconds=wait), "rate limited"
