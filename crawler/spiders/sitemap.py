"""Sitemaps, sitemap indexes and Google News sitemaps; robots.txt ``Sitemap:`` lines by default."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree
from scrapy import Request
from scrapy.http import Response

from crawler.dates import parse_date
from crawler.spiders.base import ArticleSpider

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=True)
MAX_CHILD_SITEMAPS = 20


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(node: Any, name: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text.strip())
    return None


def read_sitemap(body: bytes) -> tuple[str, list[dict[str, Any]]]:
    """Parse a sitemap; return ("index", [{loc}]) or ("urlset", [{loc, date, lastmod, title}])."""
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    root = etree.fromstring(body, parser=_PARSER)
    kind = "index" if _local(root.tag) == "sitemapindex" else "urlset"
    entries = []
    for node in root:
        loc = _text(node, "loc")
        if not loc:
            continue
        lastmod = _text(node, "lastmod")
        date = _text(node, "publication_date") or lastmod
        entries.append({"loc": loc, "date": date, "lastmod": lastmod,
                        "title": _text(node, "title")})
    return kind, entries


class SitemapSpider(ArticleSpider):
    """Follows the newest article URLs of the source's sitemaps."""

    name = "sitemap"

    def start_requests_for(self) -> Iterable[Request]:
        """The configured sitemaps, or robots.txt to find them."""
        if self.source.sitemaps:
            return [self._sitemap_request(url) for url in self.source.sitemaps]
        robots = self.source.url.rstrip("/") + "/robots.txt"
        return [Request(robots, callback=self.parse_robots, errback=self.on_error,
                        meta={"kind": "robots.txt"}, dont_filter=True)]

    def _sitemap_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.on_error,
                       meta={"kind": "sitemap"}, dont_filter=True)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """Follow the ``Sitemap:`` lines of robots.txt."""
        urls = [line.split(":", 1)[1].strip() for line in response.text.splitlines()
                if line.lower().startswith("sitemap:")]
        if not urls:
            self.run.error("feed", "robots.txt lists no Sitemap: lines; set sitemaps = [...]",
                           response.url)
            self.run.counts.entry_errors += 1
        for url in urls:
            yield self._sitemap_request(response.urljoin(url))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Follow child sitemaps, or the newest unknown article URLs of a urlset."""
        try:
            kind, entries = read_sitemap(response.body)
        except (etree.XMLSyntaxError, OSError, EOFError) as exc:
            self.run.counts.complete = False
            self.run.error("feed", f"malformed sitemap: {exc}", response.url)
            self.run.counts.entry_errors += 1
            return
        if not entries:
            self.run.error("feed", "sitemap has no entries", response.url)
            self.run.counts.entry_errors += 1
        if kind == "index":
            # Newest child sitemaps first: WordPress and monthly indexes list the oldest first.
            entries.sort(key=lambda e: parse_date(e["date"]) or "", reverse=True)
            for entry in entries[:MAX_CHILD_SITEMAPS]:
                yield self._sitemap_request(response.urljoin(entry["loc"]))
            return
        for entry in entries:
            entry["published_at"] = parse_date(entry["date"])
        entries.sort(key=lambda e: e["published_at"] or "", reverse=True)
        for entry in entries:
            hints = {"published_at": entry["published_at"], "published_from": "sitemap",
                     "title": entry["title"], "updated_at": parse_date(entry["lastmod"])}
            request, _ = self.follow_article(entry["loc"], hints, base=response.url)
            if request:
                yield request
