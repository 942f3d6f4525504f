"""The item pipeline: 300 extract (in worker processes), 400 store (through storage)."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.errors import ExtractError
from crawler.items import PageItem
from crawler.job import CrawlJob, job_of
from crawler.search_results import partial_article
from crawler.urls import url_key
from crawler.worker import extract_in_pool
from storage import ArchiveUnavailable, StorageError
from storage.articles import NewArticle

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Turns a fetched page into article fields; a page without an article is recorded, dropped."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.workers = crawler.settings.getint("MEDRADAR_EXTRACT_WORKERS", 0)
        # The pool is shared by every source crawling in this process; it is shut down when
        # the process's crawl ends (crawler.runner), never when one source's engine stops.

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        """Build from the crawl."""
        return cls(crawler)

    async def process_item(self, item: PageItem) -> dict[str, Any]:
        """Extract in the worker pool; record and drop pages that yield no article.

        A discovered article whose page yields none is kept from its search result instead
        (marked partial): its alert still goes out, and the analyst sees why the body is short.
        """
        run = self.crawler.spider.run  # type: ignore[union-attr]
        if item.partial is not None:
            fields = partial_article(item.requested_url, item.hints, item.partial)
        else:
            try:
                fields = await extract_in_pool(item.body, item.url, item.content_type,
                                               item.hints, self.workers)
            except ExtractError as exc:
                if not item.hints.get("discovered"):
                    run.article_errors += 1
                    run.error("extract", str(exc), item.url)
                    raise DropItem(str(exc)) from None
                fields = partial_article(item.url, item.hints, f"extract: {exc}")
            except Exception as exc:  # noqa: BLE001 - the boundary with hostile page input:
                # an extractor crash on one page is recorded against that page and the crawl
                # goes on; the page is retried next run.
                run.article_errors += 1
                run.error("extract", f"extractor failed: {type(exc).__name__}: {exc}",
                          item.url)
                raise DropItem(str(exc)) from None
        hints = item.hints
        # The outlet's name: the page's own, the search result's, or (a configured outlet)
        # the source's name.
        fields["outlet_name"] = (fields.get("outlet_name") or hints.get("outlet_name")
                                 or (None if hints.get("discovered") else hints.get("source_name")))
        fields.setdefault("partial", None)
        fields.update(source_id=item.source_id, url=item.url, requested_url=item.requested_url,
                      item_key=hints.get("item_key"))
        return fields


class StorePipeline:
    """Stores each extracted article once (same URL key or same body = duplicate).

    Articles are written in small batches (up to BATCH items or MAX_WAIT seconds), one
    transaction each: a commit per article would cost more than the rest of storing. Each item
    waits for its batch, so an item is "scraped" only once it is in the archive; a crawl killed
    before a batch commits loses nothing but work (those pages are fetched again next time).
    """

    BATCH = 32
    MAX_WAIT = 0.25

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.pending: list[tuple[dict[str, Any], asyncio.Future[dict[str, Any]]]] = []
        self.timer: asyncio.TimerHandle | None = None
        self.dispatcher = AlertDispatcher.for_crawler(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build from the crawl."""
        return cls(crawler)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """Queue the article for the next batch and wait until it is stored."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self.pending.append((item, future))
        if len(self.pending) >= self.BATCH:
            self.flush()
        elif self.timer is None:
            self.timer = loop.call_later(self.MAX_WAIT, self.flush)
        return await future

    def flush(self) -> None:
        """Write the queued articles through the storage API in one transaction."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        batch, self.pending = self.pending, []
        if not batch:
            return
        run = self.crawler.spider.run  # type: ignore[union-attr]
        try:
            results = run.store([to_new_article(item, run.run_id) for item, _ in batch])
        except ArchiveUnavailable as fault:
            # Expected: the recorder noted it and stops the crawl; these pages were not stored
            # and are fetched again by the next crawl.
            for _, future in batch:
                future.set_exception(DropItem(f"not stored: {fault}"))
            return
        except Exception as exc:  # noqa: BLE001 - handed to each waiting item, never swallowed
            for _, future in batch:
                future.set_exception(exc)
            return
        for (item, future), result in zip(batch, results, strict=True):
            item["status"], item["article_id"] = result.status, result.article_id
            item.pop("body", None)
            future.set_result(item)
        if any(result.status == "new" for result in results):
            self.dispatcher.kick()


def to_new_article(item: dict[str, Any], run_id: int) -> NewArticle:
    """Build the storage record of an extracted item, with every URL key it was seen under."""
    keys = tuple(dict.fromkeys(
        url_key(u) for u in (item["requested_url"], item["url"], item["canonical_url"])))
    return NewArticle(
        source_id=item["source_id"], url=item["url"], canonical_url=item["canonical_url"],
        title=item["title"], body=item["body"], published_at=item["published_at"],
        published_from=item["published_from"], author=item["author"], section=item["section"],
        content_hash=item["content_hash"], fingerprint=item["fingerprint"], url_keys=keys,
        run_id=run_id, outlet_name=item.get("outlet_name"), partial=item.get("partial"),
    )


class AlertDispatcher:
    """Sends due alerts while the crawl goes on, so a match reaches its channel in about a
    second rather than when the whole crawl ends.

    Delivery runs in a reactor thread with its own archive connection; one pass at a time,
    and a pass asked for while one runs is run right after it. The CLI sends whatever is still
    due when the crawl ends.
    """

    _SHARED: ClassVar[dict[int, AlertDispatcher]] = {}

    def __init__(self, job: CrawlJob, enabled: bool) -> None:
        self.job = job
        self.enabled = enabled and job.deliver is not None
        self.lock = threading.Lock()
        self.running = False
        self.again = False

    @classmethod
    def for_crawler(cls, crawler: Crawler) -> AlertDispatcher:
        """One dispatcher per crawl job in this process, shared by its sources."""
        job = job_of(crawler.settings)
        key = id(job)
        if key not in cls._SHARED:
            cls._SHARED[key] = cls(job, crawler.settings.getbool("MEDRADAR_SEND_ALERTS"))
        return cls._SHARED[key]

    def kick(self) -> None:
        """Ask for a delivery pass (runs in a thread; coalesces with one already running)."""
        if not self.enabled:
            return
        with self.lock:
            if self.running:
                self.again = True
                return
            self.running = True
        from twisted.internet import reactor

        reactor.callInThread(self._run)

    def _run(self) -> None:
        from storage import open_archive

        job = self.job
        assert job.deliver is not None  # kick() runs no pass without it
        while True:
            try:
                archive = open_archive(job.archive_path, **job.archive_options)
                try:
                    job.deliver(archive)
                finally:
                    archive.close()
            except StorageError as exc:  # locked or full: the alerts stay queued
                logger.warning("sending alerts during the crawl: %s", exc)
            except Exception:  # top of a background job: log it, the CLI retries at the end
                logger.exception("sending alerts during the crawl failed")
            with self.lock:
                if not self.again:
                    self.running = False
                    return
                self.again = False
