"""What every spider family shares: the source row, the run record, feeds, lists, articles.

A family (rss, sitemap, listing, ndsoft) only says where article links come from. Each spider
instance crawls one source: ``scrapy crawl ndsoft -a source=bosa``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import scrapy
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.error import TCPTimedOutError, TimeoutError
from twisted.python.failure import Failure

from crawler.clean import unescape
from crawler.config import SourceConfig
from crawler.dates import parse_date
from crawler.failures import HOST_UNRESOLVED, UNRESOLVED
from crawler.items import PageItem
from crawler.job import job_of
from crawler.middlewares import BlockedRequest
from crawler.recorder import RunRecorder, shared_archive
from crawler.settings import settings_for
from crawler.urls import clean_url, ndsoft_short, url_key

_BENIGN_FEED_ERRORS = ("CharacterEncodingOverride", "NonXMLContentType")
# How deep into a list any walk goes: a backlog reaches back at most this many list pages.
MAX_LIST_DEPTH = 100
_PAGE_PARAMS = ("page", "pg", "p", "PAGE", "pageNo", "cpage")


def describe_failure(failure: Failure) -> tuple[str, str]:
    """Turn a download failure into (kind, one-line message) for the run record."""
    exc = failure.value
    name = type(exc).__name__
    if isinstance(exc, BlockedRequest):
        return exc.kind, str(exc)
    if isinstance(exc, HttpError):
        status = exc.response.status
        kind = "blocked" if status in (401, 403, 429, 451) else "http"
        return kind, f"HTTP {status}"
    text = str(exc) or name
    if "robots.txt" in text:
        return "robots", "forbidden by robots.txt"
    if "redirect" in text.lower():
        return "http", f"redirect loop or too many redirects ({text})"
    if isinstance(exc, TimeoutError | TCPTimedOutError) or "took longer than" in text:
        return "network", f"timed out ({text})"
    if name == "CancelledError" or "maxsize" in text.lower() or "max size" in text.lower():
        return "content", "page larger than the download size limit (crawl.max_page_bytes)"
    if isinstance(exc, UNRESOLVED):
        return "network", f"host name does not resolve ({text})"
    return "network", f"{name}: {text}"


async def _resolves(host: str) -> bool:
    """Whether a host name resolves (through the crawl's own caching resolver)."""
    from twisted.internet import reactor

    try:
        await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - any resolver failure means "not reachable"
        return not isinstance(exc, UNRESOLVED)
    return True


class ArticleSpider(scrapy.Spider):
    """Base of the spider families; subclasses implement ``start_requests_for``."""

    name = ""  # abstract: families set their own name
    run: RunRecorder
    source: SourceConfig

    def __init__(self, source: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"spider {self.name!r} needs -a source=<id>")
        self.source_id = source
        self.requested: set[str] = set()
        self.new_requests = 0
        self.archived_before: set[str] = set()  # where a backlog walk ends (list_walks)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the [crawl] table of the medradar configuration to this crawl.

        A crawl started by ``scrapy crawl`` builds its job here, once, for all its parts.
        """
        super().update_settings(settings)
        job = job_of(settings)
        settings.set("MEDRADAR_JOB", job, priority="spider")
        settings.setdict(settings_for(job.crawl), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticleSpider:
        """Build the spider for one source and open its run record."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        job = job_of(crawler.settings)
        spider.source = job.source(spider.source_id)
        if spider.source.kind != cls.name:
            raise ValueError(f"source {spider.source_id!r} is kind {spider.source.kind!r}, "
                             f"not {cls.name!r}")
        archive = shared_archive(job.archive_path, job.archive_options)
        spider.run = RunRecorder(archive, spider.source.model_dump(), job.hooks,
                                 job.stories_window)
        spider.run.on_fault = lambda _fault: spider.stop_on_fault(crawler)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._response, signal=signals.response_received)
        return spider

    def _closed(self, spider: scrapy.Spider, reason: str) -> None:
        if spider is self:
            self.run.finish(reason)

    def _spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is self:
            self.run.error("spider", f"{type(failure.value).__name__}: {failure.value}",
                           response.url)

    def _response(self, response: Response, request: Request, spider: scrapy.Spider) -> None:
        if spider is self:
            self.run.counts.pages += 1

    def stop_on_fault(self, crawler: Crawler) -> None:
        """The archive refuses writes: stop this source's crawl (other sources go on)."""
        if crawler.engine is not None and crawler.engine.running:
            deferred_from_coro(crawler.engine.close_spider_async(reason="archive_unavailable"))

    async def start(self) -> Any:
        """Yield the first requests of this source (feeds, list pages or sitemaps).

        Each host is resolved first: one whose name does not resolve fails the crawl at once,
        in one line, instead of once per entry page after the politeness delay.
        """
        if self.run.fault is not None:
            return  # the run could not even be recorded: crawl nothing, lose nothing
        requests = list(self.start_requests_for())
        dead = set()
        for host in dict.fromkeys(urlsplit(r.url).hostname or "" for r in requests):
            if host and not await _resolves(host):
                dead.add(host)
                self.run.counts.entry_errors += 1
                self.run.counts.complete = False
                self.run.error("network", f"host name does not resolve ({host})",
                               next(r.url for r in requests if urlsplit(r.url).hostname == host))
        for request in requests:
            if urlsplit(request.url).hostname not in dead:
                yield request

    def start_requests_for(self) -> Iterable[Request]:
        """Return the family's first requests."""
        raise NotImplementedError

    # -- articles ---------------------------------------------------------------------------

    def follow_article(self, url: str, hints: dict[str, Any] | None = None,
                       base: str | None = None, backlog: bool = False, count: bool = True
                       ) -> tuple[Request | None, bool]:
        """Return (request or None, is the article new to the archive) for an article link.

        Past the source's max_articles the link is counted as left for a later crawl.
        Backlog links wait behind the fresh ones (a capped run brings the newest news first).
        ``count=False``: the caller counted the link already (a search result).
        """
        url = ndsoft_short(clean_url(url, base))
        key = url_key(url)
        self.run.counts.links_found += count
        if key in self.requested:
            return None, True  # new to the archive before this run (stored since, maybe)
        # An archived article is fetched again only when its feed item or sitemap entry says it
        # changed after we stored it; the new version is kept, the old one in article_versions.
        if self.run.is_known(key) and not self.run.announces_update(
                key, (hints or {}).get("updated_at")):
            return None, False
        if self.new_requests >= self.source.max_articles:
            self.run.refuse()
            return None, True
        self.requested.add(key)
        self.new_requests += 1
        # dont_filter: dedupe is ours (self.requested); Scrapy's filter would silently swallow
        # a redirect loop back to the same URL instead of reporting it.
        request = Request(url, callback=self.parse_article, errback=self.on_error,
                          priority=5 if backlog else 10,
                          meta={"hints": hints or {}, "kind": "article"}, dont_filter=True)
        return request, True

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        """Hand an article page to the pipelines (extraction runs there, off this process)."""
        self.run.article_pages += 1
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if not isinstance(response, TextResponse) or (
            content_type and not re.search(r"html|xml", content_type, re.IGNORECASE)
        ):
            self.run.article_errors += 1
            self.run.error("content", f"not an HTML page ({content_type or 'no Content-Type'})",
                           response.url)
            return
        yield PageItem(
            source_id=self.source.id, url=response.url,
            requested_url=response.request.url if response.request else response.url,
            body=response.body, content_type=content_type or None,
            hints={**response.meta.get("hints", {}), "source_name": self.source.name},
        )

    def on_error(self, failure: Failure) -> None:
        """Record a failed request; the crawl of this and other sources goes on."""
        request = getattr(failure, "request", None)
        kind, message = describe_failure(failure)
        what = request.meta.get("kind", "page") if request else "page"
        # The outlet refusing us counts against its health; our own SSRF guard does not.
        if kind in ("blocked", "robots") and not isinstance(failure.value, BlockedRequest):
            self.run.counts.blocked += 1
        if what == "article":
            self.run.article_errors += 1
        else:
            self.run.counts.entry_errors += 1
            self.run.counts.complete = False
        url = request.url if request else None
        self.run.error(kind, f"{what}: {message}", url)
        if isinstance(failure.value, UNRESOLVED):
            # The host will not resolve for the rest of this crawl: stop now (one line).
            raise CloseSpider(HOST_UNRESOLVED)

    # -- feeds ------------------------------------------------------------------------------

    def feed_request(self, url: str) -> Request:
        """Return a conditional GET for a feed."""
        return Request(url, callback=self.parse_feed, errback=self.on_error,
                       headers=self.run.feed_validators(url), dont_filter=True,
                       meta={"kind": "feed", "handle_httpstatus_list": [304]})

    def parse_feed(self, response: Response) -> Iterator[Request]:
        """Follow every new item of an RSS / Atom feed; record bad items."""
        if response.status == 304:
            self.run.counts.not_modified += 1
            self.logger.debug("feed not modified: %s", response.url)
            return
        headers = response.headers
        self.run.remember_feed(
            response.request.url if response.request else response.url,
            (headers.get("ETag") or b"").decode("latin-1") or None,
            (headers.get("Last-Modified") or b"").decode("latin-1") or None,
        )
        parsed = feedparser.parse(response.body, response_headers={
            "content-type": (headers.get("Content-Type") or b"application/xml").decode("latin-1")})
        problem = parsed.get("bozo_exception")
        if parsed.bozo and type(problem).__name__ not in _BENIGN_FEED_ERRORS:
            read = (f"read {len(parsed.entries)} items before it" if parsed.entries
                    else "no items read")
            self.run.error("feed", f"malformed feed XML: {problem} ({read})", response.url)
            self.run.counts.complete = False
            self.run.counts.entry_errors += 1
        elif not parsed.entries:
            self.run.error("feed", "feed has no items", response.url)
            self.run.counts.entry_errors += 1
        new = 0
        for entry in parsed.entries:
            for request, is_new in self._follow_entry(entry, response.url):
                new += is_new
                if request:
                    yield request
        if len(parsed.entries) > 1 and new == len(parsed.entries):
            self.run.feed_gap = max(self.run.feed_gap, new)  # the feed cannot show what it dropped

    def _follow_entry(self, entry: Any, feed_url: str) -> Iterator[tuple[Request | None, bool]]:
        title = unescape(str(entry.get("title", ""))).strip()
        link = entry.get("link") or next(
            (ln.get("href") for ln in entry.get("links", []) if ln.get("href")), None)
        if not link:
            self.run.error("feed", f"feed item without link: {title[:60]!r}", feed_url)
            return
        # Re-parse the raw string: feedparser reads naive Korean times as UTC (9 hours off).
        raw_date = entry.get("published") or entry.get("updated")
        published = parse_date(raw_date)
        # Atom's <updated> (or dc:modified) later than the publication: the item was edited.
        updated = parse_date(entry.get("updated")) if entry.get("published") else None
        if not published:
            self.run.error("feed", f"feed item without a usable date: {title[:60]!r} "
                           "(the article page's own date is used)", link)
        hints = {"title": title, "author": entry.get("author"), "published_at": published,
                 "published_from": "feed",
                 "updated_at": updated if updated and updated != published else None}
        yield self.follow_article(link, hints, base=feed_url)

    # -- list pages -------------------------------------------------------------------------

    def list_request(self, url: str, page: int = 1, walk: str = "fresh",
                     walked: int = 1) -> Request:
        """Return a request for a list page: of the fresh walk from page 1, or of the backlog
        walk resuming where an earlier crawl stopped (it waits behind the fresh walk)."""
        return Request(url, callback=self.parse_list, errback=self.on_error, dont_filter=True,
                       priority=-5 if walk == "backlog" else 0,
                       cb_kwargs={"page": page, "walk": walk, "walked": walked},
                       meta={"kind": "list"})

    def list_walks(self, urls: list[str]) -> list[Request]:
        """The fresh walks from the configured list pages, and the backlog walk if one is open."""
        requests = [self.list_request(url) for url in urls]
        frontier = self.run.frontier
        if urls and frontier is not None and frontier["url"]:
            self.archived_before = self.run.archived_before_backlog()
            requests.append(self.list_request(str(frontier["url"]), int(frontier["page"] or 1),
                                              walk="backlog"))
        return requests

    def list_links(self, response: TextResponse) -> list[str]:
        """Return the article links of a list page (family-specific)."""
        raise NotImplementedError

    def parse_list(self, response: Response, page: int = 1, walk: str = "fresh",
                   walked: int = 1) -> Iterator[Request]:
        """Follow new article links and decide where the walk goes next (docs/backlog.md).

        The fresh walk goes on while a page has something new; a page of new links only,
        when the archive already holds the source's articles, sends it past max_pages until it
        reaches one (a burst, or downtime). The backlog walk resumes an earlier crawl's stop
        and goes on to the articles archived before the backlog began, or the list's end.
        A walk stopped by max_articles or its page budget leaves a frontier for the next crawl.
        """
        if not isinstance(response, TextResponse):
            self.run.error("content", "list page is not HTML", response.url)
            self.run.counts.entry_errors += 1
            return
        links = self.list_links(response)
        if not links:
            self.run.counts.complete = False
            self.run.counts.entry_errors += 1
            self.run.error("layout", "list page has no article links (layout change?)",
                           response.url)
            return
        new, refused, floor = 0, self.run.refused, False
        for link in links:
            if walk == "backlog" and url_key(ndsoft_short(clean_url(link, response.url))) \
                    in self.archived_before:
                floor = True  # the backlog ends here: older articles were archived before it
                continue
            request, is_new = self.follow_article(link, base=response.url,
                                                  backlog=walk == "backlog")
            new += is_new
            if request:
                yield request
        beyond = 0 if floor else max(last_page_number(response, page) - page, 0) * len(links)
        if self.run.refused > refused:
            self.run.stop_walk(response.url, page, "max_articles",
                               self.run.refused - refused + beyond)
            return
        if walk == "backlog" and floor:
            self.run.backlog_closed = True
            return
        if walk == "fresh" and not new and not self.run.resume:
            self.run.reached_known = True
            return
        next_url = next_page_url(response, page)
        if not next_url or page >= MAX_LIST_DEPTH:
            self.run.backlog_closed = walk == "backlog" or not self.run.watermark
            return
        gap = walk == "fresh" and self.run.watermark and new == len(links)
        if walked >= (MAX_LIST_DEPTH if gap else self.source.max_pages):
            self.run.stop_walk(next_url, page + 1, "max_pages", max(beyond, len(links)))
            return
        if walk == "backlog" or gap:
            self.run.walk_progress(next_url, page + 1)
        yield self.list_request(next_url, page + 1, walk, walked + 1)


def with_page(url: str, page: int) -> str:
    """Return url with its page parameter set (``page`` unless it uses another name)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    name = next((k for k, _ in query if k in _PAGE_PARAMS), "page")
    query = [(k, v) for k, v in query if k != name] + [(name, str(page))]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def _same(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.path, sorted(parse_qsl(pa.query))) == (pb.path, sorted(parse_qsl(pb.query)))


def last_page_number(response: TextResponse, page: int) -> int:
    """The highest page number the list's pagination links show (a backlog estimate)."""
    last = page
    base = urlsplit(response.url).path
    for href in response.css("a::attr(href)").getall():
        parts = urlsplit(response.urljoin(href.strip()))
        if parts.path != base:
            continue
        for name, value in parse_qsl(parts.query):
            if name in _PAGE_PARAMS and value.isdigit():
                last = max(last, int(value))
    return last


def next_page_url(response: TextResponse, page: int) -> str | None:
    """Find the link to list page ``page + 1``: a numbered pagination link or rel=next."""
    wanted = with_page(response.url, page + 1)
    for href in response.css("a::attr(href)").getall():
        if _same(response.urljoin(href.strip()), wanted):
            return wanted
    rel_next = response.css("a[rel=next]::attr(href), link[rel=next]::attr(href)").get()
    return response.urljoin(rel_next) if rel_next else None
