"""Search services as data: Naver's news API and Google News RSS in, results out. Pure.

Neither module does I/O: the spiders (crawler.spiders.discovery) fetch, this reads. Formats:
korean-sources.md sections 8 (Naver) and 10 (Google News), and docs/discovery.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from crawler.clean import unescape
from crawler.config import SourceConfig
from crawler.dates import parse_date
from crawler.errors import FeedError
from crawler.urls import canonical_url
from storage.normalize import content_hash, fingerprint, origin_of

NAVER_PATH = "/v1/search/news.json"
NAVER_MAX_START = 1000  # Naver answers start 1..1000 only
GOOGLE_PATH = "/rss/search"
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class SearchResult:
    """One result: where the article is, and what the result itself says about it."""

    link: str  # what the result is known by (its item key): originallink, or Google's link
    fetch_url: str | None  # the outlet page to fetch; None: nothing medradar may fetch
    title: str
    description: str = ""
    published_at: str | None = None
    outlet_name: str | None = None
    outlet_home: str | None = None
    note: str | None = None  # why the result cannot be fetched, or what was odd about it
    needs_resolving: bool = False  # a Google News link: resolve it to the outlet first


@dataclass(frozen=True)
class NaverPage:
    """One answer of Naver's news search."""

    total: int
    start: int
    display: int
    items: list[SearchResult] = field(default_factory=list)


def strip_marks(text: str) -> str:
    """Plain text of a result's title or description: no ``<b>`` marks, no entities (an
    escaped ``&lt;12곳&gt;`` is text and stays; double escaping is undone)."""
    return _SPACE.sub(" ", unescape(_TAG.sub("", text or ""))).strip()


# -- queries -------------------------------------------------------------------------------

def queries_for(source: SourceConfig, from_rules: Sequence[str]) -> list[str]:
    """The source's queries, or the ones built from the rules for its kind (given by the
    composition: monitor.compose), without repeats."""
    if source.queries:
        return list(dict.fromkeys(q.strip() for q in source.queries))
    return list(dict.fromkeys(q for q in from_rules if q))


def naver_url(base: str, query: str, start: int, display: int) -> str:
    """The news search call: newest first, ``display`` results from position ``start``."""
    return f"{base}{NAVER_PATH}?" + urlencode(
        {"query": query, "display": display, "start": start, "sort": "date"})


def google_url(base: str, query: str) -> str:
    """Google News RSS search in Korean for Korea (all three locale parameters set)."""
    return f"{base}{GOOGLE_PATH}?" + urlencode(
        {"q": query, "hl": "ko", "gl": "KR", "ceid": "KR:ko"})


# -- Naver ---------------------------------------------------------------------------------

def _is_naver(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "naver.com" or host.endswith(".naver.com")


def naver_result(item: dict[str, Any]) -> SearchResult:
    """One Naver item: the publisher's ``originallink`` is fetched, never Naver's own copy."""
    original = str(item.get("originallink") or "").strip()
    link = str(item.get("link") or "").strip()
    if original:
        found, fetch, note = original, original, None
    elif link and not _is_naver(link):
        found, fetch, note = link, link, "no originallink: the result's link is the outlet's"
    elif link:
        found, fetch, note = link, None, (
            "no originallink: only Naver's copy is linked, and Naver's terms forbid "
            "collecting its pages outside the API")
    else:
        found, fetch, note = "", None, "neither originallink nor link"
    return SearchResult(link=found, fetch_url=fetch, note=note,
                        title=strip_marks(str(item.get("title") or "")),
                        description=strip_marks(str(item.get("description") or "")),
                        published_at=parse_date(item.get("pubDate")))


def parse_naver(body: bytes) -> NaverPage:
    """Read one news.json answer; raise FeedError when it is not Naver's JSON."""
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise FeedError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise FeedError("JSON without an items list")
    try:
        return NaverPage(total=int(data.get("total") or 0), start=int(data.get("start") or 1),
                         display=int(data.get("display") or len(data["items"])),
                         items=[naver_result(i) for i in data["items"] if isinstance(i, dict)])
    except (TypeError, ValueError) as exc:
        raise FeedError(f"unexpected field value ({exc})") from None


def naver_error(body: bytes) -> tuple[str | None, str]:
    """(errorCode, errorMessage) of a Naver error answer; the message never holds the keys."""
    try:
        data = json.loads(body)
    except ValueError:
        return None, body[:200].decode("utf-8", "replace").strip() or "no details"
    if not isinstance(data, dict):
        return None, "no details"
    code = data.get("errorCode")
    return (str(code) if code is not None else None), str(data.get("errorMessage") or "")


# -- Google News ---------------------------------------------------------------------------

def _strip_publisher(title: str, publisher: str | None) -> str:
    if publisher and title.endswith(f" - {publisher}"):
        return title[: -len(publisher) - 3].strip()
    return title


def parse_google(body: bytes, api_base: str) -> list[SearchResult]:
    """Read a Google News RSS answer; links on Google's own host must be resolved."""
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"malformed feed XML: {parsed.get('bozo_exception')}")
    google = origin_of(api_base)
    results = []
    for entry in parsed.entries:
        source = entry.get("source") or {}
        publisher = str(source.get("title") or "").strip() or None
        link = str(entry.get("link") or "").strip()
        title = _strip_publisher(strip_marks(str(entry.get("title") or "")), publisher)
        results.append(SearchResult(
            link=link, fetch_url=link or None, title=title,
            description=_google_description(str(entry.get("summary") or ""), title, publisher),
            published_at=parse_date(entry.get("published")), outlet_name=publisher,
            outlet_home=str(source.get("href") or "") or None,
            note=None if link else "item without a link",
            needs_resolving=bool(link) and origin_of(link) == google))
    return results


def _google_description(summary: str, title: str, publisher: str | None) -> str:
    """The description is a list of clustered headlines; the result's own line is dropped."""
    text = strip_marks(summary)
    for known in (title, publisher or ""):
        text = text.replace(known, " ") if known else text
    return _SPACE.sub(" ", text).strip()


def interstitial_target(body: bytes, page_url: str, api_base: str) -> str | None:
    """The outlet URL a Google News page (no redirect) names, if it names one.

    Looked for: a meta refresh, a canonical or og:url, a ``data-n-au`` attribute (older
    article pages), the only link that leaves Google. None when nothing leaves Google's host.
    """
    try:
        tree = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None
    google = origin_of(api_base)
    candidates: list[str] = []
    for content in tree.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']"
                              "/@content"):
        match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", str(content), re.IGNORECASE)
        if match:
            candidates.append(match.group(1))
    candidates += [str(v) for v in tree.xpath("//link[@rel='canonical']/@href | "
                                              "//meta[@property='og:url']/@content | "
                                              "//*[@data-n-au]/@data-n-au")]
    outside = {urljoin(page_url, str(h)) for h in tree.xpath("//a/@href")}
    outside = {u for u in outside if u.startswith("http") and origin_of(u) != google}
    if len(outside) == 1:
        candidates.append(outside.pop())
    for candidate in candidates:
        url = urljoin(page_url, candidate.strip())
        if url.startswith(("http://", "https://")) and origin_of(url) != google:
            return url
    return None


# -- partial articles ----------------------------------------------------------------------

def partial_article(url: str, hints: dict[str, Any], reason: str) -> dict[str, Any]:
    """The archive fields of an article known only from its search result (marked partial)."""
    title = str(hints.get("title") or "").strip() or url
    body = str(hints.get("description") or "").strip() or title
    return {"title": title, "body": body, "published_at": hints.get("published_at"),
            "published_from": "search", "author": None, "canonical_url": canonical_url(url, None),
            "section": None,
            "outlet_name": hints.get("outlet_name"), "content_hash": content_hash(body),
            "fingerprint": fingerprint(body), "partial": reason}
