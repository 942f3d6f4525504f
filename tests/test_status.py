"""``medradar status``, run as a subprocess on archives written by the storage functions or
by a real crawl of a fixture outlet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage.db import open_archive
from storage.health import daemon_heartbeat, daemon_started, set_schedule
from tests.conftest import REPO
from tests.support.outlet_server import OutletServer
from tests.support.sample_archive import build

Cli = Callable[..., subprocess.CompletedProcess[str]]


def sample_config(folder: Path) -> Path:
    """A config for the sample archive's two sources, plus one disabled source never run."""
    rows = [("bosa", "의학신문", "true"), ("kormedi", "코메디닷컴", "true"),
            ("later", "새 매체", "false")]
    text = '[archive]\npath = "archive.db"\n' + "".join(
        f'\n[[sources]]\nid = "{i}"\nname = "{name}"\nkind = "rss"\n'
        f'feeds = ["https://{i}.example/feed"]\nenabled = {on}\n' for i, name, on in rows)
    (folder / "medradar.toml").write_text(text, "utf-8")
    return folder / "medradar.toml"


def status_json(cli: Cli, config: Path) -> dict[str, Any]:
    """Run ``medradar status --json`` and return its object."""
    done = cli("--config", str(config), "status", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def table_rows(stdout: str) -> dict[str, list[str]]:
    """Return the status table's cells by source column: state, last run, next run, ..."""
    return {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in stdout.splitlines() if line.startswith("│")}


def test_missing_archive_is_one_line_and_exit_1(tmp_path: Path, cli: Cli) -> None:
    config = sample_config(tmp_path)
    done = cli("--config", str(config), "status")
    assert done.returncode == 1
    assert done.stderr == f"medradar: error: no archive at {tmp_path / 'archive.db'} yet " \
                          "(run `medradar crawl` or `medradar run` first)\n"
    assert not (tmp_path / "archive.db").exists(), "status must not create an archive"


def test_table_shows_each_source_and_the_summary(tmp_path: Path, cli: Cli) -> None:
    build(tmp_path / "archive.db")
    done = cli("--config", str(sample_config(tmp_path)), "status")
    assert done.returncode == 0, done.stderr
    rows = table_rows(done.stdout)
    assert rows["bosa"][0] == "ok" and rows["bosa"][1].endswith(" ok")
    assert rows["bosa"][3] == "2"
    assert rows["kormedi"][0] == "failing" and rows["kormedi"][1].endswith(" failed")
    assert rows["kormedi"][5].endswith("connection refused (https://kormedi.com/feed)")
    assert rows["later (off)"] == ["unknown", "never", "-", "0", "", ""]
    summary = done.stdout.split("┘\n", 1)[1].splitlines()
    assert summary == [
        "daemon:  not running (no daemon has run on this archive)",
        "alerts:  1 pending, 1 failed, 0 given up, 0 sent",
        "notices: 1 pending, 0 failed, 0 given up, 0 sent",
        f"archive: {tmp_path / 'archive.db'}: {archive_mb(tmp_path):.1f} MB, 2 articles",
    ]


def archive_mb(folder: Path) -> float:
    """The archive file and its WAL, in MB (the schema grows with each migration)."""
    return sum(p.stat().st_size for p in folder.glob("archive.db*")
               if not p.name.endswith("-shm")) / 1e6


def test_json_has_every_part(tmp_path: Path, cli: Cli) -> None:
    archive = build(tmp_path / "archive.db")
    status = status_json(cli, sample_config(tmp_path))
    assert set(status) == {"daemon", "sources", "deliveries", "notices", "archive"}
    assert status["daemon"] == {"state": "none", "running": False}
    by_id = {s["id"]: s for s in status["sources"]}
    assert list(by_id) == ["bosa", "kormedi", "later"]
    assert by_id["bosa"]["state"] == "ok" and by_id["bosa"]["new_24h"] == 2
    assert by_id["bosa"]["last_run_status"] == "ok"
    assert by_id["bosa"]["last_run_at"].endswith("+09:00")  # KST, as stored
    assert by_id["kormedi"]["state"] == "failing"
    assert by_id["kormedi"]["reason"] == "connection refused"
    assert by_id["later"]["enabled"] is False and by_id["later"]["last_run_at"] is None
    assert status["deliveries"] == {"pending": 1, "sent": 0, "failed": 1, "given_up": 0}
    assert status["notices"] == {"pending": 1, "sent": 0, "failed": 0, "given_up": 0}
    assert status["archive"]["path"] == str(archive)
    assert status["archive"]["articles"] == 2
    assert status["archive"]["bytes"] >= archive.stat().st_size > 0


def test_daemon_running_then_stopped(tmp_path: Path, cli: Cli) -> None:
    archive = open_archive(build(tmp_path / "archive.db"))
    config = sample_config(tmp_path)
    try:
        daemon_started(archive, str(config))  # this test process plays the daemon
        set_schedule(archive, {"bosa": (None, "2026-11-24T09:15:00+09:00")})
        status = status_json(cli, config)
        assert status["daemon"]["state"] == "running" and status["daemon"]["running"]
        assert status["daemon"]["pid"] == os.getpid()
        assert status["daemon"]["heartbeat_age_seconds"] < 60
        assert status["sources"][0]["next_run_at"] == "2026-11-24T09:15:00+09:00"
        text = cli("--config", str(config), "status").stdout
        assert f"daemon:  running, pid {os.getpid()}, heartbeat " in text
        assert "2026-11-24 09:15" in text
        daemon_heartbeat(archive, stopped=True)
        status = status_json(cli, config)
        assert status["daemon"]["state"] == "stopped" and status["daemon"]["stopped_at"]
        assert "daemon:  not running (stopped at " in cli("--config", str(config),
                                                         "status").stdout
    finally:
        archive.close()


def test_daemon_that_died_without_stopping(tmp_path: Path, cli: Cli) -> None:
    archive = build(tmp_path / "archive.db")
    started = subprocess.run(  # a "daemon" that records its start and is gone at once
        [sys.executable, "-c", "import sys; from storage.db import open_archive; "
         "from storage.health import daemon_started; "
         "daemon_started(open_archive(sys.argv[1]), 'x')", str(archive)],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    opened = open_archive(archive)
    set_schedule(opened, {"bosa": (None, "2026-11-24T09:15:00+09:00")})
    opened.close()
    config = sample_config(tmp_path)
    daemon = status_json(cli, config)["daemon"]
    assert daemon["state"] == "stale" and not daemon["running"]
    text = cli("--config", str(config), "status").stdout
    assert f"not running (pid {daemon['pid']} did not stop cleanly" in text
    assert table_rows(text)["bosa"][2] == "-", "no next run without a running daemon"


def test_status_after_a_real_crawl(cli: Cli, outlet: Callable[[str], OutletServer],
                                   write_config: Callable[..., Path]) -> None:
    config = write_config({"medinews": outlet("medinews")})
    crawled = cli("--config", str(config), "crawl")
    assert crawled.returncode == 0, crawled.stderr
    status = status_json(cli, config)
    (source,) = status["sources"]
    assert source["id"] == "medinews" and source["last_run_status"] == "ok"
    assert source["new_24h"] == status["archive"]["articles"] > 0
