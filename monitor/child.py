"""One crawl started by the daemon: ``python -m monitor.child`` with a JSON job on stdin.

The job carries the configuration text the daemon validated, so a config file edited into a
broken state meanwhile does not break crawls: the daemon keeps running the old one.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys

from monitor.config import parse_config
from monitor.logs import setup_logging

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when the daemon dies, even by SIGKILL."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # not Linux: the daemon's stop still passes SIGTERM on
    if os.getppid() != parent:  # the daemon died before prctl took effect
        os._exit(1)


def main() -> int:
    """Run the crawl described by the job on stdin; the run record tells how it went."""
    job = json.load(sys.stdin)
    die_with_parent(int(job["parent"]))
    config = parse_config(job["config_text"], job["origin"], job["base_dir"])
    setup_logging(job.get("log_format", "text"), "WARNING", config.secrets())
    from crawler.runner import run_crawl

    run_crawl(config, [config.source(s) for s in job["sources"]], install_logging=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
