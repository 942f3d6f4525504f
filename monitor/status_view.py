"""``medradar status``: each source's health and schedule, the daemon, the outbox, the archive.

The daemon counts as running when its row has no stop time, its heartbeat is under two
minutes old and its pid is alive on this machine.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from monitor.discovery_view import quota_text
from monitor.health import daemon_state
from storage import ArchiveUnavailable
from storage.articles import count_articles
from storage.db import Archive, free_mb
from storage.health import daemon_row, delivery_counts, status_rows

DELIVERY_STATUSES = ("pending", "sent", "failed", "given_up")
STATE_STYLES = {"ok": "green", "catching up": "cyan", "degraded": "yellow",
                "failing": "bold red", "blocked": "bold red", "unknown": "dim"}


def collect_status(archive: Archive, source_ids: Collection[str], now: datetime,
                   fault: ArchiveUnavailable | None = None,
                   min_free_mb: float = 0,
                   discovery: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Return what ``medradar status`` shows, as one JSON-ready dict.

    ``fault`` is why a writer could not write now (storage.db.probe_writes), if it could not;
    ``discovery``: the quota entries of discovery sources (monitor.discovery_view).
    """
    since = (now - timedelta(hours=24)).isoformat(timespec="seconds")
    counts = delivery_counts(archive)
    quotas = discovery or {}
    free = free_mb(archive.path)
    state = fault.fault if fault else (
        "low disk space" if free is not None and free < min_free_mb else "ok")
    return {
        "daemon": daemon_state(daemon_row(archive), now),
        "sources": [{**source_entry(row), "quota": quotas.get(row["id"])}
                    for row in status_rows(archive, since) if row["id"] in source_ids],
        "deliveries": {s: counts["alerts"].get(s, 0) for s in DELIVERY_STATUSES},
        "notices": {s: counts["notices"].get(s, 0) for s in DELIVERY_STATUSES},
        "archive": {"path": str(archive.path), "bytes": archive.size_bytes(),
                    "articles": count_articles(archive), "state": state,
                    "problem": str(fault) if fault else None,
                    "free_mb": round(free, 1) if free is not None else None},
    }


def source_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return one source's status from a storage.health.status_rows row."""
    backlog = backlog_entry(row)
    # A crawl by hand leaves a backlog the daemon has not assessed yet: it is not "ok".
    state = "catching up" if backlog and row["state"] in ("ok", "unknown") else row["state"]
    return {"id": row["id"], "name": row["name"], "kind": row["kind"],
            "enabled": bool(row["enabled"]), "state": state, "since": row["since"],
            "reason": row["reason"] or None, "last_run_at": row["last_run_at"],
            "last_run_status": row["run_status"], "next_run_at": row["next_run_at"],
            "new_24h": row["new_24h"], "last_error": row["last_error"],
            "last_error_at": row["last_error_at"], "backlog": backlog}


def backlog_entry(row: Mapping[str, Any]) -> dict[str, Any] | None:
    """A source's open backlog: links left, why, since when, crawls so far and still needed."""
    if row.get("backlog") is None:
        return None
    left, per_run = int(row["backlog"]), max(int(row["backlog_per_run"] or 1), 1)
    return {"links_left": left, "reason": row["backlog_reason"], "since": row["backlog_since"],
            "crawls_so_far": row["backlog_runs"], "crawls_needed": -(-left // per_run),
            "per_crawl": per_run}


def backlog_text(backlog: Mapping[str, Any] | None) -> str:
    """``backlog ≈ 800, 4 crawls at 200`` (empty when the archive is complete)."""
    if not backlog:
        return ""
    return (f"backlog ≈ {backlog['links_left']}, {backlog['crawls_needed']} crawls at "
            f"{backlog['per_crawl']} ({backlog['reason']})")


def print_status(console: Console, status: Mapping[str, Any]) -> None:
    """Print the sources table, then one line each for daemon, alerts, notices, archive."""
    running = status["daemon"]["running"]
    quotas = any(src.get("quota") for src in status["sources"])
    table = Table("source", "state", "last run", "next run", "new 24h", "backlog",
                  *(["quota"] if quotas else []), "last error")
    for src in status["sources"]:
        last_run = (f"{short_time(src['last_run_at'])} {src['last_run_status']}"
                    if src["last_run_at"] else "never")
        error = (f"{short_time(src['last_error_at'])} {src['last_error']}"
                 if src["last_error"] else "")
        table.add_row(Text(src["id"] + ("" if src["enabled"] else " (off)")),
                      Text(src["state"], style=STATE_STYLES.get(src["state"], "")),
                      Text(last_run),
                      Text(short_time(src["next_run_at"]) if running else "-"),
                      str(src["new_24h"]), Text(backlog_text(src["backlog"])),
                      *([Text(quota_text(src.get("quota")))] if quotas else []),
                      Text(shorten(error, 70)))
    console.print(table)
    deliveries, notices, archive = status["deliveries"], status["notices"], status["archive"]
    for label, text in (
        ("daemon", daemon_line(status["daemon"])),
        ("alerts", f"{deliveries['pending']} pending, {deliveries['failed']} failed, "
                   f"{deliveries['given_up']} given up, {deliveries['sent']} sent"),
        ("notices", f"{notices['pending']} pending, {notices['failed']} failed, "
                    f"{notices['given_up']} given up, {notices['sent']} sent"),
        ("archive", f"{archive['path']}: {archive['bytes'] / 1e6:.1f} MB, "
                    f"{archive['articles']:,} articles" + archive_problem(archive)),
    ):
        console.print(f"{label + ':':9}{text}", markup=False, highlight=False)


def archive_problem(archive: Mapping[str, Any]) -> str:
    """`` — archive: locked by …`` when writes cannot go through now, else nothing."""
    if archive.get("problem"):
        return f" — {archive['problem']}"
    if archive.get("state") == "low disk space":
        return f" — low disk space ({archive['free_mb']:.0f} MB free)"
    return ""


def daemon_line(daemon: Mapping[str, Any]) -> str:
    """Return the daemon's state in words."""
    state = daemon["state"]
    if state == "none":
        return "not running (no daemon has run on this archive)"
    if state == "stopped":
        return f"not running (stopped at {short_time(daemon['stopped_at'])}, pid {daemon['pid']})"
    age = ago(daemon["heartbeat_age_seconds"])
    if state == "running":
        return (f"running, pid {daemon['pid']}, heartbeat {age} ago, "
                f"since {short_time(daemon['started_at'])}")
    return (f"not running (pid {daemon['pid']} did not stop cleanly; "
            f"last heartbeat {age} ago)")


def short_time(value: str | None) -> str:
    """Return an ISO time as ``2026-11-23 18:00`` (all stored times are KST), or ``-``."""
    return value[:16].replace("T", " ") if value else "-"


def shorten(text: str, width: int) -> str:
    """Return text on one line, cut to width characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def ago(seconds: float) -> str:
    """Return a duration as ``12 s``, ``5 min``, ``3 h`` or ``2 d``."""
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{max(int(seconds), 0)} s"
