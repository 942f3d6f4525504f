"""No article left behind, measured: this tree beside a baseline commit, in the same run.

    python -m benchmarks.backlog [--baseline REV]      # default: the commit before the backlog

Three scenarios on generated outlets (tests/support/bulk_outlet.py) on 127.0.0.1, each crawl
the real CLI into a fresh archive, run once with this tree and once with the baseline checked
out into a temporary git worktree:

1. catch-up: a listing outlet of 1,000 articles (100 per list page), `max_articles = 200`,
   `max_pages = 10`: articles archived after each of 6 crawls;
2. re-crawl of a caught-up NDSoft outlet (feed of 50, list pages of 20): the requests of one
   more crawl by kind (feed answered 304, list pages, article pages) and its wall time;
3. downtime: 150 articles published after the archive caught up (3 feeds' worth, 8 list
   pages): articles fetched by the next crawl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from tests.conftest import make_config
from tests.support.bulk_outlet import FEED, LIST, PATTERN, BulkOutlet
from tests.support.outlet_server import OutletServer

REPO = Path(__file__).resolve().parent.parent
BASELINE = "ba33caf"  # issue 9 landed; before the frontier (issue 11)


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """A temporary git worktree of rev."""
    folder = Path(tempfile.mkdtemp(prefix="medradar-base-"))
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(folder),
                    rev], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)],
                       check=False)


def crawl(code: Path, config: Path) -> float:
    """One `medradar crawl` with the code in folder ``code``; returns its wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "crawl",
                           "--no-alerts"], cwd=code, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code)})
    if done.returncode != 0:
        raise SystemExit(f"crawl failed ({code}): {done.stderr[-2000:]}")
    return time.perf_counter() - started


def stored(config: Path) -> int:
    """Articles in the archive."""
    db = sqlite_utils.Database(config.parent / "archive.db")
    try:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        db.close()


@contextmanager
def outlet(count: int, **kwargs: Any) -> Iterator[BulkOutlet]:
    """A generated outlet on 127.0.0.1."""
    folder = Path(tempfile.mkdtemp(prefix="medradar-bulk-"))
    server = OutletServer(folder).start()
    try:
        yield BulkOutlet(server, count, **kwargs)
    finally:
        server.stop()


def source(kind: str, **extra: Any) -> dict[str, Any]:
    """The [[sources]] row of the generated outlet."""
    row: dict[str, Any] = {"name": "대량뉴스", "kind": kind, "start_urls": [LIST]}
    if kind == "listing":
        row["article_pattern"] = PATTERN
    else:
        row["feeds"] = [FEED]
    row.update(extra)
    return row


def catch_up(code: Path) -> list[int]:
    """Articles archived after each of 6 crawls of a 1,000-article listing."""
    with outlet(1000, per_page=100) as bulk:
        folder = Path(tempfile.mkdtemp())
        config = make_config(folder, {"bulk": bulk.server},
                             bulk=source("listing", max_articles=200, max_pages=10))
        counts = []
        for _ in range(6):
            crawl(code, config)
            counts.append(stored(config))
        return counts


def recrawl(code: Path) -> dict[str, Any]:
    """Requests and time of one more crawl of a caught-up NDSoft outlet."""
    with outlet(200, per_page=20, feed_items=50) as bulk:
        folder = Path(tempfile.mkdtemp())
        config = make_config(folder, {"bulk": bulk.server},
                             bulk=source("ndsoft", max_articles=1000, max_pages=10))
        for _ in range(3):
            crawl(code, config)
        before = dict(bulk.server.hits)
        not_modified = dict(bulk.server.not_modified)
        seconds = crawl(code, config)
        after = bulk.server.hits

        def grew(pred: Any) -> int:
            return sum(n - before.get(p, 0) for p, n in after.items() if pred(p))
        return {"seconds": seconds, "feed 304": bulk.server.not_modified[FEED]
                - not_modified.get(FEED, 0),
                "list pages": grew(lambda p: p.startswith(LIST)),
                "article pages": grew(lambda p: "articleView" in p),
                "archived": stored(config)}


def downtime(code: Path) -> dict[str, int]:
    """Articles the first crawl after a downtime of 150 articles fetches."""
    with outlet(100, per_page=20, feed_items=50) as bulk:
        folder = Path(tempfile.mkdtemp())
        config = make_config(folder, {"bulk": bulk.server}, bulk=source("ndsoft"))
        crawl(code, config)
        first = stored(config)
        bulk.publish(150)
        crawl(code, config)
        after_one = stored(config) - first
        crawl(code, config)
        return {"published": 150, "after 1 crawl": after_one,
                "after 2 crawls": stored(config) - first}


def main(argv: list[str] | None = None) -> int:
    """Run the three scenarios with the baseline and with this tree; print them side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    with checkout(args.baseline) as base:
        for name, code in ((f"baseline {args.baseline}", base), ("this tree", REPO)):
            print(f"running {name} …", file=sys.stderr)
            results[name] = {"catch-up": catch_up(code), "re-crawl": recrawl(code),
                             "downtime": downtime(code)}
    names = list(results)
    print(f"{'figure':54} {names[0]:>22} {names[1]:>22}")
    for i in range(6):
        row = [results[n]["catch-up"][i] for n in names]
        print(f"{f'1,000-article listing, archived after crawl {i + 1}':54} "
              f"{row[0]:>22} {row[1]:>22}")
    for key in ("feed 304", "list pages", "article pages", "seconds"):
        row = [results[n]["re-crawl"][key] for n in names]
        fmt = (lambda v: f"{v:.2f}") if key == "seconds" else str
        print(f"{'re-crawl of a caught-up NDSoft source: ' + key:54} "
              f"{fmt(row[0]):>22} {fmt(row[1]):>22}")
    for key in ("after 1 crawl", "after 2 crawls"):
        row = [results[n]["downtime"][key] for n in names]
        print(f"{'downtime of 150 articles: fetched ' + key:54} {row[0]:>22} {row[1]:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
