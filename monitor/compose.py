"""The composition root: one configuration turned into what each part runs with.

The crawler, alerting and the archive do not know each other (docs/architecture.md). Here a
crawl gets its job: its settings and sources, rule matching as a hook in the transaction that
stores each article, and alert delivery to call while the crawl goes on.
"""

from __future__ import annotations

from functools import partial

from scrapy.settings import BaseSettings

from alerts.hook import matching_hook
from alerts.outbox import deliver_due
from alerts.rules import parse_rule, search_query
from crawler.config import DISCOVERY_KINDS
from crawler.job import CrawlJob
from monitor.config import Config, RuleConfig, load_config


def rule_queries(rules: list[RuleConfig]) -> dict[str, tuple[str, ...]]:
    """Per discovery kind, one search query per rule, built from its positive terms."""
    trees = [parse_rule(rule.query) for rule in rules]
    return {kind: tuple(search_query(tree, kind) for tree in trees) for kind in DISCOVERY_KINDS}


def crawl_job(config: Config) -> CrawlJob:
    """The crawl job of this configuration: every source, matching its rules, sending to its
    channels."""
    return CrawlJob(
        crawl=config.crawl,
        sources=tuple(config.sources),
        archive_path=config.archive_path,
        archive_options=config.archive.options(),
        stories_window=config.stories.window_delta,
        hooks=(matching_hook(config.rules),) if config.rules else (),
        deliver=partial(deliver_due, config=config) if config.channels else None,
        rule_queries=rule_queries(config.rules),
    )


def crawl_job_for_scrapy(settings: BaseSettings) -> CrawlJob:
    """``MEDRADAR_JOB_FACTORY`` of ``scrapy crawl``: the job of the configuration that the
    ``MEDRADAR_CONFIG`` setting names, else the usual lookup."""
    return crawl_job(load_config(settings.get("MEDRADAR_CONFIG")))
