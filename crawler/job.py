"""What a crawl runs with: its settings, its sources, and what to call when articles land.

The crawler does not read the configuration file, match rules or send alerts: whoever
composes medradar (``monitor.compose``) builds a ``CrawlJob`` and hands it to the crawl, through
the Scrapy setting ``MEDRADAR_JOB`` (``crawler.runner``) or, for ``scrapy crawl``, the factory
named by ``MEDRADAR_JOB_FACTORY``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

from crawler.config import CrawlConfig, SourceConfig, trusted_origins
from crawler.errors import CrawlError

if TYPE_CHECKING:
    from storage.articles import StoredHook
    from storage.db import Archive


@dataclass(frozen=True, eq=False)
class CrawlJob:
    """Settings and collaborators of one crawl process (any number of its sources)."""

    crawl: CrawlConfig
    sources: tuple[SourceConfig, ...]
    archive_path: Path
    archive_options: Mapping[str, Any] = field(default_factory=dict)  # for open_archive
    stories_window: timedelta = timedelta(days=7)
    # Called in the transaction that stores each new article (alert matching).
    hooks: tuple[StoredHook, ...] = ()
    # Sends the alerts due in the archive while the crawl goes on; None: nothing to send.
    deliver: Callable[[Archive], object] | None = None
    # Per discovery kind, the queries built from the rules (for sources without queries).
    rule_queries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def source(self, source_id: str) -> SourceConfig:
        """Return the source with this id, or raise CrawlError naming the known ones."""
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise CrawlError(f"unknown source {source_id!r} (known: {known})")

    def trusted_origins(self) -> set[tuple[str, int | None]]:
        """(host, port) of every URL the operator configured (the SSRF guard trusts these)."""
        return trusted_origins(self.sources)


def job_of(settings: BaseSettings) -> CrawlJob:
    """Return the crawl's job: given in ``MEDRADAR_JOB``, else built by the factory that
    ``MEDRADAR_JOB_FACTORY`` names (a dotted path called with the settings)."""
    job = settings.get("MEDRADAR_JOB")
    if isinstance(job, CrawlJob):
        return job
    factory = settings.get("MEDRADAR_JOB_FACTORY")
    if not factory:
        raise CrawlError("no crawl job: start crawls with medradar, or set "
                         "MEDRADAR_JOB_FACTORY (scrapy.cfg's settings module does)")
    built = load_object(factory)(settings)
    if not isinstance(built, CrawlJob):
        raise CrawlError(f"MEDRADAR_JOB_FACTORY {factory!r} returned "
                         f"{type(built).__name__}, not a CrawlJob")
    return built
