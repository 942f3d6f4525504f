"""What the daemon keeps in the archive: source health, ops notices, its own heartbeat.

``medradar status`` and ``/metrics`` read the same rows, so an operator sees one truth from
either side.
"""

from __future__ import annotations

import os
from typing import Any

from storage.db import Archive, now_kst, transaction

# What a run closed by the daemon stopped on, for crawl_runs.stop_reason.
STOP_REASONS = {"timed_out": "time limit", "interrupted": "interrupted", "failed": "error"}


def recent_runs(archive: Archive, source_id: str, limit: int) -> list[dict[str, Any]]:
    """Return the source's last finished runs, newest first."""
    return list(archive.db.query(
        "SELECT * FROM crawl_runs WHERE source_id = ? AND status != 'running' "
        "ORDER BY id DESC LIMIT ?", [source_id, limit]))


def source_health(archive: Archive) -> dict[str, dict[str, Any]]:
    """Return the health row of every source that has one, by source id."""
    return {row["source_id"]: row for row in archive.db.query("SELECT * FROM source_health")}


def last_looks(archive: Archive) -> dict[str, str]:
    """Return when each source was last probed or crawled (ISO time), by source id.

    Runs stopped by a shutdown or a kill do not count: that source is due again at start.
    """
    rows = archive.db.execute(
        """SELECT source_id, max(at) FROM (
             SELECT source_id, checked_at AS at FROM source_health WHERE checked_at IS NOT NULL
             UNION ALL
             SELECT source_id, max(started_at) FROM crawl_runs
               WHERE status NOT IN ('running', 'interrupted') GROUP BY source_id)
           GROUP BY source_id""").fetchall()
    return {source_id: at for source_id, at in rows if at}


def set_health(archive: Archive, source_id: str, state: str, reason: str | None,
               run_id: int | None, notices: tuple[list[str], str, str] | None = None) -> None:
    """Store a source's assessed state (``since`` moves only when the state changes) and, in
    the same transaction, queue its ops messages: ``notices`` = (channels, previous, message).
    """
    now = now_kst()
    with transaction(archive):
        archive.db.execute(
            """INSERT INTO source_health (source_id, state, since, reason, run_id, checked_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(source_id) DO UPDATE SET
                 since = CASE WHEN state = excluded.state THEN since ELSE excluded.since END,
                 state = excluded.state, reason = excluded.reason, run_id = excluded.run_id,
                 checked_at = excluded.checked_at""",
            [source_id, state, now, reason, run_id, now])
        if notices:
            channels, previous, message = notices
            add_notices(archive, channels, source_id, state, previous, message)


def forget_health(archive: Archive, keep: set[str]) -> None:
    """Drop the health rows of sources no longer enabled, so no alarm outlives its source."""
    kept = sorted(keep)
    with transaction(archive):
        archive.db.execute("DELETE FROM source_health WHERE source_id NOT IN "
                           f"({', '.join('?' * len(kept))})", kept)


def set_schedule(archive: Archive, times: dict[str, tuple[str | None, str | None]]) -> None:
    """Store (last check, next run) per source as the daemon sees them."""
    now = now_kst()
    with transaction(archive):
        archive.db.conn.executemany(
            """INSERT INTO source_health (source_id, state, since, checked_at, next_run_at)
               VALUES (?, 'unknown', ?, ?, ?)
               ON CONFLICT(source_id) DO UPDATE SET
                 checked_at = coalesce(excluded.checked_at, checked_at),
                 next_run_at = excluded.next_run_at""",
            [(source_id, now, checked, next_run)
             for source_id, (checked, next_run) in times.items()])


def close_child_run(archive: Archive, source_id: str, pid: int, started: str, status: str,
                    message: str) -> int | None:
    """Record the end of a crawl process that could not record it itself; return the run id.

    The run the process left 'running' is closed with ``status`` (``timed_out``, ``failed``
    or ``interrupted``); when the process died before opening a run, one is added so the
    failure is on record. Only runs started at or after ``started`` (the process's start)
    count, as pids are reused. A run the process finished itself is left as it is (None).
    """
    now = now_kst()
    with transaction(archive):
        row = archive.db.execute(
            "SELECT id, status FROM crawl_runs WHERE source_id = ? AND pid = ? "
            "AND started_at >= ? ORDER BY id DESC LIMIT 1", [source_id, pid, started]).fetchone()
        if row and row[1] != "running":
            return None
        if row:
            archive.db.execute(
                "UPDATE crawl_runs SET status = ?, finished_at = ?, complete = 0, "
                "errors = errors + 1, last_error = ?, stop_reason = ? WHERE id = ?",
                [status, now, message, STOP_REASONS.get(status, "error"), row[0]])
            run_id = int(row[0])
        else:
            cursor = archive.db.execute(
                "INSERT INTO crawl_runs (source_id, started_at, finished_at, status, errors, "
                "last_error, complete, pid) VALUES (?, ?, ?, ?, 1, ?, 0, ?)",
                [source_id, now, now, status, message, pid])
            run_id = int(cursor.lastrowid or 0)
        archive.db.execute(
            "INSERT INTO crawl_errors (run_id, source_id, at, kind, message) "
            "VALUES (?, ?, ?, 'process', ?)", [run_id, source_id, now, message])
    return run_id


def add_notices(archive: Archive, channel_ids: list[str], source_id: str, state: str,
                previous: str, message: str) -> None:
    """Queue one ops message per channel about a source's change of state."""
    now = now_kst()
    with transaction(archive):
        archive.db.conn.executemany(
            "INSERT INTO notices (channel_id, source_id, state, previous, message, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(channel, source_id, state, previous, message, now, now) for channel in channel_ids])


def due_notices(archive: Archive, now: str) -> list[dict[str, Any]]:
    """Return the pending ops messages due at ``now``, oldest first."""
    return list(archive.db.query(
        "SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id",
        [now]))


def mark_notice(archive: Archive, notice_id: int, status: str, error: str | None = None,
                next_attempt_at: str | None = None) -> None:
    """Record the outcome of one attempt at an ops message (sent, pending again, failed)."""
    with transaction(archive):
        archive.db.execute(
            "UPDATE notices SET status = ?, attempts = attempts + 1, last_error = ?, "
            "next_attempt_at = coalesce(?, next_attempt_at), "
            "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?",
            [status, error, next_attempt_at, status, now_kst(), notice_id])


def daemon_started(archive: Archive, config: str) -> None:
    """Record that a daemon runs on this archive now."""
    now = now_kst()
    with transaction(archive):
        archive.db.execute(
            "INSERT OR REPLACE INTO daemon (id, pid, started_at, heartbeat_at, stopped_at, config) "
            "VALUES (1, ?, ?, ?, NULL, ?)", [os.getpid(), now, now, config])


def daemon_heartbeat(archive: Archive, stopped: bool = False) -> None:
    """Record that the daemon is alive (or has stopped cleanly)."""
    column = "stopped_at" if stopped else "heartbeat_at"
    with transaction(archive):
        archive.db.execute(f"UPDATE daemon SET {column} = ? WHERE pid = ?",
                           [now_kst(), os.getpid()])


def daemon_row(archive: Archive) -> dict[str, Any] | None:
    """Return the last daemon's row, if a daemon ever ran on this archive."""
    rows = list(archive.db.query("SELECT * FROM daemon WHERE id = 1"))
    return rows[0] if rows else None


def status_rows(archive: Archive, since: str) -> list[dict[str, Any]]:
    """Return each source with its health, last run, next run and new articles since ``since``."""
    return list(archive.db.query(
        """
        SELECT s.id, s.name, s.kind, s.enabled,
               coalesce(h.state, 'unknown') AS state, h.since, h.reason,
               h.checked_at, h.next_run_at,
               r.id AS run_id, r.status AS run_status, r.started_at AS last_run_at,
               r.finished_at AS last_run_finished_at, r.new_articles AS run_new_articles,
               r.errors AS run_errors,
               (SELECT count(*) FROM articles a
                 WHERE a.source_id = s.id AND a.fetched_at >= :since) AS new_24h,
               (SELECT e.message || coalesce(' (' || e.url || ')', '') FROM crawl_errors e
                 WHERE e.source_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_error,
               (SELECT e.at FROM crawl_errors e
                 WHERE e.source_id = s.id ORDER BY e.id DESC LIMIT 1) AS last_error_at,
               f.links_left AS backlog, f.reason AS backlog_reason, f.per_run AS backlog_per_run,
               f.runs AS backlog_runs, f.opened_at AS backlog_since
        FROM sources s
        LEFT JOIN source_health h ON h.source_id = s.id
        LEFT JOIN frontier f ON f.source_id = s.id
        LEFT JOIN crawl_runs r ON r.id = (
            SELECT max(id) FROM crawl_runs WHERE source_id = s.id)
        ORDER BY s.id
        """, {"since": since}))


def delivery_counts(archive: Archive) -> dict[str, dict[str, int]]:
    """Return outbox and notice counts by status: {"alerts": {...}, "notices": {...}}."""
    counts: dict[str, dict[str, int]] = {}
    for name, table in (("alerts", "outbox"), ("notices", "notices")):
        counts[name] = {status: n for status, n in archive.db.execute(
            f"SELECT status, count(*) FROM {table} GROUP BY status").fetchall()}
    return counts


def metric_rows(archive: Archive) -> dict[str, list[tuple[Any, ...]]]:
    """Return the aggregates /metrics exports, each as rows of (labels..., value)."""
    query = archive.db.execute
    return {
        "crawls": query("SELECT source_id, status, count(*) FROM crawl_runs "
                        "GROUP BY source_id, status").fetchall(),
        "articles": query("SELECT source_id, count(*) FROM articles "
                          "GROUP BY source_id").fetchall(),
        "errors": query("SELECT source_id, kind, count(*) FROM crawl_errors "
                        "GROUP BY source_id, kind").fetchall(),
        "deliveries": query("SELECT channel_id, status, count(*) FROM outbox "
                            "GROUP BY channel_id, status").fetchall(),
        "notices": query("SELECT channel_id, status, count(*) FROM notices "
                         "GROUP BY channel_id, status").fetchall(),
        "health": query("SELECT source_id, state FROM source_health").fetchall(),
        "last_crawl": query("SELECT source_id, max(finished_at) FROM crawl_runs "
                            "WHERE finished_at IS NOT NULL GROUP BY source_id").fetchall(),
        "backlog": query("SELECT source_id, links_left FROM frontier").fetchall(),
        "api_calls": query("SELECT source_id, sum(calls) FROM api_calls "
                           "GROUP BY source_id").fetchall(),
    }
