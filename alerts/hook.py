"""Matching rules when an article is stored, in the same transaction (a storage hook)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from alerts.match import match_rule, prepare
from alerts.rules import Node, parse_rule
from monitor.config import RuleConfig
from storage.alerts import record_match
from storage.articles import NewArticle, StoredHook
from storage.db import Archive

KST = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class CompiledRule:
    """A configured rule with its parsed query."""

    config: RuleConfig
    tree: Node

    def wants(self, article: NewArticle, now: datetime) -> bool:
        """Tell whether the article is in this rule's sources and recent enough."""
        if self.config.sources and article.source_id not in self.config.sources:
            return False
        if not article.published_at:
            return True
        published = datetime.fromisoformat(article.published_at)
        return now - published <= self.config.age_limit


def digest_due(digest: str, now: datetime) -> str | None:
    """When a delivery is due: now for immediate rules, the next cron time (KST) for digests."""
    if digest == "immediate":
        return None
    trigger = CronTrigger.from_crontab(digest, timezone=KST)
    when = trigger.get_next_fire_time(None, now)
    return when.isoformat(timespec="seconds") if when else None


def compile_rules(rules: Sequence[RuleConfig]) -> list[CompiledRule]:
    """Parse every rule once (the config has already validated them)."""
    return [CompiledRule(rule, parse_rule(rule.query)) for rule in rules]


def matching_hook(rules: Sequence[RuleConfig]) -> StoredHook:
    """Return a storage hook that records matches and pending deliveries for new articles."""
    compiled = compile_rules(rules)

    def on_stored(archive: Archive, article_id: int, article: NewArticle) -> None:
        now = datetime.now(KST)
        wanted = [rule for rule in compiled if rule.wants(article, now)]
        if not wanted:
            return
        doc = prepare(title=article.title, body=article.body)
        for rule in wanted:
            terms = match_rule(rule.tree, doc, tuple(rule.config.fields))
            if terms is not None:
                due = digest_due(rule.config.digest, now)
                record_match(archive, rule.config.id, article_id, terms,
                             [(channel, rule.config.digest, due)
                              for channel in rule.config.channels])

    return on_stored
