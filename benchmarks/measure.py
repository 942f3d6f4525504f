"""Measuring a command and every process it starts: wall time, CPU time, peak memory.

* CPU: ``getrusage(RUSAGE_CHILDREN)`` of this process before and after, which is exact for the
  command and every descendant that was waited for. The crawl's extraction workers are
  children of multiprocessing's forkserver, which outlives the crawl process; this process
  makes itself a *child subreaper* (Linux prctl) so that such orphans are re-parented here and
  reaped too, so their CPU is counted as well.
* Memory: a thread samples the process tree every 50 ms with psutil and keeps the peak of the
  summed RSS (and of the main process alone). RSS counts shared pages once per process, so the
  sum over a forkserver's workers (which share the modules the forkserver preloaded) over-states
  what the tree really holds; every 4th sample also sums PSS (each shared page divided among
  the processes sharing it), which adds up to the tree's real footprint.
* A per-process CPU split (main process vs the rest) comes from the same samples: the last
  cpu_times() seen of each process, so it may miss the final <= 50 ms of each.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux); return whether it worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _cpu(times: Any) -> float:
    return float(times.user + times.system)


@dataclass
class TreeSample:
    """What the sampler saw."""

    peak_rss: int = 0
    peak_rss_main: int = 0
    peak_pss: int = 0
    peak_procs: int = 0
    samples: int = 0
    cpu_last: dict[int, float] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    parents: dict[int, int] = field(default_factory=dict)


class TreeSampler(threading.Thread):
    """Samples the RSS and CPU of a process and its descendants (and adopted orphans)."""

    def __init__(self, root: int, exclude: set[int], interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.exclude = exclude
        self.interval = interval
        self.result = TreeSample()
        self._stop_event = threading.Event()
        self._me = psutil.Process()

    def processes(self) -> list[psutil.Process]:
        """The root, its descendants and our other children (orphans adopted here)."""
        procs: list[psutil.Process] = []
        seen: set[int] = set()
        try:
            kids = self._me.children()
        except psutil.Error:
            kids = []
        for top in kids:
            if top.pid in self.exclude:
                continue
            try:
                tree = [top, *top.children(recursive=True)]
            except psutil.Error:
                tree = [top]
            for proc in tree:
                if proc.pid not in seen:
                    seen.add(proc.pid)
                    procs.append(proc)
        return procs

    def sample(self) -> None:
        """Take one sample."""
        total = 0
        pss_total = 0
        count = 0
        result = self.result
        with_pss = result.samples % 4 == 0
        for proc in self.processes():
            try:
                with proc.oneshot():
                    if with_pss:
                        full = proc.memory_full_info()
                        rss = full.rss
                        pss_total += full.pss
                    else:
                        rss = proc.memory_info().rss
                    cpu = _cpu(proc.cpu_times())
                    if proc.pid not in result.names:
                        result.names[proc.pid] = " ".join(proc.cmdline())
                        result.parents[proc.pid] = proc.ppid()
            except psutil.Error:
                continue
            total += rss
            count += 1
            result.cpu_last[proc.pid] = cpu
            if proc.pid == self.root:
                result.peak_rss_main = max(result.peak_rss_main, rss)
        result.peak_rss = max(result.peak_rss, total)
        result.peak_pss = max(result.peak_pss, pss_total)
        result.peak_procs = max(result.peak_procs, count)
        result.samples += 1

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(self.interval)

    def stop(self) -> TreeSample:
        """Stop sampling and return what was seen."""
        self._stop_event.set()
        self.join()
        return self.result


@dataclass
class Measured:
    """The outcome of one measured command."""

    returncode: int
    wall_s: float
    cpu_s: float  # exact: command + all descendants (rusage)
    cpu_main_s: float  # sampled
    peak_rss: int
    peak_rss_main: int
    peak_pss: int
    peak_procs: int
    samples: int
    stdout: str
    stderr: str
    processes: dict[str, float]  # sampled CPU per kind of process (label -> seconds)
    sampler_cpu_s: float = 0.0  # CPU this (measuring) process used meanwhile, sampler included


def _role(pid: int, root: int, seen: TreeSample) -> str:
    """Name a sampled process by what it is in a medradar crawl."""
    if pid == root:
        return "main process"
    name = seen.names.get(pid, "")
    parent = seen.names.get(seen.parents.get(pid, -1), "")
    if "forkserver import main" in parent:  # forked by the forkserver: same command line
        return "extraction workers"
    if "forkserver import main" in name:
        return "forkserver"
    if "resource_tracker" in name:
        return "resource tracker"
    return name[:60] or str(pid)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reap_orphans(exclude: set[int], timeout: float = 30.0) -> None:
    """Wait for and reap adopted orphans (e.g. multiprocessing's forkserver)."""
    me = psutil.Process()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = [c.pid for c in me.children() if c.pid not in exclude]
        if not pending:
            return
        for pid in pending:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)


def run_measured(cmd: list[str], cwd: Path, env: dict[str, str], exclude: set[int],
                 interval: float = 0.05) -> Measured:
    """Run cmd to completion, measuring it and its whole process tree."""
    before = _children_cpu()
    own = os.times()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid, exclude, interval)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    reap_orphans(exclude)
    seen = sampler.stop()
    cpu = _children_cpu() - before
    after = os.times()
    sampler_cpu = (after.user + after.system) - (own.user + own.system)
    processes: dict[str, float] = {}
    for pid, seconds in seen.cpu_last.items():
        label = _role(pid, proc.pid, seen)
        processes[label] = processes.get(label, 0.0) + seconds
    return Measured(
        returncode=proc.returncode, wall_s=wall, cpu_s=cpu,
        cpu_main_s=seen.cpu_last.get(proc.pid, 0.0), peak_rss=seen.peak_rss,
        peak_rss_main=seen.peak_rss_main, peak_pss=seen.peak_pss, peak_procs=seen.peak_procs,
        samples=seen.samples,
        stdout=out, stderr=err, processes=processes, sampler_cpu_s=sampler_cpu,
    )
