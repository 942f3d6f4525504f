"""Search latency on a large archive of generated articles.

The archive is built through the storage API itself: every article goes through
``storage.articles.store_articles`` (so the FTS tables are filled exactly as a crawl fills them),
1,000 per call and transaction. Articles are generated in one worker process while this one
stores them.
Built archives are cached in benchmarks/.cache/, keyed by size, generator version and a hash of
the storage code that fills the tables (storage/articles.py, normalize.py, migrations.py), so
only the first run after a change pays for the build.

Two fields are stand-ins to keep the build fast: ``fingerprint`` (the simhash near-duplicate
key, several ms per article in Python) is the first 16 hex digits of the content hash, and
``published_at`` is synthetic (one article every 26 minutes). Neither is read by search.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from random import Random
from typing import Any

from benchmarks.textgen import SECTIONS, TEXT_VERSION, Writer, draw_flags, person

SEARCH_VERSION = 1  # bump when the archive generator below changes
CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 1000
KST = timezone(timedelta(hours=9))
START = datetime(2021, 12, 1, 6, 0, tzinfo=KST)
SOURCES = [("bosa", "의학신문"), ("monews", "메디칼업저버"), ("docdocdoc", "청년의사"),
           ("medipana", "메디파나뉴스"), ("kbiohealth", "바이오헬스타임즈"),
           ("ccmedical", "충청의료신문"), ("kormedi", "코메디닷컴"), ("healthwp", "헬스위키뉴스")]
# (label, query text, index used, target ms for the median)
QUERIES = [
    ("의료기기", "의료기기", "trigram", 50.0),
    ("케이메디허브", "케이메디허브", "trigram", 50.0),
    ('"의료기기 클러스터"', '"의료기기 클러스터"', "trigram", 50.0),
    ("의료", "의료", "bigram", 500.0),
    ("오송", "오송", "bigram", 500.0),
]


STORAGE_FILES = ("articles.py", "normalize.py", "migrations.py")


def storage_key() -> str:
    """A short hash of the storage code that decides what the FTS tables hold."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent / "storage"
    for name in STORAGE_FILES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:10]


def archive_path(n: int) -> Path:
    """Where the cached archive of n articles lives."""
    return CACHE / f"search-{n}-t{TEXT_VERSION}-g{SEARCH_VERSION}-s{storage_key()}.db"


def make_batch(span: tuple[int, int]) -> list[Any]:
    """Generate articles start..stop-1 as NewArticle objects (runs in the worker process)."""
    from crawler.urls import url_key
    from storage.articles import NewArticle
    from storage.normalize import content_hash

    articles = []
    for i in range(*span):
        rng = Random(f"search-v{TEXT_VERSION}.{SEARCH_VERSION}:{i}")
        writer = Writer(rng, draw_flags(rng))
        title = writer.title()
        body = "\n".join(writer.paragraphs(1000, 2000))
        source, _ = SOURCES[i % len(SOURCES)]
        url = f"https://www.{source}.example/news/articleView.html?idxno={100000 + i}"
        digest = content_hash(body)
        articles.append(NewArticle(
            source_id=source, url=url, canonical_url=url, title=title, body=body,
            published_at=(START + timedelta(minutes=26 * i)).isoformat(),
            published_from="meta", author=person(rng), section=rng.choice(SECTIONS),
            content_hash=digest, fingerprint=digest[:16], url_keys=(url_key(url),),
        ))
    return articles


@dataclass
class Built:
    """A ready archive and how it was made."""

    path: Path
    articles: int
    build_s: float
    cached: bool
    size_bytes: int
    duplicates: int


def build_archive(n: int, progress: Any = None) -> Built:
    """Return the cached archive of n articles, building it first if needed."""
    from storage import open_archive
    from storage.articles import count_articles, store_articles
    from storage.runs import sync_sources

    path = archive_path(n)
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        return Built(path, meta["articles"], meta["build_s"], True, path.stat().st_size,
                     meta["duplicates"])
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"search-{n}-*"):  # archives of older generators or storage code
        stale.unlink()
    building = path.with_name(path.name + ".building")
    for stale in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    archive = open_archive(building)
    sync_sources(archive, [{"id": s, "name": name, "kind": "ndsoft", "url": f"https://www.{s}.example"}
                           for s, name in SOURCES])
    duplicates = 0
    spans = [(start, min(start + BATCH, n)) for start in range(0, n, BATCH)]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        for done, batch in enumerate(pool.imap(make_batch, spans), start=1):
            # Stories off (window 0): textgen's small pool of sentence patterns makes every
            # article look a little like every other; grouping is measured by
            # benchmarks.stories on text that does not.
            results = store_articles(archive, batch, window=timedelta(0))
            duplicates += sum(r.status != "new" for r in results)
            if progress and done % 10 == 0:
                progress(f"  search archive: {done * BATCH:,}/{n:,} articles stored "
                         f"({time.perf_counter() - started:.0f} s)")
    stored = count_articles(archive)
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.db.execute("PRAGMA optimize")
    archive.close()
    build_s = time.perf_counter() - started
    building.rename(path)
    meta_path.write_text(json.dumps({"articles": stored, "build_s": build_s,
                                     "duplicates": duplicates}))
    return Built(path, stored, build_s, False, path.stat().st_size, duplicates)


@dataclass
class QueryTiming:
    """Latency of one query over repeated runs."""

    label: str
    index: str
    target_ms: float
    runs: int
    first_ms: float
    median_ms: float
    p90_ms: float
    max_ms: float
    returned: int
    matches: int


def _count_matches(archive: Any, query: Any) -> int:
    from storage.search import query_condition

    condition, params = query_condition(query)
    row = archive.db.execute(f"SELECT count(*) FROM articles WHERE {condition}",
                             params).fetchone()
    return int(row[0])


def time_queries(path: Path, runs: int) -> list[QueryTiming]:
    """Time search_articles(archive, parse_query(term), limit=20) for each query."""
    from storage import open_archive
    from storage.search import parse_query, search_articles

    archive = open_archive(path)
    timings = []
    try:
        for label, text, index, target in QUERIES:
            query = parse_query(text)
            samples = []
            returned = 0
            for _ in range(runs + 1):
                started = time.perf_counter()
                results = search_articles(archive, query, limit=20)
                samples.append((time.perf_counter() - started) * 1000)
                returned = len(results)
            first, rest = samples[0], sorted(samples[1:])
            timings.append(QueryTiming(
                label=label, index=index, target_ms=target, runs=len(rest), first_ms=first,
                median_ms=statistics.median(rest),
                p90_ms=rest[min(len(rest) - 1, round(0.9 * (len(rest) - 1)))],
                max_ms=rest[-1], returned=returned, matches=_count_matches(archive, query)))
    finally:
        archive.close()
    return timings
