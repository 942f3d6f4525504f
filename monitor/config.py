"""Configuration: one TOML file, validated in full before anything starts.

Lookup order: ``--config PATH``, ``$MEDRADAR_CONFIG``, ``./medradar.toml``, then the built-in
default shipped with the package. ``${NAME}`` in any string value is replaced from the
environment, so secrets never live in the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

# Each part owns its settings (docs/architecture.md); they are re-exported here, where the
# file is composed, for callers that read the whole configuration.
from alerts.config import AlertsConfig as AlertsConfig
from alerts.config import ChannelConfig as ChannelConfig
from alerts.config import ChannelKind as ChannelKind
from alerts.config import RuleConfig as RuleConfig
from crawler.config import DEFAULT_API_URLS as DEFAULT_API_URLS
from crawler.config import DISCOVERY_KINDS as DISCOVERY_KINDS
from crawler.config import NAVER_DAILY_LIMIT as NAVER_DAILY_LIMIT
from crawler.config import CrawlConfig as CrawlConfig
from crawler.config import SourceConfig as SourceConfig
from crawler.config import SourceKind as SourceKind
from monitor.errors import ConfigError
from storage.config import ArchiveConfig as ArchiveConfig
from storage.config import StoriesConfig as StoriesConfig
from storage.config import Strict, duration_at_least
from storage.config import parse_duration as parse_duration

ENV_VAR = "MEDRADAR_CONFIG"
LOCAL_NAME = "medradar.toml"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class DaemonConfig(Strict):
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
        return duration_at_least(value, 1)

    def seconds(self, name: str) -> float:
        """Return one of the duration settings in seconds."""
        return parse_duration(str(getattr(self, name))).total_seconds()


class HealthConfig(Strict):
    """Source health: when a source counts as failing, and who hears about it."""

    channels: list[str] = []  # ops channels: one message on failing/blocked, one on recovery
    failing_after: int = Field(default=2, ge=1, le=100,
                               description="consecutive bad runs before failing/blocked")


class Config(Strict):
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
