"""One crawl started by the daemon: ``python -m monitor.child`` with a JSON job on stdin.

The job carries the configuration text the daemon validated, so a config file edited into a
broken state meanwhile does not break crawls: the daemon keeps running the old one.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import sys

from monitor.config import parse_config
from monitor.logs import setup_logging
from storage import StorageError

_PR_SET_PDEATHSIG = 1
ARCHIVE_FAULT = 3  # the exit code when the archive refused the crawl's writes


def die_with_parent(parent: int) -> None:
    """Ask Linux to end this crawl, with its extraction workers, when the daemon dies.

    The kernel sends SIGUSR2 (not SIGTERM, which stops a crawl gracefully) when the daemon
    dies, even by SIGKILL; the handler kills this process group: the crawl, its forkserver
    and its workers, which would otherwise live on under PID 1.
    """
    signal.signal(signal.SIGUSR2, lambda _signum, _frame: os.killpg(0, signal.SIGKILL))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGUSR2)
    except (OSError, AttributeError):
        return  # not Linux: the daemon's stop still passes SIGTERM on
    if os.getppid() != parent:  # the daemon died before prctl took effect
        os.killpg(0, signal.SIGKILL)


def main() -> int:
    """Run the crawl described by the job on stdin; the run record tells how it went."""
    job = json.load(sys.stdin)
    die_with_parent(int(job["parent"]))
    config = parse_config(job["config_text"], job["origin"], job["base_dir"])
    setup_logging(job.get("log_format", "text"), "WARNING", config.secrets())
    from crawler.runner import run_crawl
    from monitor.compose import crawl_job

    # The daemon sends the alerts (one sender, no crawl held up by a slow channel).
    overrides = {"MEDRADAR_SEND_ALERTS": bool(job.get("send_alerts", True))}
    try:
        sources = [config.source(s) for s in job["sources"]]
        summaries = run_crawl(crawl_job(config), sources, overrides, install_logging=False)
    except StorageError as exc:
        logging.getLogger("monitor.child").warning("%s; the crawl is redone next time", exc)
        return ARCHIVE_FAULT
    return ARCHIVE_FAULT if any(s.fault is not None for s in summaries) else 0


if __name__ == "__main__":
    sys.exit(main())
