"""One alert per story: the same release on three fixture outlets (tests/support/wire.py)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, deliver_as_of, make_config, run_cli
from tests.support.clock import today
from tests.support.outlet_server import OutletServer
from tests.support.receiver import Receiver
from tests.test_crawl import archive_rows

WIRE = ("wire_a", "wire_b", "wire_c")
RULES = """
[alerts]
timeout = 2
retry_base = 0

[[channels]]
id = "hook"
kind = "webhook"
url = "{hook}"

[[channels]]
id = "slack"
kind = "slack"
url = "{slack}"

[[rules]]
id = "ai-devices"
query = "인공지능 의료기기"
channels = ["hook", "slack"]
max_age = "30d"
digest = "{digest}"
per_story = {per_story}

[[rules]]
id = "seongnam"
query = "성남 바이오헬스"
channels = ["hook"]
max_age = "30d"
"""


@pytest.fixture(scope="module")
def wire() -> Iterator[dict[str, OutletServer]]:
    """The three wire outlets, their newest article published today."""
    servers = {name: OutletServer(name, newest=today()).start() for name in WIRE}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1."""
    with Receiver() as running:
        yield running


def configure(tmp_path: Path, wire: dict[str, OutletServer], receiver: Receiver,
              digest: str = "immediate", per_story: bool = True) -> Path:
    """A config crawling the wire outlets with the two rules above."""
    config = make_config(tmp_path, wire)
    rules = RULES.format(hook=receiver.url("/hook"), slack=receiver.url("/slack"),
                         digest=digest, per_story=str(per_story).lower())
    config.write_text(config.read_text("utf-8") + rules, "utf-8")
    return config


def alerts_by_rule(receiver: Receiver, path: str = "/hook") -> Counter[str]:
    """How many alerts each rule sent to one webhook path."""
    return Counter(alert["rule"]["id"] for got in receiver.received if got.path == path
                   for alert in got.json()["alerts"])


def crawl_concurrently(config: Path) -> None:
    """One crawl process per outlet, all started at once (they store at the same moments)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config),
                               "crawl", "--no-alerts", name], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for name in WIRE]
    errors = [proc.communicate()[1].decode() for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0], errors


def crawl(config: Path, how: str) -> None:
    """Crawl the wire outlets together, one after another, or in three processes at once."""
    if how == "together":
        done = run_cli("--config", str(config), "crawl")
        assert done.returncode == 0, done.stderr
    elif how == "one_by_one":
        for name in WIRE:
            done = run_cli("--config", str(config), "crawl", name)
            assert done.returncode == 0, done.stderr
    else:
        crawl_concurrently(config)
    run_cli("--config", str(config), "alerts", "send")


@pytest.mark.parametrize("how", ["together", "one_by_one", "concurrent_processes"])
def test_one_alert_per_story_and_channel(tmp_path: Path, wire: dict[str, OutletServer],
                                         receiver: Receiver, how: str) -> None:
    config = configure(tmp_path, wire, receiver)
    crawl(config, how)
    # ai-devices: the release (three copies) and the follow-up; seongnam: two events.
    assert alerts_by_rule(receiver) == {"ai-devices": 2, "seongnam": 2}
    assert sum(1 for got in receiver.received if got.path == "/slack") == 2
    copies = archive_rows(config, "SELECT s.members, s.outlets FROM stories s "
                                  "WHERE s.members > 1")
    assert copies == [{"members": 3, "outlets": 3}]
    matched = archive_rows(config, "SELECT count(*) AS n FROM matches "
                                   "WHERE rule_id = 'ai-devices'")[0]["n"]
    assert matched == 4, "every copy is still recorded as a match, for analysts"
    crawl(config, "together")  # nothing new: nothing more
    assert alerts_by_rule(receiver) == {"ai-devices": 2, "seongnam": 2}


def test_payload_carries_the_story(tmp_path: Path, wire: dict[str, OutletServer],
                                   receiver: Receiver) -> None:
    config = configure(tmp_path, wire, receiver)
    for name in WIRE:  # the alert goes out after the first copy; later ones join the story
        run_cli("--config", str(config), "crawl", name)
    story = archive_rows(config, "SELECT id FROM stories WHERE members = 3")[0]["id"]
    alerts = [a for got in receiver.received if got.path == "/hook"
              for a in got.json()["alerts"] if a["story"]["id"] == story]
    assert len(alerts) == 1
    assert alerts[0]["story"]["outlets"] >= 1
    slack = [got.json() for got in receiver.received if got.path == "/slack"]
    assert any(f"스토리 #{story}" in json.dumps(body, ensure_ascii=False) for body in slack)


def test_per_story_false_alerts_every_copy(tmp_path: Path, wire: dict[str, OutletServer],
                                           receiver: Receiver) -> None:
    config = configure(tmp_path, wire, receiver, per_story=False)
    crawl(config, "together")
    assert alerts_by_rule(receiver) == {"ai-devices": 4, "seongnam": 2}


def test_digest_lists_a_story_once_with_its_other_outlets(
    tmp_path: Path, wire: dict[str, OutletServer], receiver: Receiver
) -> None:
    config_path = configure(tmp_path, wire, receiver, digest="0 9 * * *")
    run_cli("--config", str(config_path), "crawl")
    deliver_as_of(config_path, timedelta(days=1))
    digests = [got.json() for got in receiver.received
               if got.path == "/hook" and got.json()["event"] == "digest"]
    assert len(digests) == 1
    entries = [a for a in digests[0]["alerts"] if a["rule"]["id"] == "ai-devices"]
    assert len(entries) == 2, "the release and the follow-up, each listed once"
    release = next(a for a in entries if a["story"]["outlets"] == 3)
    assert len(release["story"]["also_reported_by"]) == 2
    assert release["article"]["source_name"] not in release["story"]["also_reported_by"]
    slack = next(got.json() for got in receiver.received if got.path == "/slack")
    assert "also reported by" in json.dumps(slack, ensure_ascii=False)


def test_killed_crawl_and_restart_alert_once(tmp_path: Path, wire: dict[str, OutletServer],
                                             receiver: Receiver) -> None:
    config = configure(tmp_path, wire, receiver)
    receiver.mode = "500"  # nothing can be delivered before the kill
    first = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "crawl",
                              "wire_a"], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    queued = 0
    while queued == 0 and first.poll() is None:
        time.sleep(0.05)
        try:
            with sqlite3.connect(tmp_path / "archive.db", timeout=5) as conn:
                queued = conn.execute("SELECT count(*) FROM outbox WHERE rule_id = 'ai-devices'"
                                      ).fetchone()[0]
        except sqlite3.OperationalError:
            pass  # the crawl is creating the archive
    if first.poll() is None:
        os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    receiver.mode = "ok"
    crawl(config, "together")  # a restart: every outlet, the killed one's rest included
    # Deliveries the killed crawl had claimed wait for their lease to run out.
    deliver_as_of(config, timedelta(minutes=30))
    assert alerts_by_rule(receiver) == {"ai-devices": 2, "seongnam": 2}


def test_stories_command_and_search_by_story(tmp_path: Path, wire: dict[str, OutletServer],
                                             receiver: Receiver,
                                             cli: Callable[..., Any]) -> None:
    config = configure(tmp_path, wire, receiver)
    run_cli("--config", str(config), "crawl", "--no-alerts")
    listed = cli("--config", str(config), "stories", "--since", "7d", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    release = next(r for r in rows if r["members"] == 3)
    assert release["source_ids"][0] in WIRE and sorted(release["source_ids"]) == list(WIRE)
    assert len(release["articles"]) == 3
    table = cli("--config", str(config), "stories", "--min-outlets", "2")
    assert "메디와이어" in table.stdout and "1 story(ies)" in table.stderr
    flat = json.loads(cli("--config", str(config), "search", "인공지능 의료기기",
                          "--format", "json").stdout)
    grouped = json.loads(cli("--config", str(config), "search", "인공지능 의료기기",
                             "--stories", "--format", "json").stdout)
    assert (len(flat), len(grouped)) == (4, 2)
    assert sorted(g["story_articles"] for g in grouped) == [1, 3]
