"""The daemon's logs on stderr, as readable text or JSON lines, with secrets redacted.

Redaction works on the finished output of each record (message, %-args, traceback, extra
fields), so a secret cannot slip through a path nobody thought of. Three things are replaced
by ``***``: every configured secret (channel URLs, signing secrets, SMTP passwords, the
client id and secret of Naver discovery sources: ``Config.secrets``), the path
of any Slack, Discord or Teams webhook URL, and the password of any ``scheme://user:pass@``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

REDACTED = "***"
MIN_SECRET_LENGTH = 6  # shorter values ("smtp", "user") would blank out ordinary words
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore")  # httpx logs every request URL at INFO: webhook URLs

# Webhook URLs whose path is the credential: keep the host, hide the rest.
_WEBHOOK = re.compile(
    r"(?P<keep>hooks\.slack\.com/(?:services|workflows|triggers)/"
    r"|discord(?:app)?\.com/api/webhooks/"
    r"|[\w-]+\.webhook\.office\.com/"
    r"|[\w.-]*logic\.azure\.com(?::\d+)?/workflows/)"
    r"[^\s\"'<>)\]}]+")
_USERINFO = re.compile(r"(?P<keep>\b[a-zA-Z][\w+.-]*://[^\s/:@]*:)[^\s/@]+@")
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


class Redactor:
    """Replaces secrets and credential-bearing URL parts in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: tuple[str, ...] = ()
        self.update(secrets)

    def update(self, secrets: Iterable[str]) -> None:
        """Replace the list of secrets (longest first, so no secret is half-replaced)."""
        kept = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        self.secrets = tuple(sorted(kept, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        """Return text with every secret, webhook path and URL password replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        text = _WEBHOOK.sub(rf"\g<keep>{REDACTED}", text)
        return _USERINFO.sub(rf"\g<keep>{REDACTED}@", text)


REDACT = Redactor()


def redact(text: str) -> str:
    """Return text as the logs would show it: secrets and webhook paths as ***."""
    return REDACT(text)


def update_secrets(secrets: Iterable[str]) -> None:
    """Replace the secrets the logs redact (on a config reload)."""
    REDACT.update(secrets)


class TextFormatter(logging.Formatter):
    """``2026-11-23 18:00:00 INFO medradar.daemon: message``, redacted."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, datefmt="%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        """Format the record as usual (traceback included), then redact the whole text."""
        return REDACT(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, exc, and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as one redacted JSON line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in entry:
                entry[key] = value
        return json.dumps(_redacted(entry), ensure_ascii=False)


def _redacted(value: Any) -> Any:
    """Return value made JSON-ready, with every string in it redacted."""
    if isinstance(value, dict):
        return {str(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return REDACT(value if isinstance(value, str) else str(value))


class _MedradarHandler(logging.StreamHandler[TextIO]):
    """The handler setup_logging installs; found again by type, so a second call replaces it."""


def setup_logging(fmt: str = "text", level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Send every log record to stderr as text or JSON lines, with secrets redacted."""
    formatters: dict[str, type[logging.Formatter]] = {"text": TextFormatter,
                                                      "json": JsonFormatter}
    if fmt not in formatters:
        raise ValueError(f"log format must be text or json, not {fmt!r}")
    update_secrets(secrets)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _MedradarHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _MedradarHandler(sys.stderr)
    handler.setFormatter(formatters[fmt]())
    # On the handler too: Scrapy sets its own loggers to DEBUG and the root to NOTSET.
    handler.setLevel(level.upper())
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
