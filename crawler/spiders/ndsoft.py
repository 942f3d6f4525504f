"""NDSoft CMS outlets (``/news/articleView.html?idxno=N``): feed plus list pages.

Most Korean medical trade papers and the regional papers of the clusters run this CMS. The
whole-site feed holds the newest 50 items; the list pages back-fill when more appeared since
the last crawl. List links are read in all three skins seen (type2, list-block, altlist).
"""

from __future__ import annotations

from collections.abc import Iterable

from scrapy import Request
from scrapy.http import TextResponse

from crawler.entries import entries_of
from crawler.spiders.base import ArticleSpider
from crawler.urls import article_id

LIST_CONTAINERS = "#section-list, #sections, .article-list, .list-block, #user-container .altlist"


class NdsoftSpider(ArticleSpider):
    """Reads the whole-site feed and walks the article list."""

    name = "ndsoft"

    def start_requests_for(self) -> Iterable[Request]:
        """The feed (or the configured feeds) and list page 1."""
        entries = entries_of(self.source)
        return ([self.feed_request(url) for url in entries.feeds]
                + self.list_walks(list(entries.lists)))

    def list_links(self, response: TextResponse) -> list[str]:
        """articleView links inside the main list container, one per idxno, page order."""
        scope = response.css(LIST_CONTAINERS) or [response]
        links: list[str] = []
        seen: set[str] = set()
        for node in scope:
            for href in node.css('a[href*="articleView"]::attr(href)').getall():
                url = response.urljoin(href.strip())
                found = article_id(url)
                if found and found[1] not in seen:
                    seen.add(found[1])
                    links.append(url)
        return links
