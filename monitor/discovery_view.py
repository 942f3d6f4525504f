"""What ``medradar status`` and ``medradar sources`` show of discovery sources: calls made and
left today, results seen, articles stored, the outlets found, a backoff, open walks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crawler.quota import quota_day
from monitor.config import Config, SourceConfig
from storage.db import Archive
from storage.discovery import calls_made, discovery_overview, discovery_state


def discovery_entries(archive: Archive, config: Config, now: datetime
                      ) -> dict[str, dict[str, Any]]:
    """Per discovery source: its numbers from the archive beside its configured budget."""
    day = quota_day(now)
    overview = discovery_overview(archive, day)
    entries: dict[str, dict[str, Any]] = {}
    for source in config.sources:
        if not source.is_discovery:
            continue
        found = overview.get(source.id, {})
        calls = int(found.get("calls_today", 0))
        until = found.get("backoff_until")
        active = bool(until) and datetime.fromisoformat(str(until)) > now
        entries[source.id] = {
            "day": day, "calls_today": calls, "budget": source.daily_budget,
            "calls_left": max(source.daily_budget - calls, 0),
            "refused_today": found.get("refused_today", 0),
            "items_seen": found.get("items_seen", 0), "items_today": found.get("items_today", 0),
            "articles_found": found.get("articles_found", 0),
            "new_today": found.get("new_today", 0), "outlets": found.get("outlets", 0),
            "top_outlets": found.get("top_outlets", []),
            "backoff_until": until if active else None,
            "backoff_reason": found.get("backoff_reason") if active else None,
            "walks_open": found.get("walks_open", [])}
    return entries


def quota_text(entry: Mapping[str, Any] | None) -> str:
    """``40/2500 calls today, 2460 left`` (and a backoff), empty for other sources."""
    if not entry:
        return ""
    text = (f"{entry['calls_today']}/{entry['budget']} calls today, "
            f"{entry['calls_left']} left")
    if entry.get("backoff_until"):
        text += (f"; backing off until {str(entry['backoff_until'])[5:16].replace('T', ' ')}"
                 f" ({str(entry['backoff_reason'] or '').split(':', 1)[0]})")
    return text


def found_text(entry: Mapping[str, Any] | None) -> str:
    """``120 results, 35 articles, 18 outlets`` (all time), empty for other sources."""
    if not entry:
        return ""
    return (f"{entry['items_seen']} results, {entry['articles_found']} articles, "
            f"{entry['outlets']} outlets")


def outlet_lines(entry: Mapping[str, Any]) -> list[str]:
    """One line per outlet found most often: host, name, results, articles."""
    return [f"  {o['host']:32} {o['name'] or '':20} {o['items']:5} results "
            f"{o['articles'] or 0:5} articles" for o in entry.get("top_outlets", [])]


def pause_reason(archive: Archive, source: SourceConfig, now: datetime) -> str | None:
    """Why the daemon need not start a crawl of a discovery source now (None: crawl it):
    a backoff after a 429 is running, or the day's budget is spent."""
    state = discovery_state(archive, source.id)
    until = state["backoff_until"]
    if until and datetime.fromisoformat(str(until)) > now:
        return f"backing off until {until} ({state['backoff_reason']})"
    if calls_made(archive, source.id, quota_day(now)) >= source.daily_budget:
        return f"the day's budget of {source.daily_budget} calls is spent"
    return None
