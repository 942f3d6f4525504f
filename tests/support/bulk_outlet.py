"""A generated NDSoft-style outlet of any size, for backlog tests: list pages, feed, articles.

``BulkOutlet(server, count)`` serves ``count`` articles (idxno 1..count, the newest first on
list page 1) on an OutletServer through its ``dynamic`` hook; ``publish(n)`` adds n newer
ones, as an outlet does while a crawler is down. Dates step back one hour per article from
the test's clock, so the newest articles are fresh and the oldest are days old.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

from tests.support.outlet_server import OutletServer

KST = timezone(timedelta(hours=9))
LIST = "/news/articleList.html?view_type=sm"
FEED = "/rss/allArticle.xml"
ARTICLE = "/news/articleView.html?idxno="
PATTERN = r"articleView\.html\?idxno=\d+"

_PAGE = """<!doctype html><html lang="ko"><head><meta charset="utf-8">
<title>{title} - 대량뉴스</title><meta property="og:title" content="{title}">
<meta property="og:site_name" content="대량뉴스">
<meta property="article:published_time" content="{iso}"></head><body>
<header><a href="/">대량뉴스</a></header>
<article id="article-view-content-div" itemprop="articleBody">
<p>[대량뉴스=윤서진 기자] 가상의 기사 {idxno}번은 오송과 원주의 의료기기 클러스터 입주 기업
{idxno}곳이 공동 임상 지원 체계를 마련했다는 내용을 담고 있다.</p>
<p>재단 관계자는 "기사 번호 {idxno}번의 장비 공유 사업은 내년에도 이어진다"고 밝혔다.</p>
</article></body></html>"""


class BulkOutlet:
    """Serve count generated articles, newest first, on server."""

    def __init__(self, server: OutletServer, count: int, per_page: int = 100,
                 feed_items: int = 50) -> None:
        self.server = server
        self.count = count
        self.per_page = per_page
        self.feed_items = feed_items
        self.now = datetime.now(KST).replace(microsecond=0)
        self._lock = threading.Lock()
        server.dynamic = self.serve

    def publish(self, n: int) -> None:
        """Add n newer articles at the top of the list and the feed."""
        with self._lock:
            self.count += n
            self.now += timedelta(hours=n)

    def published(self, idxno: int) -> datetime:
        """When article idxno came out: one hour before the next newer one."""
        return self.now - timedelta(hours=self.count - idxno)

    def article_hits(self) -> dict[int, int]:
        """How often each article page was fetched, by idxno."""
        return {int(path.rsplit("=", 1)[1]): n for path, n in self.server.hits.items()
                if path.startswith(ARTICLE)}

    def serve(self, path: str) -> bytes | None:
        """The OutletServer hook."""
        with self._lock:
            if path.startswith(ARTICLE):
                idxno = int(path.rsplit("=", 1)[1])
                return self._article(idxno) if 1 <= idxno <= self.count else None
            if path.startswith(LIST):
                query = parse_qs(urlsplit(path).query)
                return self._list(int(query.get("page", ["1"])[0]))
            if path == FEED:
                return self._feed()
        return None

    def _title(self, idxno: int) -> str:
        return f"의료기기 클러스터 소식 제{idxno}호"

    def _article(self, idxno: int) -> bytes:
        when = self.published(idxno)
        return _PAGE.format(title=self._title(idxno), iso=when.isoformat(),
                            idxno=idxno).encode("utf-8")

    def _list(self, page: int) -> bytes:
        newest = self.count - (page - 1) * self.per_page
        ids = range(newest, max(newest - self.per_page, 0), -1)
        items = "".join(f'<li><a href="{ARTICLE}{i}">{self._title(i)}</a></li>' for i in ids)
        pages = -(-self.count // self.per_page)
        nav = "".join(f'<a href="{LIST}&page={p}">{p}</a> ' for p in range(1, pages + 1))
        return (f'<html><head><meta charset="utf-8"></head><body><section id="section-list">'
                f'<ul>{items}</ul></section><div class="pagination">{nav}</div></body></html>'
                ).encode()

    def _feed(self) -> bytes:
        ids = range(self.count, max(self.count - self.feed_items, 0), -1)
        items = "".join(
            f"<item><title>{self._title(i)}</title><link>{self.server.url(ARTICLE)}{i}</link>"
            f"<pubDate>{self.published(i).strftime('%Y-%m-%d %H:%M:%S')}</pubDate></item>"
            for i in ids)
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>대량뉴스</title>{items}</channel></rss>").encode()
