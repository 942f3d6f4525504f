"""A crawl killed halfway leaves a consistent archive; the next crawl picks up what was missed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MEDRADAR, REPO
from tests.support.outlet_server import OutletServer
from tests.test_crawl import archive_rows


def stored(config: Path) -> int:
    """Articles in the archive now (0 before it exists)."""
    path = config.parent / "archive.db"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # schema not created yet


def test_sigkill_mid_crawl_then_rerun_loses_nothing(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path]
) -> None:
    medinews = outlet("medinews")
    slow = [f"/news/articleView.html?idxno={n}" for n in range(1001, 1013)]
    for path in slow:
        key = "news/articleView.html@" + path.split("?", 1)[1]
        medinews.set(path, body=medinews.read(key), delay=0.4)
    config = write_config({"medinews": medinews}, crawl="per_host = 1\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    crawl = subprocess.Popen([*MEDRADAR, "--config", str(config), "crawl"], cwd=REPO, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    while stored(config) < 3 and time.monotonic() < deadline and crawl.poll() is None:
        time.sleep(0.05)
    os.killpg(crawl.pid, signal.SIGKILL)  # the crawl and its extraction workers
    crawl.wait()
    halfway = stored(config)
    assert 0 < halfway < 12, f"kill did not land mid-crawl ({halfway} stored)"

    with sqlite3.connect(config.parent / "archive.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute("SELECT count(*) FROM articles a WHERE NOT EXISTS "
                               "(SELECT 1 FROM article_urls u WHERE u.article_id = a.id)")
        assert orphans.fetchone()[0] == 0, "an article was stored without its URL keys"
        fts = conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0]
        assert fts == halfway, "search index and articles disagree after the kill"

    for path in slow:
        medinews.clear(path)
    done = subprocess.run([*MEDRADAR, "--config", str(config), "crawl"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert stored(config) == 12
    runs = archive_rows(config, "SELECT status FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted", "ok"]
