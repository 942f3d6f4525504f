"""Live generated outlets for the daemon benchmark: NDSoft-skin sites that can publish.

Each outlet is a benchmarks.pages.Site served from memory by its own
tests.support.outlet_server.OutletServer (a real HTTP server on 127.0.0.1, in this process).
The server answers every page with an ETag and a 304 to a matching If-None-Match, so a feed
that has not changed costs the daemon one conditional GET.

``publish`` adds a new article at a known moment: its page is generated first, then the feed
and list page 1 are regenerated with it on top and swapped in; the returned ``time.time()``
is the moment the article became visible. Its title and first paragraph carry MARKER, so a
rule on MARKER matches it (the generated back catalogue is days old, so a rule with a short
``max_age`` matches only published articles).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks.pages import FEED_SIZE, KST, LIST_SIZE, Article, Outlet, Site, route_key
from tests.support.outlet_server import OutletServer

MARKER = "의료기기"
_NO_FILES = Path(__file__).resolve().parent / "no-fixture-files"  # every page is dynamic
_FIRST = ["메디", "헬스", "바이오", "의료", "케이"]
_SECOND = ["포커스", "데일리", "저널", "타임즈", "신문", "투데이", "리뷰", "인사이트", "위클리",
           "포스트"]
FEED_PATH = "/rss/allArticle.xml"


def make_outlets(count: int) -> list[Outlet]:
    """count NDSoft outlets with distinct codes, names and article ids."""
    outlets = []
    for i in range(count):
        name = _FIRST[i % len(_FIRST)] + _SECOND[i // len(_FIRST) % len(_SECOND)]
        if i >= len(_FIRST) * len(_SECOND):
            name += str(i)
        outlets.append(Outlet(f"live{i:02d}", name, "ndsoft", 100001 + i * 1000, 1,
                              "의료기기·헬스케어 전문지", "#1b4f9c"))
    return outlets


class LiveSite(Site):
    """A Site whose article count grows when an article is published."""

    def __init__(self, outlet: Outlet, n: int, origin: str) -> None:
        super().__init__(outlet, n, origin)
        self._catalogue = Site(outlet, n, origin)  # the back catalogue's timeline stays put
        self.live: dict[int, tuple[str, datetime]] = {}

    def published(self, k: int) -> datetime:
        """Publication time: the moment of publishing for new articles."""
        if k in self.live:
            return self.live[k][1]
        return self._catalogue.published(k)

    def headline(self, k: int) -> str:
        """The published title for new articles."""
        if k in self.live:
            return self.live[k][0]
        return super().headline(k)

    def article(self, k: int) -> Article:
        """A new article carries MARKER in its title and first paragraph."""
        fresh = k in self.live and k not in self._articles
        article = super().article(k)
        if fresh:
            article.title = self.live[k][0]
            article.paragraphs[0] = f"{MARKER} 업계에 새 소식이 전해졌다. {article.paragraphs[0]}"
            self._headlines[k] = article.title
        return article

    def add(self, title: str) -> dict[str, bytes]:
        """Publish one article now; return the pages that change (route_key -> bytes)."""
        k = self.n
        self.live[k] = (title, datetime.now(KST).replace(microsecond=0))
        self.n += 1
        changed = {route_key(self.path(k)): self.article_page(k),
                   FEED_PATH: self.ndsoft_feed()}
        pages = max(1, -(-self.n // LIST_SIZE))
        first = self.ndsoft_list(1, pages)
        changed[route_key("/news/articleList.html?view_type=sm")] = first
        changed[route_key("/news/articleList.html?view_type=sm&page=1")] = first
        return changed


@dataclass
class LiveOutlet:
    """One running outlet."""

    outlet: Outlet
    kind: str  # the medradar source kind: "ndsoft" (feed + list page 1) or "rss" (feed)
    server: OutletServer
    site: LiveSite
    pages: dict[str, bytes]
    # (time.time(), kind) of the latest requests, to split a new article's latency
    trace: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=2000))

    @property
    def source_id(self) -> str:
        """The medradar source id."""
        return self.outlet.source_id

    def source_toml(self, every: str) -> str:
        """The [[sources]] table of this outlet."""
        lines = ["[[sources]]", f'id = "{self.source_id}"', f'name = "{self.outlet.name}"',
                 f'kind = "{self.kind}"', f'url = "{self.server.origin}"']
        if self.kind == "rss":
            lines.append(f'feeds = ["{self.server.origin}{FEED_PATH}"]')
        lines.append(f'every = "{every}"')
        return "\n".join(lines) + "\n"


class LiveOutlets:
    """count outlets with per_outlet articles each, half crawled as ndsoft, half as rss."""

    def __init__(self, count: int, per_outlet: int) -> None:
        assert per_outlet <= min(FEED_SIZE, LIST_SIZE)
        self.entries: list[LiveOutlet] = []
        self._lock = threading.Lock()
        for i, outlet in enumerate(make_outlets(count)):
            pages: dict[str, bytes] = {}
            trace: deque[tuple[float, str]] = deque(maxlen=2000)

            def serve(path: str, pages: dict[str, bytes] = pages,
                      trace: deque[tuple[float, str]] = trace) -> bytes | None:
                trace.append((time.time(), kind_of(path)))
                return pages.get(route_key(path))

            server = OutletServer(_NO_FILES, dynamic=serve)
            site = LiveSite(outlet, per_outlet, server.origin)
            pages.update(site.routes())
            kind = "ndsoft" if i % 2 == 0 else "rss"
            self.entries.append(LiveOutlet(outlet, kind, server, site, pages, trace))

    def __enter__(self) -> LiveOutlets:
        for entry in self.entries:
            entry.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for entry in self.entries:
            entry.server.stop()

    def publish(self, index: int, title: str) -> tuple[str, float]:
        """Publish an article on outlet ``index``; return (its path, time.time() it appeared)."""
        entry = self.entries[index]
        with self._lock:
            changed = entry.site.add(title)
            path = entry.site.path(entry.site.n - 1)
            entry.pages[route_key(path)] = changed.pop(route_key(path))
            entry.pages.update(changed)  # one dict update: the feed and list pages at once
            return path, time.time()

    def first_request(self, index: int, kind: str, since: float) -> float | None:
        """When outlet ``index`` was first asked for a page of ``kind`` at or after ``since``."""
        return next((t for t, k in list(self.entries[index].trace) if k == kind and t >= since),
                    None)

    def requests(self) -> dict[str, int]:
        """Requests served so far by kind (feed, list, article, robots, other) and how many
        of all of them were answered 304 Not Modified."""
        counts = dict.fromkeys(("feed", "list", "article", "robots", "other", "304"), 0)
        for entry in self.entries:
            server = entry.server
            with server._lock:
                hits = list(server.hits.items())
                counts["304"] += sum(server.not_modified.values())
            for path, n in hits:
                counts[kind_of(path)] += n
        return counts


def kind_of(path: str) -> str:
    """What a requested path is: feed, list, article, robots or other."""
    key = route_key(path)
    if key == FEED_PATH:
        return "feed"
    if "articleList" in key:
        return "list"
    if "articleView" in key:
        return "article"
    return "robots" if key == "/robots.txt" else "other"
