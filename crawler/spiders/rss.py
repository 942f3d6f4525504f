"""RSS 2.0 / Atom feeds (코메디닷컴, 식약처, 복지부, 한국보건산업진흥원 …)."""

from __future__ import annotations

from collections.abc import Iterable

from scrapy import Request

from crawler.spiders.base import ArticleSpider


class RssSpider(ArticleSpider):
    """Follows the items of the source's feeds, with conditional GET."""

    name = "rss"

    def start_requests_for(self) -> Iterable[Request]:
        """One conditional GET per feed."""
        return [self.feed_request(url) for url in self.source.feeds]
