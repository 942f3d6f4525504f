"""`medradar run` crawls on schedule and stops cleanly on SIGTERM (first cut of the daemon)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import MEDRADAR, REPO
from tests.support.outlet_server import OutletServer
from tests.test_resilience import stored


def test_daemon_crawls_on_schedule_and_exits_zero_on_sigterm(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path]
) -> None:
    medinews = outlet("medinews")
    config = write_config({"medinews": medinews}, medinews={"every": "2s"})
    daemon = subprocess.Popen([*MEDRADAR, "--config", str(config), "run"], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and medinews.hits["/rss/allArticle.xml"] < 2:
            time.sleep(0.1)
        assert stored(config) == 12
        assert medinews.hits["/rss/allArticle.xml"] >= 2, "the source was not crawled again"
    finally:
        daemon.send_signal(signal.SIGTERM)
        _, err = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, err
    assert "crawled medinews" in err
