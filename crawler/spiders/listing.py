"""List pages with an article-URL regex and numbered pagination (older CMSs, boards)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy import Request
from scrapy.http import TextResponse

from crawler.spiders.base import ArticleSpider


class ListingSpider(ArticleSpider):
    """Walks list pages and follows every link matching ``article_pattern``."""

    name = "listing"

    def start_requests_for(self) -> Iterable[Request]:
        """One request per configured list page."""
        return self.list_walks(list(self.source.start_urls))

    def list_links(self, response: TextResponse) -> list[str]:
        """Every link on the page whose absolute URL matches the article pattern."""
        pattern = re.compile(self.source.article_pattern)
        links: list[str] = []
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if pattern.search(url) and url not in links:
                links.append(url)
        return links
