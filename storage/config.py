"""The archive's settings, and the pieces every part's settings are built from.

Each part owns the models of its own table of the configuration (``crawler.config``,
``alerts.config``, here ``[archive]`` and ``[stories]``); ``monitor.config`` composes them into
the one validated file. What they share (strict models, durations, URLs, cron lines) lives
here, in the bottom layer, so that no part imports another for it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``15m``, ``2h`` or ``7d`` into a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 2h, 7d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def duration_at_least(value: str, seconds: float) -> str:
    """Validate a duration that may not be shorter than ``seconds``; return it unchanged."""
    if parse_duration(value).total_seconds() < seconds:
        raise ValueError(f"{value!r} is shorter than {seconds:g}s")
    return value


def check_url(value: str) -> str:
    """Validate an http(s) URL with a host; return it unchanged."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


def check_cron(value: str) -> str:
    """Validate a five-field crontab line (read in Korea time); return it unchanged."""
    from apscheduler.triggers.cron import CronTrigger  # only needed when a config has one

    try:
        CronTrigger.from_crontab(value, timezone="Asia/Seoul")
    except ValueError as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    return value


class Strict(BaseModel):
    """A settings table: unknown keys are errors, values do not change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ArchiveConfig(Strict):
    """Where the SQLite archive lives, and how its writers meet faults."""

    path: str = "medradar.db"
    lock_timeout: str = "30s"  # how long a writer waits for another writer's lock
    max_size_mb: float | None = Field(default=None, gt=0)  # cap the archive file's size
    min_free_mb: float = Field(default=200, ge=0)  # warn before a crawl below this free space

    @field_validator("lock_timeout")
    @classmethod
    def _duration_ok(cls, value: str) -> str:
        parse_duration(value)
        return value

    def options(self) -> dict[str, Any]:
        """Keyword arguments for storage.open_archive."""
        return {"lock_timeout": parse_duration(self.lock_timeout).total_seconds(),
                "max_size_mb": self.max_size_mb}


class StoriesConfig(Strict):
    """Grouping syndicated copies of one release into stories as they are stored."""

    window: str = "7d"  # a copy joins a story stored (and published) within this window

    @field_validator("window")
    @classmethod
    def _window_ok(cls, value: str) -> str:
        return duration_at_least(value, 60)

    @property
    def window_delta(self) -> timedelta:
        """The window as a timedelta."""
        return parse_duration(self.window)
