"""The daemon's probe (crawler/probe.py) against a real fixture outlet on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from crawler.probe import links_fingerprint, probe
from tests.support.outlet_server import OutletServer

FEED = "/rss/allArticle.xml"
LIST = "/news/articleList.html?view_type=sm"


def test_fingerprint_ignores_page_furniture_but_not_links() -> None:
    page = b'<p>10:00</p><a href="/news/articleView.html?idxno=1">a</a>'
    same_links = b'<p>10:01, 1,234 views</p><a href="/news/articleView.html?idxno=1">b</a>'
    new_link = page + b'<a href="/news/articleView.html?idxno=2">c</a>'
    assert links_fingerprint(page) == links_fingerprint(same_links)
    assert links_fingerprint(page) != links_fingerprint(new_link)
    feed = b"<item><link>https://a.kr/1</link><guid>https://a.kr/1</guid></item>"
    assert links_fingerprint(feed) != links_fingerprint(feed.replace(b"/1<", b"/2<", 1))
    index = b"<sitemap><loc>https://a.kr/s-2026-11.xml</loc><lastmod>2026-11-23</lastmod>"
    assert links_fingerprint(index) != links_fingerprint(index.replace(b"-23<", b"-24<")), (
        "a sitemap index whose newest child grew must count as changed")


def test_probe_sees_nothing_new_then_a_change_then_an_error(
    outlet: Callable[[str], OutletServer]
) -> None:
    medinews = outlet("medinews")
    urls = [medinews.url(FEED), medinews.url(LIST)]
    with httpx.Client() as client:
        first = probe(client, urls, {}, 1_000_000)
        assert first.changed, "a first look always means crawl"
        again = probe(client, urls, first.pages, 1_000_000)
        assert not again.changed, again.reason
        assert medinews.not_modified[FEED] == 1, "the feed was asked with If-None-Match"
        page = medinews.read("news/articleList.html@view_type=sm") or b""
        medinews.set(LIST, body=page + b'<a href="/news/articleView.html?idxno=9999">new</a>')
        changed = probe(client, urls, first.pages, 1_000_000)
        assert changed.changed and LIST in changed.reason, changed.reason
        medinews.set(LIST, status=500, body=b"oops")
        failed = probe(client, urls, first.pages, 1_000_000)
        assert failed.changed and "HTTP 500" in failed.reason, failed.reason
