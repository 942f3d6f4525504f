"""The outlet servers, in their own process: ``python -m benchmarks.outlets --per-outlet N``.

One tests.support.outlet_server.OutletServer per generated outlet (a real HTTP server on
127.0.0.1 with its own port), all in this process. Every page is generated before the servers
report ready and served from memory through the server's ``dynamic`` hook, so serving costs
little CPU and none of it is spent in the measured crawl process.

Protocol on stdin/stdout, one JSON line per answer:

* on start: ``{"outlets": [{code, name, cms, family, source_id, origin, articles,
  article_bytes, digest}], "generate_s": ...}``
* ``hits``  -> ``{code: {"article": n, "robots": n, "feed": n, "list": n, "sitemap": n,
  "other": n, "total": n}}`` since the last reset
* ``cpu``   -> ``{"cpu_s": user + system seconds of this process so far}``
* ``reset`` -> ``{"ok": true}`` (clears the hit counters)
* ``quit`` or end of input: stop.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.pages import OUTLETS, Site, route_key
from tests.support.outlet_server import OutletServer

_NO_FILES = Path(__file__).resolve().parent / "no-fixture-files"  # every page is dynamic


def page_digest(pages: list[bytes]) -> str:
    """A digest of article pages, to show the baseline extracted the very bytes served."""
    digest = hashlib.sha256()
    for page in pages:
        digest.update(hashlib.sha256(page).digest())
    return digest.hexdigest()[:16]


def kind_of(path: str, article_keys: set[str]) -> str:
    """Classify a request path for the hit report."""
    key = route_key(path)
    if key in article_keys:
        return "article"
    if key == "/robots.txt":
        return "robots"
    if key.startswith("/rss/"):
        return "feed"
    if key.startswith("/news/articleList.html"):
        return "list"
    if key.endswith(".xml"):
        return "sitemap"
    return "other"


class Outlets:
    """The running servers and their sites."""

    def __init__(self, per_outlet: int, count: int) -> None:
        self.entries: list[tuple[OutletServer, Site, set[str]]] = []
        self.info: list[dict[str, object]] = []
        for outlet in OUTLETS[:count]:
            pages: dict[str, bytes] = {}

            def serve(path: str, pages: dict[str, bytes] = pages) -> bytes | None:
                return pages.get(route_key(path))

            server = OutletServer(_NO_FILES, dynamic=serve)
            site = Site(outlet, per_outlet, server.origin)
            pages.update(site.routes())
            keys = site.article_keys()
            articles = [pages[k] for k in keys]
            self.entries.append((server, site, set(keys)))
            self.info.append({
                "code": outlet.code, "name": outlet.name, "cms": outlet.cms,
                "family": outlet.family, "source_id": outlet.source_id, "origin": server.origin,
                "articles": per_outlet, "article_bytes": sum(map(len, articles)),
                "digest": page_digest(articles),
            })

    def start(self) -> None:
        """Start serving."""
        for server, _, _ in self.entries:
            server.start()

    def stop(self) -> None:
        """Stop serving."""
        for server, _, _ in self.entries:
            server.stop()

    def hits(self) -> dict[str, dict[str, int]]:
        """Requests per outlet and kind since the last reset."""
        report: dict[str, dict[str, int]] = {}
        for server, site, keys in self.entries:
            counts = dict.fromkeys(("article", "robots", "feed", "list", "sitemap", "other"), 0)
            with server._lock:
                for path, n in server.hits.items():
                    counts[kind_of(path, keys)] += n
            counts["total"] = sum(counts.values())
            report[site.outlet.code] = counts
        return report

    def reset(self) -> None:
        """Clear the hit counters."""
        for server, _, _ in self.entries:
            with server._lock:
                server.hits.clear()


def main(argv: list[str] | None = None) -> int:
    """Serve until told to quit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-outlet", type=int, required=True, help="articles per outlet")
    parser.add_argument("--outlets", type=int, default=len(OUTLETS), help="how many outlets")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outlets = Outlets(args.per_outlet, args.outlets)
    outlets.start()
    print(json.dumps({"outlets": outlets.info,
                      "generate_s": round(time.perf_counter() - started, 3)}), flush=True)
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "hits":
                answer: object = outlets.hits()
            elif command == "reset":
                outlets.reset()
                answer = {"ok": True}
            elif command == "cpu":
                times = os.times()
                answer = {"cpu_s": times.user + times.system}
            elif command == "quit":
                break
            else:
                answer = {"error": f"unknown command {command!r}"}
            print(json.dumps(answer), flush=True)
    finally:
        outlets.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
