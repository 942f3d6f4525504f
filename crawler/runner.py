"""Run a one-shot crawl of some sources in this process (``medradar crawl``).

All sources crawl concurrently in one Scrapy reactor; each keeps its own run record, so a
broken outlet is reported without stopping the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.config import SourceConfig
from crawler.job import CrawlJob
from crawler.logformat import quiet_scrapy_network_errors
from crawler.recorder import RunRecorder, close_archives, shared_archive
from crawler.settings import settings_for
from crawler.spiders.base import ArticleSpider
from crawler.spiders.discovery import GoogleNewsSpider, NaverNewsSpider
from crawler.spiders.listing import ListingSpider
from crawler.spiders.ndsoft import NdsoftSpider
from crawler.spiders.rss import RssSpider
from crawler.spiders.sitemap import SitemapSpider
from crawler.worker import shutdown_pool
from storage import ArchiveUnavailable
from storage.runs import get_run, run_errors

FAMILIES: dict[str, type[ArticleSpider]] = {
    "ndsoft": NdsoftSpider,
    "rss": RssSpider,
    "sitemap": SitemapSpider,
    "listing": ListingSpider,
    "naver_news": NaverNewsSpider,
    "google_news": GoogleNewsSpider,
}

# (source id, event, detail): event is "page", "new", "duplicate", "dropped" or "closed".
EventHandler = Callable[[str, str, Any], None]


@dataclass
class RunSummary:
    """The outcome of one source's run, read back from the archive."""

    source_id: str
    run: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)
    fault: ArchiveUnavailable | None = None  # the archive refused this run's writes


def build_settings(job: CrawlJob, overrides: dict[str, Any] | None = None,
                   log_level: str = "WARNING") -> Settings:
    """Return Scrapy settings for a crawl of this job."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(settings_for(job.crawl), priority="project")
    settings.set("MEDRADAR_JOB", job, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


def _connect(crawler: Crawler, source_id: str, on_event: EventHandler) -> None:
    def page(**_: Any) -> None:
        on_event(source_id, "page", None)

    def scraped(item: dict[str, Any], **_: Any) -> None:
        on_event(source_id, item.get("status", "new"), item.get("title"))

    def dropped(**_: Any) -> None:
        on_event(source_id, "dropped", None)

    def closed(reason: str, **_: Any) -> None:
        on_event(source_id, "closed", reason)

    for handler, signal in ((page, signals.response_received), (scraped, signals.item_scraped),
                            (dropped, signals.item_dropped), (closed, signals.spider_closed)):
        crawler.signals.connect(handler, signal=signal, weak=False)


def summary_of(source_id: str, recorder: RunRecorder) -> RunSummary:
    """The run's record read back from the archive, or what the crawl kept in memory when the
    archive refused its writes."""
    if recorder.fault is None:
        try:
            return RunSummary(source_id, get_run(recorder.archive, recorder.run_id),
                              run_errors(recorder.archive, recorder.run_id))
        except (ArchiveUnavailable, sqlite3.OperationalError):
            pass
    counts = recorder.counts
    run = {"status": "archive unavailable", "pages": counts.pages,
           "links_found": counts.links_found, "new_articles": counts.new_articles,
           "duplicates": counts.duplicates, "errors": counts.errors + 1}
    return RunSummary(source_id, run, [{"kind": "archive", "message": str(recorder.fault),
                                        "url": None}], fault=recorder.fault)


def run_crawl(
    job: CrawlJob,
    sources: list[SourceConfig],
    overrides: dict[str, Any] | None = None,
    on_event: EventHandler | None = None,
    log_level: str = "WARNING",
    install_logging: bool = True,
) -> list[RunSummary]:
    """Crawl the given sources once, concurrently; return each one's run record.

    ``install_logging=False`` keeps the caller's logging set-up (the daemon's format).
    """
    # Open the archive before any crawler: one that cannot be opened (its folder gone, the
    # file read-only) fails here, in one line, instead of inside every crawler's start.
    shared_archive(job.archive_path, job.archive_options)
    settings = build_settings(job, overrides, log_level)
    settings.set("LOG_INSTALL_ROOT_HANDLER", install_logging, priority="cmdline")
    quiet_scrapy_network_errors()
    process = CrawlerProcess(settings)
    crawlers: list[tuple[str, Crawler]] = []
    for source in sources:
        crawler = process.create_crawler(FAMILIES[source.kind])
        if on_event:
            _connect(crawler, source.id, on_event)
        process.crawl(crawler, source=source.id)
        crawlers.append((source.id, crawler))
    try:
        process.start()
    finally:
        summaries = []
        for source_id, crawler in crawlers:
            spider = crawler.spider
            recorder = getattr(spider, "run", None)
            if recorder is None:
                continue
            recorder.finish("shutdown")  # no-op when the spider closed normally
            summaries.append(summary_of(source_id, recorder))
        close_archives()
        shutdown_pool()
    return summaries
