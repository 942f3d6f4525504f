"""Alerting's settings: the ``[[rules]]``, the ``[[channels]]`` and the ``[alerts]`` table.

Validated as part of the one configuration file (``monitor.config`` composes it). Delivery
reads the composed configuration through ``AlertSetup``: what it needs, not who provides it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Literal, Protocol

from pydantic import Field, field_validator, model_validator

from alerts.errors import RuleSyntaxError
from alerts.rules import parse_rule
from storage.config import Strict, check_cron, check_url, parse_duration


class RuleConfig(Strict):
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
        try:
            parse_rule(value)
        except RuleSyntaxError as exc:
            raise ValueError(f"syntax error: {exc}") from None
        return value

    @field_validator("digest")
    @classmethod
    def _digest_ok(cls, value: str) -> str:
        return value if value == "immediate" else check_cron(value)

    @field_validator("max_age")
    @classmethod
    def _max_age_ok(cls, value: str) -> str:
        parse_duration(value)
        return value

    @property
    def age_limit(self) -> timedelta:
        """Articles published longer ago than this never alert."""
        return parse_duration(self.max_age)


class AlertsConfig(Strict):
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


class ChannelConfig(Strict):
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
                check_url(self.url)
            except ValueError:
                # A webhook URL is a credential: say what is wrong without echoing it.
                raise ValueError("url is not an http(s) URL (value not shown: webhook URLs "
                                 "are secrets)") from None
        return self


class NamedSource(Protocol):
    """What an alert says of the source it came from."""

    @property
    def id(self) -> str:
        """The source's id."""

    @property
    def name(self) -> str:
        """Its display name."""

    @property
    def is_discovery(self) -> bool:
        """Whether it finds articles through a search service."""


class AlertSetup(Protocol):
    """What delivery reads from the composed configuration (``monitor.config.Config``)."""

    @property
    def alerts(self) -> AlertsConfig:
        """Delivery settings: timeouts, retries, giving up."""

    @property
    def sources(self) -> Sequence[NamedSource]:
        """The configured sources, for their names in messages."""

    @property
    def archive_path(self) -> Path:
        """The archive file: the console channel writes beside it."""

    def channel(self, channel_id: str) -> ChannelConfig | None:
        """Return the channel with this id, or None."""

    def rule(self, rule_id: str) -> RuleConfig | None:
        """Return the rule with this id, or None."""
