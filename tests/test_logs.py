"""The daemon's logs: text and JSON lines on stderr, secrets and webhook URLs never shown."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.conftest import REPO

SECRET = "sig-Very-Secret-2026"
SLACK = "https://hooks.slack.com/services/T0AAA/B0BBB/xyzXYZ123"
DISCORD = "https://discord.com/api/webhooks/1234567/tokenTOKEN"
TEAMS = "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/0f0f/1a1a"
SMTP = "smtp://alerts:hunter2hunter@mail.example.org:587"
LEAKS = (SECRET, "xyzXYZ123", "tokenTOKEN", "IncomingWebhook", "hunter2hunter")


def log_output(fmt: str, body: str, secrets: tuple[str, ...] = (SECRET,)) -> str:
    """Run setup_logging(fmt, secrets=...) then body in a fresh interpreter; return stderr."""
    script = (
        "import logging\nfrom monitor.logs import setup_logging, update_secrets\n"
        f"setup_logging({fmt!r}, secrets={list(secrets)!r})\n"
        "log = logging.getLogger('medradar.daemon')\n" + textwrap.dedent(body))
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr


EVERY_PATH = f"""
log.info("sending to %s", {SLACK!r})
log.warning("discord %s and teams %s", {DISCORD!r}, {TEAMS!r})
log.error("signed with {SECRET} via {SMTP}")
log.info("extra fields", extra={{"source": "bosa", "url": {SLACK!r}}})
try:
    raise RuntimeError("POST {SLACK} failed; secret {SECRET}")
except RuntimeError:
    log.exception("delivery to %s crashed", "slack")
"""


def test_text_lines_are_readable_and_redacted() -> None:
    output = log_output("text", EVERY_PATH)
    for leak in LEAKS:
        assert leak not in output, leak
    lines = output.splitlines()
    assert lines[0].endswith(" INFO medradar.daemon: sending to "
                             "https://hooks.slack.com/services/***")
    assert lines[0][:19].replace("-", "").replace(":", "").replace(" ", "").isdigit()
    assert "https://discord.com/api/webhooks/***" in output
    assert "https://contoso.webhook.office.com/***" in output
    assert "signed with *** via smtp://alerts:***@mail.example.org:587" in output
    assert "Traceback (most recent call last)" in output
    assert "RuntimeError: POST https://hooks.slack.com/services/*** failed; secret ***" in output


def test_json_lines_parse_and_are_redacted() -> None:
    output = log_output("json", EVERY_PATH)
    for leak in LEAKS:
        assert leak not in output, leak
    entries = [json.loads(line) for line in output.splitlines()]
    assert [e["level"] for e in entries] == ["INFO", "WARNING", "ERROR", "INFO", "ERROR"]
    first = entries[0]
    assert first["logger"] == "medradar.daemon"
    assert first["message"] == "sending to https://hooks.slack.com/services/***"
    assert first["time"][10] == "T" and first["time"][-6] in "+-"  # ISO 8601 with offset
    assert entries[3]["source"] == "bosa"
    assert entries[3]["url"] == "https://hooks.slack.com/services/***"
    assert "exc" not in first
    assert entries[4]["message"] == "delivery to slack crashed"
    assert entries[4]["exc"].startswith("Traceback")
    assert "RuntimeError: POST https://hooks.slack.com/services/*** failed" in entries[4]["exc"]


def test_json_keeps_korean_readable() -> None:
    output = log_output("json", 'log.info("%s: 새 기사 %d건", "의학신문", 3)\n')
    assert json.loads(output)["message"] == "의학신문: 새 기사 3건"
    assert "의학신문" in output  # not \\uc758 escapes


def test_reload_replaces_secrets_and_short_values_are_not_redacted() -> None:
    output = log_output("text", """
        update_secrets(["new-secret-value", "smtp"])
        log.info("old sig-Very-Secret-2026, new new-secret-value, host smtp.example.org")
    """)
    assert "old sig-Very-Secret-2026, new ***, host smtp.example.org" in output


def test_second_setup_replaces_the_handler() -> None:
    output = log_output("text", """
        setup_logging("json", secrets=["sig-Very-Secret-2026"])
        log.info("once %s", "sig-Very-Secret-2026")
        print(len(logging.getLogger().handlers), file=__import__("sys").stderr)
    """)
    lines = output.splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["message"] == "once ***"
    assert lines[1] == "1"


def test_httpx_request_urls_are_not_logged() -> None:
    output = log_output("text", """
        logging.getLogger("httpx").info("HTTP Request: POST https://example.org/hook")
        log.info("done")
    """)
    assert "HTTP Request" not in output and "done" in output
