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
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

# Re-exported: the daemon and tests reach redaction through its logs.
from storage.redact import REDACT
from storage.redact import redact as redact
from storage.redact import update_secrets as update_secrets

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore")  # httpx logs every request URL at INFO: webhook URLs
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName"}


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
