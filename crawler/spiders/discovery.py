"""Discovery beyond the configured outlets: Naver News search and Google News RSS.

A discovery source asks a search service for its queries (``queries``, or one per rule), and
follows each result to the outlet's own page, which is fetched like any article (robots.txt,
politeness per host, the SSRF guard) and extracted by the generic chain. A page that cannot
be fetched or extracted is stored from what the result said, marked partial. Every result is
recorded in ``discovered`` with its outcome; calls count against the source's daily budget.

Calls go one at a time, query after query: a crawl takes only its share of the day's budget
(crawler.quota), stops at once on a 429 and leaves its position. docs/discovery.md.
"""

from __future__ import annotations

import hashlib
from collections import deque
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.errors import FeedError
from crawler.items import PageItem
from crawler.job import CrawlJob, job_of
from crawler.middlewares import BlockedRequest
from crawler.quota import backoff_until, crawl_allowance, quota_day, runs_left_today
from crawler.search_results import (
    NAVER_MAX_START,
    SearchResult,
    google_url,
    interstitial_target,
    naver_error,
    naver_url,
    parse_google,
    parse_naver,
    queries_for,
)
from crawler.spiders.base import ArticleSpider, describe_failure
from crawler.urls import clean_url, ndsoft_short, url_key
from storage.articles import article_for_keys
from storage.backoff import retry_after_seconds
from storage.discovery import (
    FoundItem,
    calls_made,
    clear_backoff,
    close_cursor,
    count_refusal,
    cursors,
    discovery_state,
    record_found,
    reserve_call,
    save_cursor,
    seen_items,
    set_backoff,
    set_rotation,
    settle_found,
)
from storage.normalize import KST, origin_of, outlet_host

Output = list[Request | PageItem]
MAX_HOPS = 5  # redirects inside Google's host while resolving one link
_REDIRECTS = [301, 302, 303, 307, 308]
_SETTLED_REASONS = {"known": "already in the archive (same URL)",
                    "duplicate": "same text as an archived article"}


class DiscoverySpider(ArticleSpider):
    """What naver_news and google_news share: queries, quota, the record of results, partial
    articles. Families implement ``search_request`` and ``parse_search``."""

    name = ""  # abstract
    obey_robots_on_api = True

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DiscoverySpider:
        """Build the spider, then read its quota, rotation, open walks and seen results."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DiscoverySpider)
        spider.prepare(job_of(crawler.settings), datetime.now(KST))
        crawler.signals.connect(spider._stored, signal=signals.item_scraped)
        crawler.signals.connect(spider._dropped, signal=signals.item_dropped)
        return spider

    def prepare(self, job: CrawlJob, now: datetime) -> None:
        """Load what this crawl starts from (no calls yet)."""
        source, archive = self.source, self.run.archive
        self.day = quota_day(now)
        self.started = now.isoformat(timespec="seconds")
        self.cutoff = (now - source.max_age).isoformat(timespec="seconds")
        self.queries = queries_for(source, job.rule_queries.get(source.kind, ()))
        state = discovery_state(archive, source.id)
        until = state["backoff_until"]
        self.backoff = until if until and datetime.fromisoformat(until) > now else None
        self.backoffs = int(state["backoffs"] or 0)
        used = calls_made(archive, source.id, self.day)
        self.allowance = crawl_allowance(source.daily_budget, used,
                                         runs_left_today(now, source.interval, source.cron))
        self.calls = 0
        self.halted: str | None = None  # why no more calls: quota, backoff, auth
        self.open_walks = cursors(archive, source.id)
        self.seen = seen_items(archive, source.id)
        self.floors: dict[str, set[str]] = {}
        self.handled: set[str] = set()  # result keys this crawl handled (any query)
        self.known_ids: dict[str, int] = {}  # archived article of a result, until recorded
        # Where each query's walk stopped this crawl: (next start, reason, walk) or closed.
        self.positions: dict[str, list[tuple[int, str, str]]] = {}
        self.closed: set[str] = set()
        rotation = int(state["next_query"] or 0) % max(len(self.queries), 1)
        order = self.queries[rotation:] + self.queries[:rotation]
        self.pending: deque[tuple[str, int, str, int]] = deque(
            [(q, 1, "fresh", 1) for q in order]
            + [(q, int(w["next_start"]), "resume", 1) for q, w in self.open_walks.items()
               if q in self.queries])
        for query in set(self.open_walks) - set(self.queries):
            close_cursor(archive, source.id, query)  # the query left the configuration

    # -- calls -----------------------------------------------------------------------------

    def start_requests_for(self) -> list[Request]:
        """The first call (later ones follow as answers arrive), unless backing off."""
        if self.backoff:
            self.halted = "backoff"
            self.run.hold("backoff", len(self.pending))
            self.logger.info("%s: backing off until %s", self.source.id, self.backoff)
            return []
        return [r for r in self.next_walk() if isinstance(r, Request)]

    def take_call(self) -> bool:
        """Reserve one call of this crawl's share and of the day's budget, or say no."""
        if self.halted:
            return False
        if self.calls >= self.allowance or not reserve_call(
                self.run.archive, self.source.id, self.day, self.source.daily_budget):
            self.halted = "quota"
            return False
        self.calls += 1
        return True

    def next_walk(self) -> Output:
        """The next query's call, when a call is left; otherwise keep the rotation's place."""
        if not self.pending:
            return []
        query, start, walk, pages = self.pending[0]
        if not self.take_call():
            if self.halted == "quota":
                self.run.hold("quota", len(self.pending))
                if walk == "fresh":
                    set_rotation(self.run.archive, self.source.id, self.queries.index(query))
            return []
        self.pending.popleft()
        return [self.search_request(query, start, walk, pages)]

    def api_meta(self) -> dict[str, Any]:
        """Request meta of a search call: answers of every status reach the callback."""
        meta: dict[str, Any] = {"kind": "search", "dont_retry": True,
                                "handle_httpstatus_all": True}
        if not self.obey_robots_on_api:
            meta["dont_obey_robotstxt"] = True
        return meta

    def search_request(self, query: str, start: int, walk: str, pages: int) -> Request:
        """One call to the search service (family-specific)."""
        raise NotImplementedError

    def api_ok(self) -> None:
        """A call went through: forget earlier 429s."""
        if self.backoffs:
            clear_backoff(self.run.archive, self.source.id)
            self.backoffs = 0

    def api_refused(self, response: Response, query: str, start: int, walk: str,
                    code: str | None, message: str) -> Output:
        """Record an error answer; back off on 429; keep the walk's position."""
        status, service = response.status, self.source.kind
        text = f"{service} API: HTTP {status} {message}".strip() + (
            f" (errorCode {code})" if code else "")
        if walk == "resume" or start > 1:
            self.keep(query, start, f"HTTP {status}", walk)
        if status == 429:
            return self._back_off(response, query, code, text)
        self.run.counts.entry_errors += 1
        if status in (401, 403):
            self.run.counts.blocked += 1
            self.halted = "auth"
            self.run.error("blocked", f"{text}: the key was refused; check client_id and "
                           "client_secret (expired or revoked, or the search API not added "
                           "to the application)", self.api_origin())
            return []
        self.run.error("http", text, self.api_origin())
        return self.next_walk()

    def _back_off(self, response: Response, query: str, code: str | None,
                  text: str) -> Output:
        count_refusal(self.run.archive, self.source.id, self.day)
        if self.halted == "backoff":
            return []
        self.halted = "backoff"
        header = response.headers.get("Retry-After")
        until, why = backoff_until(datetime.now(KST), code,
                                   retry_after_seconds(header.decode("latin-1") if header
                                                       else None), self.backoffs)
        set_backoff(self.run.archive, self.source.id, until.isoformat(timespec="seconds"),
                    f"{why}: {text}")
        if query in self.queries:
            set_rotation(self.run.archive, self.source.id, self.queries.index(query))
        self.run.hold("backoff", len(self.pending) + 1)
        self.run.error("quota", f"{text}; {why}: no calls until "
                       f"{until.astimezone(KST):%Y-%m-%d %H:%M} KST, then the crawl resumes "
                       f"at query {query!r}", self.api_origin())
        return []

    def on_search_error(self, failure: Failure) -> Output:
        """A call that got no answer: record it, keep the position, go on with the next."""
        request = failure.request  # type: ignore[attr-defined]
        _, message = describe_failure(failure)
        query, start, walk = (request.cb_kwargs[k] for k in ("query", "start", "walk"))
        if walk == "resume" or start > 1:
            self.keep(query, start, "no answer", walk)
        self.run.counts.entry_errors += 1
        self.run.error("network", f"{self.source.kind} API: {message}", self.api_origin())
        return self.next_walk()

    def api_origin(self) -> str:
        """The API's base URL for error records, without any user:password of a proxy."""
        parts = urlsplit(self.source.api_base)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    # -- results ---------------------------------------------------------------------------

    def floor_for(self, query: str) -> set[str]:
        """Results seen before the query's open walk began: where that walk ends."""
        if query not in self.floors:
            walk = self.open_walks.get(query)
            self.floors[query] = (seen_items(self.run.archive, self.source.id,
                                             str(walk["opened_at"])) if walk else set())
        return self.floors[query]

    def take_results(self, results: list[SearchResult], query: str, walk: str
                     ) -> tuple[Output, set[str]]:
        """Follow each new result; record them all; return the requests and what the page
        showed: ``old`` (past the window), ``seen`` (seen by an earlier crawl), ``floor``
        (where a resumed walk ends), ``refused`` (max_articles reached: left for later)."""
        out: Output = []
        found: list[FoundItem] = []
        flags: set[str] = set()
        floor = self.floor_for(query) if walk == "resume" else set()
        for result in results:
            if result.published_at and result.published_at < self.cutoff:
                flags.add("old")
                continue
            self.run.counts.links_found += 1
            key = result_key(result)
            if key in floor:
                flags.add("floor")
            if key in self.seen:
                flags.add("seen")
                continue
            if key in self.handled:  # found by another query (or page) of this crawl
                found.append(self.found(result, key, query, "duplicate", None))
                continue
            outcome, reason, item = self.take_result(result, key, query)
            if outcome is None:
                flags.add("refused")
                continue
            self.handled.add(key)
            found.append(self.found(result, key, query, outcome, reason))
            if item is not None:
                out.append(item)
        record_found(self.run.archive, found)
        return out, flags

    def take_result(self, result: SearchResult, key: str, query: str
                    ) -> tuple[str | None, str | None, Request | PageItem | None]:
        """(outcome, reason, request or item) for one new result; outcome None: refused."""
        hints = self.hints(result, key)
        if result.fetch_url is None:
            if not result.link:
                return "skipped", result.note, None
            return "fetching", result.note, PageItem(
                self.source.id, result.link, result.link, b"", None, hints,
                partial=result.note or "no outlet page to fetch")
        if result.needs_resolving:
            if not self.take_call():
                if self.halted == "quota":
                    self.run.hold("quota", 1)
                return None, None, None
            return "fetching", None, self.hop_request(
                result.link, key, result, 1)
        outcome, reason, request, article_id = self.follow_result(result, key,
                                                                  result.fetch_url)
        if article_id is not None:
            self.known_ids[key] = article_id
        return outcome, reason or result.note, request

    def follow_result(self, result: SearchResult, key: str, url: str
                      ) -> tuple[str | None, str | None, Request | None, int | None]:
        """Follow a result to its outlet page: (outcome, reason, request, known article id)."""
        target = url_key(ndsoft_short(clean_url(url)))
        if target in self.requested:
            return "duplicate", "the same outlet page as another result of this crawl", \
                None, None
        request, is_new = self.follow_article(url, self.hints(result, key), count=False)
        if request is not None:
            return "fetching", None, request, None
        if is_new:
            return None, None, None, None  # max_articles: left for the next crawl
        return "known", _SETTLED_REASONS["known"], None, article_for_keys(
            self.run.archive, [target])

    def hop_request(self, url: str, key: str, result: SearchResult, hop: int) -> Request:
        """Ask a search service's own link where it leads (google_news)."""
        raise NotImplementedError

    def hints(self, result: SearchResult, key: str) -> dict[str, Any]:
        """What the result says, for extraction fallbacks and the partial article."""
        return {"title": result.title, "published_at": result.published_at,
                "published_from": "search", "description": result.description,
                "outlet_name": result.outlet_name, "item_key": key, "discovered": True}

    def found(self, result: SearchResult, key: str, query: str, outcome: str,
              reason: str | None) -> FoundItem:
        """The record of one result."""
        url = None if result.needs_resolving else result.fetch_url
        return FoundItem(
            source_id=self.source.id, item_key=key, link=result.link or key, query=query,
            url=url, title=result.title, published_at=result.published_at,
            outlet_host=outlet_host(url) if url else None, outlet_name=result.outlet_name,
            outcome=outcome, reason=reason, article_id=self.known_ids.pop(key, None),
            run_id=self.run.run_id)

    # -- walks -----------------------------------------------------------------------------

    def keep(self, query: str, start: int, reason: str, walk: str) -> None:
        """Remember where a query's walk stopped with results left (saved at the end)."""
        self.positions.setdefault(query, []).append((start, reason, walk))

    def end_walk(self, query: str, walk: str) -> None:
        """A walk reached the seen results, the window or the end of the results."""
        if walk == "resume":
            self.closed.add(query)

    def save_walks(self) -> None:
        """Write where the walks stopped: the shallowest stop of a fresh walk wins (a second
        hole above an open one is walked by the same resumed walk)."""
        archive, source_id = self.run.archive, self.source.id
        for query in set(self.positions) | self.closed:
            stops = self.positions.get(query, [])
            fresh = [s for s in stops if s[2] == "fresh"]
            resumed = [s for s in stops if s[2] == "resume"]
            if query in self.closed:
                close_cursor(archive, source_id, query)
            if fresh:
                start, reason, _ = min(fresh)
                save_cursor(archive, source_id, query, start, reason, self.started)
            elif resumed and query not in self.closed:
                start, reason, _ = min(resumed)
                save_cursor(archive, source_id, query, start, reason, self.started)

    def _closed(self, spider: Any, reason: str) -> None:
        if spider is self:
            self.save_walks()
        super()._closed(spider, reason)

    # -- outlet pages ----------------------------------------------------------------------

    def parse_article(self, response: Response) -> Any:
        """A discovered link that is no HTML page (a PDF) is kept from its search result."""
        hints = response.meta.get("hints", {})
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        html = isinstance(response, TextResponse) and (
            not content_type or "html" in content_type.lower() or "xml" in content_type.lower())
        if hints.get("item_key") and not html:
            self.run.article_pages += 1
            requested = response.request.url if response.request else response.url
            return [PageItem(self.source.id, response.url, requested, b"", content_type or None,
                             hints, partial=f"not an HTML page ({content_type or 'no type'})")]
        return super().parse_article(response)

    def on_error(self, failure: Failure) -> Any:
        """An outlet page that failed: refused by the SSRF guard (recorded as blocked), or
        kept from its search result (a dead outlet, an HTTP error, robots.txt)."""
        request = getattr(failure, "request", None)
        hints = request.meta.get("hints", {}) if request is not None else {}
        if request is None or request.meta.get("kind") != "article" or "item_key" not in hints:
            return super().on_error(failure)
        kind, message = describe_failure(failure)
        first = request.meta.get("redirect_urls", [request.url])[0]
        if isinstance(failure.value, BlockedRequest) and kind == "blocked":
            self.run.error("blocked", message, request.url)
            settle_found(self.run.archive, self.source.id, hints["item_key"], "blocked",
                         message, details={"url": request.url,
                                           "outlet_host": outlet_host(request.url)})
            return None
        return [PageItem(self.source.id, first, first, b"", None, hints,
                         partial=f"page not fetched: {message}")]

    def _stored(self, item: Any, response: Any, spider: Any) -> None:
        if spider is not self or not isinstance(item, dict) or not item.get("item_key"):
            return
        status, partial = str(item.get("status")), item.get("partial")
        outcome = "partial" if partial and status == "new" else status
        reason = partial if status == "new" else "; ".join(
            r for r in (_SETTLED_REASONS.get(status), partial) if r)
        settle_found(self.run.archive, self.source.id, item["item_key"], outcome, reason,
                     item.get("article_id"), details={
                         "url": item.get("url"), "outlet_name": item.get("outlet_name"),
                         "outlet_host": outlet_host(item.get("canonical_url") or item["url"])})

    def _dropped(self, item: Any, response: Any, exception: BaseException,
                 spider: Any) -> None:
        if spider is not self:
            return
        hints = item.hints if isinstance(item, PageItem) else {}
        key = hints.get("item_key") or (item.get("item_key") if isinstance(item, dict)
                                        else None)
        if key:
            settle_found(self.run.archive, self.source.id, key, "failed", str(exception))

def result_key(result: SearchResult) -> str:
    """The key a result is recorded under: its link's URL key, or its title's hash."""
    if result.link:
        return url_key(result.link)
    return "nolink:" + hashlib.sha1(result.title.encode("utf-8")).hexdigest()[:16]


class NaverNewsSpider(DiscoverySpider):
    """Naver's Search API for news: pages of up to 100 results, newest first."""

    name = "naver_news"
    # A licensed API called with the application's keys, not pages crawled: robots.txt
    # governs the outlet pages it leads to.
    obey_robots_on_api = False

    def search_request(self, query: str, start: int, walk: str, pages: int) -> Request:
        """One news.json call with the application's keys in headers."""
        return Request(
            naver_url(self.source.api_base, query, start, self.source.page_size),
            headers={"X-Naver-Client-Id": self.source.client_id,
                     "X-Naver-Client-Secret": self.source.client_secret,
                     "Accept": "application/json"},
            callback=self.parse_search, errback=self.on_search_error, dont_filter=True,
            priority=20, meta=self.api_meta(),
            cb_kwargs={"query": query, "start": start, "walk": walk, "pages": pages})

    def parse_search(self, response: Response, query: str, start: int, walk: str,
                     pages: int) -> Output:
        """Follow a page of results, then the next page while the walk goes on."""
        if response.status != 200:
            code, message = naver_error(response.body)
            return self.api_refused(response, query, start, walk, code, message)
        self.api_ok()
        try:
            page = parse_naver(response.body)
        except FeedError as exc:
            self.run.counts.entry_errors += 1
            self.run.error("feed", f"naver_news API answered {exc}", self.api_origin())
            if walk == "resume" or start > 1:
                self.keep(query, start, "bad answer", walk)
            return self.next_walk()
        if not page.items:
            self.run.counts.not_modified += 1  # no results: nothing new, not a fault
            self.end_walk(query, walk)
            return self.next_walk()
        out, flags = self.take_results(page.items, query, walk)
        return out + self._next_page(query, start + len(page.items), walk, pages, flags,
                                     page.total, start)

    def _next_page(self, query: str, next_start: int, walk: str, pages: int,
                   flags: set[str], total: int, start: int) -> Output:
        """Where the walk goes after a page (docs/discovery.md, paging)."""
        last = min(total, NAVER_MAX_START)
        if "refused" in flags:
            self.keep(query, start, "max_articles", walk)
        elif "old" in flags or (walk == "fresh" and "seen" in flags) or (
                walk == "resume" and "floor" in flags) or next_start > last:
            self.end_walk(query, walk)
        elif pages >= self.source.max_pages:
            self.keep(query, next_start, "max_pages", walk)
        elif self.take_call():
            return [self.search_request(query, next_start, walk, pages + 1)]
        else:
            self.keep(query, next_start, "quota", walk)
            self.run.hold("quota", last - next_start + 1)
        return self.next_walk()


class GoogleNewsSpider(DiscoverySpider):
    """Google News RSS search: one call per query (no paging); links resolved to outlets."""

    name = "google_news"

    def search_request(self, query: str, start: int, walk: str, pages: int) -> Request:
        """One RSS search call in Korean for Korea."""
        return Request(google_url(self.source.api_base, query), callback=self.parse_search,
                       errback=self.on_search_error, dont_filter=True, priority=20,
                       meta=self.api_meta(),
                       cb_kwargs={"query": query, "start": start, "walk": walk, "pages": pages})

    def parse_search(self, response: Response, query: str, start: int, walk: str,
                     pages: int) -> Output:
        """Follow the new results of one RSS answer, then the next query."""
        if response.status != 200:
            return self.api_refused(response, query, start, walk, None, "")
        self.api_ok()
        try:
            results = parse_google(response.body, self.source.api_base)
        except FeedError as exc:
            self.run.counts.entry_errors += 1
            self.run.error("feed", f"google_news answered {exc}", self.api_origin())
            return self.next_walk()
        if not results:
            self.run.counts.not_modified += 1
        out, _ = self.take_results(results, query, walk)
        return out + self.next_walk()

    # -- resolving Google's links -----------------------------------------------------------

    def hop_request(self, url: str, key: str, result: SearchResult, hop: int) -> Request:
        """Ask a Google News link where it leads, without following the redirect."""
        return Request(url, callback=self.parse_hop, errback=self.on_hop_error,
                       dont_filter=True, priority=15, cb_kwargs={
                           "key": key, "result": result, "hop": hop},
                       meta={"kind": "resolve", "dont_redirect": True, "dont_retry": True,
                             "handle_httpstatus_list": _REDIRECTS})

    def parse_hop(self, response: Response, key: str, result: SearchResult, hop: int
                  ) -> Output:
        """Follow the Location out of Google, or find the outlet URL in Google's page."""
        google = origin_of(self.source.api_base)
        if response.status in _REDIRECTS:
            location = (response.headers.get("Location") or b"").decode("latin-1").strip()
            if not location:
                return self.unresolved(key, "a redirect without a Location header")
            target = response.urljoin(location)
            if origin_of(target) != google:
                return self.resolved(key, result, target)
            if hop >= MAX_HOPS:
                return self.unresolved(key, f"more than {MAX_HOPS} redirects inside Google")
            if not self.take_call():
                return self.unresolved(key, "no call left to resolve it (quota): next crawl")
            return [self.hop_request(target, key, result, hop + 1)]
        named = interstitial_target(response.body, response.url, self.source.api_base)
        if named:
            return self.resolved(key, result, named)
        return self.unresolved(key, "Google's page neither redirects nor names the outlet's URL "
                               "(its article links need a JavaScript step medradar does not take)")

    def on_hop_error(self, failure: Failure) -> Output:
        """A Google link that could not be asked (HTTP error, network, robots.txt)."""
        _, message = describe_failure(failure)
        request = failure.request  # type: ignore[attr-defined]
        return self.unresolved(request.cb_kwargs["key"], message)

    def resolved(self, key: str, result: SearchResult, url: str) -> Output:
        """Follow a resolved link to the outlet, and record where it led."""
        outcome, reason, request, article_id = self.follow_result(result, key, url)
        if outcome is None:
            return self.unresolved(key, "max_articles reached: resolved again next crawl")
        settle_found(self.run.archive, self.source.id, key, outcome, reason, article_id,
                     details={"url": url, "outlet_host": outlet_host(url)})
        return [request] if request is not None else []

    def unresolved(self, key: str, reason: str) -> Output:
        """Record a link that led to no outlet page; it is tried again by later crawls."""
        settle_found(self.run.archive, self.source.id, key, "unresolved", reason)
        return []
