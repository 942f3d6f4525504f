"""The baseline: plain trafilatura on the same pages, one process, one page after another.

``python -m benchmarks.baseline --per-outlet N --origins JSON`` regenerates the article pages
the servers serve (same generator, same origins, so the same bytes: the page digest is printed
for the caller to compare with the servers'), then times
``trafilatura.bare_extraction(html, url=..., with_metadata=True)`` on each page in turn.
Generation is not timed. Prints one JSON line.

``--part I --parts N`` extracts only every N-th page starting at I: the benchmark runs half the
pages before the crawl and half after, so that a change in the machine's speed during the run
(common on shared VMs) affects the baseline as it affects the crawl between them.
"""

from __future__ import annotations

import argparse
import json
import time

from benchmarks.outlets import page_digest
from benchmarks.pages import OUTLETS, Site


def main(argv: list[str] | None = None) -> int:
    """Run the baseline and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-outlet", type=int, required=True)
    parser.add_argument("--origins", required=True, help='JSON {"code": "http://127.0.0.1:P"}')
    parser.add_argument("--part", type=int, default=0)
    parser.add_argument("--parts", type=int, default=1)
    args = parser.parse_args(argv)
    origins: dict[str, str] = json.loads(args.origins)

    pages: list[tuple[str, str]] = []
    digests: dict[str, str] = {}
    for outlet in OUTLETS:
        if outlet.code not in origins:
            continue
        site = Site(outlet, args.per_outlet, origins[outlet.code])
        raw = [site.article_page(k) for k in range(site.n)]
        digests[outlet.code] = page_digest(raw)
        pages.extend((site.url(k), body.decode("utf-8")) for k, body in enumerate(raw))
        del raw
    pages = pages[args.part::args.parts]
    total_bytes = sum(len(html.encode("utf-8")) for _, html in pages)

    from trafilatura import bare_extraction  # imported here: its import time is not extraction

    empty = 0
    chars = 0
    cpu0 = time.process_time()
    started = time.perf_counter()
    for url, html in pages:
        doc = bare_extraction(html, url=url, with_metadata=True)
        text = (getattr(doc, "text", "") or "") if doc else ""
        chars += len(text)
        empty += not text
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu0
    print(json.dumps({
        "pages": len(pages), "bytes": total_bytes, "wall_s": wall, "cpu_s": cpu,
        "empty": empty, "mean_chars": chars / max(len(pages), 1), "digests": digests,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
