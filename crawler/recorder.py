"""The crawl-run record of one source: counters, errors, known URLs, feed validators.

One RunRecorder per spider. It is the crawler's only door to the archive, through the storage
API, so a crawl killed at any moment leaves a consistent archive: articles are stored in small
batches, each one transaction, and the run row says 'running' until a later start marks it
'interrupted'.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from crawler.failures import HOST_UNRESOLVED
from storage import Archive, ArchiveUnavailable, open_archive
from storage.articles import (
    NewArticle,
    StoredHook,
    StoreResult,
    known_url_keys,
    store_articles,
    url_keys_before,
    version_time,
)
from storage.db import now_kst
from storage.runs import (
    RunCounts,
    close_frontier,
    count_frontier_run,
    finish_run,
    get_feed_state,
    get_frontier,
    has_articles,
    last_run_complete,
    mark_interrupted,
    record_error,
    save_frontier,
    set_feed_state,
    start_run,
    sync_sources,
)
from storage.stories import DEFAULT_WINDOW

logger = logging.getLogger(__name__)
_T = TypeVar("_T")
# Scrapy close reasons of a run that ran its course (any other is an interruption).
RAN_TO_ITS_END = ("finished", "closespider_timeout", "closespider_itemcount", HOST_UNRESOLVED)
_ARCHIVES: dict[Path, Archive] = {}
# URL keys per archive, loaded once per process and shared by every source crawling in it.
_KNOWN: dict[Path, set[str]] = {}


def shared_archive(path: Path, options: Mapping[str, Any] | None = None) -> Archive:
    """Return one open archive per file for the whole process (one writer connection).

    Runs left 'running' by dead processes are closed first when the archive takes the write;
    when it does not (locked, full), they are closed by a later crawl.
    """
    key = path.resolve()
    if key not in _ARCHIVES:
        archive = open_archive(key, **(options or {}))
        try:
            mark_interrupted(archive)
        except ArchiveUnavailable as fault:
            logger.warning("%s; earlier runs are closed by a later crawl", fault)
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
        # The archive refused a write (locked past the patience, disk full, read-only): the
        # crawl of this source stops; what it fetched and did not store is fetched again.
        self.fault: ArchiveUnavailable | None = None
        self.on_fault: Callable[[ArchiveUnavailable], None] = lambda _fault: None
        # A run that did not finish may have left list pages unwalked: walk them all this time.
        self.resume = not last_run_complete(archive, self.source_id)
        self.run_id = 0
        self._write(sync_sources, archive, [source])
        self.run_id = self._write(start_run, archive, self.source_id) or 0
        self.counts = RunCounts()
        shared = _KNOWN.get(archive.path.resolve())
        self.known = shared if shared is not None else known_url_keys(archive)
        self.hooks = hooks
        self.window = window  # stories: how far back a copy looks for its story
        self.pending_feeds: dict[str, tuple[str | None, str | None]] = {}
        self.article_errors = 0
        self.article_pages = 0
        self.finished = False
        self.per_run = int(source.get("max_articles", 200))
        # The backlog a crawl that stopped early left, and whether the archive already holds
        # this source's articles (then a walk goes on until it reaches one: the watermark).
        self.frontier = get_frontier(archive, self.source_id)
        self.watermark = has_articles(archive, self.source_id)
        self.refused = 0  # new links not fetched: the run's max_articles was reached
        self.stopped_at: tuple[str, int, str, int] | None = None  # url, page, reason, left
        self.backlog_closed = False  # a walk reached the archived articles or the list's end
        self.reached_known = False  # a list walk reached an article already archived
        self.feed_gap = 0  # items of a feed that were all new (it cannot show what it dropped)
        self.progress_saved = False
        self.network_logged = False
        # A discovery source that stopped for its API quota or a backoff: (reason, left).
        self.held: tuple[str, int] | None = None

    def _write(self, write: Callable[..., _T], *args: Any) -> _T | None:
        """Do one storage write; on an archive fault, note it (once) and return None."""
        try:
            return write(*args)
        except ArchiveUnavailable as fault:
            self.note_fault(fault)
            return None

    def note_fault(self, fault: ArchiveUnavailable) -> None:
        """Record that the archive refused a write; the first one stops this source's crawl."""
        if self.fault is None:
            self.fault = fault
            logger.warning("[%s] %s; this crawl stops, and what it did not store is fetched "
                           "again next time", self.source_id, fault)
            self.on_fault(fault)

    def hold(self, reason: str, estimate: int) -> None:
        """Record that the run stopped calling its search API (``quota`` or ``backoff``)."""
        if self.held is None:
            self.held = (reason, max(estimate, 1))

    def refuse(self) -> None:
        """Count a new article link left for a later crawl (max_articles reached)."""
        self.refused += 1

    def stop_walk(self, url: str, page: int, reason: str, estimate: int) -> None:
        """Remember where a list walk stopped early; the next crawl resumes there."""
        if self.stopped_at is None or page < self.stopped_at[1]:
            self.stopped_at = (url, page, reason, estimate)

    def archived_before_backlog(self) -> set[str]:
        """URL keys archived before the open backlog began: a backlog walk ends at one."""
        if self.frontier is None:
            return set()
        return url_keys_before(self.archive, self.source_id, str(self.frontier["opened_at"]))

    def walk_progress(self, url: str, page: int) -> None:
        """Save a long walk's next page at once, so a crawl killed mid-walk resumes there."""
        if self.stopped_at is None and self.fault is None:
            self._write(save_frontier, self.archive, self.source_id, url, page,
                        "walk in progress", max(self.refused, 1), self.per_run)
            self.progress_saved = True

    def is_known(self, key: str) -> bool:
        """Tell whether a URL key is already in the archive."""
        return key in self.known

    def announces_update(self, key: str, updated_at: str | None) -> bool:
        """Tell whether a feed or sitemap says an archived article changed since we stored it."""
        if not updated_at or updated_at > now_kst():
            # No date, or one in the future: a CMS that stamps lastmod wrongly, or a clock
            # that is off, says nothing about an edit (and would refetch every crawl).
            return False
        stored = version_time(self.archive, key)
        return stored is not None and updated_at > stored

    def error(self, kind: str, message: str, url: str | None = None) -> None:
        """Record an error of this run; the crawl goes on."""
        self.counts.errors += 1
        # Network failures come in runs (robots.txt, the feed, the list page of a host that
        # is down): the first is the WARNING line, the rest are in the run record.
        level = logging.DEBUG if kind == "network" and self.network_logged else logging.WARNING
        self.network_logged = self.network_logged or kind == "network"
        logger.log(level, "[%s] %s error: %s%s", self.source_id, kind, message,
                   f" ({url})" if url else "")
        if self.fault is None:
            self._write(record_error, self.archive, self.run_id, self.source_id, kind, message,
                        url)

    def store(self, articles: list[NewArticle]) -> list[StoreResult]:
        """Store extracted articles in one transaction and count them as new or duplicate."""
        try:
            results = store_articles(self.archive, articles, self.hooks, self.window)
        except ArchiveUnavailable as fault:
            self.note_fault(fault)
            raise
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
        if self.fault is not None:
            # The archive took no more writes: leave the run 'running'; the next crawl marks
            # it interrupted and walks everything again. Nothing it fetched is counted as had.
            return "archive unavailable"
        self._settle_backlog(reason)
        if reason not in RAN_TO_ITS_END:
            status, counts.complete = "interrupted", False
        elif counts.errors == 0:
            status = "ok"
        elif counts.pages == 0 or (counts.links_found == 0 and counts.new_articles == 0):
            status = "failed"
        else:
            status = "partial"
        if self.refused == 0 and (
                status == "ok" or (status == "partial" and self.article_errors == 0)):
            # Saving validators after failed or refused article fetches would hide those
            # articles behind a 304 next time; without them the feed is read again.
            for url, (etag, modified) in self.pending_feeds.items():
                self._write(set_feed_state, self.archive, url, etag, modified)
        self._write(finish_run, self.archive, self.run_id, status, counts)
        return status

    def _settle_backlog(self, reason: str) -> None:
        """Record why the run stopped early and what it left; open, move or close the backlog."""
        counts = self.counts
        if self.feed_gap and not self.reached_known and self.watermark:
            self.error("gap", f"all {self.feed_gap} feed items are new and no list page reached "
                       "an archived article: articles published in between may be missing "
                       f"(gap of more than {self.feed_gap - 1})")
        if reason not in RAN_TO_ITS_END:
            counts.stop_reason = "interrupted"  # the frontier saved along the walk stays
        elif reason == "closespider_timeout":
            counts.stop_reason = "time limit"
        if self.stopped_at is not None:
            url, page, why, estimate = self.stopped_at
            counts.stop_reason, counts.links_left = why, max(estimate, self.refused)
            self._write(save_frontier, self.archive, self.source_id, url, page, why,
                        counts.links_left, self.per_run)
            if self.frontier is not None:
                self._write(count_frontier_run, self.archive, self.source_id)
        elif self.refused:
            # A feed or sitemap that listed more new articles than one run fetches: the next
            # run reads it again (its validators were not saved) and takes the rest.
            counts.stop_reason, counts.links_left = "max_articles", self.refused
            self._write(save_frontier, self.archive, self.source_id, None, None,
                        "max_articles", self.refused, self.per_run)
        elif self._backlog_done():
            self._write(close_frontier, self.archive, self.source_id)
        if self.held is not None and counts.stop_reason is None:
            counts.stop_reason, counts.links_left = self.held

    def _backlog_done(self) -> bool:
        """Whether this run closed the open backlog (or the walk progress it saved)."""
        if self.frontier is None:
            return self.progress_saved and (self.reached_known or self.backlog_closed)
        # A feed/sitemap backlog is done when a run refused nothing; a list backlog when a
        # walk reached the articles archived before it began, or the list's end.
        return self.frontier["url"] is None or self.backlog_closed
