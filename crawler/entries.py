"""Where each spider family starts: feeds, list pages, sitemaps. Pure, no Scrapy import.

The spiders start here, and so does the daemon's probe, which asks the same pages whether
anything changed before it starts a crawl process.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.config import SourceConfig

NDSOFT_FEED_PATH = "/rss/allArticle.xml"
NDSOFT_LIST_PATH = "/news/articleList.html?view_type=sm"


@dataclass(frozen=True)
class Entries:
    """A source's entry pages by kind."""

    feeds: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        """Every entry page, feeds first."""
        return self.feeds + self.lists + self.sitemaps


def entries_of(source: SourceConfig) -> Entries:
    """Return the pages a crawl of this source starts from (robots.txt lookups excluded)."""
    root = source.url.rstrip("/")
    if source.is_discovery:
        return Entries()  # a search API, not pages: the daemon's probe has nothing to ask
    if source.kind == "ndsoft":
        return Entries(
            feeds=tuple(source.feeds or ([root + NDSOFT_FEED_PATH] if root else [])),
            lists=tuple(source.start_urls or ([root + NDSOFT_LIST_PATH] if root else [])))
    if source.kind == "rss":
        return Entries(feeds=tuple(source.feeds))
    if source.kind == "listing":
        return Entries(lists=tuple(source.start_urls))
    return Entries(sitemaps=tuple(source.sitemaps))
