"""Fetching outside a Scrapy crawl: one page for ``medradar extract URL``, and the bounded
body read the daemon's probe uses too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import httpx

from crawler.errors import CrawlError


def fetch_page(
    url: str, user_agent: str, timeout: float, max_bytes: int
) -> tuple[bytes, str | None, str]:
    """Return (body, Content-Type, final URL) of one page; raise CrawlError on failure."""
    headers = {"User-Agent": user_agent, "Accept-Language": "ko-KR,ko;q=0.9"}
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout, headers=headers,
                          max_redirects=5) as client, client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise CrawlError(f"{url}: HTTP {response.status_code}")
            try:
                body = read_body(response, max_bytes)
            except CrawlError as exc:
                raise CrawlError(f"{url}: {exc}") from None
            return body, response.headers.get("content-type"), str(response.url)
    except httpx.HTTPError as exc:
        raise CrawlError(f"{url}: {type(exc).__name__}: {exc}") from None


def read_body(response: httpx.Response, max_bytes: int, deadline: float = math.inf,
              cancelled: Callable[[], bool] = lambda: False) -> bytes:
    """Read a streamed response; raise CrawlError past max_bytes, the deadline or a cancel."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise CrawlError(f"page larger than {max_bytes} bytes")
        # httpx's timeout is per read: a server trickling bytes would hold us forever.
        if time.monotonic() > deadline:
            raise CrawlError("the page took too long to arrive")
        if cancelled():
            raise CrawlError("cancelled")
        chunks.append(chunk)
    return b"".join(chunks)
