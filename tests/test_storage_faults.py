"""Storage faults: a locked archive, a full one, a read-only one. The daemon never exits for
them, the CLI says what happened in one line and exits 1, nothing is lost once they clear, and
no traceback is printed for any of them (issue 14).

Every fault is real: a second SQLite connection holding ``BEGIN EXCLUSIVE`` past the writers'
patience, an archive capped with ``[archive] max_size_mb`` (SQLite's max_page_count), a file
made immutable with chattr.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from storage import ArchiveUnavailable, open_archive
from storage.db import probe_writes, transaction, unavailable
from tests.conftest import MEDRADAR, REPO, make_config, run_cli
from tests.support.clock import today
from tests.support.outlet_server import OutletServer
from tests.support.receiver import Receiver
from tests.test_crawl import archive_rows

RULE = ('\n[[channels]]\nid = "hook"\nkind = "webhook"\nurl = "{url}"\n'
        '\n[[rules]]\nid = "devices"\nquery = "의료기기"\nchannels = ["hook"]\nmax_age = "30d"\n')


@contextmanager
def held_lock(path: Path) -> Iterator[threading.Event]:
    """Hold the archive's write lock (BEGIN EXCLUSIVE) in another connection until the block
    ends or the yielded event is set."""
    release, taken = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("BEGIN EXCLUSIVE")
        taken.set()
        release.wait(120)
        conn.rollback()
        conn.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert taken.wait(30), "could not take the lock"
    try:
        yield release
    finally:
        release.set()
        thread.join(30)


def faulty_config(folder: Path, servers: dict[str, OutletServer], hook: Receiver | None = None,
                  archive: str = 'lock_timeout = "1s"\n', **per_source: Any) -> Path:
    """A test config whose writers wait one second for a lock, with a 의료기기 rule."""
    config = make_config(folder, servers, **per_source)
    text = config.read_text("utf-8").replace('path = "archive.db"\n',
                                             f'path = "archive.db"\n{archive}')
    if hook:
        text += RULE.format(url=hook.url("/hook"))
    config.write_text(text, "utf-8")
    return config


def stored(config: Path) -> int:
    """Articles in the test archive."""
    return int(archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"])


def alerted(hook: Receiver) -> list[str]:
    """Article URLs the webhook received, repeats kept."""
    return [a["article"]["url"] for got in list(hook.received) for a in got.json()["alerts"]]


def assert_one_line(done: subprocess.CompletedProcess[str], *parts: str) -> None:
    """Exit 1 and one error line naming the fault; no traceback anywhere."""
    output = done.stdout + done.stderr
    assert done.returncode == 1, (done.returncode, output[-2000:])
    assert "Traceback" not in output and "RuntimeError" not in output, output[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("medradar: error:")]
    assert len(errors) == 1 and all(p in errors[0] for p in parts), done.stderr[-2000:]


@pytest.fixture
def medinews(outlet: Callable[..., OutletServer]) -> OutletServer:
    """medinews with its newest article today (its matches alert)."""
    return outlet("medinews", newest=today())


# -- locked ------------------------------------------------------------------------------------


def test_crawl_while_the_archive_is_locked_exits_1_then_the_next_crawl_loses_nothing(
        medinews: OutletServer, tmp_path: Path) -> None:
    with Receiver() as hook:
        config = faulty_config(tmp_path, {"medinews": medinews}, hook)
        open_archive(tmp_path / "archive.db").close()
        with held_lock(tmp_path / "archive.db"):
            done = run_cli("--config", str(config), "crawl")
        assert_one_line(done, "archive: locked by", "write transaction")
        done = run_cli("--config", str(config), "crawl")
        assert done.returncode == 0, done.stderr
        assert stored(config) == 12
        urls = alerted(hook)
        assert urls and len(urls) == len(set(urls)), urls


def test_lock_in_the_middle_of_a_crawl_stops_every_source_cleanly_and_loses_nothing(
        outlet: Callable[..., OutletServer], tmp_path: Path) -> None:
    medinews, bionews = outlet("medinews"), outlet("bionews")
    for server, prefix in ((medinews, 1001), (bionews, 52001)):
        for n in range(prefix, prefix + 10):  # slow pages: the lock comes while they load
            path = f"/news/articleView.html?idxno={n}"
            key = f"news/articleView.html@idxno={n}"
            server.set(path, delay=0.4, body=server.read(key))
    config = faulty_config(tmp_path, {"medinews": medinews, "bionews": bionews},
                           crawl="per_host = 1")
    crawl = subprocess.Popen([*MEDRADAR, "--config", str(config), "crawl"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (tmp_path / "archive.db").exists():
        time.sleep(0.05)
    while time.monotonic() < deadline and stored_now(tmp_path) < 2:
        time.sleep(0.05)
    with held_lock(tmp_path / "archive.db"):
        out, err = crawl.communicate(timeout=120)
    done = subprocess.CompletedProcess(crawl.args, crawl.returncode, out, err)
    assert_one_line(done, "archive: locked by")
    assert stored(config) < 22, "the crawl ended before the lock: the test proves nothing"
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    assert stored(config) == 22, "a page fetched during the lock was lost"


def stored_now(folder: Path) -> int:
    """Articles in folder/archive.db, 0 while it is not readable."""
    try:
        with sqlite3.connect(folder / "archive.db", timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_daemon_started_while_the_archive_is_locked_waits_and_carries_on(
        medinews: OutletServer, tmp_path: Path) -> None:
    from tests.test_daemon import running, wait_for

    with Receiver() as hook:
        config = faulty_config(tmp_path, {"medinews": medinews}, hook,
                               medinews={"every": "2s"})
        config.write_text(config.read_text("utf-8")
                          + '\n[daemon]\ndispatch_every = "1s"\ngrace = "5s"\n', "utf-8")
        open_archive(tmp_path / "archive.db").close()
        with running(config, tmp_path / "daemon.log") as daemon:
            with held_lock(tmp_path / "archive.db"):
                wait_for("the lock reported", lambda: "archive: locked" in daemon.text(),
                         daemon, timeout=30)
                time.sleep(3)  # well past the 1 s patience: the daemon must still be there
                assert daemon.proc.poll() is None, daemon.text()[-2000:]
            wait_for("the crawl after the lock", lambda: stored_now(tmp_path) == 12, daemon)
            wait_for("the alerts", lambda: len(alerted(hook)) > 0, daemon)
            assert daemon.stop() == 0
        log = daemon.text()
        assert "Traceback" not in log, log[-3000:]
        assert log.count("archive: locked by") == 2, "one line per change, not one per retry"
        assert "archive: writes go through again" in log
        urls = alerted(hook)
        assert len(urls) == len(set(urls)), urls


def test_alert_dispatch_during_a_lock_loses_nothing_and_sends_nothing_twice(
        medinews: OutletServer, tmp_path: Path) -> None:
    from tests.test_daemon import running, wait_for

    with Receiver() as hook:
        hook.mode = "500"  # the alerts wait in the outbox
        config = faulty_config(tmp_path, {"medinews": medinews}, hook,
                               medinews={"every": "1h"})
        config.write_text(config.read_text("utf-8")
                          + '\n[daemon]\ndispatch_every = "1s"\ngrace = "5s"\n'
                          + '\n[alerts]\nretry_base = 0\n', "utf-8")
        with running(config, tmp_path / "daemon.log") as daemon:
            wait_for("the crawl", lambda: stored_now(tmp_path) == 12, daemon)
            with held_lock(tmp_path / "archive.db"):
                hook.mode = "ok"
                time.sleep(4)  # several dispatch passes meet the lock
                assert daemon.proc.poll() is None, daemon.text()[-2000:]
            matches = len(archive_rows(config, "SELECT * FROM matches"))
            wait_for("every match alerted", lambda: len(set(alerted(hook))) == matches, daemon)
            time.sleep(2)
            assert daemon.stop() == 0
        assert "Traceback" not in daemon.text(), daemon.text()[-3000:]
        urls = alerted(hook)
        assert len(urls) == len(set(urls)) == matches, urls


# -- full, read-only, gone ---------------------------------------------------------------------


def just_full(folder: Path) -> str:
    """An [archive] max_size_mb that holds the empty archive and not much more."""
    open_archive(folder / "archive.db").close()
    size = (folder / "archive.db").stat().st_size / 1e6
    return f"{size + 0.03:.3f}"


def test_full_archive_exits_1_then_recovers_when_space_returns(
        medinews: OutletServer, tmp_path: Path) -> None:
    cap = just_full(tmp_path)
    config = faulty_config(tmp_path, {"medinews": medinews}, archive=f"max_size_mb = {cap}\n")
    done = run_cli("--config", str(config), "crawl")
    assert_one_line(done, "archive: full", f"max_size_mb = {cap}")
    assert stored(config) < 12
    status = run_cli("--config", str(config), "status")
    assert "archive: full" in status.stdout, status.stdout + status.stderr
    config.write_text(config.read_text("utf-8").replace(f"max_size_mb = {cap}",
                                                        "max_size_mb = 50"))
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    assert stored(config) == 12
    assert archive_rows(config, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


@pytest.mark.skipif(shutil.which("chattr") is None, reason="chattr is needed for a read-only file")
def test_read_only_archive_exits_1_then_recovers(medinews: OutletServer, tmp_path: Path) -> None:
    config = faulty_config(tmp_path, {"medinews": medinews})
    archive = open_archive(tmp_path / "archive.db")
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.close()
    if subprocess.run(["chattr", "+i", str(tmp_path / "archive.db")]).returncode != 0:
        pytest.skip("chattr +i is not allowed here")
    try:
        done = run_cli("--config", str(config), "crawl")
        assert_one_line(done, "archive: read-only")
        status = run_cli("--config", str(config), "status", "--json")
        assert '"state": "read-only"' in status.stdout, status.stdout + status.stderr
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "archive.db")], check=True)
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    assert stored(config) == 12


@pytest.mark.parametrize(
    ("message", "fault"),
    [("database is locked", "locked"), ("database or disk is full", "disk full"),
     ("attempt to write a readonly database", "read-only"), ("disk I/O error", "I/O error")],
    ids=["locked", "disk-full", "read-only", "io-error"])
def test_sqlite_errors_become_one_operator_line(tmp_path: Path, message: str,
                                                fault: str) -> None:
    found = unavailable(sqlite3.OperationalError(message), tmp_path / "archive.db")
    assert found is not None and found.fault == fault, found
    assert str(found).startswith("archive: ")


def test_disk_full_names_the_free_space(tmp_path: Path) -> None:
    found = unavailable(sqlite3.OperationalError("database or disk is full"),
                        tmp_path / "archive.db")
    assert found is not None and "MB free)" in str(found), found


def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "archive.db", lock_timeout=0.2)
    with held_lock(tmp_path / "archive.db"), pytest.raises(ArchiveUnavailable) as caught, \
            transaction(archive) as db:
        db.execute("INSERT INTO sources (id, name, kind, url, enabled, config, updated_at) "
                   "VALUES ('x', 'x', 'rss', '', 1, '{}', '')")
    assert caught.value.fault == "locked"
    assert probe_writes(tmp_path / "archive.db") is None, "the lock was released"
    assert archive.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 0
    archive.close()


def test_daemon_sends_one_ops_message_when_the_archive_fills_and_one_when_it_recovers(
        medinews: OutletServer, tmp_path: Path) -> None:
    from tests.test_daemon import running, wait_for

    cap = just_full(tmp_path)
    with Receiver() as ops:
        config = faulty_config(tmp_path, {"medinews": medinews},
                               archive=f"max_size_mb = {cap}\n", medinews={"every": "2s"})
        config.write_text(config.read_text("utf-8")
                          + f'\n[[channels]]\nid = "ops"\nkind = "webhook"\nurl = "{ops.url()}"\n'
                          + '\n[health]\nchannels = ["ops"]\n'
                          + '\n[daemon]\ngrace = "5s"\n', "utf-8")
        with running(config, tmp_path / "daemon.log") as daemon:
            wait_for("the full-archive message", lambda: list(ops.received), daemon)
            time.sleep(6)  # further crawls meet the same fault: no second message
            assert len(ops.received) == 1, [r.json() for r in ops.received]
            config.write_text(config.read_text("utf-8").replace(f"max_size_mb = {cap}",
                                                                "max_size_mb = 50"))
            wait_for("every article once there is space", lambda: stored_now(tmp_path) == 12,
                     daemon, timeout=60)
            wait_for("the recovery message", lambda: len(ops.received) >= 2, daemon)
            assert daemon.stop() == 0
        got = [r.json() for r in ops.received]
        assert [(g["type"], g["state"], g["previous"]) for g in got] == [
            ("archive_health", "size limit", "ok"), ("archive_health", "ok", "size limit")], got
        assert "archive: full" in got[0]["message"]
        assert "Traceback" not in daemon.text(), daemon.text()[-3000:]
