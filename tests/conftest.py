"""Shared fixtures: fixture outlets on real local HTTP servers, configs, fresh archives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.outbox import DeliveryReport, deliver_due
from monitor.config import load_config
from storage import open_archive
from tests.support.outlet_server import OUTLETS, OutletServer

REPO = Path(__file__).resolve().parent.parent
MEDRADAR = [sys.executable, "-m", "monitor"]


@pytest.fixture
def outlet() -> Iterator[Callable[..., OutletServer]]:
    """Start fixture outlets by name on 127.0.0.1; all are stopped after the test.

    ``newest`` moves the outlet's dates so that its newest article day is that day
    (tests/support/clock.py); without it the files are served with the dates as written.
    """
    started: list[OutletServer] = []

    def start(name: str, newest: date | None = None) -> OutletServer:
        server = OutletServer(name, newest=newest).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def source_toml(source_id: str, server: OutletServer, **overrides: Any) -> str:
    """Return a [[sources]] table for a fixture outlet, its paths made absolute."""
    spec: dict[str, Any] = dict(server.meta.get("source", {}))
    spec.update(overrides)
    lines = ["[[sources]]", f'id = "{source_id}"', f"name = {json.dumps(spec['name'])}",
             f'kind = "{spec["kind"]}"', f'url = "{server.origin}"']
    for key in ("feeds", "start_urls", "sitemaps"):
        if spec.get(key):
            lines.append(f"{key} = {json.dumps([server.url(p) for p in spec[key]])}")
    if spec.get("article_pattern"):
        lines.append(f"article_pattern = '{spec['article_pattern']}'")
    for key in ("max_pages", "max_articles", "enabled", "every", "cron"):
        if key in spec:
            lines.append(f"{key} = {json.dumps(spec[key])}")
    return "\n".join(lines) + "\n"


def make_config(folder: Path, sources: dict[str, OutletServer], crawl: str = "",
                **per_source: Any) -> Path:
    """Write a medradar.toml for some fixture outlets into folder; returns its path.

    Politeness delay and retry backoff are off so tests run fast; everything else is the
    production path.
    """
    text = ('[archive]\npath = "archive.db"\n\n[crawl]\ndelay = 0\ntimeout = 10\n'
            f"retries = 1\nretry_backoff = 0\nextract_workers = 1\n{crawl}\n")
    for source_id, server in sources.items():
        text += "\n" + source_toml(source_id, server, **per_source.get(source_id, {}))
    path = folder / "medradar.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """make_config into this test's tmp_path."""

    def write(sources: dict[str, OutletServer], crawl: str = "", **per_source: Any) -> Path:
        return make_config(tmp_path, sources, crawl, **per_source)

    return write


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            stdin: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the medradar CLI in a subprocess, as an operator would."""
    full_env = {k: v for k, v in os.environ.items() if k != "MEDRADAR_CONFIG"}
    full_env.update({"PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})})
    done = subprocess.run([*MEDRADAR, *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, input=stdin, timeout=timeout)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def deliver_as_of(config_path: Path, later: timedelta) -> DeliveryReport:
    """Send what is due ``later`` from now: a digest's hour, or the lease of a delivery that a
    killed crawl had claimed run out (without it the test depends on when the kill landed)."""
    config = load_config(str(config_path))
    archive = open_archive(config.archive_path)
    try:
        return deliver_due(archive, config, now=datetime.now().astimezone() + later)
    finally:
        archive.close()


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """The run_cli helper as a fixture."""
    return run_cli


def outlet_names() -> list[str]:
    """Every fixture outlet with an outlet.toml."""
    return sorted(p.parent.name for p in OUTLETS.glob("*/outlet.toml"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the extraction gate's scores beside plain trafilatura's."""
    from tests.support.quality import SCORES

    if not SCORES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("extraction quality (character-bigram F1 vs gold)")
    write(f"{'page':52} {'medradar':>9} {'plain trafilatura':>18}")
    for page_id, (ours, plain) in sorted(SCORES.items()):
        write(f"{page_id:52} {ours:9.3f} {plain:18.3f}")
    n = len(SCORES)
    write(f"{'mean of ' + str(n) + ' pages':52} {sum(o for o, _ in SCORES.values()) / n:9.3f} "
          f"{sum(p for _, p in SCORES.values()) / n:18.3f}")
