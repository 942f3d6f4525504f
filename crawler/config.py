"""The crawler's settings: the ``[crawl]`` table and the ``[[sources]]`` rows.

Validated as part of the one configuration file (``monitor.config`` composes it); the crawler
itself receives them through a ``crawler.job.CrawlJob``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator, model_validator

from storage.config import Strict, check_url, parse_duration
from storage.normalize import origin_of


class CrawlConfig(Strict):
    """Politeness and limits shared by all sources."""

    user_agent: str = "medradar/0.1 (+https://github.com/medradar/medradar)"
    obey_robots: bool = True
    delay: float = Field(default=1.0, ge=0)
    timeout: float = Field(default=30, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    retry_backoff: float = Field(default=1.0, ge=0, description="first retry wait, seconds")
    max_page_bytes: int = Field(default=5 * 1024 * 1024, gt=1024)
    concurrency: int = Field(default=16, ge=1)
    per_host: int = Field(default=2, ge=1)
    autothrottle: bool = True
    extract_workers: int = Field(default=0, ge=0, description="0 = CPU cores - 1, at least 1")
    # Links that leave a configured source's host may not point at loopback, private,
    # link-local or reserved addresses (SSRF); true lifts that for test setups on 127.0.0.1.
    allow_private_networks: bool = False


SourceKind = Literal["ndsoft", "rss", "sitemap", "listing", "naver_news", "google_news"]
# Families that find articles through a search service rather than one outlet's pages.
DISCOVERY_KINDS = ("naver_news", "google_news")
DEFAULT_API_URLS = {"naver_news": "https://openapi.naver.com",
                    "google_news": "https://news.google.com"}
NAVER_DAILY_LIMIT = 25_000  # calls a day per Naver application, all search APIs together
_OUTLET_KEYS = ("url", "feeds", "start_urls", "sitemaps", "article_pattern")
_DISCOVERY_KEYS = ("queries", "client_id", "client_secret", "api_url")


class SourceConfig(Strict):
    """One outlet: a data row, crawled by the spider family named in ``kind``."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str
    kind: SourceKind
    url: str = ""
    feeds: list[str] = []
    start_urls: list[str] = []
    sitemaps: list[str] = []
    article_pattern: str = ""
    max_pages: int = Field(default=3, ge=1, le=100)
    max_articles: int = Field(default=200, ge=1)
    every: str = "15m"
    cron: str = ""
    enabled: bool = True
    # Discovery sources (naver_news, google_news): docs/discovery.md.
    queries: list[str] = []  # default: one query per [[rules]] entry, from its positive terms
    # Secrets: never dumped into the archive's sources table, never shown in a repr.
    client_id: str = Field(default="", exclude=True, repr=False)
    client_secret: str = Field(default="", exclude=True, repr=False)
    api_url: str = ""  # default per kind (DEFAULT_API_URLS): a proxy or a test server here
    window: str = "3d"  # results older than this are not followed (and end the paging)
    daily_budget: int = Field(default=2500, ge=1, le=NAVER_DAILY_LIMIT)
    page_size: int = Field(default=100, ge=1, le=100)  # Naver's display: results per call

    @field_validator("url", "api_url")
    @classmethod
    def _url_ok(cls, value: str) -> str:
        return check_url(value) if value else value

    @field_validator("window")
    @classmethod
    def _window_ok(cls, value: str) -> str:
        parse_duration(value)
        return value

    @field_validator("queries")
    @classmethod
    def _queries_ok(cls, values: list[str]) -> list[str]:
        if any(not v.strip() for v in values):
            raise ValueError("a query is empty")
        return values

    @field_validator("feeds", "start_urls", "sitemaps")
    @classmethod
    def _urls_ok(cls, values: list[str]) -> list[str]:
        return [check_url(v) for v in values]

    @field_validator("article_pattern")
    @classmethod
    def _regex_ok(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"bad regex {value!r}: {exc}") from None
        return value

    @field_validator("every")
    @classmethod
    def _every_ok(cls, value: str) -> str:
        if parse_duration(value).total_seconds() < 1:
            raise ValueError(f"interval {value!r} is shorter than one second")
        return value

    @field_validator("cron")
    @classmethod
    def _cron_ok(cls, value: str) -> str:
        if value:
            from apscheduler.triggers.cron import CronTrigger

            CronTrigger.from_crontab(value, timezone="Asia/Seoul")
        return value

    @model_validator(mode="after")
    def _kind_needs(self) -> SourceConfig:
        if self.kind in DISCOVERY_KINDS:
            return self._discovery_needs()
        wrong = [key for key in _DISCOVERY_KEYS if getattr(self, key)]
        if wrong:
            raise ValueError(f"{', '.join(wrong)}: only for kinds {' and '.join(DISCOVERY_KINDS)}")
        need = {
            "ndsoft": self.url or self.feeds,
            "rss": self.feeds,
            "sitemap": self.sitemaps or self.url,
            "listing": self.start_urls and self.article_pattern,
        }[self.kind]
        if not need:
            hint = {
                "ndsoft": "url (site root) or feeds",
                "rss": "feeds",
                "sitemap": "sitemaps or url (robots.txt Sitemap: lines)",
                "listing": "start_urls and article_pattern",
            }[self.kind]
            raise ValueError(f"kind {self.kind!r} needs {hint}")
        return self

    def _discovery_needs(self) -> SourceConfig:
        wrong = [key for key in _OUTLET_KEYS if getattr(self, key)]
        if wrong:
            raise ValueError(f"kind {self.kind!r} does not use {', '.join(wrong)} "
                             "(it finds outlets through search: set queries, api_url)")
        if self.kind == "naver_news" and not (self.client_id and self.client_secret):
            raise ValueError("kind 'naver_news' needs client_id and client_secret (normally "
                             '"${NAVER_CLIENT_ID}" and "${NAVER_CLIENT_SECRET}")')
        if self.kind == "google_news" and (self.client_id or self.client_secret):
            raise ValueError("client_id, client_secret: only for kind 'naver_news'")
        return self

    @property
    def is_discovery(self) -> bool:
        """Whether this source finds articles through a search service (docs/discovery.md)."""
        return self.kind in DISCOVERY_KINDS

    @property
    def api_base(self) -> str:
        """The search service's base URL: api_url, else the kind's public endpoint."""
        return (self.api_url or DEFAULT_API_URLS.get(self.kind, "")).rstrip("/")

    @property
    def max_age(self) -> timedelta:
        """How old a search result may be to be followed (the ``window``)."""
        return parse_duration(self.window)

    @property
    def interval(self) -> timedelta:
        """The crawl interval as a timedelta."""
        return parse_duration(self.every)


def trusted_origins(sources: Iterable[SourceConfig]) -> set[tuple[str, int | None]]:
    """(host, port) of every URL the operator configured: outlets and search APIs.

    Links that stay on these are trusted; any other is checked before it is fetched
    (crawler.netguard). A port of None stands for the scheme's default (80 or 443).
    """
    found: set[tuple[str, int | None]] = set()
    for source in sources:
        urls = [source.url, *source.feeds, *source.start_urls, *source.sitemaps]
        if source.is_discovery:
            urls.append(source.api_base)
        for url in urls:
            if url:
                found.add(origin_of(url))
    return found
