"""Run every benchmark and print the figures beside their baseline and targets.

    .venv/bin/python -m benchmarks            # full: 2,000 pages, 100,000-article archive
    .venv/bin/python -m benchmarks --quick    # smoke run: 200 pages, 5,000 articles

See benchmarks/README.md for what is measured and how to read the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.crawlbench import (
    REPO,
    CrawlRun,
    Servers,
    child_env,
    run_crawl,
    startup_floor,
    write_config,
)
from benchmarks.measure import become_subreaper
from benchmarks.pages import OUTLETS, PAGES_VERSION
from benchmarks.profiling import profile_crawl
from benchmarks.searchbench import QueryTiming, build_archive, time_queries
from benchmarks.textgen import TEXT_VERSION

MB = 1_000_000
TARGET_RATIO = 0.8
TARGET_RSS_MB = 300
TARGET_RECRAWL_SHARE = 0.05


def log(message: str) -> None:
    """Progress goes to stderr; the report to stdout."""
    print(message, file=sys.stderr, flush=True)


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): compares machine speed across runs."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return best


def verdict(ok: bool) -> str:
    """OK / MISS marker for a target."""
    return "OK" if ok else "MISS"


def run_baseline(servers: Servers, part: int = 0, parts: int = 1) -> dict[str, Any]:
    """Plain trafilatura over (every parts-th of) the same pages, in its own process."""
    origins = {o["code"]: o["origin"] for o in servers.outlets}
    per_outlet = servers.outlets[0]["articles"]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.baseline", "--per-outlet", str(per_outlet),
         "--origins", json.dumps(origins), "--part", str(part), "--parts", str(parts)],
        cwd=REPO, env=child_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"baseline failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    served = {o["code"]: o["digest"] for o in servers.outlets}
    result["same_pages"] = result["digests"] == served
    return result


def combine_baselines(halves: list[dict[str, Any]]) -> dict[str, Any]:
    """Add up the baseline halves run before and after the crawls."""
    pages = sum(h["pages"] for h in halves)
    return {
        "pages": pages, "bytes": sum(h["bytes"] for h in halves),
        "wall_s": sum(h["wall_s"] for h in halves), "cpu_s": sum(h["cpu_s"] for h in halves),
        "empty": sum(h["empty"] for h in halves),
        "mean_chars": sum(h["mean_chars"] * h["pages"] for h in halves) / max(pages, 1),
        "same_pages": all(h["same_pages"] for h in halves),
        "halves": [{"pages": h["pages"], "wall_s": h["wall_s"]} for h in halves],
    }


def pad(text: str, width: int) -> str:
    """Left-justify text to a terminal width (Hangul takes two columns)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def fmt_ms(value: float) -> str:
    """Milliseconds with sensible precision."""
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def report(args: argparse.Namespace, env: dict[str, Any], servers_info: dict[str, Any] | None,
           crawl1: CrawlRun | None, crawl2: CrawlRun | None, base: dict[str, Any] | None,
           built: Any, timings: list[QueryTiming] | None,
           floor_s: float | None = None) -> tuple[str, list[bool]]:
    """The printed report and the list of target verdicts."""
    lines: list[str] = []
    checks: list[bool] = []
    add = lines.append
    mode = "quick" if args.quick else "full"
    add(f"medradar benchmarks ({mode}) - {env['when']}")
    add(f"machine: {env['cpus']} cores, Python {env['python']}, Scrapy {env['scrapy']}, "
        f"trafilatura {env['trafilatura']}, SQLite {env['sqlite']}; generator "
        f"text v{TEXT_VERSION} / pages v{PAGES_VERSION}")
    marks = [env[k] for k in ("calibration_start", "calibration_mid", "calibration_mid2",
                              "calibration_end") if k in env]
    drift = (max(marks) - min(marks)) / min(marks)
    when = ["start", "before crawl", "after crawls", "end"] if len(marks) == 4 else ["start", "end"]
    add("speed check: 10M-iteration Python loop " + " / ".join(f"{m:.3f}" for m in marks)
        + " s at " + " / ".join(when[:len(marks)])
        + ("" if drift <= 0.25 else
           f"  WARNING: {drift:.0%} apart, the machine's speed changed during the run "
           "(busy or throttled); repeat before trusting the figures"))
    if crawl1 and base and servers_info:
        outlets = servers_info["outlets"]
        pages = sum(o["articles"] for o in outlets)
        kbytes = sum(o["article_bytes"] for o in outlets) / pages / 1000
        nd = sum(o["cms"] == "ndsoft" for o in outlets)
        add("")
        add(f"corpus: {pages:,} generated article pages, mean {kbytes:.1f} KB, on {len(outlets)} "
            f"local outlets ({nd} NDSoft crawled through list pages of 50 + feed, "
            f"{len(outlets) - nd} WordPress through Yoast sitemaps); each outlet is its own HTTP "
            "server on 127.0.0.1, all in one separate process, pages pre-generated in "
            f"{servers_info['generate_s']:.1f} s (not timed)")
        m1 = crawl1.measured
        rate = crawl1.new / m1.wall_s
        base_rate = base["pages"] / base["wall_s"]
        ratio = rate / base_rate
        rss_mb = m1.peak_rss / MB
        add("")
        add("1. CRAWL vs EXTRACTION-ONLY BASELINE")
        workers = ("default (cores - 1, at least 1)" if args.extract_workers is None
                   else str(args.extract_workers))
        add("   crawl = `medradar --config X crawl` in a subprocess, fresh archive, delay = 0, "
            f"extract_workers {workers};")
        add("   baseline = trafilatura.bare_extraction(html, url=..., with_metadata=True) on the")
        add("   same pages, one process, sequential; half the pages before the crawls, half after"
            + ("" if base["same_pages"]
               else "  (WARNING: page digests differ from the served pages!)"))
        row = "   {:<40} {:>20} {:>20}   {}"
        add(row.format("", "medradar crawl", "trafilatura only", "target"))
        add(row.format("pages extracted / articles stored", f"{crawl1.new:,} stored",
                       f"{base['pages']:,} extracted", ""))
        add(row.format("wall time", f"{m1.wall_s:.1f} s", f"{base['wall_s']:.1f} s", ""))
        add(row.format("throughput", f"{rate:.1f} articles/s", f"{base_rate:.1f} pages/s", ""))
        checks.append(ratio >= TARGET_RATIO)
        add(row.format("ratio crawl / extraction-only", f"{ratio:.2f}", "1.00",
                       f">= {TARGET_RATIO:.2f}  {verdict(checks[-1])}"))
        per = 1000 / max(crawl1.new, 1)
        add(row.format("CPU per article (all processes)", f"{m1.cpu_s * per:.1f} ms",
                       f"{base['cpu_s'] * 1000 / base['pages']:.1f} ms", ""))
        for label in ("main process", "extraction workers", "forkserver", "resource tracker"):
            if label in m1.processes:
                add(row.format(f"  of which {label} (sampled)",
                               f"{m1.processes[label] * per:.1f} ms", "", ""))
        available = m1.wall_s * env["cpus"]
        add(row.format("CPU time, whole crawl", f"{m1.cpu_s:.1f} s of {available:.0f} s",
                       f"{base['cpu_s']:.1f} s", ""))
        checks.append(rss_mb <= TARGET_RSS_MB)
        add(row.format(f"peak RSS, sum over tree ({m1.peak_procs} procs)", f"{rss_mb:.0f} MB", "",
                       f"<= {TARGET_RSS_MB} MB  {verdict(checks[-1])}"))
        add(row.format("  peak PSS, sum over tree", f"{m1.peak_pss / MB:.0f} MB", "", ""))
        add(row.format("  peak RSS, main process alone", f"{m1.peak_rss_main / MB:.0f} MB", "", ""))
        add(row.format("outlet servers' CPU (not counted)", f"{crawl1.server_cpu_s:.1f} s", "", ""))
        add(row.format("measuring process' CPU (not counted)", f"{m1.sampler_cpu_s:.1f} s", "", ""))
        status = sorted({r["status"] for r in crawl1.runs})
        add(f"   check: runs {'/'.join(status)}, {sum(r['errors'] for r in crawl1.runs)} errors, "
            f"{crawl1.hit_kinds['article']:,} article requests, mean stored body "
            f"{crawl1.mean_body_chars:,.0f} chars, body bigram-F1 vs generated text "
            f"{crawl1.body_f1 or 0:.3f} over {crawl1.body_checked} sampled articles; baseline mean "
            f"text {base['mean_chars']:,.0f} chars, {base['empty']} empty")
        for error in crawl1.errors[:5]:
            add(f"   error: {error}")
    if crawl1 and crawl2:
        m1, m2 = crawl1.measured, crawl2.measured
        share = m2.wall_s / m1.wall_s
        kinds = crawl2.hit_kinds
        add("")
        add("2. RE-CRAWL OF THE SAME OUTLETS, NOTHING NEW")
        row = "   {:<40} {:>20}   {}"
        checks.append(kinds["article"] == 0)
        add(row.format("article-page requests", f"{kinds['article']}", f"0  {verdict(checks[-1])}"))
        other = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()) if v and k != "article")
        add(row.format("other requests", f"{sum(kinds.values()) - kinds['article']}", f"({other})"))
        checks.append(share <= TARGET_RECRAWL_SHARE)
        add(row.format("wall time", f"{m2.wall_s:.2f} s = {share:.1%} of 1st",
                       f"<= {TARGET_RECRAWL_SHARE:.0%}  {verdict(checks[-1])}"))
        add(row.format("CPU time (all processes)", f"{m2.cpu_s:.2f} s", ""))
        if floor_s is not None:
            add(row.format("  start-up floor (imports only)", f"{floor_s:.2f} s",
                           "python -c 'import monitor.cli, crawler.runner'"))
        add(row.format("new articles", f"{crawl2.new}", ""))
    if built and timings:
        add("")
        state = "cached" if built.cached else "built now"
        size_mb = built.path.stat().st_size / MB
        add(f"3. SEARCH on {built.articles:,} generated articles ({size_mb:,.0f} MB; "
            f"built in {built.build_s:.0f} s = {built.articles / built.build_s:,.0f} articles/s "
            f"through store_article, {state}: {built.path.relative_to(REPO)})")
        add("   archive key: t = text generator, g = archive generator, s = hash of "
            "storage/{articles,normalize,migrations}.py")
        add("   search_articles(archive, parse_query(term), limit=20), "
            f"{timings[0].runs} timed runs after one untimed first run")
        row = "   {} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}   {}"
        add(row.format(pad("query", 22), "index", "matches", "median", "p90", "max", "first",
                       "target"))
        for t in timings:
            checks.append(t.median_ms < t.target_ms)
            add(row.format(pad(t.label, 22), t.index, f"{t.matches:,}", f"{fmt_ms(t.median_ms)} ms",
                           f"{fmt_ms(t.p90_ms)} ms", f"{fmt_ms(t.max_ms)} ms",
                           f"{fmt_ms(t.first_ms)} ms",
                           f"median < {t.target_ms:.0f} ms  {verdict(checks[-1])}"))
    add("")
    add(f"targets met: {sum(checks)}/{len(checks)}")
    return "\n".join(lines), checks


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; print the report."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 200 pages and a 5,000-article archive")
    parser.add_argument("--pages", type=int, help="article pages to crawl (default 2,000)")
    parser.add_argument("--articles", type=int, help="search archive size (default 100,000)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search query")
    parser.add_argument("--skip-crawl", action="store_true", help="search benchmark only")
    parser.add_argument("--skip-search", action="store_true", help="crawl benchmarks only")
    parser.add_argument("--extract-workers", type=int, metavar="N",
                        help="set [crawl] extract_workers (default: medradar's default)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile one more crawl's main process (py-spy if installed, "
                             "else cProfile)")
    parser.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    pages = args.pages or (200 if args.quick else 2000)
    articles = args.articles or (5000 if args.quick else 100_000)
    per_outlet = -(-pages // len(OUTLETS))

    import scrapy
    import trafilatura

    env = {"when": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count() or 1,
           "python": platform.python_version(), "scrapy": scrapy.__version__,
           "trafilatura": trafilatura.__version__, "sqlite": sqlite3.sqlite_version}
    deadline = time.perf_counter() + 2.0  # wake the (virtual) CPU up before the first check
    while time.perf_counter() < deadline:
        pass
    env["calibration_start"] = calibrate()
    if not become_subreaper():
        log("warning: could not become a child subreaper; CPU of orphaned crawl processes "
            "(the extraction forkserver) may be missed")

    workdir = Path(tempfile.mkdtemp(prefix="medradar-bench-"))
    crawl1 = crawl2 = None
    base = servers_info = None
    built = timings = None
    profile_text = ""
    floor_s = None
    try:
        if not args.skip_crawl:
            log(f"starting {len(OUTLETS)} outlet servers with {per_outlet} articles each ...")
            servers = Servers(per_outlet, len(OUTLETS))
            servers_info = {"outlets": servers.outlets, "generate_s": servers.generate_s}
            try:
                config = write_config(workdir, servers.outlets, args.extract_workers)
                log("baseline, first half: plain trafilatura on every other page ...")
                halves = [run_baseline(servers, 0, 2)]
                log(f"  {halves[0]['pages']:,} pages in {halves[0]['wall_s']:.1f} s")
                env["calibration_mid"] = calibrate()
                log(f"crawl 1 (fresh archive) of {per_outlet * len(OUTLETS):,} articles ...")
                crawl1 = run_crawl(config, servers, check=True)
                if crawl1.measured.returncode != 0:
                    raise RuntimeError(f"crawl failed:\n{crawl1.measured.stderr[-3000:]}")
                log(f"  {crawl1.new:,} stored in {crawl1.measured.wall_s:.1f} s")
                log("crawl 2 (nothing new) ...")
                crawl2 = run_crawl(config, servers)
                log(f"  {crawl2.measured.wall_s:.2f} s")
                floor_s = startup_floor()
                env["calibration_mid2"] = calibrate()
                log("baseline, second half ...")
                halves.append(run_baseline(servers, 1, 2))
                log(f"  {halves[1]['pages']:,} pages in {halves[1]['wall_s']:.1f} s")
                base = combine_baselines(halves)
                if args.profile:
                    log("profiling one more crawl's main process ...")
                    profile_text = profile_crawl(servers, workdir)
            finally:
                servers.close()
        if not args.skip_search:
            log(f"search archive of {articles:,} articles (cached in benchmarks/.cache) ...")
            built = build_archive(articles, progress=log)
            log(f"  ready ({'cached' if built.cached else f'built in {built.build_s:.0f} s'})")
            timings = time_queries(built.path, args.runs)
    finally:
        if args.keep:
            log(f"work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    env["calibration_end"] = calibrate()
    text, checks = report(args, env, servers_info, crawl1, crawl2, base, built, timings, floor_s)
    print(text)
    if profile_text:
        print()
        print(profile_text)
    if args.json:
        data = {"env": env, "servers": servers_info, "baseline": base,
                "crawl1": _crawl_dict(crawl1), "crawl2": _crawl_dict(crawl2),
                "search": {"archive": str(built.path) if built else None,
                           "articles": built.articles if built else None,
                           "build_s": built.build_s if built else None,
                           "queries": [asdict(t) for t in timings or []]},
                "targets_met": sum(checks), "targets": len(checks)}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return 1 if args.strict and not all(checks) else 0


def _crawl_dict(run: CrawlRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    data = asdict(run)
    data["hit_kinds"] = dict(run.hit_kinds)
    data["measured"].pop("stdout", None)
    data["measured"].pop("stderr", None)
    return data


if __name__ == "__main__":
    raise SystemExit(main())
