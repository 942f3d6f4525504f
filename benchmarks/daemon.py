"""Daemon benchmark (issue 4): idle cost, memory over many cycles, new article to webhook.

    .venv/bin/python -m benchmarks.daemon            # 50 sources; ~24 minutes
    .venv/bin/python -m benchmarks.daemon --quick    # 10 sources, short windows; ~5 minutes

The real ``python -m monitor --config X run`` runs as a subprocess against N generated
outlets (benchmarks.live_outlets: NDSoft-skin sites served from memory in this process, half
configured as ``ndsoft`` sources (feed + list page 1), half as ``rss`` (the feed)), with one
rule (MARKER, max_age 1h) alerting a real local webhook receiver (tests.support.receiver).
Before the daemon runs, one ``medradar crawl`` (delay 0) fills the archive with every outlet's
back catalogue, so the daemon starts on a warm archive and "nothing new" is true.

1. Idle: sources every 1 minute, nothing published. After the daemon's first look at every
   source (and its crawls) has settled, CPU of the main process and of its whole process tree
   over ``--minutes`` (benchmarks.daemon_watch: exact, from the kernel's accounting), RSS of
   the main process, how many probes (from /metrics when ``run --http`` exists), crawl
   processes and requests the window cost. Target: main process < 2 % of one core,
   RSS < 150 MB.
2. Growth: the same sources every ``--every`` seconds (2) until ``--cycles`` cycles per
   source have been scheduled; main-process RSS at the start, every 100 cycles and the end,
   and its least-squares slope. Target: not growing (slope < 1 MB per 100 cycles here).
3. Latency: sources every 10 s; ``--articles`` articles published one at a time on the
   outlets in turn, each after a random pause of 0-10 s (so publication falls at a random
   point of the interval); latency = the receiver's arrival time - the moment the feed and
   list page showed the article. Median and max; target median <= interval + 3 s.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from benchmarks.crawlbench import REPO, child_env
from benchmarks.daemon_report import (
    MB,
    STEPS,
    Growth,
    Latency,
    Row,
    Window,
    print_summary,
    report_growth,
    report_idle,
    report_latency,
)
from benchmarks.daemon_watch import DaemonWatcher, Snapshot, scrape
from benchmarks.live_outlets import MARKER, LiveOutlets
from benchmarks.measure import become_subreaper, reap_orphans, run_measured
from tests.support.receiver import Receiver

MONITOR = [sys.executable, "-m", "monitor"]


def log(message: str) -> None:
    """Progress, to stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- configuration and the daemon process -----------------------------------------------------

def run_options() -> set[str]:
    """The options ``medradar run`` of this checkout accepts (--http, --log-format)."""
    done = subprocess.run([*MONITOR, "run", "--help"], cwd=REPO, env=child_env(),
                          capture_output=True, text=True, check=True)
    return {opt for opt in ("--http", "--log-format") if opt in done.stdout}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def config_text(work: Path, outlets: LiveOutlets, every: str, hook: str,
                sources: int, delay: float | None = None) -> str:
    """The benchmark's medradar.toml: defaults except where the benchmark needs otherwise."""
    lines = ["# medradar daemon benchmark", "[archive]", f'path = "{work / "archive.db"}"', "",
             "[crawl]", "obey_robots = true  # the outlets serve a permissive robots.txt"]
    if delay is not None:
        lines.append(f"delay = {delay}")
    lines += ["", "[daemon]", "max_crawls = 2", "probe = true", "",
              "[[channels]]", 'id = "hook"', 'kind = "webhook"', f'url = "{hook}"', "",
              "[[rules]]", 'id = "device"', f'query = "{MARKER}"', 'channels = ["hook"]',
              'max_age = "1h"  # the generated back catalogue is days old: only new articles',
              ""]
    text = "\n".join(lines)
    for entry in outlets.entries[:sources]:
        text += "\n" + entry.source_toml(every)
    return text


def write_config(work: Path, name: str, text: str) -> Path:
    """Write a config file into the work directory."""
    path = work / name
    path.write_text(text, encoding="utf-8")
    return path


@dataclass
class Daemon:
    """A running ``medradar run``."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    metrics_url: str | None
    started: float = field(default_factory=time.monotonic)

    def metrics(self) -> dict[str, float] | None:
        """Its /metrics, summed by metric name (None without --http)."""
        return scrape(self.metrics_url) if self.metrics_url else None

    def log_tail(self, lines: int = 15) -> str:
        """The end of its log."""
        text = self.log_path.read_text("utf-8", "replace").splitlines()
        return "\n".join(text[-lines:])


@contextmanager
def running_daemon(config: Path, options: set[str]) -> Iterator[Daemon]:
    """Start ``medradar --config config run``; SIGTERM it on exit and check it stopped with 0."""
    command = [*MONITOR, "--config", str(config), "run"]
    metrics_url = None
    if "--http" in options:
        port = free_port()
        command += ["--http", f"127.0.0.1:{port}"]
        metrics_url = f"http://127.0.0.1:{port}/metrics"
    log_path = config.with_suffix(".log")
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(command, cwd=config.parent, env=child_env(),
                                stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file)
    daemon = Daemon(proc, log_path, metrics_url)
    try:
        yield daemon
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
            log(f"daemon did not stop within 90 s of SIGTERM; killed. Log:\n{daemon.log_tail()}")
        if code != 0:
            log(f"daemon exited {code} after SIGTERM. Log:\n{daemon.log_tail()}")
        reap_orphans({proc.pid})  # what its crawls left behind, before the next phase


# -- the archive --------------------------------------------------------------------------------

def archive_query(work: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on the benchmark archive."""
    conn = sqlite3.connect(f"file:{work / 'archive.db'}?mode=ro", uri=True, timeout=30)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def last_run_id(work: Path) -> int:
    """The newest crawl_runs id."""
    return int(archive_query(work, "SELECT coalesce(max(id), 0) FROM crawl_runs")[0][0])


def runs_since(work: Path, run_id: int) -> dict[str, int]:
    """Crawl runs recorded after run_id, by status, and how many sources they covered."""
    rows = archive_query(work, "SELECT status, count(*), count(DISTINCT source_id) "
                               "FROM crawl_runs WHERE id > ? GROUP BY status", (run_id,))
    found = {status: int(n) for status, n, _ in rows}
    sources = archive_query(work, "SELECT count(DISTINCT source_id) FROM crawl_runs "
                                  "WHERE id > ?", (run_id,))
    found["sources"] = int(sources[0][0])
    return found


# -- phases -------------------------------------------------------------------------------------

@dataclass
class Bench:
    """What every phase shares."""

    work: Path
    outlets: LiveOutlets
    receiver: Receiver
    options: set[str]
    sources: int

    def config(self, name: str, every: str, sources: int | None = None) -> Path:
        """Write a daemon config with every source crawled every ``every``."""
        text = config_text(self.work, self.outlets, every, self.receiver.url(),
                           sources or self.sources)
        return write_config(self.work, name, text)


COUNTERS = {"probes": "medradar_daemon_probes_total",
            "unchanged": "medradar_daemon_probes_unchanged_total",
            "crawls": "medradar_daemon_crawls_started_total"}


def counters(metrics: dict[str, float] | None) -> dict[str, float] | None:
    """The daemon's probes, probes that found nothing new and crawls started (/metrics)."""
    if not metrics or COUNTERS["probes"] not in metrics:
        return None
    return {key: metrics.get(name, float("nan")) for key, name in COUNTERS.items()}


def counted_since(now: dict[str, float] | None, then: dict[str, float] | None
                  ) -> dict[str, float] | None:
    """The counters' increase."""
    if now is None or then is None:
        return None
    return {key: now[key] - then[key] for key in now}


def settle(bench: Bench, daemon: Daemon, watcher: DaemonWatcher, sources: int,
           interval: float, since_run: int) -> str:
    """Wait for the daemon's first look at every source, then for its crawls to end.

    The first look is a crawl (the probe's baseline is kept in memory), so: a crawl run of
    every source in the archive, or (a daemon that kept its baseline) a probe of each and no
    crawl at all. Capped, so a daemon that never goes quiet is measured anyway."""
    cap = time.monotonic() + sources * 3 + interval * 2 + 120
    looked = "no"
    while time.monotonic() < cap and daemon.proc.poll() is None:
        crawled = runs_since(bench.work, since_run)["sources"]
        counted = counters(daemon.metrics())
        looked = f"a crawl of {crawled}/{sources} sources"
        if crawled >= sources:
            break
        if not crawled and counted and counted["probes"] >= sources:
            looked = f"{counted['probes']:.0f} probes, no crawl"
            break
        time.sleep(1)
    if daemon.proc.poll() is not None:
        raise RuntimeError(f"the daemon exited ({daemon.proc.returncode}):\n{daemon.log_tail()}")
    quiet_cap = time.monotonic() + max(60.0, interval * 1.5)
    quiet_since = time.monotonic()
    while time.monotonic() < quiet_cap:
        if watcher.busy("crawl"):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 3:
            return (f"first look: {looked}; its crawls ended "
                    f"{time.monotonic() - daemon.started:.0f} s after start")
        time.sleep(0.25)
    return (f"first look: {looked}; crawls still running "
            f"{time.monotonic() - daemon.started:.0f} s after start (measured anyway)")


@dataclass
class Mark:
    """The state at the start of a window."""

    snapshot: Snapshot
    run_id: int
    requests: dict[str, int]
    counted: dict[str, float] | None


def mark(bench: Bench, daemon: Daemon, watcher: DaemonWatcher) -> Mark:
    """Note where a window starts."""
    return Mark(watcher.snapshot(), last_run_id(bench.work), bench.outlets.requests(),
                counters(daemon.metrics()))


def window(bench: Bench, daemon: Daemon, watcher: DaemonWatcher, start: Mark) -> Window:
    """What happened since ``start``."""
    end = watcher.snapshot()
    got = counted_since(counters(daemon.metrics()), start.counted)
    requests = {k: v - start.requests[k] for k, v in bench.outlets.requests().items()}
    t0, t1 = start.snapshot.at, end.at
    return Window(t1 - t0, end.main_cpu - start.snapshot.main_cpu,
                  end.tree_cpu - start.snapshot.tree_cpu, watcher.started_between(t0, t1),
                  watcher.cpu_by_role(t0, t1), runs_since(bench.work, start.run_id), requests,
                  got, watcher.rss_between(t0, t1))


@contextmanager
def watched(bench: Bench, config: Path) -> Iterator[tuple[Daemon, DaemonWatcher]]:
    """A running daemon and a watcher polling it."""
    with running_daemon(config, bench.options) as daemon:
        watcher = DaemonWatcher(daemon.proc.pid)
        watcher.start()
        try:
            yield daemon, watcher
        finally:
            watcher.stop()


def idle_phase(bench: Bench, minutes: float) -> tuple[str, Window]:
    """Sources every minute, nothing new: a window of ``minutes``."""
    config = bench.config("idle.toml", "60s")
    since = last_run_id(bench.work)
    with watched(bench, config) as (daemon, watcher):
        settled = settle(bench, daemon, watcher, bench.sources, 60, since)
        log(f"idle: {settled}; measuring {minutes:g} min")
        start = mark(bench, daemon, watcher)
        time.sleep(minutes * 60)
        return settled, window(bench, daemon, watcher, start)


def slope_per_100(samples: list[tuple[float, int]], t0: float, every: float) -> float:
    """Least-squares slope of RSS (MB) against cycles, per 100 cycles."""
    xs = [(t - t0) / every for t, _ in samples]
    ys = [r / MB for _, r in samples]
    if len(xs) < 3:
        return float("nan")
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var * 100 if var \
        else float("nan")


def growth_phase(bench: Bench, every: float, cycles: int) -> Growth:
    """Sources every ``every`` s until ``cycles`` cycles per source have been scheduled."""
    config = bench.config("growth.toml", f"{every:g}s")
    since = last_run_id(bench.work)
    with watched(bench, config) as (daemon, watcher):
        time.sleep(2)
        startup_rss = watcher.seen.rss[-1][1] if watcher.seen.rss else 0
        settled = settle(bench, daemon, watcher, bench.sources, every, since)
        log(f"growth: {settled}; running {cycles} cycles of {every:g} s "
            f"(~{cycles * every / 60:.1f} min)")
        start = mark(bench, daemon, watcher)
        t0 = start.snapshot.at
        points = sorted({*range(0, cycles, 100), cycles})
        checkpoints = []
        for cycle in points:
            time.sleep(max(0.0, t0 + cycle * every - time.monotonic()))
            rss = watcher.daemon_proc.memory_info().rss
            counted = counted_since(counters(daemon.metrics()), start.counted)
            done = counted["probes"] if counted else None
            runs = sum(v for k, v in runs_since(bench.work, start.run_id).items()
                       if k != "sources")
            checkpoints.append((cycle, time.monotonic() - t0, rss, done, runs))
            log(f"growth: cycle {cycle}: main RSS {rss / MB:.1f} MB")
        result = window(bench, daemon, watcher, start)
    return Growth(every, cycles, settled, startup_rss, checkpoints,
                  slope_per_100(result.rss, t0, every), result)


def arrival_of(receiver: Receiver, tag: str, cursor: int) -> float | None:
    """When a webhook for an article whose title holds ``tag`` arrived (from ``cursor`` on)."""
    got = list(zip(receiver.received, receiver.arrivals, strict=False))
    for received, arrived in got[cursor:]:
        for alert in received.json().get("alerts", []):
            if tag in str(alert.get("article", {}).get("title", "")):
                return arrived
    return None


def latency_phase(bench: Bench, articles: int, interval: float, sources: int,
                  timeout: float) -> Latency:
    """Publish articles one at a time; time each to its webhook."""
    config = bench.config("latency.toml", f"{interval:g}s", sources)
    since = last_run_id(bench.work)
    rng = Random("medradar-daemon-latency")
    waits: list[float] = []
    steps: list[dict[str, float]] = []
    misses = 0
    with watched(bench, config) as (daemon, watcher):
        settled = settle(bench, daemon, watcher, sources, interval, since)
        log(f"latency: {settled}; publishing {articles} articles")
        start = mark(bench, daemon, watcher)
        for i in range(articles):
            time.sleep(rng.uniform(0, interval))
            index = i % sources
            tag = f"속보 {i + 1:02d}호"
            title = f"{MARKER} 신제품 {tag} ({bench.outlets.entries[index].outlet.name})"
            cursor = len(bench.receiver.received)
            _, t0 = bench.outlets.publish(index, title)
            arrived = None
            while arrived is None and time.time() - t0 < timeout:
                time.sleep(0.05)
                arrived = arrival_of(bench.receiver, tag, cursor)
            if arrived is None:
                misses += 1
                log(f"latency: article {i + 1}: no webhook within {timeout:g} s")
                continue
            waits.append(arrived - t0)
            steps.append(split_wait(bench.outlets, index, t0, arrived))
            log(f"latency: article {i + 1}: {arrived - t0:.2f} s")
        result = window(bench, daemon, watcher, start)
    return Latency(interval, sources, settled, waits, steps, misses, result)


def split_wait(outlets: LiveOutlets, index: int, t0: float, arrived: float) -> dict[str, float]:
    """Split one article's wait at the outlet's requests: the probe's first look at the feed
    or list page, the crawl process's first request (robots.txt: Scrapy asks it first), the
    article page; the rest is extraction, storing and delivery."""
    looked = [t for t in (outlets.first_request(index, "feed", t0),
                          outlets.first_request(index, "list", t0)) if t is not None]
    probe_at = min(looked) if looked else None
    crawl_at = outlets.first_request(index, "robots", probe_at) if probe_at else None
    page_at = outlets.first_request(index, "article", t0)
    if probe_at is None or crawl_at is None or page_at is None:
        return {}
    times = [t0, probe_at, crawl_at, page_at, arrived]
    return {step: end - begin for step, begin, end in zip(STEPS, times, times[1:], strict=False)}


# -- before the daemon ---------------------------------------------------------------------------

def precrawl(bench: Bench) -> str:
    """Fill the archive with every outlet's back catalogue in one ``medradar crawl``."""
    config = write_config(bench.work, "precrawl.toml", config_text(
        bench.work, bench.outlets, "60s", bench.receiver.url(), bench.sources, delay=0))
    started = time.perf_counter()
    done = subprocess.run([*MONITOR, "--config", str(config), "crawl"], cwd=bench.work,
                          env=child_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pre-crawl failed ({done.returncode}):\n{done.stderr[-2000:]}")
    stored = archive_query(bench.work, "SELECT count(*) FROM articles")[0][0]
    reap_orphans(set())  # its forkserver, adopted here: its CPU must not count later
    return f"{stored} articles stored in {time.perf_counter() - started:.1f} s"


def crawl_cost(bench: Bench, source_index: int) -> tuple[float, float, int]:
    """(CPU s, wall s, processes) of one nothing-new ``medradar crawl SOURCE`` (exact CPU)."""
    entry = bench.outlets.entries[source_index]
    config = bench.work / "precrawl.toml"
    measured = run_measured([*MONITOR, "--config", str(config), "crawl", entry.source_id],
                            cwd=bench.work, env=child_env(), exclude=set(), interval=0.05)
    if measured.returncode != 0:
        raise RuntimeError(f"crawl of {entry.source_id} failed:\n{measured.stderr[-2000:]}")
    return measured.cpu_s, measured.wall_s, measured.peak_procs


# -- main ----------------------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options; --quick changes the defaults of those not given."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.daemon",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="~5 minute smoke run")
    parser.add_argument("--sources", type=int, help="generated outlets (50; quick 10)")
    parser.add_argument("--per-outlet", type=int, help="back-catalogue articles each (12; 6)")
    parser.add_argument("--minutes", type=float, help="idle window, minutes (3; quick 1)")
    parser.add_argument("--every", type=float, default=2.0, help="growth interval, s (2)")
    parser.add_argument("--cycles", type=int, help="growth cycles per source (300; quick 15)")
    parser.add_argument("--articles", type=int, help="latency articles (20; quick 3)")
    parser.add_argument("--interval", type=float, default=10.0, help="latency interval, s (10)")
    parser.add_argument("--latency-sources", type=int,
                        help="sources in the latency phase (all)")
    parser.add_argument("--timeout", type=float, default=60.0, help="latency timeout, s (60)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["idle", "growth", "latency"], help="skip a phase (repeatable)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    quick = args.quick
    for name, full, small in (("sources", 50, 10), ("per_outlet", 12, 6), ("minutes", 3.0, 1.0),
                              ("cycles", 300, 15), ("articles", 20, 3)):
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    args.latency_sources = min(args.latency_sources or args.sources, args.sources)
    return args


def header(args: argparse.Namespace, options: set[str]) -> list[str]:
    """What is about to run."""
    commit = subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    return [
        f"medradar daemon benchmark ({'quick' if args.quick else 'full'}), "
        f"{time.strftime('%Y-%m-%d %H:%M')}, commit {commit}",
        f"   `python -m monitor --config X run`{' --http 127.0.0.1:PORT' if options else ''} "
        f"(run options found: {', '.join(sorted(options)) or 'none: no /metrics'})",
        f"   {args.sources} generated NDSoft-skin outlets on 127.0.0.1 "
        f"({(args.sources + 1) // 2} as kind ndsoft: feed + list page 1; "
        f"{args.sources // 2} as kind rss: the feed), {args.per_outlet} articles each; "
        f"[daemon] max_crawls = 2, probe = true, other settings default; one webhook rule",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the phases and print the report."""
    args = parse_args(argv)
    options = run_options()
    lines = header(args, options)
    print("\n".join(lines), flush=True)
    become_subreaper()
    rows: list[Row] = []
    started = time.monotonic()
    workdir = tempfile.mkdtemp(prefix="medradar-daemon-") if args.keep else None
    with tempfile.TemporaryDirectory(prefix="medradar-daemon-") as tmp, Receiver() as receiver:
        work = Path(workdir or tmp)
        log(f"generating {args.sources} outlets x {args.per_outlet} articles")
        with LiveOutlets(args.sources, args.per_outlet) as outlets:
            bench = Bench(work, outlets, receiver, options, args.sources)
            log("pre-crawl (medradar crawl, delay 0)")
            print(f"   pre-crawl into a fresh archive: {precrawl(bench)}", flush=True)
            cost = crawl_cost(bench, 0) if "idle" not in args.skip else None
            if "idle" not in args.skip:
                settled, idle = idle_phase(bench, args.minutes)
                section, more = report_idle(settled, idle, args.minutes, args.sources, cost)
                print("\n".join(section), flush=True)
                rows += more
            if "growth" not in args.skip:
                section, more = report_growth(growth_phase(bench, args.every, args.cycles),
                                              args.sources)
                print("\n".join(section), flush=True)
                rows += more
            if "latency" not in args.skip:
                lat = latency_phase(bench, args.articles, args.interval, args.latency_sources,
                                    args.timeout)
                section, more = report_latency(lat, args.articles, args.timeout)
                print("\n".join(section), flush=True)
                rows += more
    print_summary(rows)
    print(f"\n   total wall time {(time.monotonic() - started) / 60:.1f} min"
          + (f"; work directory kept: {workdir}" if workdir else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
