"""`medradar run` as a real process against fixture outlets and webhook receivers on 127.0.0.1.

Intervals are a few seconds. Each test starts the daemon in its own session (so a test can
kill the whole group, like systemd or docker would) and logs to a file the failure message
quotes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.conftest import MEDRADAR, REPO, make_config
from tests.support.clock import today
from tests.support.newsroom import Newsroom
from tests.support.outlet_server import OutletServer
from tests.support.receiver import Receiver

FEED = "/rss/allArticle.xml"
LIST = "/news/articleList.html?view_type=sm"
SECRET_TOKEN = "T0SECRET/B0SECRET/xoxsecrettoken123"


class Daemon:
    """A running `medradar run` process with its log file."""

    def __init__(self, config: Path, log: Path) -> None:
        self.config = config
        self.log = log
        self.handle = log.open("ab")
        self.proc = subprocess.Popen(
            [*MEDRADAR, "--config", str(config), "run"], cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=self.handle,
            stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        """Everything the daemon logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = 60) -> int:
        """SIGTERM and wait; return the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.handle.close()

    def kill_group(self) -> None:
        """SIGKILL the daemon's whole process group at once (a container or unit kill)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.handle.close()


@contextmanager
def running(config: Path, log: Path) -> Iterator[Daemon]:
    """Run the daemon for the block; SIGTERM it after, whatever happened."""
    daemon = Daemon(config, log)
    try:
        yield daemon
    finally:
        if daemon.proc.poll() is None:
            daemon.proc.kill()
            daemon.proc.wait()
        daemon.handle.close()


def wait_for(what: str, check: Callable[[], Any], daemon: Daemon, timeout: float = 90) -> Any:
    """Poll check() until truthy; fail with the daemon's log if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if daemon.proc.poll() is not None:
            pytest.fail(f"the daemon exited ({daemon.proc.returncode}) while waiting for "
                        f"{what}:\n{daemon.text()[-3000:]}")
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}:\n{daemon.text()[-3000:]}")


def daemon_config(folder: Path, sources: dict[str, OutletServer], hook: Receiver | None = None,
                  ops: Receiver | None = None, daemon: str = "", **per_source: Any) -> Path:
    """A test config: fixture sources, a 의료기기 rule to a webhook, an ops channel."""
    path = make_config(folder, sources, **per_source)
    text = path.read_text(encoding="utf-8")
    text += f"\n[daemon]\ndispatch_every = \"1s\"\ngrace = \"5s\"\n{daemon}\n"
    if hook:
        text += ('\n[[channels]]\nid = "hook"\nkind = "webhook"\n'
                 f'url = "{hook.url("/hook/" + SECRET_TOKEN)}"\nsecret = "s3cr3t-signing-key"\n'
                 '\n[[rules]]\nid = "devices"\nquery = "의료기기"\nchannels = ["hook"]\n')
    if ops:
        text += (f'\n[[channels]]\nid = "ops"\nkind = "webhook"\nurl = "{ops.url("/ops")}"\n'
                 '\n[health]\nchannels = ["ops"]\n')
    path.write_text(text, encoding="utf-8")
    return path


def query(config: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the test archive (empty when it does not exist yet)."""
    path = config.parent / "archive.db"
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=10) as conn:
            return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []


def stored(config: Path) -> int:
    """Articles in the archive now."""
    rows = query(config, "SELECT count(*) FROM articles")
    return int(rows[0][0]) if rows else 0


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc.pid)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def alerted_urls(hook: Receiver) -> list[str]:
    """Article URLs of every alert the webhook received, in order, repeats kept."""
    return [alert["article"]["url"] for got in list(hook.received)
            for alert in got.json()["alerts"]]


def notices(ops: Receiver) -> list[dict[str, Any]]:
    """The ops messages received."""
    return [got.json() for got in list(ops.received)]


def test_new_article_reaches_the_webhook_within_two_intervals(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews = outlet("medinews", newest=today())  # fresh enough for the rule's 48 h max_age
    newsroom = Newsroom(medinews)
    interval = 5.0
    with Receiver() as hook:
        config = daemon_config(tmp_path, {"medinews": medinews}, hook,
                               medinews={"every": f"{interval:.0f}s"})
        with running(config, tmp_path / "daemon.log") as daemon:
            wait_for("the first crawl", lambda: stored(config) == 12, daemon)
            first = wait_for("the first alerts", lambda: len(alerted_urls(hook)), daemon)
            for n in range(3):
                title = f"오송 첨단의료복합단지, 의료기기 공동 임상센터 {n + 1}호 개소"
                url = newsroom.publish(title, f"{title}를 맞아 의료기기 기업 {n + 7}곳이 입주했다.")
                published = time.time()
                wait_for(f"the alert for {url}", lambda u=url: u in alerted_urls(hook), daemon)
                took = hook.arrivals[-1] - published
                assert took <= 2 * interval, (
                    f"article {n + 1} reached the webhook {took:.1f}s after it was published; "
                    f"the interval is {interval:.0f}s:\n{daemon.text()[-2000:]}")
            assert daemon.stop() == 0, daemon.text()[-2000:]
    urls = alerted_urls(hook)
    assert len(urls) == len(set(urls)) == first + 3, f"duplicate or missing alerts: {urls}"
    assert SECRET_TOKEN not in daemon.text(), "the webhook URL's token leaked into the log"
    assert "s3cr3t-signing-key" not in daemon.text()


@pytest.mark.parametrize("breakage", ["http-500", "list-loses-links"])
def test_broken_source_turns_failing_with_one_ops_message_then_one_recovery(
    outlet: Callable[[str], OutletServer], tmp_path: Path, breakage: str
) -> None:
    if breakage == "http-500":
        server, source, paths = outlet("medinews"), "medinews", [FEED, LIST]
    else:
        server, source = outlet("gyeongnam"), "gyeongnam"
        paths = [server.meta["source"]["start_urls"][0]]
    with Receiver() as ops:
        config = daemon_config(tmp_path, {source: server}, ops=ops, **{source: {"every": "2s"}})
        with running(config, tmp_path / "daemon.log") as daemon:
            wait_for("a healthy first crawl", lambda: query(
                config, "SELECT 1 FROM source_health WHERE state = 'ok'"), daemon)
            for path in paths:
                if breakage == "http-500":
                    server.set(path, status=500, body=b"<html>Internal Server Error</html>")
                else:  # a redesign: the list page answers, but with no article links
                    server.set(path, body="<html><body><div class='new-skin'>새 디자인 준비 중"
                               "</div><a href='/'>홈</a></body></html>".encode())
            wait_for("the failing notice", lambda: notices(ops), daemon)
            assert notices(ops)[0]["state"] == "failing", notices(ops)
            failing_runs = len(query(config, "SELECT id FROM crawl_runs"))
            wait_for("three more runs while failing", lambda: len(query(
                config, "SELECT id FROM crawl_runs")) >= failing_runs + 3, daemon)
            assert len(notices(ops)) == 1, f"one message per change, got {notices(ops)}"
            for path in paths:
                server.clear(path)
            wait_for("the recovery notice", lambda: len(notices(ops)) >= 2, daemon)
            time.sleep(3)
            assert daemon.stop() == 0, daemon.text()[-2000:]
    got = notices(ops)
    assert [(n["state"], n["previous"]) for n in got] == [("failing", "degraded"),
                                                          ("ok", "failing")], got
    assert source in got[0]["message"] or server.meta["source"]["name"] in got[0]["message"]
    reason = query(config, "SELECT reason FROM source_health")[0][0]
    assert reason == "", f"a recovered source keeps no reason, got {reason!r}"


def test_sigterm_stops_a_running_crawl_and_exits_zero_within_the_grace_period(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews = outlet("medinews")
    for idxno in range(1001, 1013):  # article pages take 20 s each: the crawl is mid-way
        medinews.set(f"/news/articleView.html?idxno={idxno}", delay=20, body=b"<html></html>")
    config = daemon_config(tmp_path, {"medinews": medinews}, daemon='time_limit = "5m"')
    config.write_text(config.read_text().replace('grace = "5s"', 'grace = "4s"'))
    with running(config, tmp_path / "daemon.log") as daemon:
        wait_for("a crawl fetching article pages", lambda: medinews.count(
            lambda p: "articleView" in p), daemon)
        started = time.monotonic()
        code = daemon.stop(timeout=30)
        took = time.monotonic() - started
    assert code == 0, daemon.text()[-2000:]
    assert took < 4 + 3, f"exit took {took:.1f}s with a 4s grace period"
    runs = query(config, "SELECT status FROM crawl_runs")
    assert runs and all(status == "interrupted" for (status,) in runs), runs
    assert query(config, "PRAGMA integrity_check") == [("ok",)]
    assert query(config, "SELECT stopped_at IS NOT NULL FROM daemon") == [(1,)]


def test_sigkill_during_a_crawl_then_restart_loses_no_alert_and_sends_none_twice(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews = outlet("medinews", newest=today())  # fresh enough for the rule's 48 h max_age
    for idxno in range(1001, 1013):  # slow pages, so the kill lands mid-crawl
        medinews.set(f"/news/articleView.html?idxno={idxno}", delay=0.6,
                     body=medinews.read(f"news/articleView.html@idxno={idxno}"))
    with Receiver() as hook:
        config = daemon_config(tmp_path, {"medinews": medinews}, hook,
                               medinews={"every": "3s"})
        config.write_text(config.read_text().replace("[crawl]\n", "[crawl]\nper_host = 1\n"))
        with running(config, tmp_path / "first.log") as daemon:
            wait_for("some articles stored", lambda: stored(config) >= 3, daemon)
            daemon.kill_group()
        assert stored(config) < 12, "the crawl ended before the kill; the test proves nothing"
        (crawl_pid,) = query(config, "SELECT pid FROM crawl_runs ORDER BY id LIMIT 1")[0]
        deadline = time.monotonic() + 10
        while group_members(crawl_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not group_members(crawl_pid), "crawl or extraction processes outlived the daemon"
        assert query(config, "PRAGMA integrity_check") == [("ok",)]
        with running(config, tmp_path / "second.log") as daemon:
            wait_for("all articles stored", lambda: stored(config) == 12, daemon)
            matched = {url for (url,) in query(
                config, "SELECT DISTINCT a.canonical_url FROM matches m "
                "JOIN articles a ON a.id = m.article_id")}
            wait_for("every match alerted", lambda: matched <= set(alerted_urls(hook)), daemon)
            time.sleep(3)  # any duplicate would arrive in this time
            assert daemon.stop() == 0, daemon.text()[-2000:]
    urls = alerted_urls(hook)
    assert matched and sorted(urls) == sorted(matched), (
        f"alerts sent {len(urls)} for {len(matched)} matches: duplicates "
        f"{sorted({u for u in urls if urls.count(u) > 1})}, missing {matched - set(urls)}")
    killed = query(config, "SELECT status FROM crawl_runs ORDER BY id LIMIT 1")
    assert killed == [("interrupted",)], killed


def test_hanging_outlet_is_cut_off_by_the_time_limit_while_others_keep_their_schedule(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews, bionews = outlet("medinews"), outlet("bionews")
    config = daemon_config(tmp_path, {"medinews": medinews, "bionews": bionews},
                           daemon='time_limit = "4s"',
                           medinews={"every": "2s"}, bionews={"every": "2s"})
    with running(config, tmp_path / "daemon.log") as daemon:
        wait_for("both sources crawled", lambda: stored(config) == 22, daemon)
        medinews.set(FEED, delay=120, body=b"")
        medinews.set(LIST, delay=120, body=b"")
        wait_for("the timed-out run", lambda: query(
            config, "SELECT last_error FROM crawl_runs WHERE status = 'timed_out'"), daemon,
            timeout=120)
        looks = bionews.hits[FEED]
        wait_for("bionews probed three more times", lambda: bionews.hits[FEED] >= looks + 3,
                 daemon, timeout=30)
        assert daemon.stop() == 0, daemon.text()[-2000:]
    (error,) = query(config, "SELECT last_error FROM crawl_runs WHERE status = 'timed_out'")[0]
    assert "time limit" in error, error
    assert "killed after the 4s time limit" in daemon.text()


def test_reload_on_file_change_and_sighup_refuses_a_bad_config(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews, bionews = outlet("medinews"), outlet("bionews")
    config = daemon_config(tmp_path, {"medinews": medinews}, medinews={"every": "2s"})
    with running(config, tmp_path / "daemon.log") as daemon:
        wait_for("medinews crawled", lambda: stored(config) == 12, daemon)
        both = daemon_config(tmp_path, {"medinews": medinews, "bionews": bionews},
                             medinews={"every": "2s"}, bionews={"every": "2s"})
        assert both == config
        wait_for("bionews crawled after the file changed", lambda: stored(config) == 22, daemon)
        good = config.read_text()
        config.write_text(good + "\n[[sources]]\nid = \"Bad Id\"\n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for("the refusal", lambda: "config reload refused" in daemon.text(), daemon)
        looks = medinews.hits[FEED]
        wait_for("medinews still probed on the old config",
                 lambda: medinews.hits[FEED] >= looks + 2, daemon)
        assert daemon.stop() == 0, daemon.text()[-2000:]
    log = daemon.text()
    assert "config reloaded: 2 source(s) (+1, -0)" in log, log[-2000:]
    refusal = log.split("config reload refused")[1].splitlines()[0]
    assert "sources[2] (id 'Bad Id').id" in refusal, refusal


def test_restart_runs_only_overdue_sources(
    outlet: Callable[[str], OutletServer], tmp_path: Path
) -> None:
    medinews = outlet("medinews")
    config = daemon_config(tmp_path, {"medinews": medinews}, medinews={"every": "1h"})
    with running(config, tmp_path / "first.log") as daemon:
        wait_for("the first crawl", lambda: stored(config) == 12, daemon)
        assert daemon.stop() == 0
    looks = medinews.hits[FEED]
    with running(config, tmp_path / "second.log") as daemon:
        wait_for("the heartbeat", lambda: query(
            config, "SELECT 1 FROM daemon WHERE stopped_at IS NULL"), daemon)
        time.sleep(4)
        assert medinews.hits[FEED] == looks, "a source crawled minutes ago ran again at start"
        status = subprocess.run([*MEDRADAR, "--config", str(config), "status", "--json"],
                                cwd=REPO, capture_output=True, text=True, check=True)
        second = subprocess.run([*MEDRADAR, "--config", str(config), "run"], cwd=REPO,
                                capture_output=True, text=True, timeout=60)
        assert daemon.stop() == 0
    row = json.loads(status.stdout)["sources"][0]
    assert row["state"] == "ok" and row["next_run_at"], row
    assert second.returncode == 1 and "another medradar daemon" in second.stderr, (
        f"a second daemon on the same archive must refuse to start: {second.stderr}")
