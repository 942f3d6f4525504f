"""Matching rules when an article is stored, in the same transaction (a storage hook)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from apscheduler.triggers.cron import CronTrigger

from alerts.config import RuleConfig
from alerts.match import CompiledRule, RuleSet, prepare
from alerts.rules import parse_rule
from storage.alerts import record_match, story_of
from storage.articles import NewArticle, Previous, StoredHook
from storage.db import Archive
from storage.normalize import KST


def wants(rule: RuleConfig, article: NewArticle, now: datetime) -> bool:
    """Tell whether the article is in the rule's sources and recent enough to alert."""
    if rule.sources and article.source_id not in rule.sources:
        return False
    if not article.published_at:
        return True
    return now - datetime.fromisoformat(article.published_at) <= rule.age_limit


def digest_due(digest: str, now: datetime) -> str | None:
    """When a delivery is due: now for immediate rules, the next cron time (KST) for digests."""
    if digest == "immediate":
        return None
    trigger = CronTrigger.from_crontab(digest, timezone=KST)
    when = trigger.get_next_fire_time(None, now)
    return when.isoformat(timespec="seconds") if when else None


def compile_rules(rules: Sequence[RuleConfig]) -> RuleSet:
    """Parse every rule once (the config has already validated them) into a RuleSet."""
    return RuleSet([CompiledRule(rule.id, parse_rule(rule.query), tuple(rule.fields))
                    for rule in rules])


def matching_hook(rules: Sequence[RuleConfig]) -> StoredHook:
    """Return a storage hook that records matches and pending deliveries for new articles.

    A per-story rule queues its deliveries under the article's story, so only the first
    matching copy of a story alerts (storage.alerts.record_match). An updated article alerts
    only for the rules its new version matches and its earlier version did not.
    """
    ruleset = compile_rules(rules)
    by_id = {rule.id: rule for rule in rules}

    def on_stored(archive: Archive, article_id: int, article: NewArticle,
                  previous: Previous | None = None) -> None:
        now = datetime.now(KST)
        matched = ruleset.match(prepare(title=article.title, body=article.body))
        if previous is not None and matched:
            before = ruleset.match(prepare(title=previous.title, body=previous.body))
            matched = {rule_id: terms for rule_id, terms in matched.items()
                       if rule_id not in before}
        if not matched:
            return
        story_id = story_of(archive, article_id)
        for rule_id, terms in matched.items():
            rule = by_id[rule_id]
            if not wants(rule, article, now):
                continue
            due = digest_due(rule.digest, now)
            record_match(archive, rule.id, article_id, terms,
                         [(channel, rule.digest, due) for channel in rule.channels],
                         story_id=story_id if rule.per_story else None)

    return on_stored
