"""Secrets out of text that is logged or kept: configured secrets, webhook paths, URL passwords.

The daemon's log formatter (monitor.logs) and alert delivery, whose error text is kept in the
archive's outbox, redact with the one ``REDACT``; it lives in the bottom layer so both can.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "***"
MIN_SECRET_LENGTH = 6  # shorter values ("smtp", "user") would blank out ordinary words

# Webhook URLs whose path is the credential: keep the host, hide the rest.
_WEBHOOK = re.compile(
    r"(?P<keep>hooks\.slack\.com/(?:services|workflows|triggers)/"
    r"|discord(?:app)?\.com/api/webhooks/"
    r"|[\w-]+\.webhook\.office\.com/"
    r"|[\w.-]*logic\.azure\.com(?::\d+)?/workflows/)"
    r"[^\s\"'<>)\]}]+")
_USERINFO = re.compile(r"(?P<keep>\b[a-zA-Z][\w+.-]*://[^\s/:@]*:)[^\s/@]+@")


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
