"""The first hour on a machine that cannot reach the outlets: how much the daemon logs, and how
long each source's failed crawl takes.

    python -m benchmarks.offline [--minutes 10] [--baseline REV]

Runs `medradar run` on the built-in default configuration (its real outlets) in a fresh folder,
for the given minutes, on this machine's network as it is: run it where the outlets cannot be
reached (no route, no DNS), as a laptop on a train would be. With ``--baseline REV`` the same
is run first with REV checked out into a temporary git worktree, and both are printed side by
side. Figures: log lines, tracebacks, WARNING-or-worse lines, crawls finished, and the
duration of each failed crawl (median, max) from the archive's crawl_runs.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.backlog import checkout

REPO = Path(__file__).resolve().parent.parent


def run_offline(code: Path, minutes: float) -> dict[str, Any]:
    """Run the daemon from folder ``code`` for minutes; return the figures."""
    folder = Path(tempfile.mkdtemp(prefix="medradar-offline-"))
    log = folder / "daemon.log"
    env = {k: v for k, v in os.environ.items() if k != "MEDRADAR_CONFIG"}
    with log.open("wb") as handle:
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "run"], cwd=folder,
                                env={**env, "PYTHONPATH": str(code)}, stdout=handle,
                                stderr=subprocess.STDOUT, start_new_session=True)
        time.sleep(minutes * 60)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    durations: list[float] = []
    with sqlite3.connect(folder / "medradar.db") as conn:
        sources = conn.execute("SELECT COUNT(DISTINCT source_id) FROM crawl_runs").fetchone()[0]
        for started, finished in conn.execute(
                "SELECT started_at, finished_at FROM crawl_runs WHERE finished_at IS NOT NULL "
                "AND status IN ('failed', 'partial')"):
            durations.append((datetime.fromisoformat(finished)
                              - datetime.fromisoformat(started)).total_seconds())
    return {"sources crawled": sources, "log lines": len(lines),
            "tracebacks": text.count("Traceback"),
            "warning+ lines": sum(1 for line in lines
                                  if any(w in line for w in ("WARNING", "ERROR", "CRITICAL"))),
            "failed crawls": len(durations),
            "failed crawl s, median": statistics.median(durations) if durations else 0.0,
            "failed crawl s, max": max(durations, default=0.0), "log": str(log)}


def main(argv: list[str] | None = None) -> int:
    """Run the offline daemon (and the baseline's); print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--baseline", help="git revision to run first, for comparison")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    if args.baseline:
        with checkout(args.baseline) as base:
            print(f"running baseline {args.baseline} for {args.minutes:g} min …", file=sys.stderr)
            results[f"baseline {args.baseline}"] = run_offline(base, args.minutes)
    print(f"running this tree for {args.minutes:g} min …", file=sys.stderr)
    results["this tree"] = run_offline(REPO, args.minutes)
    names = list(results)
    print(f"{'figure (' + str(args.minutes) + ' min offline, built-in default)':44}"
          + "".join(f"{n:>22}" for n in names))
    for key in ("sources crawled", "log lines", "tracebacks", "warning+ lines", "failed crawls",
                "failed crawl s, median", "failed crawl s, max"):
        cells = "".join(f"{results[n][key]:>22.2f}" if isinstance(results[n][key], float)
                        else f"{results[n][key]:>22}" for n in names)
        print(f"{key:44}{cells}")
    for name in names:
        print(f"log of {name}: {results[name]['log']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
