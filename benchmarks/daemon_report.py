"""What the daemon benchmark found (benchmarks.daemon), and how it is reported beside its
targets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from monitor.config import DaemonConfig

MB = 1e6
CPU_TARGET = 2.0  # % of one core, main process
RSS_TARGET = 150 * MB
GROWTH_LIMIT = 1.0  # MB per 100 cycles
LATENCY_SLACK = 3.0  # s over the interval
Row = tuple[str, str, str, str]  # figure, medradar, target, OK / MISS / ""
STEPS = ["until the probe", "probe to the crawl's first request",
         "to the article page", "to the webhook"]


@dataclass
class Window:
    """What one measured window of a running daemon cost."""

    wall: float
    main_cpu: float
    tree_cpu: float
    started: dict[str, int]  # processes the daemon started, by role
    cpu_by_role: dict[str, float]
    runs: dict[str, int]
    requests: dict[str, int]
    counted: dict[str, float] | None  # from /metrics: probes, unchanged, crawls
    rss: list[tuple[float, int]]

    @property
    def main_pct(self) -> float:
        """Main-process CPU, % of one core."""
        return self.main_cpu / self.wall * 100

    @property
    def tree_pct(self) -> float:
        """Whole-tree CPU, % of one core."""
        return self.tree_cpu / self.wall * 100


@dataclass
class Growth:
    """Main-process RSS over many cycles."""

    every: float
    cycles: int
    settled: str
    startup_rss: int
    checkpoints: list[tuple[int, float, int, float | None, int]]  # cycle, s, RSS, probes, runs
    slope: float  # MB per 100 cycles
    window: Window


@dataclass
class Latency:
    """New article to webhook."""

    interval: float
    sources: int
    settled: str
    waits: list[float]  # appeared -> webhook received, s
    steps: list[dict[str, float]]  # per arrived article: the steps of its wait (STEPS)
    misses: int
    window: Window


def verdict(ok: bool) -> str:
    """OK or MISS."""
    return "OK" if ok else "MISS"


def describe_window(w: Window, indent: str = "   ") -> list[str]:
    """The window's detail lines."""
    started = ", ".join(f"{n} {role}" for role, n in sorted(w.started.items())) or "none"
    by_role = ", ".join(f"{role} {s:.1f} s" for role, s in sorted(w.cpu_by_role.items()))
    runs = ", ".join(f"{k} {v}" for k, v in sorted(w.runs.items()) if k != "sources") or "none"
    req = ", ".join(f"{k} {v}" for k, v in w.requests.items() if v) or "none"
    probe_line = (f"/metrics: {w.counted['probes']:.0f} probes, {w.counted['unchanged']:.0f} "
                  f"found nothing new, {w.counted['crawls']:.0f} crawls started"
                  if w.counted else "probes: not reported (no /metrics)")
    rss = [r for _, r in w.rss] or [0]
    return [
        f"{indent}window {w.wall:.0f} s: CPU main process {w.main_cpu:.2f} s = "
        f"{w.main_pct:.2f} % of a core; process tree {w.tree_cpu:.2f} s = {w.tree_pct:.2f} %",
        f"{indent}{probe_line}; processes started: {started}",
        f"{indent}CPU of those processes (sampled): {by_role or 'none'}",
        f"{indent}crawl runs recorded: {runs}",
        f"{indent}requests the outlets served: {req}",
        f"{indent}main-process RSS: first {rss[0] / MB:.1f} MB, mean "
        f"{statistics.fmean(rss) / MB:.1f} MB, max {max(rss) / MB:.1f} MB, "
        f"last {rss[-1] / MB:.1f} MB ({len(rss)} samples)",
    ]


def report_idle(settled: str, w: Window, minutes: float, sources: int,
                cost: tuple[float, float, int] | None) -> tuple[list[str], list[Row]]:
    """Section 1 and its summary rows."""
    lines = [f"\n1. IDLE: {sources} sources every 1 min, nothing new, {minutes:g} min window "
             f"({settled})", *describe_window(w)]
    if cost:
        cpu, wall, procs = cost
        full = DaemonConfig()
        full_every = full.seconds("full_crawl_every")
        every_minute, amortised = cpu * sources / 60 * 100, cpu * sources / full_every * 100
        lines.append(f"   for scale: one nothing-new `medradar crawl SOURCE` costs {cpu:.2f} s "
                     f"CPU ({wall:.1f} s wall, up to {procs} processes at once); crawling "
                     f"{sources} sources every minute that way would be {every_minute:.0f} % "
                     f"of a core; the full crawl the daemon still runs every "
                     f"{full.full_crawl_every} (full_crawl_every, default; none fell in the "
                     f"window) adds {amortised:.2f} % to the tree on average")
    rss_max = max((r for _, r in w.rss), default=0)
    rows = [("idle CPU, main process", f"{w.main_pct:.2f} % of a core",
             f"< {CPU_TARGET:g} %", verdict(w.main_pct < CPU_TARGET)),
            ("idle CPU, whole tree", f"{w.tree_pct:.2f} % of a core",
             "(shown; the target is the daemon's)", ""),
            ("idle RSS, main process (max)", f"{rss_max / MB:.1f} MB",
             f"< {RSS_TARGET / MB:.0f} MB", verdict(rss_max < RSS_TARGET))]
    return lines, rows


def report_growth(g: Growth, sources: int) -> tuple[list[str], list[Row]]:
    """Section 2 and its summary rows."""
    lines = [f"\n2. GROWTH: {sources} sources every {g.every:g} s, {g.cycles} cycles per source "
             f"scheduled ({g.cycles * sources:,} looks; {g.settled})",
             f"   main-process RSS at start-up (2 s in): {g.startup_rss / MB:.1f} MB",
             f"   {'cycle':>7} {'elapsed':>9} {'RSS MB':>8} {'probes':>8} {'crawl runs':>11}"]
    for cycle, elapsed, rss, done, runs in g.checkpoints:
        shown = f"{done:.0f}" if done is not None else "-"
        lines.append(f"   {cycle:>7} {elapsed:>8.0f}s {rss / MB:>8.1f} {shown:>8} {runs:>11}")
    lines += [f"   slope (least squares over {len(g.window.rss)} samples): "
              f"{g.slope:+.2f} MB per 100 cycles", *describe_window(g.window)]
    rss_max = max((r for _, r in g.window.rss), default=0)
    grown = g.checkpoints[-1][2] - g.checkpoints[0][2]
    judged = g.cycles >= 100  # fewer: start-up effects dominate the slope
    rows = [("RSS main process over cycles", f"{rss_max / MB:.1f} MB max, "
             f"{grown / MB:+.1f} MB, {g.slope:+.2f} MB/100 cycles ({g.cycles} cycles)",
             f"< {RSS_TARGET / MB:.0f} MB, not growing (< {GROWTH_LIMIT:g} MB/100)",
             verdict(rss_max < RSS_TARGET and g.slope < GROWTH_LIMIT) if judged
             else "not judged: < 100 cycles")]
    return lines, rows


def report_latency(lat: Latency, articles: int, timeout: float
                   ) -> tuple[list[str], list[Row]]:
    """Section 3 and its summary rows."""
    target = lat.interval + LATENCY_SLACK
    lines = [f"\n3. LATENCY: {lat.sources} sources every {lat.interval:g} s; {articles} "
             f"articles published one at a time after random 0-{lat.interval:g} s pauses "
             f"({lat.settled})"]
    if lat.waits:
        waits = sorted(lat.waits)
        lines.append(f"   appeared -> webhook received: median {statistics.median(waits):.2f} s, "
                     f"max {waits[-1]:.2f} s, min {waits[0]:.2f} s over {len(waits)} "
                     f"articles; {lat.misses} missed (none within {timeout:g} s)")
        lines.append("   each: " + " ".join(f"{w:.1f}" for w in lat.waits))
    split = [s for s in lat.steps if s]
    if split:
        parts = [f"{step} {statistics.median(s[step] for s in split):.2f} s" for step in STEPS]
        lines.append(f"   medians of its steps ({len(split)} articles): " + "; ".join(parts))
    lines += describe_window(lat.window)
    median = statistics.median(lat.waits) if lat.waits else float("inf")
    shown = (f"median {median:.2f} s, max {max(lat.waits):.2f} s"
             if lat.waits else "no article arrived") + (f", {lat.misses} missed"
                                                        if lat.misses else "")
    rows = [(f"new article -> webhook ({lat.interval:g} s interval)", shown,
             f"median <= {target:g} s", verdict(median <= target and not lat.misses))]
    return lines, rows


def print_summary(rows: list[Row]) -> None:
    """The figures beside their targets."""
    print("\nSUMMARY")
    print(f"   {'figure':38} {'medradar':58} {'target':44}")
    for name, value, target, ok in rows:
        print(f"   {name:38} {value:58} {target:44} {ok}")
    judged = [r for r in rows if r[3] in ("OK", "MISS")]
    print(f"   {sum(r[3] == 'OK' for r in judged)} of {len(judged)} targets met")
