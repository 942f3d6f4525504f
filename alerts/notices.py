"""Delivering ops messages (source health changes) from the notices table, with retries."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from alerts.channels import post_json, send_message, write_console
from alerts.config import AlertSetup, ChannelConfig
from alerts.errors import DeliveryError
from alerts.outbox import DeliveryReport, after_failure
from alerts.render import Notice, encode_json, render_notice, render_notice_email
from storage.config import parse_duration
from storage.db import Archive
from storage.health import due_notices, mark_notice
from storage.normalize import KST

logger = logging.getLogger("medradar.alerts")


def to_notice(row: dict[str, Any], config: AlertSetup) -> Notice:
    """Build the message data of one notices row."""
    source = next((s for s in config.sources if s.id == row["source_id"]), None)
    return Notice(notice_id=row["id"], source_id=row["source_id"],
                  source_name=source.name if source else row["source_id"], state=row["state"],
                  previous=row["previous"], message=row["message"], at=row["created_at"])


def deliver_notices(archive: Archive, config: AlertSetup, client: httpx.Client | None = None,
                    now: datetime | None = None) -> DeliveryReport:
    """Send every ops message that is due; record each outcome in the notices table."""
    # Stored times are ISO strings in Korea time: compare like with like.
    now = (now or datetime.now(KST)).astimezone(KST)
    report = DeliveryReport()
    give_up_before = (now - parse_duration(config.alerts.give_up_after)).isoformat()
    for row in due_notices(archive, now.isoformat(timespec="seconds")):
        channel = config.channel(row["channel_id"])
        if channel is None:
            mark_notice(archive, row["id"], "failed",
                        f"channel {row['channel_id']!r} is not configured")
            report.failed += 1
            continue
        notice = to_notice(row, config)
        try:
            send_notice(channel, notice, config, client, f"notice-{row['id']}")
        except DeliveryError as exc:
            report.errors.append(str(exc))
            status, error, due = after_failure(exc, row["created_at"], row["attempts"], config,
                                               now, give_up_before)
            mark_notice(archive, row["id"], status, error, due)
            report.count(status, 1)
            continue
        mark_notice(archive, row["id"], "sent")
        report.sent += 1
    return report


ARCHIVE = "archive"  # the source_id of ops messages about the archive itself


def send_archive_notice(config: AlertSetup, channels: Sequence[str], client: httpx.Client | None,
                        state: str, previous: str, message: str) -> list[str]:
    """Send an ops message about the archive (full, read-only, gone, recovered) to the given
    health channels at once, without the notices table, which may be what cannot be written.

    Returns the delivery errors (one line each); a failed one is not retried.
    """
    notice = Notice(notice_id=0, source_id=ARCHIVE, source_name=ARCHIVE, state=state,
                    previous=previous, message=message,
                    at=datetime.now(KST).isoformat(timespec="seconds"))
    errors = []
    for name in channels:
        channel = config.channel(name)
        if channel is None:
            continue
        try:
            send_notice(channel, notice, config, client, f"archive-{state}-{notice.at}")
        except DeliveryError as exc:
            errors.append(str(exc))
    return errors


def send_notice(channel: ChannelConfig, notice: Notice, config: AlertSetup,
                client: httpx.Client | None, delivery_id: str) -> None:
    """Send one ops message to one channel; raise DeliveryError on failure."""
    if channel.kind == "console":
        console_notice(channel, notice, config)
    elif channel.kind == "email":
        send_message(channel, render_notice_email(notice, channel.sender, channel.recipients),
                     config.alerts.timeout)
    else:
        post_json(channel, encode_json(render_notice(channel.kind, notice)),
                  config.alerts.timeout, delivery_id, client)


def console_notice(channel: ChannelConfig, notice: Notice, config: AlertSetup) -> None:
    """An ops message on the console channel: a log line and a JSON line."""
    logger.warning("ops: %s", notice.message)
    write_console(channel, render_notice("webhook", notice), config.archive_path.parent)
