"""Downloader middlewares: the SSRF guard, retries with backoff, extraction back-pressure.

Scrapy's RetryMiddleware re-queues failed requests at once; outlets that answer 5xx or drop TLS
connections under load (데일리메디) recover better when the next attempt waits: retries here
back off exponentially with jitter, and HTTP 429 honours Retry-After.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import BaseSettings

from crawler.errors import HostLookupError, UnsafeAddressError
from crawler.failures import UNRESOLVED
from crawler.job import job_of
from crawler.netguard import check_url, is_trusted
from crawler.worker import backlog
from storage.backoff import backoff_delay, retry_after_seconds

__all__ = ["BackoffRetryMiddleware", "BlockedRequest", "ExtractionBacklogMiddleware",
           "SafeAddressMiddleware", "backoff_delay", "retry_after_seconds"]


class BlockedRequest(IgnoreRequest):
    """A request the SSRF guard dropped before connecting; ``kind`` is blocked or network."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class SafeAddressMiddleware:
    """Refuse requests that leave the configured hosts for internal addresses (SSRF).

    Runs before robots.txt is fetched and for every redirect hop (a redirect is a new request
    through the whole chain). The verdict per host is kept for the crawl.
    """

    def __init__(self, trusted: Collection[tuple[str, int | None]], allow_private: bool) -> None:
        self.trusted = trusted
        self.allow_private = allow_private
        self.verdicts: dict[str, tuple[str, str] | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SafeAddressMiddleware:
        """Build from the crawl's configuration."""
        job = job_of(crawler.settings)
        return cls(job.trusted_origins(), job.crawl.allow_private_networks)

    async def process_request(self, request: Request) -> None:
        """Let the request through, or raise BlockedRequest saying why not."""
        if self.allow_private or is_trusted(request.url, self.trusted):
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if host not in self.verdicts:
            try:
                await check_url(request.url)
                self.verdicts[host] = None
            except UnsafeAddressError as exc:
                self.verdicts[host] = ("blocked", str(exc))
            except HostLookupError as exc:
                self.verdicts[host] = ("network", str(exc))
        verdict = self.verdicts[host]
        if verdict is not None:
            raise BlockedRequest(*verdict)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retried requests wait before they go out again."""

    def __init__(self, settings: BaseSettings, base: float = 1.0, cap: float = 60.0) -> None:
        super().__init__(settings)
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Build from the crawl settings."""
        settings = crawler.settings
        mw = cls(settings, settings.getfloat("RETRY_BACKOFF_BASE", 1.0),
                 settings.getfloat("RETRY_BACKOFF_MAX", 60.0))
        mw.crawler = crawler
        return mw

    async def process_request(self, request: Request) -> None:
        """Sleep before a retried request is downloaded again (never blocks other requests)."""
        attempt = int(request.meta.get("retry_times", 0))
        if attempt and self.base > 0:
            wait = request.meta.get("retry_after")
            delay = min(float(wait), self.cap) if wait is not None else backoff_delay(
                attempt, self.base, self.cap)
            await asyncio.sleep(delay)

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Any:
        """Retry like Scrapy does, but never a host name that does not resolve: it will not
        resolve a second later, and each try costs the offline daemon seconds."""
        if isinstance(exception, UNRESOLVED):
            return None
        return super().process_exception(request, exception)

    # Scrapy >= 2.14 calls middlewares without the deprecated ``spider`` argument.
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Any:
        """Retry like Scrapy does, remembering a 429's Retry-After for the next attempt."""
        result = super().process_response(request, response)
        if isinstance(result, Request) and response.status in (429, 503):
            header = response.headers.get("Retry-After")
            seconds = retry_after_seconds(header.decode("latin-1") if header else None)
            if seconds is not None:
                result.meta["retry_after"] = seconds
        return result


class ExtractionBacklogMiddleware:
    """Hold article downloads while too many fetched pages wait for extraction.

    Fetching (a local or fast outlet) outruns extraction (CPU-bound), and Scrapy's own
    back-pressure does not see items waiting in the pipeline: without this, pages of 100 KB
    pile up in memory by the hundred.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionBacklogMiddleware:
        """Build from the crawl settings."""
        return cls(crawler.settings.getint("MEDRADAR_EXTRACT_BACKLOG", 16))

    async def process_request(self, request: Request) -> None:
        """Wait (without blocking other work) until the extraction backlog is short."""
        if request.meta.get("kind") != "article":
            return
        while backlog() >= self.limit:
            await asyncio.sleep(0.05)
