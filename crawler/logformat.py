"""Scrapy log formatting for crawls: dropped items in one short line."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult


class QuietDrops(LogFormatter):
    """Log a dropped page as its URL and reason at DEBUG, not its whole body at WARNING."""

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        """The short form of Scrapy's 'Dropped: ...' message."""
        return {"level": logging.DEBUG, "msg": "Dropped %(url)s: %(exception)s",
                "args": {"url": getattr(item, "url", "?"), "exception": exception}}
