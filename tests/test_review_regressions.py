"""Regressions found in review of the archive issue; each test names what broke."""

from __future__ import annotations

from crawler.dates import parse_date
from crawler.extract import extract_article
from crawler.urls import canonical_url, clean_url, url_key
from tests.support.outlet_server import OUTLETS


def test_article_ids_in_short_parameters_are_not_dropped_as_tracking() -> None:
    # cid, ref, from were treated as tracking: view.php?cid=1 and ?cid=2 became one article.
    assert clean_url("https://x.kr/view.php?cid=1&utm_source=rss") == "https://x.kr/view.php?cid=1"
    assert url_key("https://x.kr/view.php?cid=1") != url_key("https://x.kr/view.php?cid=2")


def test_stored_canonical_url_drops_the_mobile_host() -> None:
    stored = canonical_url("https://M.Example.co.kr/news/articleView.html?idxno=5&sc=1", None)
    assert stored == "https://example.co.kr/news/articleView.html?idxno=5"


def test_rfc822_date_without_zone_is_korea_time() -> None:
    # A feed date with no zone was read as UTC, 9 hours off.
    assert parse_date("Tue, 10 Nov 2026 09:00:00") == "2026-11-10T09:00:00+09:00"
    assert parse_date("Tue, 10 Nov 2026 09:00:00 GMT") == "2026-11-10T18:00:00+09:00"


def test_xhtml_page_with_xml_declaration_extracts() -> None:
    # lxml refuses a str with an encoding declaration: every XHTML article was lost.
    page = (OUTLETS / "medinews/site/news/articleView.html@idxno=1001").read_text("utf-8")
    xhtml = '<?xml version="1.0" encoding="UTF-8"?>\n' + page
    article = extract_article(xhtml, "https://medinews.example/news/articleView.html?idxno=1001")
    assert len(article.body) > 200
