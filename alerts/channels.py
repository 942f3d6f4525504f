"""Sending one message to one channel: webhooks with httpx, e-mail with smtplib.

Errors of the libraries underneath are translated once, here, into DeliveryError: retryable
(5xx, 429 with its Retry-After, timeouts, refused or reset connections, SMTP 4xx) or not
(other 4xx, SMTP 5xx), with the response shown.
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx

from alerts.config import ChannelConfig
from alerts.errors import DeliveryError
from alerts.render import (
    SIGNATURE_HEADER,
    Alert,
    encode_json,
    render_discord,
    render_email,
    render_slack,
    render_teams,
    render_webhook,
    sign,
    story_label,
)
from storage.backoff import retry_after_seconds
from storage.db import now_kst
from storage.redact import redact

logger = logging.getLogger("medradar.alerts")


def _payload(channel: ChannelConfig, alerts: Sequence[Alert], digest: str | None) -> bytes:
    if channel.kind == "slack":
        return encode_json(render_slack(alerts, digest))
    if channel.kind == "teams":
        return encode_json(render_teams(alerts, digest))
    if channel.kind == "discord":
        return encode_json(render_discord(alerts, digest))
    return encode_json(render_webhook(alerts, now_kst(), digest=digest is not None))


def post_webhook(channel: ChannelConfig, alerts: Sequence[Alert], digest: str | None,
                 timeout: float, delivery_id: str, client: httpx.Client | None = None) -> None:
    """POST the channel's payload; raise DeliveryError on failure."""
    post_json(channel, _payload(channel, alerts, digest), timeout, delivery_id, client)


def post_json(channel: ChannelConfig, body: bytes, timeout: float, delivery_id: str,
              client: httpx.Client | None = None) -> None:
    """POST a JSON body to a webhook channel (signed if it has a secret); raise DeliveryError."""
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "medradar-alerts/0.1", "X-Medradar-Delivery": delivery_id}
    if channel.secret:
        headers[SIGNATURE_HEADER] = sign(body, channel.secret)
    try:
        poster = client.post if client is not None else httpx.post
        response = poster(channel.url, content=body, headers=headers, timeout=timeout)
    except httpx.TimeoutException:
        raise DeliveryError(f"{channel.id}: timed out after {timeout:.0f}s", retryable=True) \
            from None
    except httpx.TransportError as exc:
        raise DeliveryError(f"{channel.id}: {type(exc).__name__}", retryable=True) from None
    if response.is_success:
        return
    # The body is kept in the outbox and shown by `alerts list`: no secret may ride along.
    shown = redact(response.text[:200].replace("\n", " "))
    message = f"{channel.id}: HTTP {response.status_code} {shown}".strip()
    if response.status_code == 429:
        raise DeliveryError(message, retryable=True,
                            retry_after=retry_after_seconds(response.headers.get("Retry-After")))
    raise DeliveryError(message, retryable=response.status_code >= 500)


def send_email(channel: ChannelConfig, alerts: Sequence[Alert], digest: str | None,
               timeout: float) -> None:
    """Send the alerts as one e-mail; raise DeliveryError on failure."""
    send_message(channel, render_email(alerts, channel.sender, channel.recipients, digest),
                 timeout)


def send_message(channel: ChannelConfig, message: EmailMessage, timeout: float) -> None:
    """Send one e-mail through the channel's SMTP server; raise DeliveryError on failure."""
    context = ssl.create_default_context(cafile=channel.ca_file or None)
    try:
        if channel.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(channel.smtp_host, channel.smtp_port,
                                                  timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(channel.smtp_host, channel.smtp_port, timeout=timeout)
        with smtp:
            if channel.security == "starttls":
                smtp.starttls(context=context)
            if channel.username:
                smtp.login(channel.username, channel.password)
            smtp.send_message(message)
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{channel.id}: SMTP {exc.smtp_code} {exc.smtp_error!r}",
                            retryable=exc.smtp_code < 500) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{channel.id}: {type(exc).__name__}: {exc}", retryable=True) \
            from None


def send(channel: ChannelConfig, alerts: Sequence[Alert], digest: str | None, timeout: float,
         delivery_id: str, client: httpx.Client | None = None,
         folder: Path | None = None) -> None:
    """Send one message (one alert, or a digest of several) to a channel.

    Pass an ``httpx.Client`` to reuse connections across many deliveries; ``folder`` is the
    archive's, where a console channel's file lives.
    """
    if channel.kind == "console":
        for alert in alerts:
            story = story_label(alert)
            logger.info("alert [%s] %s — %s %s%s", alert.rule_id, alert.title,
                        alert.source_name, alert.url, f" ({story})" if story else "")
        write_console(channel, render_webhook(alerts, now_kst(), digest=digest is not None),
                      folder)
    elif channel.kind == "email":
        send_email(channel, alerts, digest, timeout)
    else:
        post_webhook(channel, alerts, digest, timeout, delivery_id, client)


CONSOLE_FILE = "medradar-alerts.jsonl"


def write_console(channel: ChannelConfig, payload: dict[str, Any], folder: Path | None) -> None:
    """Append one JSON line (the webhook payload) to the console channel's file."""
    path = Path(channel.path or CONSOLE_FILE)
    if not path.is_absolute():
        path = (folder or Path.cwd()) / path
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(payload, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise DeliveryError(f"{channel.id}: cannot write {path}: {exc.strerror}",
                            retryable=True) from None
