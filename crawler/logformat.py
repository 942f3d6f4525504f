"""Scrapy log formatting for crawls: dropped items in one short line, and expected network
failures without tracebacks."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

from crawler.failures import is_expected_network_error


class QuietDrops(LogFormatter):
    """Log a dropped page as its URL and reason at DEBUG, not its whole body at WARNING."""

    def dropped(self, item: Any, exception: BaseException, response: Any,
                spider: Any) -> LogFormatterResult:
        """The short form of Scrapy's 'Dropped: ...' message."""
        return {"level": logging.DEBUG, "msg": "Dropped %(url)s: %(exception)s",
                "args": {"url": getattr(item, "url", "?"), "exception": exception}}


class QuietNetworkErrors(logging.Filter):
    """Turn Scrapy's own ERROR-with-traceback records of expected network failures (the
    robots.txt middleware logs every DNS failure so) into DEBUG lines without traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Demote the record when it carries an expected network failure."""
        exc = record.exc_info[1] if record.exc_info else None
        if is_expected_network_error(exc) or any(
                isinstance(a, BaseException) and is_expected_network_error(a)
                for a in (record.args.values() if isinstance(record.args, dict) else
                          record.args or ())):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            record.exc_info, record.exc_text = None, None
        return True


def quiet_scrapy_network_errors() -> None:
    """Install QuietNetworkErrors on the Scrapy loggers that report download failures."""
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.core.scraper",
                 "scrapy.downloadermiddlewares.retry", "scrapy.core.engine"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, QuietNetworkErrors) for f in logger.filters):
            logger.addFilter(QuietNetworkErrors())
