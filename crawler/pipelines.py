"""The item pipeline: 300 extract (in worker processes), 400 store (through storage)."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.errors import ExtractError
from crawler.items import PageItem
from crawler.urls import url_key
from crawler.worker import extract_in_pool
from storage.articles import NewArticle


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
        """Extract in the worker pool; record and drop pages that yield no article."""
        run = self.crawler.spider.run  # type: ignore[union-attr]
        try:
            fields = await extract_in_pool(item.body, item.url, item.content_type, item.hints,
                                           self.workers)
        except ExtractError as exc:
            run.article_errors += 1
            run.error("extract", str(exc), item.url)
            raise DropItem(str(exc)) from None
        except Exception as exc:
            # recorded against that page and the crawl goes on; the page is retried next run.
            run.article_errors += 1
            run.error("extract", f"extractor failed: {type(exc).__name__}: {exc}", item.url)
            raise DropItem(str(exc)) from None
        fields.update(source_id=item.source_id, url=item.url, requested_url=item.requested_url)
        return fields


class StorePipeline:
    """Stores each extracted article once (same URL key or same body = duplicate)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        """Build from the crawl."""
        return cls(crawler)

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """Write the article through the storage API, in its own transaction."""
        run = self.crawler.spider.run  # type: ignore[union-attr]
        keys = tuple(dict.fromkeys(
            url_key(u) for u in (item["requested_url"], item["url"], item["canonical_url"])))
        result = run.store(NewArticle(
            source_id=item["source_id"], url=item["url"], canonical_url=item["canonical_url"],
            title=item["title"], body=item["body"], published_at=item["published_at"],
            published_from=item["published_from"], author=item["author"],
            section=item["section"], content_hash=item["content_hash"],
            fingerprint=item["fingerprint"], url_keys=keys, run_id=run.run_id,
        ))
        item["status"], item["article_id"] = result.status, result.article_id
        item.pop("body", None)
        return item
