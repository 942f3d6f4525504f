"""Search services on 127.0.0.1 that answer in the documented formats, and the outlets they
point at (korean-sources.md sections 8 and 10; docs/discovery.md).

``NewsWorld`` holds the news: generated NDSoft-style outlets (``GeneratedOutlet``, each an
OutletServer with its feed, list pages and article pages) and every article's text and time.
``NaverApi`` answers ``/v1/search/news.json`` from it (paging with ``start``/``display``,
``<b>`` marks and HTML entities in titles and descriptions, 401 with Naver's error JSON for a
bad or expired key, 429 with ``Query limit exceeded`` past its quota). ``GoogleNews`` answers
``/rss/search`` with Google's RSS (links on its own host, ``<source>``, `` - 매체`` titles) and
redirects ``/rss/articles/…`` to the outlet. Only articles published by the world's clock are
visible, so a benchmark can run a simulated day.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.outlet_server import OutletServer

KST = timezone(timedelta(hours=9))
LIST = "/news/articleList.html?view_type=sm"
FEED = "/rss/allArticle.xml"
ARTICLE = "/news/articleView.html?idxno="
NAVER_AUTH_FAILED = ('{"errorMessage":"Not Exist Client ID : Authentication failed. '
                     '(인증에 실패했습니다.)","errorCode":"024"}')
NAVER_EXPIRED = ('{"errorMessage":"NID AUTH Result Invalid (1000) : Authentication failed. '
                 '(인증에 실패했습니다.)","errorCode":"024"}')
NAVER_QUOTA = ('{"errorMessage":"Query limit exceeded. (쿼리 한도를 초과했습니다.)",'
               '"errorCode":"010"}')

_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>{title} - {site}</title><meta property="og:title" content="{title_attr}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{iso}"></head><body>
<header><a href="/">{site}</a></header>
<article id="article-view-content-div" itemprop="articleBody">{paragraphs}</article>
</body></html>"""


@dataclass
class Story:
    """One article as the world knows it."""

    idxno: int
    title: str
    body: str
    published: datetime
    outlet: GeneratedOutlet
    link: str | None = None  # what the search services give as its link (default: its page)

    @property
    def url(self) -> str:
        """The article page on its outlet."""
        return self.outlet.server.url(f"{ARTICLE}{self.idxno}")

    def text(self) -> str:
        """Title and body, for matching queries."""
        return f"{self.title}\n{self.body}"


class _Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True


class GeneratedOutlet:
    """An NDSoft-style outlet with generated articles, served through an OutletServer."""

    def __init__(self, world: NewsWorld, name: str, folder: Path, per_page: int = 20) -> None:
        self.world = world
        self.name = name
        self.per_page = per_page
        self.stories: list[Story] = []
        folder.mkdir(parents=True, exist_ok=True)
        self.server = OutletServer(folder).start()
        self.server.dynamic = self.serve

    def add(self, title: str, body: str, published: datetime) -> Story:
        """Publish an article (visible once the world's clock reaches ``published``)."""
        story = Story(len(self.stories) + 1, title, body, published, self)
        self.stories.append(story)
        self.world.stories.append(story)
        return story

    def visible(self) -> list[Story]:
        """Articles published by now, newest first."""
        now = self.world.now()
        return sorted((s for s in self.stories if s.published <= now),
                      key=lambda s: s.published, reverse=True)

    def serve(self, path: str) -> bytes | None:
        """The OutletServer hook: article pages, the feed, list pages."""
        if path.startswith(ARTICLE):
            idxno = int(path.rsplit("=", 1)[1])
            story = next((s for s in self.visible() if s.idxno == idxno), None)
            return article_page(story.title, story.body, self.name, story.published) \
                if story else None
        if path == FEED:
            return self._feed()
        if path.startswith(LIST):
            page = int(parse_qs(urlsplit(path).query).get("page", ["1"])[0])
            return self._list(page)
        return None

    def _feed(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(s.title)}</title><link>{s.url}</link>"
            f"<pubDate>{s.published.strftime('%Y-%m-%d %H:%M:%S')}</pubDate></item>"
            for s in self.visible()[:50])
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>{self.name}</title>{items}</channel></rss>").encode()

    def _list(self, page: int) -> bytes:
        stories = self.visible()
        shown = stories[(page - 1) * self.per_page: page * self.per_page]
        items = "".join(f'<li><a href="{ARTICLE}{s.idxno}">{html.escape(s.title)}</a></li>'
                        for s in shown)
        pages = max(-(-len(stories) // self.per_page), 1)
        nav = "".join(f'<a href="{LIST}&page={p}">{p}</a> ' for p in range(1, pages + 1))
        return (f'<html><head><meta charset="utf-8"></head><body><section id="section-list">'
                f'<ul>{items}</ul></section><div class="pagination">{nav}</div></body></html>'
                ).encode()

    def stop(self) -> None:
        """Stop serving."""
        self.server.stop()


def article_page(title: str, body: str, site: str, published: datetime) -> bytes:
    """An article page in the NDSoft layout, with og:site_name."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n") if p.strip())
    return _PAGE.format(title=html.escape(title), title_attr=html.escape(title, quote=True),
                        site=html.escape(site), iso=published.isoformat(),
                        paragraphs=paragraphs).encode("utf-8")


@dataclass
class NewsWorld:
    """Outlets, their articles and the clock the search services see."""

    folder: Path
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(KST))
    outlets: list[GeneratedOutlet] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)

    def now(self) -> datetime:
        """The world's time (the test's clock, or a simulated day's)."""
        return self.clock()

    def outlet(self, name: str, per_page: int = 20) -> GeneratedOutlet:
        """Start a new generated outlet."""
        outlet = GeneratedOutlet(self, name, self.folder / f"outlet{len(self.outlets)}",
                                 per_page)
        self.outlets.append(outlet)
        return outlet

    def search(self, query: str) -> list[Story]:
        """Visible articles matching a query, newest first: words are ANDed, ``a | b`` and
        ``(a OR b)`` are either, quotes keep a phrase, spacing is ignored."""
        groups = query_groups(query)
        now = self.now()
        found = [s for s in self.stories if s.published <= now
                 and all(any(squash(t) in squash(s.text()) for t in g) for g in groups)]
        return sorted(found, key=lambda s: (s.published, s.idxno), reverse=True)

    def stop(self) -> None:
        """Stop every outlet."""
        for outlet in self.outlets:
            outlet.stop()


def squash(text: str) -> str:
    """Lower-case without spaces (matching ignores spacing, like Naver's)."""
    return re.sub(r"\s+", "", text).lower()


def query_groups(query: str) -> list[list[str]]:
    """AND of OR-groups from ``a b | c "d e" (f OR g)``."""
    tokens = re.findall(r'"[^"]*"|\(|\)|\||OR|[^\s()|"]+', query)
    groups: list[list[str]] = []
    join = False
    for token in tokens:
        if token in ("|", "OR"):
            join = True
            continue
        if token in ("(", ")"):
            continue
        term = token.strip('"')
        if join and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        join = False
    return groups


def mark(text: str, query: str) -> str:
    """HTML-escape text the way Naver does (&quot; &amp; …) and wrap matched terms in <b>."""
    escaped = html.escape(text, quote=True)
    for group in query_groups(query):
        for term in group:
            escaped = escaped.replace(html.escape(term), f"<b>{html.escape(term)}</b>")
    return escaped


class _JsonServer:
    """A threaded HTTP server on 127.0.0.1 whose GET handler is ``self.answer``."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, path: str, headers: dict[str, str]
               ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a GET."""
        raise NotImplementedError

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                status, headers, body = server.answer(self.path, dict(self.headers))
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler


class NaverApi(_JsonServer):
    """Naver's news search over a NewsWorld, with its keys, quota and error answers."""

    def __init__(self, world: NewsWorld, client_id: str = "test-client-id",
                 client_secret: str = "test-client-secret") -> None:
        self.world = world
        self.client_id = client_id
        self.client_secret = client_secret
        self.expired = False  # answer 401 NID AUTH Result Invalid to every call
        self.quota: int | None = None  # calls answered before 429 Query limit exceeded
        self.answered = 0
        self.overrides: dict[str, dict[str, Any]] = {}  # story url -> item fields to replace
        super().__init__()

    def search_calls(self) -> list[dict[str, Any]]:
        """The search calls received: query, start, display and whether the keys were right."""
        with self.lock:
            return list(self.calls)

    def answer(self, path: str, headers: dict[str, str]
               ) -> tuple[int, dict[str, str], bytes]:
        """One call of ``/v1/search/news.json``."""
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        keys_ok = (headers.get("X-Naver-Client-Id") == self.client_id
                   and headers.get("X-Naver-Client-Secret") == self.client_secret)
        with self.lock:
            self.calls.append({"query": query.get("query"), "start": int(query.get("start", 1)),
                               "display": int(query.get("display", 10)), "keys_ok": keys_ok,
                               "sort": query.get("sort")})
        kind = {"Content-Type": "application/json; charset=utf-8"}
        if parts.path != "/v1/search/news.json":
            return 404, kind, b'{"errorMessage":"Not Found","errorCode":"SE05"}'
        if not keys_ok or self.expired:
            return 401, kind, (NAVER_EXPIRED if self.expired else NAVER_AUTH_FAILED).encode()
        with self.lock:
            if self.quota is not None and self.answered >= self.quota:
                return 429, kind, NAVER_QUOTA.encode()
            self.answered += 1
        start, display = int(query.get("start", 1)), int(query.get("display", 10))
        if not 1 <= start <= 1000:
            return 400, kind, b'{"errorMessage":"Incorrect query request. (start)",' \
                              b'"errorCode":"SE03"}'
        found = self.world.search(query.get("query", ""))
        page = found[start - 1: start - 1 + display]
        body = {"lastBuildDate": format_datetime(self.world.now()), "total": len(found),
                "start": start, "display": len(page),
                "items": [self.item(s, query.get("query", "")) for s in page]}
        return 200, kind, json.dumps(body, ensure_ascii=False).encode("utf-8")

    def item(self, story: Story, query: str) -> dict[str, Any]:
        """One result in Naver's shape (``link`` is Naver's copy for every other article)."""
        link = story.link or story.url
        item = {"title": mark(story.title, query), "originallink": link,
                "link": (f"https://n.news.naver.com/mnews/article/001/{story.idxno:010d}"
                         if story.idxno % 2 else link),
                "description": mark(story.body.split("\n")[0][:150], query),
                "pubDate": format_datetime(story.published)}
        item.update(self.overrides.get(story.url, {}))
        return item


class GoogleNews(_JsonServer):
    """Google News RSS search over a NewsWorld; article links redirect to the outlet."""

    def __init__(self, world: NewsWorld) -> None:
        self.world = world
        self.ids: dict[str, Story] = {}
        self.interstitial: set[str] = set()  # article ids answered 200 with no redirect
        self.hops = 1  # redirects inside Google before the one to the outlet
        super().__init__()

    def article_id(self, story: Story) -> str:
        """A stable opaque id, like Google's ``CBMi…``."""
        key = "CBMi" + hashlib.md5(story.url.encode()).hexdigest()[:16]
        self.ids[key] = story
        return key

    def answer(self, path: str, headers: dict[str, str]
               ) -> tuple[int, dict[str, str], bytes]:
        """The RSS search, and the article links' redirects."""
        parts = urlsplit(path)
        with self.lock:
            self.calls.append({"path": path})
        if parts.path == "/rss/search":
            query = parse_qs(parts.query).get("q", [""])[0]
            return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, \
                self.feed(query).encode("utf-8")
        if parts.path.startswith("/rss/articles/"):
            key = parts.path.rsplit("/", 1)[1]
            hop = int(parse_qs(parts.query).get("hop", ["0"])[0])
            story = self.ids.get(key)
            if story is None:
                return 404, {"Content-Type": "text/html"}, b"not found"
            if key in self.interstitial:
                return 200, {"Content-Type": "text/html; charset=utf-8"}, \
                    b"<html><body><script>/* batchexecute */</script></body></html>"
            if hop + 1 < self.hops:
                return 302, {"Location": f"/rss/articles/{key}?oc=5&hop={hop + 1}"}, b""
            return 302, {"Location": story.link or story.url}, b""
        return 404, {"Content-Type": "text/html"}, b"not found"

    def feed(self, query: str) -> str:
        """Google's RSS for a query: titles end with `` - 매체``, links stay on Google."""
        items = []
        for story in self.world.search(query)[:100]:
            key = self.article_id(story)
            title = html.escape(f"{story.title} - {story.outlet.name}")
            items.append(
                f"<item><title>{title}</title>"
                f"<link>{self.origin}/rss/articles/{key}?oc=5</link>"
                f'<guid isPermaLink="false">{key}</guid>'
                f"<pubDate>{format_datetime(story.published.astimezone(UTC), True)}"
                f"</pubDate><description>{html.escape(self.description(story))}</description>"
                f'<source url="{story.outlet.server.origin}">{html.escape(story.outlet.name)}'
                f"</source></item>")
        return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
                'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
                f"<title>&quot;{html.escape(query)}&quot; - Google 뉴스</title>"
                f"{''.join(items)}</channel></rss>")

    def description(self, story: Story) -> str:
        """Google's description: the headline linked, and the publisher in a font tag."""
        return (f'<a href="{self.origin}/rss/articles/x" target="_blank">{story.title}</a>'
                f'&nbsp;&nbsp;<font color="#6f6f6f">{story.outlet.name}</font>')
