"""Configuration: one TOML file, validated in full before anything starts.

Lookup order: ``--config PATH``, ``$MEDRADAR_CONFIG``, ``./medradar.toml``, then the built-in
default shipped with the package. ``${NAME}`` in any string value is replaced from the
environment, so secrets never live in the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor.errors import ConfigError
from storage.normalize import origin_of

ENV_VAR = "MEDRADAR_CONFIG"
LOCAL_NAME = "medradar.toml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``15m``, ``2h`` or ``7d`` into a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 2h, 7d)")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ArchiveConfig(_Strict):
    """Where the SQLite archive lives, and how its writers meet faults."""

    path: str = "medradar.db"
    lock_timeout: str = "30s"  # how long a writer waits for another writer's lock
    max_size_mb: float | None = Field(default=None, gt=0)  # cap the archive file's size
    min_free_mb: float = Field(default=200, ge=0)  # warn before a crawl below this free space

    @field_validator("lock_timeout")
    @classmethod
    def _duration_ok(cls, value: str) -> str:
        parse_duration(value)
        return value

    def options(self) -> dict[str, Any]:
        """Keyword arguments for storage.open_archive."""
        return {"lock_timeout": parse_duration(self.lock_timeout).total_seconds(),
                "max_size_mb": self.max_size_mb}


class CrawlConfig(_Strict):
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


class SourceConfig(_Strict):
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
        return _check_url(value) if value else value

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
        return [_check_url(v) for v in values]

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


def _check_cron(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone="Asia/Seoul")
    except ValueError as exc:
        raise ValueError(f"bad cron expression {value!r}: {exc}") from None
    return value


class RuleConfig(_Strict):
    """A keyword rule: which articles alert which channels."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: str = ""
    query: str
    fields: list[Literal["title", "body"]] = ["title", "body"]
    sources: list[str] = []
    channels: list[str] = []
    digest: str = "immediate"
    max_age: str = "48h"
    per_story: bool = True  # alert once per story (first matching copy); false: every copy

    @field_validator("query")
    @classmethod
    def _query_ok(cls, value: str) -> str:
        from alerts.errors import RuleSyntaxError
        from alerts.rules import parse_rule

        try:
            parse_rule(value)
        except RuleSyntaxError as exc:
            raise ValueError(f"syntax error: {exc}") from None
        return value

    @field_validator("digest")
    @classmethod
    def _digest_ok(cls, value: str) -> str:
        return value if value == "immediate" else _check_cron(value)

    @field_validator("max_age")
    @classmethod
    def _max_age_ok(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def age_limit(self) -> timedelta:
        """Articles published longer ago than this never alert."""
        return parse_duration(self.max_age)


class StoriesConfig(_Strict):
    """Grouping syndicated copies of one release into stories as they are stored."""

    window: str = "7d"  # a copy joins a story stored (and published) within this window

    @field_validator("window")
    @classmethod
    def _window_ok(cls, value: str) -> str:
        return _duration_at_least(value, 60)

    @property
    def window_delta(self) -> timedelta:
        """The window as a timedelta."""
        return parse_duration(self.window)


class AlertsConfig(_Strict):
    """Delivery: timeouts, retries, and when an undeliverable alert is given up."""

    timeout: float = Field(default=10, gt=0)
    retry_base: float = Field(default=30, ge=0, description="first retry wait, seconds")
    retry_max: float = Field(default=3600, ge=0, description="longest retry wait, seconds")
    give_up_after: str = "24h"

    @field_validator("give_up_after")
    @classmethod
    def _age_ok(cls, value: str) -> str:
        parse_duration(value)
        return value


ChannelKind = Literal["slack", "webhook", "teams", "discord", "email", "console"]


class ChannelConfig(_Strict):
    """Where alerts go: a webhook (Slack, generic JSON, Teams, Discord), e-mail by SMTP, or the
    console (a log line and a JSON line in a file beside the archive; needs no secret)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    kind: ChannelKind
    url: str = ""
    secret: str = ""  # webhook: HMAC-SHA256 key for the signature header
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    ca_file: str = ""  # extra CA bundle for a private SMTP relay's certificate
    username: str = ""
    password: str = ""
    sender: str = ""
    recipients: list[str] = []
    path: str = ""  # console: the JSON-lines file, relative to the archive's folder

    @model_validator(mode="after")
    def _kind_needs(self) -> ChannelConfig:
        if self.kind == "console":
            return self  # a line in the log and a JSON line in a file: nothing to configure
        if self.kind == "email":
            missing = [k for k in ("smtp_host", "sender") if not getattr(self, k)]
            if not self.recipients:
                missing.append("recipients")
            if missing:
                raise ValueError(f"email channel needs {', '.join(missing)}")
        else:
            if not self.url:
                raise ValueError(f"{self.kind} channel needs url")
            try:
                _check_url(self.url)
            except ValueError:
                # A webhook URL is a credential: say what is wrong without echoing it.
                raise ValueError("url is not an http(s) URL (value not shown: webhook URLs "
                                 "are secrets)") from None
        return self


def _duration_at_least(value: str, seconds: float) -> str:
    if parse_duration(value).total_seconds() < seconds:
        raise ValueError(f"{value!r} is shorter than {seconds:g}s")
    return value


class DaemonConfig(_Strict):
    """How ``medradar run`` runs crawls: concurrency, limits, the cheap check, reloads."""

    max_crawls: int = Field(default=2, ge=1, le=32, description="crawl processes at once")
    time_limit: str = "15m"  # a crawl running longer is killed and recorded as timed out
    grace: str = "30s"  # on SIGTERM, running crawls get this long to finish
    probe: bool = True  # a conditional GET of the entry pages decides whether a crawl is due
    full_crawl_every: str = "6h"  # a full crawl at least this often, whatever the probe says
    dispatch_every: str = "30s"  # how often due alert retries and digests are looked for
    watch_config: bool = True  # reload when the config file changes (SIGHUP always reloads)

    @field_validator("time_limit", "grace", "full_crawl_every", "dispatch_every")
    @classmethod
    def _durations_ok(cls, value: str) -> str:
        return _duration_at_least(value, 1)

    def seconds(self, name: str) -> float:
        """Return one of the duration settings in seconds."""
        return parse_duration(str(getattr(self, name))).total_seconds()


class HealthConfig(_Strict):
    """Source health: when a source counts as failing, and who hears about it."""

    channels: list[str] = []  # ops channels: one message on failing/blocked, one on recovery
    failing_after: int = Field(default=2, ge=1, le=100,
                               description="consecutive bad runs before failing/blocked")


class Config(_Strict):
    """The whole medradar configuration."""

    archive: ArchiveConfig = ArchiveConfig()
    crawl: CrawlConfig = CrawlConfig()
    sources: list[SourceConfig] = []
    rules: list[RuleConfig] = []
    channels: list[ChannelConfig] = []
    alerts: AlertsConfig = AlertsConfig()
    stories: StoriesConfig = StoriesConfig()
    daemon: DaemonConfig = DaemonConfig()
    health: HealthConfig = HealthConfig()
    # Where the file was read from; relative paths in it are resolved against its folder.
    origin: str = Field(default="<built-in>", exclude=True)
    base_dir: str = Field(default=".", exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> Config:
        groups: list[tuple[str, list[str]]] = [
            ("source", [s.id for s in self.sources]), ("rule", [r.id for r in self.rules]),
            ("channel", [c.id for c in self.channels])]
        for what, ids in groups:
            seen: set[str] = set()
            for index, item_id in enumerate(ids):
                if item_id in seen:
                    raise ValueError(f"{what}s[{index}].id: duplicate {what} id {item_id!r}")
                seen.add(item_id)
        return self

    @model_validator(mode="after")
    def _rules_refer_to_known_ids(self) -> Config:
        sources = {s.id for s in self.sources}
        channels = {c.id for c in self.channels}
        for rule in self.rules:
            for name in rule.sources:
                if name not in sources:
                    raise ValueError(f"rule {rule.id!r}: unknown source {name!r}")
            for name in rule.channels:
                if name not in channels:
                    raise ValueError(f"rule {rule.id!r}: unknown channel {name!r}")
        for name in self.health.channels:
            if name not in channels:
                raise ValueError(f"health.channels: unknown channel {name!r}")
        return self

    @model_validator(mode="after")
    def _discovery_has_queries(self) -> Config:
        for index, source in enumerate(self.sources):
            if source.is_discovery and not source.queries and not self.rules:
                raise ValueError(f"sources[{index}] (id {source.id!r}): kind {source.kind!r} "
                                 "needs queries, or [[rules]] to build them from")
        return self

    @model_validator(mode="after")
    def _naver_budgets_fit(self) -> Config:
        per_app: dict[str, list[SourceConfig]] = {}
        for source in self.sources:
            if source.kind == "naver_news" and source.enabled:
                per_app.setdefault(source.client_id, []).append(source)
        for shared in per_app.values():
            total = sum(s.daily_budget for s in shared)
            if total > NAVER_DAILY_LIMIT:
                ids = ", ".join(s.id for s in shared)
                raise ValueError(f"sources {ids} share one Naver application: their "
                                 f"daily_budget adds up to {total}, more than Naver's "
                                 f"{NAVER_DAILY_LIMIT:,} calls a day")
        return self

    def secrets(self) -> list[str]:
        """Return every value that must never appear in logs: channel URLs and passwords,
        discovery API keys."""
        found: list[str] = []
        for channel in self.channels:
            found += [v for v in (channel.url, channel.secret, channel.password) if v]
        for source in self.sources:
            found += [v for v in (source.client_id, source.client_secret) if v]
        return found

    def trusted_origins(self) -> set[tuple[str, int | None]]:
        """(host, port) of every URL the operator configured: outlets and search APIs.

        Links that stay on these are trusted; any other is checked before it is fetched
        (crawler.netguard). A port of None stands for the scheme's default (80 or 443).
        """
        found: set[tuple[str, int | None]] = set()
        for source in self.sources:
            urls = [source.url, *source.feeds, *source.start_urls, *source.sitemaps]
            if source.is_discovery:
                urls.append(source.api_base)
            for url in urls:
                if url:
                    found.add(origin_of(url))
        return found

    def channel(self, channel_id: str) -> ChannelConfig | None:
        """Return the channel with this id, or None."""
        return next((c for c in self.channels if c.id == channel_id), None)

    def rule(self, rule_id: str) -> RuleConfig | None:
        """Return the rule with this id, or None."""
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    @property
    def archive_path(self) -> Path:
        """The archive file, resolved against the config file's folder."""
        path = Path(os.path.expanduser(self.archive.path))
        return path if path.is_absolute() else Path(self.base_dir) / path

    def source(self, source_id: str) -> SourceConfig:
        """Return the source with this id or raise ConfigError."""
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError(f"unknown source {source_id!r} (known: {known})")


def expand_env(value: Any, where: str = "") -> Any:
    """Replace ``${NAME}`` in every string of a parsed TOML tree from the environment."""
    if isinstance(value, str):

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{where or 'config'}: environment variable ${{{name}}} is not set")
            return os.environ[name]

        return _ENV_REF.sub(lookup, value)
    if isinstance(value, list):
        return [expand_env(v, f"{where}[{i}]" + (f" (id {v['id']!r})"
                                                   if isinstance(v, dict) and "id" in v else ""))
                for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: expand_env(v, f"{where}.{k}" if where else k) for k, v in value.items()}
    return value


def _describe(error: dict[str, Any], data: dict[str, Any]) -> str:
    """Turn one pydantic error into 'sources[2] (id "bosa").url: message'."""
    loc = list(error["loc"])
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts[-1] = f"{parts[-1]}[{item}]"
            if isinstance(node, list) and item < len(node):
                node = node[item]
                if isinstance(node, dict) and "id" in node:
                    parts[-1] += f" (id {node['id']!r})"
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    key = ".".join(parts) or "config"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    return f"{key}: {message}"


def parse_config(text: str, origin: str = "<string>", base_dir: str = ".") -> Config:
    """Parse and validate TOML text into a Config, raising ConfigError with every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from None
    try:
        data = expand_env(data)
    except ConfigError as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    for reserved in ("origin", "base_dir"):  # set by the loader, not keys of the file
        if reserved in data:
            raise ConfigError(f"{origin}: {reserved}: unknown key")
    try:
        return Config(**data, origin=origin, base_dir=base_dir)
    except ValidationError as exc:
        problems = "; ".join(_describe(dict(e), data) for e in exc.errors())
        raise ConfigError(f"{origin}: {problems}") from None


def default_config_text() -> str:
    """Return the built-in default configuration shipped with the package."""
    return resources.files("monitor").joinpath("default.toml").read_text(encoding="utf-8")


def starter_config_text() -> str:
    """Return the commented starter file that ``medradar init`` writes."""
    return resources.files("monitor").joinpath("starter.toml").read_text(encoding="utf-8")


def find_config_path(explicit: str | None = None) -> Path | None:
    """Return the config file to use, or None for the built-in default."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    local = Path.cwd() / LOCAL_NAME
    return local if local.exists() else None


def load_config(explicit: str | None = None) -> Config:
    """Find, read and validate the configuration (see the module docstring for the order)."""
    return read_config(explicit)[0]


def read_config(explicit: str | None = None) -> tuple[Config, str]:
    """Like load_config, and also return the text the configuration was parsed from."""
    path = find_config_path(explicit)
    if path is None:
        # The built-in default keeps its archive in the working directory.
        text = default_config_text()
        return parse_config(text, "<built-in default>", str(Path.cwd())), text
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read config {path}: not UTF-8 ({exc.reason} at byte "
                          f"{exc.start})") from None
    return parse_config(text, str(path), str(path.resolve().parent)), text
