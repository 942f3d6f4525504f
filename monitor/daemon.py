"""``medradar run``: keep watch on every enabled source, on its own schedule (APScheduler 3.x).

One job per source (its ``every`` interval with jitter, or its ``cron``), a dispatch job for
due alert retries and digests, one job per digest schedule; timezone Asia/Seoul. A source job
first probes the source's entry pages from this process (cheap); only when they changed does
it start a crawl process (``python -m monitor.child``): Scrapy's reactor cannot restart, and a
crash, hang or leak of one crawl must not take the daemon down. A crawl over the time limit is
killed with its process group and recorded as timed out. After each crawl the source's health
is assessed from its recent runs, and a change into or out of failing/blocked queues one ops
message per ``[health] channels`` entry.

SIGTERM/SIGINT stop new jobs, pass SIGTERM on to running crawls (Scrapy stores what it
has and closes the run), kill those still running after ``[daemon] grace``, and exit 0.
SIGHUP, or a change of the config file, reloads it; a bad file is refused with the error
logged and the running configuration kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

import httpx
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.entries import entries_of
from crawler.probe import PageState, probe
from monitor.child import ARCHIVE_FAULT
from monitor.config import Config, SourceConfig, read_config
from monitor.discovery_view import pause_reason
from monitor.errors import ConfigError, DaemonError
from monitor.health import ALARMS, daemon_state, needs_notice, next_state, notice_text
from monitor.logs import setup_logging, update_secrets
from storage import Archive, ArchiveUnavailable, StorageError, open_archive
from storage.db import free_mb, probe_writes, set_size_limit
from storage.health import (
    close_child_run,
    daemon_heartbeat,
    daemon_row,
    daemon_started,
    forget_health,
    last_looks,
    recent_runs,
    set_health,
    set_schedule,
    source_health,
)
from storage.normalize import KST
from storage.runs import mark_interrupted

logger = logging.getLogger("medradar.daemon")
TIMEZONE = "Asia/Seoul"
HEARTBEAT_SECONDS = 15
STARTUP_RETRY_SECONDS = 5  # a locked or full archive at start: try the bookkeeping again
WATCH_SECONDS = 2


def trigger_for(source: SourceConfig) -> IntervalTrigger | CronTrigger:
    """Return the source's trigger: its cron expression, else its interval with jitter."""
    if source.cron:
        minute, hour, day, month, day_of_week = source.cron.split()
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=day_of_week, timezone=TIMEZONE, jitter=30)
    seconds = source.interval.total_seconds()
    # Jitter spreads sources that share an interval so they do not all fire together.
    return IntervalTrigger(seconds=seconds, jitter=min(seconds * 0.1, 60), timezone=TIMEZONE)


def first_run_time(source: SourceConfig, last: datetime | None, now: datetime,
                   stagger: float) -> datetime:
    """When a source runs first after a start: now if overdue (or new), else when due."""
    if last is None:
        return now + timedelta(seconds=stagger)
    if source.cron:
        due = CronTrigger.from_crontab(source.cron, timezone=TIMEZONE).get_next_fire_time(
            None, last)
    else:
        due = last + source.interval
    if due is None or due <= now:
        return now + timedelta(seconds=stagger)
    return due  # type: ignore[no-any-return]


def next_run(job: Job | None) -> str | None:
    """A job's next run time as stored in the archive (ISO, to the second), or None."""
    when = job.next_run_time if job is not None else None
    return when.isoformat(timespec="seconds") if when else None


class Crawls:
    """The crawl processes running now: start, time-limit, stop on shutdown."""

    def __init__(self, limit: int) -> None:
        self.stopping = threading.Event()
        self.slots = threading.BoundedSemaphore(limit)
        self.waiting = 0
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def running(self) -> int:
        """How many crawl processes run now."""
        return len(self._procs)

    def run(self, job: dict[str, Any], time_limit: float) -> tuple[int, int | None] | None:
        """Run one crawl process; return (pid, exit code, None when killed) or None if the
        daemon is stopping."""
        with self._lock:
            self.waiting += 1
        try:
            while not self.slots.acquire(timeout=0.5):
                if self.stopping.is_set():
                    return None
        finally:
            with self._lock:
                self.waiting -= 1
        try:
            with self._lock:
                if self.stopping.is_set():
                    return None
                # Its own process group: a time-limit kill takes its extraction workers too.
                proc = subprocess.Popen([sys.executable, "-m", "monitor.child"],
                                        stdin=subprocess.PIPE, start_new_session=True)
                self._procs[proc.pid] = proc
            assert proc.stdin is not None
            try:
                proc.stdin.write(json.dumps({**job, "parent": os.getpid()}).encode())
                proc.stdin.close()
            except OSError:
                pass  # the child died at once; its exit code tells
            try:
                return proc.pid, proc.wait(timeout=time_limit)
            except subprocess.TimeoutExpired:
                self.kill(proc)
                return proc.pid, None
            finally:
                with self._lock:
                    self._procs.pop(proc.pid, None)
        finally:
            self.slots.release()

    @staticmethod
    def kill(proc: subprocess.Popen[bytes]) -> None:
        """Kill a crawl process and its process group (extraction workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self, grace: float) -> None:
        """Refuse new crawls; ask running ones to stop (Scrapy closes them cleanly: what was
        fetched is stored, the run is closed as interrupted), and kill what still runs when
        ``grace`` seconds are over."""
        self.stopping.set()
        with self._lock:
            procs = list(self._procs.values())
        for proc in procs:
            logger.info("stopping the crawl process %d", proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for proc in procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("killing the crawl process %d: grace period over", proc.pid)
                self.kill(proc)


class Daemon:
    """The scheduler, its jobs and the state they share."""

    def __init__(self, config: Config, config_text: str, config_path: str | None,
                 log_format: str) -> None:
        self.config = config
        self.config_path = config_path
        self.config_text = config_text  # what crawl processes are given: the validated text
        self.config_mtime = self._mtime()
        self.log_format = log_format
        self.archive: Archive = open_archive(config.archive_path, **config.archive.options())
        self.db_lock = threading.Lock()  # one connection, shared by the job threads
        self.alerts_archive: Archive | None = None  # the alerts thread's own connection
        self.crawls = Crawls(config.daemon.max_crawls)
        self.probe_seconds = min(config.crawl.timeout, 15.0)  # per entry page, all told
        self.client = httpx.Client(
            timeout=self.probe_seconds, follow_redirects=True,
            headers={"User-Agent": config.crawl.user_agent,
                     "Accept-Language": "ko-KR,ko;q=0.9"})
        self.known: dict[str, dict[str, PageState]] = {}  # probe state after a clean crawl
        self.last_crawl: dict[str, float] = {}  # monotonic time of each source's last crawl
        self.refused: set[str] = set()  # sources whose last run met 403/429/robots refusals
        self.stats: dict[str, float] = {
            "probes_total": 0, "probes_unchanged_total": 0, "crawls_started_total": 0,
            "crawls_timed_out_total": 0, "crawls_failed_total": 0, "reloads_total": 0,
            "reload_failures_total": 0}
        self.stop_requested = threading.Event()
        self.reload_requested = threading.Event()
        # The archive's last refusal (locked, disk full, read-only, gone), None when writes
        # go through; a change is one log line and, but for locks, one ops message.
        self.archive_fault: ArchiveUnavailable | None = None
        self.low_disk = False
        # A thread per source: a job waiting for a crawl slot holds its thread, and must not
        # keep other sources from their probes. Idle threads cost next to nothing.
        threads = min(64, max(8, len(config.sources) + config.daemon.max_crawls))
        self.scheduler = BackgroundScheduler(timezone=TIMEZONE, executors={
            "default": ThreadPoolExecutor(threads), "alerts": ThreadPoolExecutor(1)})
        self.active_jobs = 0  # source jobs running now (a stop waits for them, up to grace)
        self.jobs_lock = threading.Lock()

    # -- scheduling -------------------------------------------------------------------------

    def _mtime(self) -> float | None:
        if not self.config_path:
            return None
        try:
            return os.stat(self.config_path).st_mtime
        except OSError:
            return None

    def schedule_sources(self, first: bool) -> None:
        """Add, change or remove source jobs to match the configuration."""
        sources = {s.id: s for s in self.config.sources if s.enabled}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id[6:] not in sources:
                job.remove()
        with self.db_lock:
            forget_health(self.archive, set(sources))
            last = self._last_looks()
        now = datetime.now(KST)
        for index, source in enumerate(sources.values()):
            job_id = f"crawl:{source.id}"
            existing = self.scheduler.get_job(job_id)
            if existing is not None and not first:
                if existing.args[1] != source:
                    existing.modify(args=[source.id, source])
                    existing.reschedule(trigger_for(source))
                continue
            interval = source.interval.total_seconds()
            self.scheduler.add_job(
                self.source_job, trigger_for(source), args=[source.id, source], id=job_id,
                name=f"crawl {source.id}", max_instances=1, coalesce=True,
                misfire_grace_time=int(max(interval, 60)), replace_existing=True,
                next_run_time=first_run_time(source, last.get(source.id), now, index * 0.2))

    def _last_looks(self) -> dict[str, datetime]:
        """When each source was last probed or crawled, from the archive."""
        looks: dict[str, datetime] = {}
        for source_id, when in last_looks(self.archive).items():
            looks[source_id] = datetime.fromisoformat(when)
        return looks

    def schedule_alerts(self) -> None:
        """(Re)create the dispatch job and one job per digest schedule."""
        for job in self.scheduler.get_jobs():
            if job.id.startswith("alerts:"):
                job.remove()
        if not self.config.channels:
            return
        seconds = self.config.daemon.seconds("dispatch_every")
        self.scheduler.add_job(self.dispatch_job, IntervalTrigger(seconds=seconds,
                                                                  timezone=TIMEZONE),
                               id="alerts:dispatch", name="send due alerts", executor="alerts",
                               max_instances=1, coalesce=True, misfire_grace_time=60)
        for digest in sorted({r.digest for r in self.config.rules if r.digest != "immediate"}):
            self.scheduler.add_job(self.dispatch_job, CronTrigger.from_crontab(
                digest, timezone=TIMEZONE), id=f"alerts:digest:{digest}",
                name=f"digest {digest}", executor="alerts", max_instances=1, coalesce=True,
                misfire_grace_time=3600)

    # -- jobs -------------------------------------------------------------------------------

    def source_job(self, source_id: str, source: SourceConfig) -> None:
        """Scheduled job: probe one source, crawl it if needed, assess its health."""
        with self.jobs_lock:
            self.active_jobs += 1
        try:
            self._look_at(source)
        except ArchiveUnavailable as fault:
            self.storage_fault(fault)
        except Exception:  # top of a scheduled job: log it; the schedule goes on
            logger.exception("the job of %s failed", source_id)
        finally:
            with self.jobs_lock:
                self.active_jobs -= 1

    def _look_at(self, source: SourceConfig) -> None:
        if self.crawls.stopping.is_set():
            return
        if source.is_discovery:
            with self.db_lock:
                paused = pause_reason(self.archive, source, datetime.now(KST))
            if paused:  # no crawl process for a source that may make no call
                logger.info("%s: no crawl: %s", source.id, paused, extra={"source": source.id})
                self._note_look(source.id)
                return
        config = self.config
        full_due = (time.monotonic() - self.last_crawl.get(source.id, -1e12)
                    >= config.daemon.seconds("full_crawl_every"))
        known = self.known.get(source.id)
        result = None
        if config.daemon.probe and known is not None and not full_due:
            self.stats["probes_total"] += 1
            result = probe(self.client, entries_of(source).all(), known,
                           config.crawl.max_page_bytes, self.probe_seconds,
                           self.crawls.stopping.is_set)
            if not result.changed:
                self.stats["probes_unchanged_total"] += 1
                self.known[source.id] = result.pages
                self._note_look(source.id)
                return
            logger.debug("%s: %s", source.id, result.reason)
        elif config.daemon.probe and source.id not in self.refused:
            # Fingerprint the entry pages now, before the crawl, so nothing published during
            # the crawl is taken as seen. (Not where robots.txt or the server refused us: the
            # crawl checks robots.txt, the probe does not.)
            result = probe(self.client, entries_of(source).all(), {},
                           config.crawl.max_page_bytes, self.probe_seconds,
                           self.crawls.stopping.is_set)
        self._crawl(source, result.pages if result else None)

    def _crawl(self, source: SourceConfig, pages: dict[str, PageState] | None) -> None:
        started_at = datetime.now(KST).isoformat(timespec="seconds")
        started = time.monotonic()
        job = {"config_text": self.config_text, "origin": self.config.origin,
               "base_dir": self.config.base_dir, "sources": [source.id],
               "log_format": self.log_format, "send_alerts": False}
        time_limit = self.config.daemon.seconds("time_limit")
        self.check_free_space()
        outcome = self.crawls.run(job, time_limit)
        if outcome is None:
            return  # the daemon is stopping
        self.stats["crawls_started_total"] += 1
        self.last_crawl[source.id] = started
        pid, code = outcome
        took = time.monotonic() - started
        if code == ARCHIVE_FAULT:
            # The crawl logged the refusal; its run stays open and the next crawl redoes it.
            self.known.pop(source.id, None)
            fault = probe_writes(self.config.archive_path, self.config.archive.max_size_mb)
            if fault is None and self.archive_fault is None:
                fault = ArchiveUnavailable("locked", "archive: a crawl's writes were refused "
                                           "(a lock held past [archive] lock_timeout)")
            if fault is not None:  # (writable again now: the heartbeat says so)
                self.storage_fault(fault)
            self.stats["crawls_archive_refused_total"] = \
                self.stats.get("crawls_archive_refused_total", 0) + 1
            return
        with self.db_lock:
            if code is None:
                self.stats["crawls_timed_out_total"] += 1
                message = f"crawl killed after the {time_limit:.0f}s time limit"
                logger.error("%s: %s", source.id, message, extra={"source": source.id})
                close_child_run(self.archive, source.id, pid, started_at, "timed_out", message)
            elif self.crawls.stopping.is_set():
                close_child_run(self.archive, source.id, pid, started_at, "interrupted",
                                "stopped with the daemon")
                latest = recent_runs(self.archive, source.id, 1)
                if not latest or latest[0]["status"] == "interrupted":
                    return  # stopped half-way: says nothing, and the source is due at start
            elif code != 0:
                self.stats["crawls_failed_total"] += 1
                message = f"crawl process exited with code {code}"
                logger.error("%s: %s", source.id, message, extra={"source": source.id})
                close_child_run(self.archive, source.id, pid, started_at, "failed", message)
            run = self._assess(source)
        if run is None:
            return
        if run["new_articles"]:
            self.dispatch_now()  # their alerts go out now, not at the next dispatch tick
        logger.info("crawled %s in %.1fs: %s, %d new, %d links, %d errors", source.id, took,
                    run["status"], run["new_articles"], run["links_found"], run["errors"],
                    extra={"source": source.id})
        if run.get("blocked"):
            self.refused.add(source.id)
        else:
            self.refused.discard(source.id)
        if run["status"] == "ok" and run["complete"] and not run.get("links_left") \
                and pages is not None:
            self.known[source.id] = pages  # (a source with a backlog is crawled, not probed)
        else:
            self.known.pop(source.id, None)  # probe again from scratch after a bad run

    def _assess(self, source: SourceConfig) -> dict[str, Any] | None:
        """Update the source's health from its recent runs; queue ops notices on a change."""
        failing_after = self.config.health.failing_after
        runs = recent_runs(self.archive, source.id, failing_after + 5)
        if not runs:
            return None
        previous = source_health(self.archive).get(source.id, {}).get("state") or "unknown"
        assessment = next_state(previous, runs, failing_after)
        if assessment is None:
            return runs[0]
        notices = None
        if needs_notice(previous, assessment.state) and not (
                previous == "unknown" and assessment.state not in ALARMS):
            logger.warning("%s: %s → %s %s", source.id, previous, assessment.state,
                           assessment.reason, extra={"source": source.id})
            if self.config.health.channels:
                notices = (list(self.config.health.channels), previous,
                           notice_text(source.name, previous, assessment.state,
                                       assessment.reason))
        set_health(self.archive, source.id, assessment.state, assessment.reason,
                   runs[0]["id"], notices)
        if notices:
            self.dispatch_now()
        return runs[0]

    def dispatch_now(self) -> None:
        """Run the dispatch job as soon as the alerts thread is free."""
        self.scheduler.add_job(self.dispatch_job, executor="alerts", id="alerts:now",
                               replace_existing=True, max_instances=1, coalesce=True,
                               misfire_grace_time=60)

    def _note_look(self, source_id: str) -> None:
        with self.db_lock:
            set_schedule(self.archive, {source_id: (
                datetime.now(KST).isoformat(timespec="seconds"),
                next_run(self.scheduler.get_job(f"crawl:{source_id}")))})

    def dispatch_job(self) -> None:
        """Scheduled job: deliver due alerts (retries, digests) and ops notices."""
        from alerts.notices import deliver_notices
        from alerts.outbox import deliver_due

        try:
            if self.alerts_archive is None:
                # Its own connection: a slow channel must not hold up recording crawls.
                self.alerts_archive = open_archive(self.config.archive_path,
                                                   **self.config.archive.options())
            reports = [deliver_due(self.alerts_archive, self.config),
                       deliver_notices(self.alerts_archive, self.config, self.client)]
        except ArchiveUnavailable as fault:
            self.storage_fault(fault)  # what is due stays queued for the next pass
            return
        except Exception:  # top of a scheduled job: log it; the schedule goes on
            logger.exception("alert delivery failed")
            return
        for what, report in zip(("alerts", "ops notices"), reports, strict=True):
            if report.sent or report.retried or report.failed or report.given_up:
                logger.info("%s: %d sent, %d to retry, %d failed, %d given up", what,
                            report.sent, report.retried, report.failed, report.given_up)
            for error in report.errors[:3]:
                logger.warning("%s delivery: %s", what, error)

    # -- main loop --------------------------------------------------------------------------

    def daemon_stats(self) -> dict[str, float]:
        """Numbers for /metrics."""
        return {**self.stats, "scheduler_running": float(self.scheduler.running and not
                                                        self.stop_requested.is_set()),
                "crawls_running": float(self.crawls.running),
                "crawls_queued": float(self.crawls.waiting)}

    def reload(self) -> None:
        """Re-read the config file; keep the running configuration if the new one is bad."""
        self.config_mtime = self._mtime()
        if not self.config_path:
            logger.info("reload: running the built-in default, nothing to re-read")
            return
        try:
            config, text = read_config(self.config_path)
            if config.archive_path.resolve() != self.config.archive_path.resolve():
                raise ConfigError("archive.path cannot change while the daemon runs; restart it")
        except (ConfigError, OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
            self.stats["reload_failures_total"] += 1
            logger.error("config reload refused, the running configuration stays: %s", exc)
            return
        before = {s.id for s in self.config.sources if s.enabled}
        after = {s.id for s in config.sources if s.enabled}
        self.config, self.config_text = config, text
        with self.db_lock:
            set_size_limit(self.archive, config.archive.max_size_mb)
        update_secrets(config.secrets())
        self.schedule_sources(first=False)
        self.schedule_alerts()
        self.stats["reloads_total"] += 1
        logger.info("config reloaded: %d source(s) (+%d, -%d), %d rule(s), %d channel(s)",
                    len(after), len(after - before), len(before - after), len(config.rules),
                    len(config.channels))

    def write_schedule(self) -> None:
        """Record the heartbeat and every source's next run for ``medradar status``."""
        times: dict[str, tuple[str | None, str | None]] = {}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:"):
                times[job.id[6:]] = (None, next_run(job))
        try:
            with self.db_lock:
                if not self.config.archive_path.exists():
                    raise ArchiveUnavailable("missing", f"archive: {self.config.archive_path} "
                                             "was deleted while the daemon ran")
                set_schedule(self.archive, times)
                daemon_heartbeat(self.archive)
        except ArchiveUnavailable as fault:
            self.storage_fault(fault)
            if fault.fault == "missing":
                self.reopen_archive()
            return
        if self.archive_fault is not None and probe_writes(
                self.config.archive_path, self.config.archive.max_size_mb) is None:
            self.storage_ok()  # a heartbeat needs no new page: ask for a real write first

    def reopen_archive(self) -> None:
        """Start a new archive where the deleted one was (its folder is created again)."""
        try:
            archive = open_archive(self.config.archive_path, **self.config.archive.options())
        except StorageError as exc:
            logger.warning("%s; trying again at the next heartbeat", exc)
            return
        with self.db_lock:
            self.archive.close()
            self.archive = archive
        logger.warning("archive: a new archive was started at %s", self.config.archive_path)

    def storage_fault(self, fault: ArchiveUnavailable) -> None:
        """One log line per new kind of refusal; an ops message unless it is a lock."""
        previous = self.archive_fault
        self.archive_fault = fault
        if previous is not None and previous.fault == fault.fault:
            logger.debug("%s", fault)
            return
        logger.warning("%s; jobs go on and retry, nothing queued is lost", fault)
        if fault.fault != "locked":
            self.archive_notice(fault.fault, previous.fault if previous else "ok", str(fault))

    def storage_ok(self) -> None:
        """Writes go through again: say so once."""
        if self.archive_fault is None:
            return
        fault, self.archive_fault = self.archive_fault, None
        logger.warning("archive: writes go through again (after: %s)", fault)
        if fault.fault != "locked":
            self.archive_notice("ok", fault.fault,
                                f"medradar: archive recovered ({fault.fault} → ok)")

    def archive_notice(self, state: str, previous: str, message: str) -> None:
        """Send an ops message about the archive now, to the health channels."""
        from alerts.notices import send_archive_notice

        for error in send_archive_notice(self.config, self.config.health.channels, self.client,
                                         state, previous, message):
            logger.warning("archive notice: %s", error)

    def check_free_space(self) -> None:
        """Warn once when the archive's file system runs low, and once when it recovers."""
        free = free_mb(self.config.archive_path)
        low = free is not None and free < self.config.archive.min_free_mb
        if low and not self.low_disk:
            logger.warning("archive: low disk space (%.0f MB free, below [archive] "
                           "min_free_mb = %g)", free, self.config.archive.min_free_mb)
        elif self.low_disk and not low:
            logger.info("archive: disk space back above [archive] min_free_mb")
        self.low_disk = low

    def start_bookkeeping(self) -> None:
        """Refuse a second daemon on this archive; close dead runs; record this start."""
        with self.db_lock:
            other = daemon_row(self.archive)
            if other and other["pid"] != os.getpid() and \
                    daemon_state(other, datetime.now(KST))["running"]:
                raise DaemonError(
                    f"another medradar daemon (pid {other['pid']}) runs on "
                    f"{self.config.archive_path}; two would crawl and alert everything twice")
            mark_interrupted(self.archive)
            daemon_started(self.archive, self.config_path or "<built-in default>")

    def run(self) -> None:
        """Run until SIGTERM/SIGINT; reload on SIGHUP or a config file change."""
        while not self.stop_requested.is_set():
            try:
                self.start_bookkeeping()
                break
            except ArchiveUnavailable as fault:
                self.storage_fault(fault)  # the daemon waits for the archive, it never exits
                self.stop_requested.wait(STARTUP_RETRY_SECONDS)
        else:
            self.shutdown()
            return
        self.storage_ok()
        self.schedule_sources(first=True)
        self.schedule_alerts()
        self.scheduler.start()
        sources = sum(1 for s in self.config.sources if s.enabled)
        logger.info("medradar daemon started: %d source(s), %d rule(s), archive %s",
                    sources, len(self.config.rules), self.config.archive_path)
        beat = 0.0
        while not self.stop_requested.wait(WATCH_SECONDS):
            if self.reload_requested.is_set():
                self.reload_requested.clear()
                self.reload()
            elif self.config.daemon.watch_config and self._mtime() != self.config_mtime:
                logger.info("config file changed, reloading")
                self.reload()
            if time.monotonic() - beat >= HEARTBEAT_SECONDS:
                beat = time.monotonic()
                self.write_schedule()
        self.shutdown()

    def shutdown(self) -> None:
        """Stop new jobs, stop running crawls within the grace period, record the stop."""
        grace = self.config.daemon.seconds("grace")
        deadline = time.monotonic() + grace
        logger.info("stopping: running crawls get %.0fs to wind down", grace)
        self.scheduler.shutdown(wait=False)
        self.crawls.stop(grace)
        # Job threads record the crawls' outcomes; probes stop between reads when asked.
        while self.active_jobs and time.monotonic() < deadline + 1:
            time.sleep(0.05)
        leftover = self.active_jobs
        try:
            with self.db_lock:
                daemon_heartbeat(self.archive, stopped=True)
        except ArchiveUnavailable as fault:
            logger.warning("%s; the stop is not recorded (the next start closes it)", fault)
        if leftover:
            # A job stuck in a network read must not hold the exit past the grace period;
            # whatever it would have recorded is redone by the next start.
            logger.warning("%d job(s) still running at the end of the grace period; "
                           "exiting without them", leftover)
            logger.info("medradar daemon stopped")
            logging.shutdown()
            os._exit(0)
        self.scheduler._lookup_executor("default").shutdown(wait=True)
        self.scheduler._lookup_executor("alerts").shutdown(wait=True)
        self.client.close()
        self.archive.close()
        if self.alerts_archive is not None:
            self.alerts_archive.close()
        logger.info("medradar daemon stopped")


def run_daemon(config: Config, config_text: str, config_path: str | None, *,
               log_format: str = "text", http: str | None = None) -> None:
    """Run the daemon until SIGTERM or SIGINT (exit 0); SIGHUP reloads the config."""
    setup_logging(log_format, "INFO", config.secrets())
    # APScheduler logs every job start and end at INFO: with probes every minute per source
    # that drowns the crawl outcomes we log ourselves.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    daemon = Daemon(config, config_text, config_path, log_format)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received %s, stopping", signal.Signals(signum).name)
        daemon.stop_requested.set()

    def reload(_signum: int, _frame: FrameType | None) -> None:
        daemon.reload_requested.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    server = None
    if http:
        from monitor.web import start_http

        stats: Callable[[], dict[str, float]] = daemon.daemon_stats
        server = start_http(http, config.archive_path, stats)
        logger.info("serving /healthz and /metrics on %s", server.url)
    try:
        daemon.run()
    finally:
        if server is not None:
            server.close()
