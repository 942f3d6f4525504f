"""Crawl runs, their errors, the sources table and feed validators (ETag / Last-Modified)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.db import Archive, now_kst, transaction

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted", "timed_out")


@dataclass
class RunCounts:
    """Counters a crawl keeps for one source while it runs."""

    pages: int = 0
    links_found: int = 0
    new_articles: int = 0
    duplicates: int = 0
    errors: int = 0
    not_modified: int = 0  # entry pages that answered 304
    entry_errors: int = 0  # errors on feeds, list pages, sitemaps, robots.txt
    blocked: int = 0  # 401/403/429/451 answers and robots.txt refusals
    complete: bool = True
    stop_reason: str | None = None  # why the run stopped before its end (see m004_backlog)
    links_left: int = 0  # new article links it saw but did not fetch, or estimated beyond


def sync_sources(archive: Archive, sources: Iterable[Mapping[str, Any]]) -> None:
    """Upsert the configured sources (dicts of a source's config) into the sources table."""
    with transaction(archive):
        for source in sources:
            archive.db.execute(
                """INSERT INTO sources (id, name, kind, url, enabled, config, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(id) DO UPDATE SET name=excluded.name, kind=excluded.kind,
                     url=excluded.url, enabled=excluded.enabled, config=excluded.config,
                     updated_at=excluded.updated_at""",
                [
                    source["id"], source["name"], source["kind"], source.get("url", ""),
                    int(bool(source.get("enabled", True))),
                    json.dumps(dict(source), ensure_ascii=False), now_kst(),
                ],
            )


def mark_interrupted(archive: Archive) -> int:
    """Close runs left 'running' by a process that no longer exists; return how many."""
    rows = archive.db.execute(
        "SELECT id, pid FROM crawl_runs WHERE status = 'running'").fetchall()
    dead = [run_id for run_id, pid in rows if not pid_alive(pid)]
    with transaction(archive):
        for run_id in dead:
            archive.db.execute(
                "UPDATE crawl_runs SET status='interrupted', complete=0, finished_at=?, "
                "last_error=coalesce(last_error, "
                "'the crawl process ended before the run finished') "
                "WHERE id=?",
                [now_kst(), run_id],
            )
    return len(dead)


def pid_alive(pid: int | None) -> bool:
    """Tell whether a process with this pid runs on this machine (a zombie does not)."""
    if not pid or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed crawl whose parent died too stays a zombie where nothing reaps orphans (a
    # container whose PID 1 is not an init); it answers kill(0) but runs no more.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (not Linux): trust kill(0)
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def start_run(archive: Archive, source_id: str) -> int:
    """Record the start of a crawl of one source and return the run id."""
    with transaction(archive):
        cursor = archive.db.execute(
            "INSERT INTO crawl_runs (source_id, started_at, status, pid) "
            "VALUES (?, ?, 'running', ?)",
            [source_id, now_kst(), os.getpid()],
        )
    return int(cursor.lastrowid or 0)


def record_error(
    archive: Archive, run_id: int, source_id: str, kind: str, message: str, url: str | None = None
) -> None:
    """Record one error of a run (the crawl goes on)."""
    with transaction(archive):
        archive.db.execute(
            "INSERT INTO crawl_errors (run_id, source_id, at, url, kind, message) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [run_id, source_id, now_kst(), url, kind, message],
        )
        archive.db.execute(
            "UPDATE crawl_runs SET errors = errors + 1, last_error = ? WHERE id = ?",
            [f"{message} ({url})" if url else message, run_id],
        )


def finish_run(archive: Archive, run_id: int, status: str, counts: RunCounts) -> None:
    """Record the end of a run with its counters."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    with transaction(archive):
        archive.db.execute(
            """UPDATE crawl_runs SET finished_at=?, status=?, pages=?, links_found=?,
                 new_articles=?, duplicates=?, complete=?, not_modified=?, entry_errors=?,
                 blocked=?, stop_reason=?, links_left=? WHERE id=?""",
            [
                now_kst(), status, counts.pages, counts.links_found, counts.new_articles,
                counts.duplicates, int(counts.complete), counts.not_modified,
                counts.entry_errors, counts.blocked, counts.stop_reason, counts.links_left,
                run_id,
            ],
        )


def last_run_complete(archive: Archive, source_id: str) -> bool:
    """Tell whether the source's previous finished run walked all its list pages."""
    row = archive.db.execute(
        "SELECT complete FROM crawl_runs WHERE source_id = ? AND status != 'running' "
        "ORDER BY id DESC LIMIT 1",
        [source_id],
    ).fetchone()
    return bool(row[0]) if row else False


def run_errors(archive: Archive, run_id: int) -> list[dict[str, Any]]:
    """Return the errors recorded for a run, oldest first."""
    return list(
        archive.db.query(
            "SELECT at, url, kind, message FROM crawl_errors WHERE run_id = ? ORDER BY id",
            [run_id],
        )
    )


def get_run(archive: Archive, run_id: int) -> dict[str, Any]:
    """Return one crawl run as a dict."""
    return next(archive.db.query("SELECT * FROM crawl_runs WHERE id = ?", [run_id]))


def source_overview(archive: Archive) -> list[dict[str, Any]]:
    """Return each source with its last run, article counts and last error, for the CLI."""
    return list(
        archive.db.query(
            """
            SELECT s.id, s.name, s.kind, s.enabled,
                   r.id AS run_id, r.status, r.started_at, r.finished_at, r.pages,
                   r.links_found, r.new_articles, r.errors, r.last_error,
                   (SELECT count(*) FROM articles a WHERE a.source_id = s.id) AS articles,
                   (SELECT max(published_at) FROM articles a WHERE a.source_id = s.id)
                     AS latest_article,
                   r.stop_reason, r.links_left,
                   f.links_left AS backlog, f.reason AS backlog_reason,
                   f.per_run AS backlog_per_run, f.runs AS backlog_runs,
                   f.opened_at AS backlog_since
            FROM sources s
            LEFT JOIN frontier f ON f.source_id = s.id
            LEFT JOIN crawl_runs r ON r.id = (
                SELECT max(id) FROM crawl_runs WHERE source_id = s.id)
            ORDER BY s.id
            """
        )
    )


def get_feed_state(archive: Archive, url: str) -> dict[str, Any] | None:
    """Return the stored ETag / Last-Modified of a feed URL, if any."""
    rows = list(archive.db.query("SELECT * FROM feed_state WHERE url = ?", [url]))
    return rows[0] if rows else None


def set_feed_state(archive: Archive, url: str, etag: str | None, last_modified: str | None) -> None:
    """Remember a feed's validators for the next conditional GET."""
    with transaction(archive):
        archive.db.execute(
            """INSERT INTO feed_state (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?)
               ON CONFLICT(url) DO UPDATE SET etag=excluded.etag,
                 last_modified=excluded.last_modified, checked_at=excluded.checked_at""",
            [url, etag, last_modified, now_kst()],
        )


def get_frontier(archive: Archive, source_id: str) -> dict[str, Any] | None:
    """Return the source's open backlog (where its next crawl resumes), if any."""
    rows = list(archive.db.query("SELECT * FROM frontier WHERE source_id = ?", [source_id]))
    return rows[0] if rows else None


def save_frontier(archive: Archive, source_id: str, url: str | None, page: int | None,
                  reason: str, links_left: int, per_run: int) -> None:
    """Open or move the source's backlog: the next crawl resumes at url (page)."""
    now = now_kst()
    with transaction(archive):
        archive.db.execute(
            """INSERT INTO frontier (source_id, url, page, reason, links_left, per_run,
                                     opened_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(source_id) DO UPDATE SET url=excluded.url, page=excluded.page,
                 reason=excluded.reason, links_left=excluded.links_left,
                 per_run=excluded.per_run, updated_at=excluded.updated_at""",
            [source_id, url, page, reason, links_left, per_run, now, now],
        )


def count_frontier_run(archive: Archive, source_id: str) -> None:
    """Count one more crawl that worked on the source's backlog."""
    with transaction(archive):
        archive.db.execute("UPDATE frontier SET runs = runs + 1 WHERE source_id = ?",
                           [source_id])


def close_frontier(archive: Archive, source_id: str) -> None:
    """The backlog is closed: the archive holds everything the source listed."""
    with transaction(archive):
        archive.db.execute("DELETE FROM frontier WHERE source_id = ?", [source_id])


def frontiers(archive: Archive) -> dict[str, dict[str, Any]]:
    """Every open backlog by source id."""
    return {row["source_id"]: row for row in archive.db.query("SELECT * FROM frontier")}


def has_articles(archive: Archive, source_id: str) -> bool:
    """Tell whether the archive holds any article of the source (it has a watermark)."""
    return archive.db.execute("SELECT 1 FROM articles WHERE source_id = ? LIMIT 1",
                              [source_id]).fetchone() is not None
