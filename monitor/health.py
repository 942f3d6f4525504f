"""Source health from crawl runs. Pure: rows in, states out.

A source is ``ok``; ``catching up`` when its last crawl stopped early (max_articles,
max_pages) and left a backlog that the next crawls fetch; ``degraded`` when a run had errors
on some pages (or extraction yielded empty bodies) but still found its articles; ``failing``
when runs fail outright, time out, or their feeds and list pages no longer yield a single
article link (a layout change, not a quiet news day: a feed answering 304 or a list of known
articles counts as fine); ``blocked`` when the outlet refuses us (401/403/429/451 or
robots.txt) and nothing got through.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.runs import pid_alive

STATES = ("ok", "catching up", "degraded", "failing", "blocked", "unknown")
HEARTBEAT_FRESH = timedelta(minutes=2)  # the daemon writes one every 15 s
ALARMS = ("failing", "blocked")
HELD = ("quota", "backoff")  # a discovery source stopped calling its search API on purpose


@dataclass(frozen=True)
class Assessment:
    """The state one run points to, and why."""

    state: str
    reason: str


def assess_run(run: Mapping[str, Any]) -> Assessment | None:
    """Return the state a finished run points to, or None for a run stopped on purpose."""
    status = run["status"]
    error = run.get("last_error") or ""
    if status == "interrupted":
        return None  # stopped by a shutdown or a kill: says nothing about the outlet
    if status == "timed_out":
        return Assessment("failing", error or "the crawl hit its time limit")
    links, not_modified = run.get("links_found") or 0, run.get("not_modified") or 0
    if run.get("blocked") and links == 0:
        return Assessment("blocked", error or "the outlet refuses our requests")
    if status == "failed":
        return Assessment("failing", error or "the run failed")
    if run.get("stop_reason") in HELD and not run.get("errors"):
        return Assessment("catching up", f"search API {run['stop_reason']}: the next crawls "
                          "resume where this one stopped")
    if links == 0 and not_modified == 0:
        return Assessment("failing", "no article links found on the feeds or list pages"
                          + (f" ({error})" if error else ""))
    if run.get("errors"):
        return Assessment("degraded", error or "errors on some pages")
    if run.get("links_left"):
        return Assessment("catching up", f"backlog ≈ {run['links_left']}: the crawl stopped at "
                          f"{run.get('stop_reason') or 'its limit'}; the next crawls resume there")
    return Assessment("ok", "")


def next_state(previous: str, runs: Sequence[Mapping[str, Any]],
               failing_after: int) -> Assessment | None:
    """Return the source's state from its runs (newest first), or None if nothing to say.

    Entering ``failing`` or ``blocked`` takes ``failing_after`` bad runs in a row, so one
    flaky run does not page anyone; leaving it takes one good run.
    """
    assessed = [a for a in (assess_run(run) for run in runs) if a is not None]
    if not assessed:
        return None
    latest = assessed[0]
    if latest.state not in ALARMS:
        return latest
    bad = 0
    for assessment in assessed:
        if assessment.state not in ALARMS:
            break
        bad += 1
    if bad >= failing_after or previous in ALARMS:
        return latest  # the alarm is raised, or still on with the newest reason
    # Not yet enough bad runs in a row: say so without raising the alarm.
    return Assessment("degraded", f"{latest.reason} ({bad} of {failing_after} bad runs "
                      f"before {latest.state})")


def notice_text(source_name: str, previous: str, state: str, reason: str) -> str:
    """Return the one-line ops message for a change of state."""
    if state in ALARMS:
        return f"medradar: {source_name} is {state}: {reason}"
    return f"medradar: {source_name} recovered ({previous} → {state})"


def needs_notice(previous: str, state: str) -> bool:
    """Tell whether a change of state is news for the ops channel."""
    return previous != state and (state in ALARMS or previous in ALARMS)


def daemon_state(row: Mapping[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Return the daemon's row with its state: running, stopped, stale (no clean stop), none."""
    if row is None:
        return {"state": "none", "running": False}
    age = (now - datetime.fromisoformat(row["heartbeat_at"])).total_seconds()
    if row["stopped_at"]:
        state = "stopped"
    elif age <= HEARTBEAT_FRESH.total_seconds() and pid_alive(row["pid"]):
        state = "running"
    else:
        state = "stale"
    return {"state": state, "running": state == "running", "pid": row["pid"],
            "started_at": row["started_at"], "heartbeat_at": row["heartbeat_at"],
            "heartbeat_age_seconds": round(age), "stopped_at": row["stopped_at"],
            "config": row["config"]}
