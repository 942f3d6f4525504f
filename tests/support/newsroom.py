"""Publish new articles on a running NDSoft fixture outlet (medinews): feed item + page.

Attach to an OutletServer with ``Newsroom(server)``; ``publish()`` puts a new item at the top
of the whole-site feed and serves its article page from then on, as a real outlet would.
"""

from __future__ import annotations

import html
import threading
import time
from datetime import datetime, timedelta, timezone

from tests.support.outlet_server import OutletServer

FEED = "/rss/allArticle.xml"
KST = timezone(timedelta(hours=9))

_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>{title} - 메디인뉴스</title>
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{iso}">
</head><body>
<header><a href="/">메디인뉴스</a>
<a href="/news/articleList.html?view_type=sm">전체기사</a></header>
<section class="article-head">
<h3 class="heading">{title}</h3>
<ul class="infomation"><li>기자명 윤서진 기자</li><li>입력 {stamp}</li></ul>
</section>
<article id="article-view-content-div" class="article-veiw-body" itemprop="articleBody">
<p>[메디인뉴스=윤서진 기자] {lead}</p>
<p>업계 관계자는 "이번 기사 번호 {idxno}번은 테스트 뉴스룸이 만든 가상의 기사로,
오송과 원주의 의료기기 클러스터 입주 기업들이 공동으로 임상 지원 체계를
마련했다는 내용을 담고 있다"고 설명했다.</p>
<p>윤서진 기자 sjyoon@medinews.example</p>
</article>
<div class="copyright">저작권자 © 메디인뉴스 무단전재 및 재배포 금지</div>
</body></html>
"""

_ITEM = """<item>
<title>{title}</title>
<link>{url}</link>
<description><![CDATA[{lead}]]></description>
<author><![CDATA[윤서진 기자]]></author>
<pubDate>{stamp}</pubDate>
</item>
"""


class Newsroom:
    """New articles served on top of an outlet's fixture files."""

    def __init__(self, server: OutletServer, first_idxno: int = 5001) -> None:
        self.server = server
        self.next_idxno = first_idxno
        self.pages: dict[str, bytes] = {}
        self.items: list[str] = []
        self.published_at: dict[str, float] = {}  # title -> time.time() it went live
        self._lock = threading.Lock()
        server.dynamic = self.serve

    def publish(self, title: str, lead: str) -> str:
        """Put a new article live now; return its URL."""
        with self._lock:
            idxno = self.next_idxno
            self.next_idxno += 1
            path = f"/news/articleView.html?idxno={idxno}"
            url = self.server.url(path)
            now = datetime.now(KST)
            fields = {"title": html.escape(title), "url": url, "lead": html.escape(lead),
                      "idxno": idxno, "iso": now.isoformat(timespec="seconds"),
                      "stamp": now.strftime("%Y-%m-%d %H:%M:%S")}
            self.pages[path] = _PAGE.format(**fields).encode("utf-8")
            self.items.insert(0, _ITEM.format(**fields))
            self.published_at[title] = time.time()
        return url

    def serve(self, path: str) -> bytes | None:
        """The OutletServer hook: new pages, and the feed with the new items on top."""
        with self._lock:
            if path in self.pages:
                return self.pages[path]
            if path != FEED or not self.items:
                return None
            feed = self.server.read("rss/allArticle.xml") or b""
            items = "".join(self.items).encode("utf-8")
        return feed.replace(b"</image>\n", b"</image>\n" + items, 1)
