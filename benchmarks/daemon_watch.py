"""Watching a running daemon: its CPU and memory, the processes it starts, its /metrics.

CPU is accounted exactly over a window by two snapshots, each summing

* the daemon's own user + system time (the **main process**),
* its ``children_user + children_system``: every child it has reaped (each child's figure
  includes the grandchildren that child reaped in turn),
* for every descendant still alive, its own time plus that of the children it reaped,
* this process's ``RUSAGE_CHILDREN``: orphans of the daemon's tree (multiprocessing's
  forkserver outlives a crawl process) are re-parented here, because the benchmark makes
  itself a child subreaper (benchmarks.measure.become_subreaper), and reaped by the watcher.

so a process that starts and ends inside the window is counted in full (the **tree**). Only a
process reaped in the instant between two reads of a snapshot can be missed or counted twice.

A thread polls the tree every 0.25 s to record which processes the daemon started (a crawl
process lives >= 1 s: Python and Scrapy start-up) and the main process's RSS.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import psutil

_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


@dataclass
class Snapshot:
    """CPU seconds so far: the daemon's main process, and the whole tree."""

    at: float  # time.monotonic()
    main_cpu: float
    tree_cpu: float


@dataclass
class Seen:
    """One process the daemon started."""

    role: str
    first: float  # time.monotonic() it was first seen
    last: float  # and last seen
    cpu: float = 0.0  # its own CPU seconds when last seen


@dataclass
class Watch:
    """What the poller saw: processes by pid, (monotonic time, main RSS bytes) samples."""

    processes: dict[int, Seen] = field(default_factory=dict)
    rss: list[tuple[float, int]] = field(default_factory=list)


def role_of(cmdline: list[str], parent: str) -> str:
    """Name a process of the daemon's tree by what it is."""
    text = " ".join(cmdline)
    if "forkserver" in parent and "forkserver" in text:
        return "extraction worker"
    for needle, role in (("forkserver", "forkserver"), ("resource_tracker", "resource tracker"),
                         ("monitor.child", "crawl"), (" crawl", "crawl"),
                         ("alerts send", "alerts send"), ("probe", "probe")):
        if needle in text:
            return role
    return os.path.basename(cmdline[0]) if cmdline else "?"


def _own_cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system + times.children_user + times.children_system)


class DaemonWatcher(threading.Thread):
    """Polls a daemon's process tree; takes exact CPU snapshots on demand."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.daemon_proc = psutil.Process(pid)
        self.interval = interval
        self.seen = Watch()
        self._me = psutil.Process()
        self._lock = threading.Lock()
        self._stop_event = threading.Event()

    def tree(self) -> list[psutil.Process]:
        """The daemon's descendants and the orphans adopted here (not the daemon itself)."""
        procs: list[psutil.Process] = []
        tops = [self.daemon_proc]
        with contextlib.suppress(psutil.Error):
            tops += [c for c in self._me.children() if c.pid != self.pid]
        for top in tops:
            with contextlib.suppress(psutil.Error):
                procs += [] if top.pid == self.pid else [top]
                procs += top.children(recursive=True)
        return procs

    def reap(self) -> None:
        """Reap adopted orphans that have ended (never the daemon: its Popen does that)."""
        with contextlib.suppress(psutil.Error):
            for child in self._me.children():
                if child.pid != self.pid:
                    with contextlib.suppress(ChildProcessError):
                        os.waitpid(child.pid, os.WNOHANG)

    def poll(self) -> None:
        """Record the processes alive now and the main process's RSS."""
        now = time.monotonic()
        with self._lock:
            self.reap()
        for proc in self.tree():
            with contextlib.suppress(psutil.Error):
                known = self.seen.processes.get(proc.pid)
                if not known:
                    parent = proc.parent()
                    role = role_of(proc.cmdline(), " ".join(parent.cmdline()) if parent else "")
                    known = self.seen.processes[proc.pid] = Seen(role, now, now)
                known.last = now
                times = proc.cpu_times()
                known.cpu = float(times.user + times.system)  # its reaped children are seen too
        with contextlib.suppress(psutil.Error):
            self.seen.rss.append((now, self.daemon_proc.memory_info().rss))

    def snapshot(self) -> Snapshot:
        """CPU seconds used so far by the main process and by the whole tree."""
        with self._lock:
            self.reap()
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            times = self.daemon_proc.cpu_times()
            alive = 0.0
            for proc in self.tree():
                with contextlib.suppress(psutil.Error):
                    alive += _own_cpu(proc)
        main = float(times.user + times.system)
        tree = (main + times.children_user + times.children_system + alive
                + usage.ru_utime + usage.ru_stime)
        return Snapshot(time.monotonic(), main, tree)

    def started_between(self, start: float, end: float) -> dict[str, int]:
        """How many processes of each role were first seen in [start, end)."""
        counts: dict[str, int] = {}
        for seen in list(self.seen.processes.values()):
            if start <= seen.first < end:
                counts[seen.role] = counts.get(seen.role, 0) + 1
        return counts

    def cpu_by_role(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds of the processes first seen in [start, end), by role (sampled: each
        process's last <= 0.25 s may be missing)."""
        found: dict[str, float] = {}
        for seen in list(self.seen.processes.values()):
            if start <= seen.first < end:
                found[seen.role] = found.get(seen.role, 0.0) + seen.cpu
        return found

    def busy(self, role: str = "crawl") -> bool:
        """Whether a process of this role is alive now."""
        return any(self.seen.processes.get(p.pid, Seen("", 0, 0)).role == role
                   for p in self.tree())

    def rss_between(self, start: float, end: float) -> list[tuple[float, int]]:
        """Main-process RSS samples taken in [start, end]."""
        return [(t, r) for t, r in list(self.seen.rss) if start <= t <= end]

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.poll()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        """Stop polling."""
        self._stop_event.set()
        self.join()


def scrape(url: str, timeout: float = 5.0) -> dict[str, float] | None:
    """A Prometheus text page as {metric name: sum over its label sets} plus
    {name{labels}: value} for every sample; None when it cannot be read."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            text = answer.read().decode("utf-8", "replace")
    except OSError:
        return None
    found: dict[str, float] = {}
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if not match or line.startswith("#"):
            continue
        name, labels, value = match.groups()
        try:
            number = float(value)
        except ValueError:
            continue
        found[name] = found.get(name, 0.0) + number
        if labels:
            found[name + labels] = number
    return found
