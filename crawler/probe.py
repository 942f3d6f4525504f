"""The daemon's cheap look before a crawl: did a source's entry pages change?

Starting a crawl process costs about a second of CPU (Python, Scrapy, trafilatura imports);
fifty sources every minute would keep a core busy finding nothing. The probe asks each entry
page (feed, list page 1, sitemap) with a conditional GET in the daemon itself, and fingerprints
the set of links on it, so page furniture that changes on every request (clocks, ads, view
counters) does not count. Only when a page answers 304 or shows the same links as at the last
clean crawl for every entry page is the crawl skipped; anything else (an error, a timeout, a
new link) means crawl, and the crawl records what went wrong.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from crawler.errors import CrawlError
from crawler.fetch import read_body

# Links in HTML (href=...), RSS (<link>, <guid>), Atom (href=...) and sitemaps (<loc>), and
# sitemap <lastmod>: a sitemap index keeps its child URLs while the newest child grows.
_LINK = re.compile(
    rb"""(?:href\s*=\s*["']?|<link>\s*|<guid[^>]*>\s*|<loc>\s*|<lastmod>\s*)"""
    rb"""(?:<!\[CDATA\[)?([^"'\s<>]+)""",
    re.IGNORECASE)


@dataclass(frozen=True)
class PageState:
    """What the probe remembers of one entry page."""

    etag: str | None
    last_modified: str | None
    links: str  # sha1 of the sorted set of links on the page


@dataclass
class ProbeResult:
    """The answer of one probe: changed or not, and the state to keep after a clean crawl."""

    changed: bool
    reason: str
    pages: dict[str, PageState] = field(default_factory=dict)


def links_fingerprint(body: bytes) -> str:
    """Return a fingerprint of the set of links in a page, feed or sitemap."""
    links = sorted(set(_LINK.findall(body)))
    return hashlib.sha1(b"\n".join(links)).hexdigest()


def probe(client: httpx.Client, urls: Sequence[str], known: Mapping[str, PageState],
          max_bytes: int, seconds: float = 15.0,
          cancelled: Callable[[], bool] = lambda: False) -> ProbeResult:
    """Ask every entry page whether it changed since ``known`` (the last clean crawl's state).

    Each page gets ``seconds`` all told; ``cancelled()`` is checked between reads.
    """
    if not urls:
        return ProbeResult(True, "no entry pages to probe")
    pages: dict[str, PageState] = {}
    changed: list[str] = []
    for url in urls:
        before = known.get(url)
        headers = {}
        if before and before.etag:
            headers["If-None-Match"] = before.etag
        if before and before.last_modified:
            headers["If-Modified-Since"] = before.last_modified
        try:
            with client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and before:
                    pages[url] = before
                    continue
                if response.status_code != 200:
                    return ProbeResult(True, f"{url} answered HTTP {response.status_code}")
                body = read_body(response, max_bytes, time.monotonic() + seconds,
                                 cancelled)
                state = PageState(response.headers.get("ETag"),
                                  response.headers.get("Last-Modified"), links_fingerprint(body))
        except (httpx.HTTPError, CrawlError) as exc:
            return ProbeResult(True, f"{url}: {type(exc).__name__}: {exc}")
        pages[url] = state
        if before is None or before.links != state.links:
            changed.append(url)
    if changed:
        return ProbeResult(True, f"new links on {changed[0]}", pages)
    return ProbeResult(False, "entry pages unchanged", pages)
