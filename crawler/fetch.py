"""Fetch one page outside a crawl (``medradar extract URL``) with the crawl's identity, limits."""

from __future__ import annotations

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
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise CrawlError(f"{url}: page larger than {max_bytes} bytes")
                chunks.append(chunk)
            return b"".join(chunks), response.headers.get("content-type"), str(response.url)
    except httpx.HTTPError as exc:
        raise CrawlError(f"{url}: {type(exc).__name__}: {exc}") from None
