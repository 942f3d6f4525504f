"""Delivering what the outbox holds: due alerts, digests, retries with backoff, giving up."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from alerts.channels import send
from alerts.config import AlertSetup
from alerts.errors import DeliveryError
from alerts.render import Alert, collapse_stories
from storage.alerts import claim_due, mark_failed, mark_retry, mark_sent
from storage.backoff import backoff_delay
from storage.config import parse_duration
from storage.db import Archive
from storage.normalize import KST, squash
from storage.search import snippet

Sender = Callable[..., None]


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, status: str, n: int) -> None:
        """Count n deliveries that ended a failed attempt in this status."""
        name = {"pending": "retried", "failed": "failed", "given_up": "given_up"}[status]
        setattr(self, name, getattr(self, name) + n)


def to_alert(row: dict[str, Any], config: AlertSetup) -> Alert:
    """Build the message data of one outbox row (joined with its article and match)."""
    rule = config.rule(row["rule_id"])
    terms = tuple(json.loads(row["terms"] or "[]"))
    source = next((s for s in config.sources if s.id == row["source_id"]), None)
    name = source.name if source else row["source_id"]
    if source is not None and source.is_discovery:
        # A discovered article names its outlet, and how it was found.
        outlet = row.get("outlet_name") or row.get("outlet_host")
        name = f"{outlet} ({source.name})" if outlet else name
    text = snippet(row["body"], [squash(t) for t in terms])
    if row.get("partial"):
        text = f"[검색 결과 요약만: {row['partial']}] {text}"
    names = {s.id: s.name for s in config.sources}
    outlets = tuple(names.get(i, i) for i in json.loads(row.get("story_sources") or "[]"))
    return Alert(
        rule_id=row["rule_id"], rule_name=(rule.name or rule.id) if rule else row["rule_id"],
        article_id=row["article_id"], title=row["title"], url=row["url"],
        source_id=row["source_id"], source_name=name,
        published_at=row["published_at"], author=row["author"], snippet=text, terms=terms,
        story_id=row.get("article_story"), outlets=outlets,
    )


def retry_delay(attempts: int, base: float, cap: float, retry_after: float | None) -> float:
    """Seconds before the next attempt: Retry-After if given, else base·2^n with ±25% jitter."""
    if retry_after is not None:
        return retry_after
    return backoff_delay(attempts + 1, base, cap)


def after_failure(exc: DeliveryError, oldest: str, attempts: int, config: AlertSetup,
                  now: datetime, give_up_before: str) -> tuple[str, str, str | None]:
    """What a failed attempt leads to: (status, error, next attempt time or None).

    Not retryable: failed. Retryable but first queued before ``give_up_before``: given_up.
    Otherwise pending again, after the backoff (or the channel's Retry-After).
    """
    if not exc.retryable:
        return "failed", str(exc), None
    if oldest < give_up_before:
        return "given_up", f"given up after {config.alerts.give_up_after}: {exc}", None
    wait = retry_delay(attempts, config.alerts.retry_base, config.alerts.retry_max,
                       exc.retry_after)
    return "pending", str(exc), (now + timedelta(seconds=wait)).isoformat(timespec="seconds")


def _groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Immediate rows go one by one; digest rows of a channel and schedule go together."""
    singles = [[row] for row in rows if row["digest"] == "immediate"]
    digests: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        if row["digest"] != "immediate":
            digests.setdefault((row["channel_id"], row["digest"]), []).append(row)
    return singles + list(digests.values())


def deliver_due(archive: Archive, config: AlertSetup, sender: Sender | None = None,
                now: datetime | None = None) -> DeliveryReport:
    """Send every delivery that is due now; record each outcome in the outbox."""
    # Stored times are ISO strings in Korea time: compare like with like.
    now = (now or datetime.now(KST)).astimezone(KST)
    report = DeliveryReport()
    give_up_before = (now - parse_duration(config.alerts.give_up_after)).isoformat()
    due = claim_due(archive, now.isoformat(timespec="seconds"), config.alerts.timeout)
    if not due:
        return report
    with httpx.Client() as client:  # one connection pool for the whole pass
        chosen = sender or functools.partial(send, client=client,
                                             folder=config.archive_path.parent)
        for group in _groups(due):
            _deliver_group(archive, config, group, chosen, now, give_up_before, report)
    return report


def _deliver_group(archive: Archive, config: AlertSetup, group: list[dict[str, Any]],
                   sender: Sender, now: datetime, give_up_before: str,
                   report: DeliveryReport) -> None:
    ids = [row["id"] for row in group]
    channel = config.channel(group[0]["channel_id"])
    if channel is None:
        mark_failed(archive, ids, f"channel {group[0]['channel_id']!r} is not configured")
        report.failed += len(ids)
        return
    digest = None if group[0]["digest"] == "immediate" else "medradar 다이제스트"
    alerts = [to_alert(row, config) for row in group]
    if digest:  # one entry per story; its other copies show as "also reported by"
        alerts = collapse_stories(alerts, [row.get("story_id") is not None for row in group])
    try:
        sender(channel, alerts, digest, config.alerts.timeout, ",".join(map(str, ids)))
    except DeliveryError as exc:
        report.errors.append(str(exc))
        status, error, due = after_failure(
            exc, min(row["created_at"] for row in group), max(row["attempts"] for row in group),
            config, now, give_up_before)
        if due:
            mark_retry(archive, ids, due, error)
        else:
            mark_failed(archive, ids, error, status=status)
        report.count(status, len(ids))
        return
    mark_sent(archive, ids)
    report.sent += len(ids)
