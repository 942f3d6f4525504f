"""``medradar run``: crawl every enabled source on its own schedule (APScheduler 3.x).

Each crawl runs as its own process (``medradar crawl SOURCE``), as Scrapy recommends for
crawls started from another application: the reactor is never restarted, a crawl that hangs
is killed on a time limit, and a crash of one crawl cannot take the scheduler down.

This is the first cut of the daemon; source health, alerts, ``medradar status`` and the HTTP
endpoints come with the daemon issue.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.config import Config, SourceConfig

logger = logging.getLogger("medradar.daemon")
KST = "Asia/Seoul"
MAX_PARALLEL_CRAWLS = 2


def medradar_command(config_path: str | None, *args: str) -> list[str]:
    """Return the command line of a medradar subcommand run by the daemon."""
    command = [sys.executable, "-m", "monitor"]
    if config_path:
        command += ["--config", config_path]
    return [*command, *args]


class _Children:
    """The crawl processes running now, so that a stop can pass SIGTERM on to them."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen[str]] = set()

    def start(self, command: list[str]) -> subprocess.Popen[str] | None:
        """Start a crawl process unless the daemon is stopping."""
        with self._lock:
            if self.stopping.is_set():
                return None
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            self._procs.add(proc)
            return proc

    def done(self, proc: subprocess.Popen[str]) -> None:
        """Forget a finished crawl process."""
        with self._lock:
            self._procs.discard(proc)

    def stop(self) -> None:
        """Refuse new crawls and ask the running ones to stop (Scrapy stops gracefully)."""
        with self._lock:
            self.stopping.set()
            for proc in self._procs:
                proc.send_signal(signal.SIGTERM)


CHILDREN = _Children()


def run_child(command: list[str], time_limit: float, what: str) -> tuple[int, str] | None:
    """Run a child medradar process to its end; return (exit code, stderr), or None when it
    did not start (the daemon is stopping, or it could not start) or was killed."""
    try:
        proc = CHILDREN.start(command)
    except OSError:  # top of a scheduled job: record the failure, keep the schedule
        logger.exception("%s could not be started", what)
        return None
    if proc is None:
        return None  # the daemon is stopping: queued jobs do not start
    try:
        _, stderr = proc.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        logger.error("%s killed after the %.0fs time limit", what, time_limit)
        return None
    finally:
        CHILDREN.done(proc)
    return proc.returncode, stderr


def crawl_source(source_id: str, config_path: str | None, time_limit: float) -> None:
    """Scheduled job: crawl one source in a child process and log the outcome."""
    started = datetime.now()
    done = run_child(medradar_command(config_path, "crawl", source_id), time_limit,
                     f"crawl of {source_id}")
    if done is None:
        return
    returncode, stderr = done
    took = (datetime.now() - started).total_seconds()
    if CHILDREN.stopping.is_set():
        logger.info("crawl of %s stopped with the daemon after %.1fs", source_id, took)
    elif returncode == 0:
        logger.info("crawled %s in %.1fs", source_id, took)
    else:
        reason = (stderr.strip().splitlines() or ["no message"])[-1]
        logger.error("crawl of %s failed (exit %s): %s", source_id, returncode, reason)


def send_alerts(config_path: str | None) -> None:
    """Scheduled job: deliver due alerts and digests in a child process."""
    done = run_child(medradar_command(config_path, "alerts", "send"), 600, "alert delivery")
    if done is None:
        return
    returncode, stderr = done
    summary = (stderr.strip().splitlines() or [""])[0]
    if returncode != 0:
        logger.error("alert delivery failed (exit %s): %s", returncode, summary)
    elif summary and not summary.startswith("alerts: 0 sent, 0 to retry, 0 failed, 0 given up"):
        logger.info("%s", summary)


def trigger_for(source: SourceConfig) -> IntervalTrigger | CronTrigger:
    """Return the source's trigger: its cron expression, else its interval with jitter."""
    if source.cron:
        return CronTrigger.from_crontab(source.cron, timezone=KST)
    seconds = source.interval.total_seconds()
    # Jitter spreads sources that share an interval so they do not all fire together.
    return IntervalTrigger(seconds=seconds, jitter=min(seconds * 0.1, 60), timezone=KST)


def build_scheduler(config: Config, config_path: str | None) -> BlockingScheduler:
    """Return a scheduler with one crawl job per enabled source."""
    # Each crawl is a process with its own extraction workers: at most two at a time keeps a
    # daemon with twenty sources within a small machine's memory. Due crawls wait their turn.
    scheduler = BlockingScheduler(timezone=KST,
                                  executors={"default": ThreadPoolExecutor(MAX_PARALLEL_CRAWLS)})
    now = datetime.now(scheduler.timezone)
    for index, source in enumerate(s for s in config.sources if s.enabled):
        interval = source.interval.total_seconds()
        scheduler.add_job(
            crawl_source, trigger_for(source),
            args=[source.id, config_path, max(interval * 4, 600)],
            id=f"crawl:{source.id}", name=f"crawl {source.id}", max_instances=1, coalesce=True,
            misfire_grace_time=int(max(interval, 60)),
            # Start at once, staggered by a second per source.
            next_run_time=now + timedelta(seconds=index),
        )
    if config.channels:
        # Retries fall due between crawls; digests fall due on their own schedules.
        scheduler.add_job(send_alerts, IntervalTrigger(seconds=60, timezone=KST),
                          args=[config_path], id="alerts:dispatch", name="send due alerts",
                          max_instances=1, coalesce=True, misfire_grace_time=60)
        for digest in sorted({r.digest for r in config.rules if r.digest != "immediate"}):
            scheduler.add_job(send_alerts, CronTrigger.from_crontab(digest, timezone=KST),
                              args=[config_path], id=f"alerts:digest:{digest}",
                              name=f"digest {digest}", max_instances=1, coalesce=True,
                              misfire_grace_time=3600)
    return scheduler


def run_daemon(config: Config, config_path: str | None) -> None:
    """Run the scheduler until SIGTERM or SIGINT."""
    scheduler = build_scheduler(config, config_path)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, stopping", signal.Signals(signum).name)
        CHILDREN.stop()
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = len(scheduler.get_jobs())
    logger.info("medradar daemon: %d source(s), archive %s", jobs, config.archive_path)
    scheduler.start()
