"""Stories benchmark: grouping quality on a labelled set, grouping time on 100,000 articles.

    .venv/bin/python -m benchmarks.stories            # labelled set + 100,000-article archive
    .venv/bin/python -m benchmarks.stories --quick    # labelled set + 5,000 articles

1. **Quality.** The labelled set (benchmarks/storyset.py: releases, their syndicated copies, the
   look-alike stories) is stored in order of publication into a fresh archive through
   ``storage.articles.store_articles``, the crawl's own path, and the stories it made are
   compared with the labels: pairwise precision and recall over every pair of articles
   (targets 0.95 and 0.90), and per kind of copy, how many joined their release's story.
2. **Time.** An archive of N background articles (default 100,000) is built through the same
   path and cached in benchmarks/.cache. Every background article is stored "now" with a
   publication date in the labelled set's month, so every one of them is inside the window and
   a candidate: the worst case for the index (in a live archive only the last 7 days are).
   Background text is textgen's sentences with their words shuffled: articles share vocabulary
   (의료기기, 식약처, company names) but not whole sentences, as unrelated news does; the mean
   Jaccard of random pairs is printed. Then each labelled article is grouped on top of it, in
   a write transaction that is rolled back (the archive stays as built): shingles and MinHash,
   the LSH lookup in SQLite, the exact check of the candidates, the story and band rows.
   Target: median < 5 ms. The labelled set is also stored for real into a copy of the big
   archive, to show that the background does not change the grouping.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.storyset import KST, OUTLETS, START, Item, labelled_set
from benchmarks.textgen import TEXT_VERSION, Flags, Writer

CACHE = Path(__file__).resolve().parent / ".cache"
BATCH = 1000
GENERATOR_VERSION = 1
WINDOW_ALL = timedelta(days=3650)  # the big archive: every article stays a candidate


def log(message: str) -> None:
    """Progress on stderr."""
    print(message, file=sys.stderr, flush=True)


def new_article(item: Item, n: int) -> Any:
    """The storage record of a labelled item."""
    from storage.articles import NewArticle
    from storage.normalize import content_hash

    url = f"https://www.{item.source_id}.example/news/articleView.html?idxno={n}"
    return NewArticle(source_id=item.source_id, url=url, canonical_url=url, title=item.title,
                      body=item.body, published_at=item.published.isoformat(),
                      published_from="meta", author=None, section=None,
                      content_hash=content_hash(item.body), fingerprint="0" * 16,
                      url_keys=(url,))


# -- quality --------------------------------------------------------------------------------

@dataclass
class Quality:
    """Pairwise precision and recall of the grouping against the labels."""

    articles: int
    stories: int
    precision: float
    recall: float
    false_pairs: list[tuple[str, str]]
    by_kind: dict[str, tuple[int, int]]  # kind of copy -> (joined its release, total)


def store_set(archive: Any, items: list[Item], window: timedelta, first_id: int) -> list[int]:
    """Store the items one by one (as a crawl of one article per batch); return story ids."""
    from storage.articles import store_articles

    stories = []
    for n, item in enumerate(items):
        result = store_articles(archive, [new_article(item, first_id + n)], window=window)[0]
        (story,) = archive.db.execute("SELECT story_id FROM articles WHERE id = ?",
                                      [result.article_id]).fetchone()
        stories.append(int(story))
    return stories


def score(items: list[Item], stories: list[int]) -> Quality:
    """Compare predicted stories with the labels, pair by pair."""
    tp = fp = fn = 0
    false_pairs = []
    for a, b in itertools.combinations(range(len(items)), 2):
        truth, said = items[a].story == items[b].story, stories[a] == stories[b]
        tp += truth and said
        fp += said and not truth
        fn += truth and not said
        if said and not truth:
            false_pairs.append((items[a].story, items[b].story))
    release = {item.story: stories[i] for i, item in enumerate(items) if item.kind == "release"}
    by_kind: dict[str, tuple[int, int]] = {}
    for i, item in enumerate(items):
        if item.kind in ("release", "unrelated", "follow-up") or item.story not in release:
            continue
        for kind in item.kind.split("+"):
            joined, total = by_kind.get(kind, (0, 0))
            by_kind[kind] = (joined + (stories[i] == release[item.story]), total + 1)
    return Quality(len(items), len({i.story for i in items}), tp / max(tp + fp, 1),
                   tp / max(tp + fn, 1), false_pairs, by_kind)


def quality(items: list[Item], archive_path: Path | None = None,
            window: timedelta = WINDOW_ALL) -> Quality:
    """Store the labelled set into a fresh archive (or a copy of archive_path) and score it."""
    from storage import open_archive

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stories.db"
        if archive_path:
            shutil.copyfile(archive_path, path)
        archive = open_archive(path)
        try:
            stories = store_set(archive, items, window, 10_000_000)
        finally:
            archive.close()
    return score(items, stories)


# -- the big archive ------------------------------------------------------------------------

def background(i: int) -> tuple[str, str, str]:
    """Background article i: (source id, title, body), textgen sentences with shuffled words."""
    rng = random.Random(f"stories-bg-v{GENERATOR_VERSION}:{i}")
    writer = Writer(rng, Flags(device=rng.random() < 0.3))
    paragraphs = []
    for para in writer.paragraphs(900, 1800):
        words = para.split()
        rng.shuffle(words)
        paragraphs.append(" ".join(words))
    return OUTLETS[i % len(OUTLETS)][0], writer.title(), "\n".join(paragraphs)


def make_batch(span: tuple[int, int]) -> list[Any]:
    """Background articles start..stop-1 as NewArticle records (in the worker process)."""
    from storage.articles import NewArticle
    from storage.normalize import content_hash

    articles = []
    for i in range(*span):
        source, title, body = background(i)
        url = f"https://www.{source}.example/news/articleView.html?idxno={i + 1}"
        published = START + timedelta(minutes=(i * 37) % (30 * 24 * 60))
        articles.append(NewArticle(source_id=source, url=url, canonical_url=url, title=title,
                                   body=body, published_at=published.isoformat(),
                                   published_from="meta", author=None, section=None,
                                   content_hash=content_hash(body), fingerprint="0" * 16,
                                   url_keys=(url,)))
    return articles


def storage_key() -> str:
    """A short hash of the code that decides what the archive holds."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent / "storage"
    for name in ("articles.py", "normalize.py", "migrations.py", "stories.py", "neardup.py"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:10]


def build_archive(n: int) -> tuple[Path, float, bool]:
    """Return (path, build seconds, cached) of the background archive of n articles."""
    from storage import open_archive
    from storage.articles import store_articles

    path = CACHE / f"stories-{n}-t{TEXT_VERSION}-g{GENERATOR_VERSION}-s{storage_key()}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        return path, float(json.loads(meta.read_text())["build_s"]), True
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob(f"stories-{n}-*"):
        stale.unlink()
    building = path.with_name(path.name + ".building")
    started = time.perf_counter()
    archive = open_archive(building)
    spans = [(start, min(start + BATCH, n)) for start in range(0, n, BATCH)]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        for done, batch in enumerate(pool.imap(make_batch, spans), start=1):
            store_articles(archive, batch, window=WINDOW_ALL)
            if done % 10 == 0:
                log(f"  background: {done * BATCH:,}/{n:,} stored "
                    f"({time.perf_counter() - started:.0f} s)")
    archive.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    archive.close()
    build_s = time.perf_counter() - started
    building.rename(path)
    meta.write_text(json.dumps({"build_s": build_s}))
    return path, build_s, False


def background_jaccard(pairs: int = 300) -> float:
    """Mean Jaccard of the 5-shingles of random pairs of background articles."""
    from storage.neardup import compare, shingles

    rng = random.Random(7)
    values = []
    for _ in range(pairs):
        a, b = rng.sample(range(100_000), 2)
        values.append(compare(shingles(background(a)[2]), shingles(background(b)[2])).jaccard)
    return statistics.mean(values)


@dataclass
class Timing:
    """Milliseconds per article to group it, in parts."""

    total: list[float]
    prepare: list[float]
    lookup: list[float]
    candidates: Counter[int]


def time_grouping(path: Path, items: list[Item]) -> Timing:
    """Group each labelled article on top of the archive, rolled back after each one."""
    from storage import open_archive
    from storage.db import transaction
    from storage.stories import (
        ArchiveLSH,
        StoryText,
        find_story,
        index_article,
        join_story,
        start_story,
    )

    archive = open_archive(path)
    timing = Timing([], [], [], Counter())
    now = datetime.now(KST)
    stamp = now.isoformat(timespec="seconds")
    try:
        for item in items:
            try:
                with transaction(archive):
                    started = time.perf_counter()
                    text = StoryText.of(item.body)
                    prepared = time.perf_counter()
                    published = item.published.isoformat()
                    story = find_story(archive, text, published, now, WINDOW_ALL)
                    looked = time.perf_counter()
                    if story is None:
                        start_story(archive, item.title, item.source_id, published, stamp)
                    else:
                        join_story(archive, story, item.source_id, published, stamp)
                    index_article(archive, 99_000_000, text)
                    done = time.perf_counter()
                    if text.minhash is not None:
                        timing.candidates[len(ArchiveLSH(archive).query(text.minhash)) - 1] += 1
                    raise _Rollback
            except _Rollback:
                pass
            timing.total.append((done - started) * 1000)
            timing.prepare.append((prepared - started) * 1000)
            timing.lookup.append((looked - prepared) * 1000)
    finally:
        archive.close()
    return timing


class _Rollback(Exception):
    """Leaves a timing transaction without keeping its rows."""


# -- report ---------------------------------------------------------------------------------

def pct(values: list[float], q: float) -> float:
    """The q-quantile of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def print_quality(label: str, q: Quality) -> None:
    """One block of quality figures."""
    print(f"{label}: {q.articles} articles in {q.stories} stories")
    print(f"  pairwise precision {q.precision:.3f} (target >= 0.95), "
          f"recall {q.recall:.3f} (target >= 0.90)")
    kinds = ", ".join(f"{kind} {joined}/{total}"
                      for kind, (joined, total) in sorted(q.by_kind.items()))
    print(f"  copies that joined their release's story, by edit: {kinds}")
    if q.false_pairs:
        print(f"  wrongly joined: {Counter(q.false_pairs).most_common(5)}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stories")
    parser.add_argument("--quick", action="store_true", help="5,000 background articles")
    parser.add_argument("--articles", type=int, help="background articles (default 100,000)")
    args = parser.parse_args(argv)
    from storage.stories import DEFAULT_WINDOW

    n = args.articles or (5_000 if args.quick else 100_000)
    items = labelled_set()
    log("storing the labelled set into a fresh archive")
    clean = quality(items, window=DEFAULT_WINDOW)
    log(f"building (or reading) the {n:,}-article background archive")
    path, build_s, cached = build_archive(n)
    log("grouping each labelled article on top of it")
    timing = time_grouping(path, items)
    log("storing the labelled set into a copy of it")
    loaded = quality(items, path)
    from storage.neardup import BANDS, CONTAINMENT, JACCARD, MIN_CHARS, MIN_RATIO, MIN_SHARED

    print(f"stories benchmark: shingles of 5 characters, MinHash 128 permutations, LSH "
          f"{BANDS} bands; match: Jaccard >= {JACCARD} or containment >= {CONTAINMENT} "
          f"(shorter >= {MIN_RATIO:.0%} of longer), >= {MIN_SHARED} shared shingles, "
          f">= {MIN_CHARS} characters each")
    print_quality("labelled set, fresh archive, 7-day window", clean)
    print_quality(f"labelled set, on the {n:,}-article archive", loaded)
    print(f"background: {n:,} articles, all inside the window "
          f"({'cached' if cached else 'built'}, {build_s:.0f} s to build), mean pairwise "
          f"Jaccard {background_jaccard():.3f}, size {path.stat().st_size / 1e6:.0f} MB")
    print(f"time to group one article with {n:,} archived ({len(timing.total)} articles): "
          f"median {statistics.median(timing.total):.2f} ms (target < 5), "
          f"p90 {pct(timing.total, 0.9):.2f}, max {max(timing.total):.2f}")
    print(f"  of which shingles + MinHash: median {statistics.median(timing.prepare):.2f} ms; "
          f"LSH lookup + exact check: median {statistics.median(timing.lookup):.2f} ms")
    print(f"  LSH candidates per article (all background, none a copy): "
          f"{dict(sorted(timing.candidates.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
