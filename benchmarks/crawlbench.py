"""The crawl benchmark: generated outlets served from another process, crawled by the real CLI.

``.venv/bin/medradar --config X crawl`` runs in a subprocess measured with its whole process
tree (benchmarks.measure). The configuration turns the politeness delay off and lifts the
page/article caps; everything else (robots.txt, concurrency, per-host limit, one extraction
worker per spare core, retries, timeouts) is the default a user gets.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.measure import Measured, run_measured
from benchmarks.pages import LIST_SIZE, OUTLETS, Site

REPO = Path(__file__).resolve().parent.parent


def medradar_command() -> list[str]:
    """The installed medradar console script of this virtualenv."""
    script = Path(sys.prefix) / "bin" / "medradar"
    if not script.exists():
        script = REPO / ".venv" / "bin" / "medradar"
    return [str(script)]


def child_env() -> dict[str, str]:
    """The environment for subprocesses: this one, without a stray MEDRADAR_CONFIG."""
    env = {k: v for k, v in os.environ.items() if k != "MEDRADAR_CONFIG"}
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH")
                                     else "")
    env["COLUMNS"] = "200"
    return env


class Servers:
    """The outlet-server process (benchmarks.outlets), driven over its stdin/stdout."""

    def __init__(self, per_outlet: int, outlets: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.outlets", "--per-outlet", str(per_outlet),
             "--outlets", str(outlets)],
            cwd=REPO, env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError("the outlet servers did not start (see their stderr above)")
        ready = json.loads(line)
        self.outlets: list[dict[str, Any]] = ready["outlets"]
        self.generate_s: float = ready["generate_s"]

    @property
    def pid(self) -> int:
        """The server process id (excluded from the crawl's process tree)."""
        return self.proc.pid

    def ask(self, command: str) -> Any:
        """Send a command, return its JSON answer."""
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        """Stop the servers."""
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def write_config(workdir: Path, outlets: list[dict[str, Any]],
                 extract_workers: int | None = None) -> Path:
    """Write the benchmark's medradar.toml; the archive is workdir/archive.db."""
    lines = [
        "# medradar benchmark: politeness delay off, caps lifted, everything else default.",
        "[archive]", 'path = "archive.db"', "",
        "[crawl]", "delay = 0", "obey_robots = true  # the outlets serve a permissive robots.txt",
    ]
    if extract_workers is not None:
        lines.append(f"extract_workers = {extract_workers}")
    lines.append("")
    for info in outlets:
        per_outlet = int(info["articles"])
        lines += ["[[sources]]", f'id = "{info["source_id"]}"',
                  f"name = {json.dumps(info['name'])}", f'kind = "{info["family"]}"',
                  f'url = "{info["origin"]}"']
        if info["family"] == "sitemap":
            lines.append(f'sitemaps = ["{info["origin"]}/sitemap_index.xml"]')
        else:
            lines.append(f"max_pages = {min(100, max(1, -(-per_outlet // LIST_SIZE)))}")
        lines += [f"max_articles = {per_outlet * 10}", ""]
    path = workdir / "medradar.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@dataclass
class CrawlRun:
    """One measured crawl."""

    measured: Measured
    hits: dict[str, dict[str, int]]
    server_cpu_s: float
    stored: int  # articles in the archive after the crawl
    new: int  # of which new in this crawl
    runs: list[dict[str, Any]]
    errors: list[str]
    mean_body_chars: float
    body_f1: float | None = None
    body_checked: int = 0
    hit_kinds: Counter[str] = field(default_factory=Counter)


def _archive_stats(path: Path) -> tuple[int, float, list[dict[str, Any]], list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        stored, mean_chars = conn.execute(
            "SELECT count(*), coalesce(avg(body_chars), 0) FROM articles").fetchone()
        runs = [dict(r) for r in conn.execute(
            "SELECT id, source_id, status, pages, links_found, new_articles, duplicates, errors "
            "FROM crawl_runs WHERE id IN (SELECT max(id) FROM crawl_runs GROUP BY source_id) "
            "ORDER BY source_id")]
        ids = [r["id"] for r in runs]
        marks = ",".join("?" * len(ids)) or "NULL"
        rows = conn.execute(
            f"SELECT source_id, kind, message, url FROM crawl_errors WHERE run_id IN ({marks}) "
            "LIMIT 10", ids)
        errors = [f"{r['source_id']}: {r['kind']}: {r['message']} ({r['url']})" for r in rows]
    finally:
        conn.close()
    return int(stored), float(mean_chars), runs, errors


def _bigrams(text: str) -> Counter[str]:
    flat = "".join(text.split())
    return Counter(flat[i:i + 2] for i in range(len(flat) - 1))


def bigram_f1(got: str, want: str) -> float:
    """Character-bigram F1 of an extracted body against the generated text (spacing ignored)."""
    a, b = _bigrams(got), _bigrams(want)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def check_bodies(path: Path, outlets: list[dict[str, Any]], per_outlet_sample: int = 4
                 ) -> tuple[float, int]:
    """Compare a sample of stored bodies with the text the generator wrote; mean bigram F1."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    scores = []
    try:
        for info in outlets:
            outlet = next(o for o in OUTLETS if o.code == info["code"])
            site = Site(outlet, int(info["articles"]), info["origin"])
            for k in range(0, site.n, max(1, site.n // per_outlet_sample)):
                row = conn.execute("SELECT body FROM articles WHERE canonical_url = ?",
                                   [site.url(k)]).fetchone()
                if row is None:
                    scores.append(0.0)
                    continue
                article = site.article(k)
                want = "\n".join([*article.subheads.values(), *article.paragraphs])
                scores.append(bigram_f1(row[0], want))
    finally:
        conn.close()
    return (sum(scores) / len(scores) if scores else 0.0), len(scores)


def startup_floor(repeats: int = 3) -> float:
    """Median wall time of importing what ``medradar crawl`` imports before crawling."""
    python = Path(medradar_command()[0]).parent / "python"
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(
            [str(python), "-c", "import monitor.cli, monitor.crawl_view, crawler.runner"],
            cwd=REPO, env=child_env(), check=True)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def run_crawl(config: Path, servers: Servers, check: bool = False) -> CrawlRun:
    """Run ``medradar --config config crawl`` once, measured; collect what the servers saw."""
    archive = config.parent / "archive.db"
    before = 0
    if archive.exists():
        before = _archive_stats(archive)[0]
    servers.ask("reset")
    cpu0 = servers.ask("cpu")["cpu_s"]
    measured = run_measured([*medradar_command(), "--config", str(config), "crawl"],
                            cwd=config.parent, env=child_env(), exclude={servers.pid})
    server_cpu = servers.ask("cpu")["cpu_s"] - cpu0
    hits = servers.ask("hits")
    stored, mean_chars, runs, errors = _archive_stats(archive)
    kinds: Counter[str] = Counter()
    for counts in hits.values():
        kinds.update({k: v for k, v in counts.items() if k != "total"})
    result = CrawlRun(measured=measured, hits=hits, server_cpu_s=server_cpu, stored=stored,
                      new=stored - before, runs=runs, errors=errors, mean_body_chars=mean_chars,
                      hit_kinds=kinds)
    if check:
        result.body_f1, result.body_checked = check_bodies(archive, servers.outlets)
    return result
