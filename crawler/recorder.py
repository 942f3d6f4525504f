"""The crawl-run record of one source: counters, errors, known URLs, feed validators.

One RunRecorder per spider. It is the crawler's only door to the archive, through the storage
API, so a crawl killed at any moment leaves a consistent archive: articles are stored in small
batches, each one transaction, and the run row says 'running' until a later start marks it
'interrupted'.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

from storage import Archive, open_archive
from storage.articles import (
    NewArticle,
    StoredHook,
    StoreResult,
    known_url_keys,
    store_articles,
    version_time,
)
from storage.runs import (
    RunCounts,
    finish_run,
    get_feed_state,
    last_run_complete,
    mark_interrupted,
    record_error,
    set_feed_state,
    start_run,
    sync_sources,
)
from storage.stories import DEFAULT_WINDOW

logger = logging.getLogger(__name__)
_ARCHIVES: dict[Path, Archive] = {}
# URL keys per archive, loaded once per process and shared by every source crawling in it.
_KNOWN: dict[Path, set[str]] = {}


def shared_archive(path: Path) -> Archive:
    """Return one open archive per file for the whole process (one writer connection)."""
    key = path.resolve()
    if key not in _ARCHIVES:
        archive = open_archive(key)
        mark_interrupted(archive)
        _ARCHIVES[key] = archive
        _KNOWN[key] = known_url_keys(archive)
    return _ARCHIVES[key]


def close_archives() -> None:
    """Close every archive opened by shared_archive."""
    _KNOWN.clear()
    while _ARCHIVES:
        _ARCHIVES.popitem()[1].close()


class RunRecorder:
    """Records one source's crawl run and answers 'is this URL already archived?'."""

    def __init__(self, archive: Archive, source: dict[str, Any],
                 hooks: tuple[StoredHook, ...] = (), window: timedelta = DEFAULT_WINDOW) -> None:
        self.archive = archive
        self.source_id = str(source["id"])
        sync_sources(archive, [source])
        # A run that did not finish may have left list pages unwalked: walk them all this time.
        self.resume = not last_run_complete(archive, self.source_id)
        self.run_id = start_run(archive, self.source_id)
        self.counts = RunCounts()
        shared = _KNOWN.get(archive.path.resolve())
        self.known = shared if shared is not None else known_url_keys(archive)
        self.hooks = hooks
        self.window = window  # stories: how far back a copy looks for its story
        self.pending_feeds: dict[str, tuple[str | None, str | None]] = {}
        self.article_errors = 0
        self.article_pages = 0
        self.finished = False

    def is_known(self, key: str) -> bool:
        """Tell whether a URL key is already in the archive."""
        return key in self.known

    def announces_update(self, key: str, updated_at: str | None) -> bool:
        """Tell whether a feed or sitemap says an archived article changed since we stored it."""
        if not updated_at:
            return False
        stored = version_time(self.archive, key)
        return stored is not None and updated_at > stored

    def error(self, kind: str, message: str, url: str | None = None) -> None:
        """Record an error of this run; the crawl goes on."""
        self.counts.errors += 1
        logger.warning("[%s] %s error: %s%s", self.source_id, kind, message,
                       f" ({url})" if url else "")
        record_error(self.archive, self.run_id, self.source_id, kind, message, url)

    def store(self, articles: list[NewArticle]) -> list[StoreResult]:
        """Store extracted articles in one transaction and count them as new or duplicate."""
        results = store_articles(self.archive, articles, self.hooks, self.window)
        for article, result in zip(articles, results, strict=True):
            self.known.update(article.url_keys)
            if result.status == "new":
                self.counts.new_articles += 1
            else:
                self.counts.duplicates += 1
        return results

    def feed_validators(self, url: str) -> dict[str, str]:
        """Return conditional-GET headers for a feed seen before."""
        state = get_feed_state(self.archive, url) or {}
        headers = {}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("last_modified"):
            headers["If-Modified-Since"] = state["last_modified"]
        return headers

    def remember_feed(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Keep a feed's validators; they are saved only if the run ends without article errors."""
        if etag or last_modified:
            self.pending_feeds[url] = (etag, last_modified)

    def finish(self, reason: str) -> str:
        """Close the run record; return its status."""
        if self.finished:
            return "done"
        self.finished = True
        counts = self.counts
        if self.article_errors:
            # Failed articles may sit on later list pages: walk them all next time.
            counts.complete = False
        if reason not in ("finished", "closespider_timeout", "closespider_itemcount"):
            status, counts.complete = "interrupted", False
        elif counts.errors == 0:
            status = "ok"
        elif counts.pages == 0 or (counts.links_found == 0 and counts.new_articles == 0):
            status = "failed"
        else:
            status = "partial"
        if status == "ok" or (status == "partial" and self.article_errors == 0):
            # Saving validators after failed article fetches would hide those articles behind
            # a 304 next time; without them the feed is read again and they are retried.
            for url, (etag, modified) in self.pending_feeds.items():
                set_feed_state(self.archive, url, etag, modified)
        finish_run(self.archive, self.run_id, status, counts)
        return status
