"""Feed dates: naive NDSoft pubDates are Korea time (feedparser would read them as UTC)."""

from __future__ import annotations

import json

import feedparser
import pytest

from crawler.dates import parse_date
from tests.support.outlet_server import FIXTURES, OUTLETS


def feed_items(outlet: str, path: str) -> list[tuple[str, str]]:
    """(article id, raw published string) of each item of a fixture feed."""
    parsed = feedparser.parse((OUTLETS / outlet / "site" / path).read_bytes())
    return [(entry.link.split("idxno=")[-1].split("&")[0].strip("/").split("/")[-1],
             entry.published) for entry in parsed.entries]


def gold_date(outlet: str, article: str) -> str:
    """The gold published_at of a fixture article."""
    for path in (FIXTURES / "gold" / outlet).glob("*.json"):
        gold = json.loads(path.read_text("utf-8"))
        if gold["url_path"].rstrip("/").endswith(article):
            return str(gold["published_at"])
    raise LookupError(article)


@pytest.mark.parametrize(("outlet", "path"), [("medinews", "rss/allArticle.xml"),
                                             ("bionews", "rss/allArticle.xml"),
                                             ("healthwp", "feed/index.html")],
                         ids=["ndsoft-naive", "ndsoft-old-skin", "wordpress-utc"])
def test_feed_dates_are_read_in_korea_time(outlet: str, path: str) -> None:
    items = feed_items(outlet, path)
    assert items
    for article, raw in items:
        assert parse_date(raw)[:16] == gold_date(outlet, article)[:16], (article, raw)
