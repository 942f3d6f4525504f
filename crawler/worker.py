"""Extraction off the crawl process: a pool of worker processes, one per core by default.

trafilatura is CPU-bound (about 30-45 pages/s per core); Scrapy's reactor is one thread. The
pipeline sends page bytes here and awaits the result, so fetching goes on while pages are
extracted on the other cores.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_POOL: ProcessPoolExecutor | None = None
_IN_FLIGHT = 0  # pages handed to the pool and not extracted yet


def backlog() -> int:
    """How many fetched pages wait for (or are in) extraction now."""
    return _IN_FLIGHT


def extract_for_archive(body: bytes, url: str, content_type: str | None,
                        hints: dict[str, Any]) -> dict[str, Any]:
    """Extract a page and add the dedupe hash and near-duplicate fingerprint (runs in a worker)."""
    # Imported here: the crawl process itself never needs trafilatura, only its workers.
    from crawler.extract import extract_article
    from storage.normalize import content_hash, fingerprint

    extracted = extract_article(body, url, content_type, hints).as_dict()
    extracted["content_hash"] = content_hash(extracted["body"])
    extracted["fingerprint"] = fingerprint(extracted["body"])
    return extracted


def get_pool(workers: int = 0) -> ProcessPoolExecutor:
    """Return the process-wide extraction pool, starting it on first use."""
    global _POOL
    if _POOL is None:
        # The crawl process itself (Scrapy, storing) needs about half a core per worker.
        count = workers or max((os.cpu_count() or 1) - 1, 1)
        # forkserver: forking the crawl process itself would copy the reactor and its threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.extract", "storage.normalize"])
        _POOL = ProcessPoolExecutor(max_workers=count, mp_context=context)
    return _POOL


async def extract_in_pool(body: bytes, url: str, content_type: str | None,
                          hints: dict[str, Any], workers: int = 0) -> dict[str, Any]:
    """Run extract_for_archive in the pool without blocking the event loop."""
    global _IN_FLIGHT
    _IN_FLIGHT += 1
    try:
        future = get_pool(workers).submit(extract_for_archive, body, url, content_type, hints)
        return await asyncio.wrap_future(future)
    finally:
        _IN_FLIGHT -= 1


def shutdown_pool() -> None:
    """Stop the worker processes."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None
