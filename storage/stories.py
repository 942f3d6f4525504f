"""Stories: copies of one release across outlets, grouped in the transaction that stores them.

Each new article joins the story of its closest near-duplicate stored within the window (both
stored and published within it), or starts a story. Candidates come from datasketch's
MinHashLSH, whose band tables live in the archive (``story_bands``) instead of in memory:

* the index survives restarts and costs no memory or start-up time in crawl processes;
* every process sees every committed article: the story is decided inside the write
  transaction (BEGIN IMMEDIATE) that stores the article, so two crawls storing copies of one
  release at the same moment are serialised, and the second joins the first one's story.

The decision itself is exact, on shingle sets (storage.neardup). Stories never merge: once an
alert went out for a story, its id stays.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.db import Archive
from storage.neardup import (
    BANDS,
    NUM_PERM,
    ROWS,
    compare,
    estimate,
    promising,
    shingles,
    signature,
    signature_bytes,
)
from storage.sketch import MinHash, MinHashLSH, OrderedStorage, UnorderedStorage

DEFAULT_WINDOW = timedelta(days=7)
MAX_CANDIDATES = 200  # LSH candidates estimated from their signatures, at most, per article
MAX_CHECKED = 5  # of those, the closest whose text is read and compared exactly


def _bucket(band: bytes) -> int:
    """A band's MinHash values as one signed 64-bit integer (SQLite INTEGER)."""
    return int.from_bytes(hashlib.blake2b(band, digest_size=8).digest(), "little", signed=True)


class _BandTable(UnorderedStorage):  # type: ignore[misc]
    """One band's hash table of MinHashLSH, as rows of story_bands (bucket -> article ids)."""

    def __init__(self, archive: Archive, band: int) -> None:
        self.archive = archive
        self.band = band

    def _rows(self, sql: str, *params: Any) -> list[Any]:
        return self.archive.db.execute(sql, [self.band, *params]).fetchall()

    def keys(self) -> list[int]:
        """Every bucket of this band."""
        return [r[0] for r in self._rows("SELECT DISTINCT bucket FROM story_bands WHERE band = ?")]

    def get(self, key: int) -> set[int]:
        """The articles in one bucket."""
        return {r[0] for r in self._rows(
            "SELECT article_id FROM story_bands WHERE band = ? AND bucket = ?", key)}

    def insert(self, key: int, *vals: int, **_: Any) -> None:
        """Put articles in a bucket."""
        self.archive.db.conn.executemany(
            "INSERT OR REPLACE INTO story_bands (article_id, band, bucket) VALUES (?, ?, ?)",
            [(val, self.band, key) for val in vals])

    def remove(self, *keys: int, **_: Any) -> None:
        """Empty buckets."""
        for key in keys:
            self._rows("DELETE FROM story_bands WHERE band = ? AND bucket = ?", key)

    def remove_val(self, key: int, val: int, **_: Any) -> None:
        """Take one article out of a bucket."""
        self._rows("DELETE FROM story_bands WHERE band = ? AND bucket = ? AND article_id = ?",
                   key, val)

    def size(self) -> int:
        """How many buckets this band has."""
        return len(self.keys())

    def itemcounts(self, **_: Any) -> dict[int, int]:
        """Articles per bucket."""
        return dict(self._rows(
            "SELECT bucket, count(*) FROM story_bands WHERE band = ? GROUP BY bucket"))

    def has_key(self, key: int) -> bool:
        """Tell whether a bucket holds any article."""
        return bool(self._rows(
            "SELECT 1 FROM story_bands WHERE band = ? AND bucket = ? LIMIT 1", key))


class _Members(OrderedStorage):  # type: ignore[misc]
    """MinHashLSH's key table (article id -> its buckets, band by band), read from story_bands.

    The band tables write the rows, so inserting here has nothing left to do.
    """

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def keys(self) -> Iterator[int]:
        """Every indexed article."""
        rows = self.archive.db.execute("SELECT DISTINCT article_id FROM story_bands")
        return (r[0] for r in rows)

    def get(self, key: Hashable) -> list[int]:
        """An article's buckets, band by band."""
        return [r[0] for r in self.archive.db.execute(
            "SELECT bucket FROM story_bands WHERE article_id = ? ORDER BY band", [key])]

    def insert(self, key: Hashable, *vals: int, **_: Any) -> None:
        """Nothing to do: the band tables wrote the rows."""
        pass

    def remove(self, *keys: Hashable, **_: Any) -> None:
        """Drop articles from every band."""
        self.archive.db.conn.executemany("DELETE FROM story_bands WHERE article_id = ?",
                                         [(key,) for key in keys])

    def remove_val(self, key: Hashable, val: int, **_: Any) -> None:
        """Drop one bucket of an article."""
        self.archive.db.execute(
            "DELETE FROM story_bands WHERE article_id = ? AND bucket = ?", [key, val])

    def size(self) -> int:
        """How many articles are indexed."""
        (count,) = self.archive.db.execute(
            "SELECT count(DISTINCT article_id) FROM story_bands").fetchone()
        return int(count)

    def itemcounts(self, **_: Any) -> dict[int, int]:
        """Bands per article."""
        return dict(self.archive.db.execute(
            "SELECT article_id, count(*) FROM story_bands GROUP BY article_id").fetchall())

    def has_key(self, key: Hashable) -> bool:
        """Tell whether an article is indexed."""
        return self.archive.db.execute(
            "SELECT 1 FROM story_bands WHERE article_id = ? LIMIT 1", [key]).fetchone() is not None


class ArchiveLSH(MinHashLSH):  # type: ignore[misc]
    """datasketch's MinHashLSH with its hash tables in the archive (one per band)."""

    def __init__(self, archive: Archive) -> None:
        super().__init__(num_perm=NUM_PERM, params=(BANDS, ROWS), hashfunc=_bucket)
        self.hashtables = [_BandTable(archive, band) for band in range(self.b)]
        self.keys = _Members(archive)


@dataclass(frozen=True)
class StoryText:
    """An article's text prepared for grouping: shingles and MinHash (None when too short)."""

    grams: frozenset[str]
    minhash: MinHash | None

    @classmethod
    def of(cls, body: str) -> StoryText:
        """Prepare a body (pure; done before the write transaction starts)."""
        grams = shingles(body)
        return cls(grams, signature(grams) if grams else None)


def _when(text: str | None, default: datetime) -> datetime:
    return datetime.fromisoformat(text) if text else default


def find_story(archive: Archive, text: StoryText, published_at: str | None, now: datetime,
               window: timedelta = DEFAULT_WINDOW, exclude: int | None = None) -> int | None:
    """Return the story of the closest near-duplicate stored and published within the window.

    A window of zero turns grouping off (every article starts a story of its own).
    """
    if text.minhash is None or window <= timedelta(0):
        return None
    ids = [i for i in ArchiveLSH(archive).query(text.minhash) if i != exclude]
    if not ids:
        return None
    # Real news rarely gives more than a handful; a flood of templated notices must not make
    # storing slow: the newest candidates are checked, the likeliest copies of a fresh release.
    ids = sorted(ids, reverse=True)[:MAX_CANDIDATES]
    ids = _promising(archive, text, ids)
    if not ids:
        return None
    marks = ",".join("?" * len(ids))
    rows = archive.db.execute(
        f"SELECT story_id, published_at, body FROM articles WHERE id IN ({marks}) "
        "AND story_id IS NOT NULL AND fetched_at >= ?",
        [*ids, (now - window).isoformat(timespec="seconds")]).fetchall()
    published = _when(published_at, now)
    best: tuple[float, int] | None = None
    for story_id, their_date, body in rows:
        if abs(_when(their_date, now) - published) > window:
            continue
        similarity = compare(text.grams, shingles(body))
        if similarity.same_story and (best is None or similarity.score > best[0]):
            best = (similarity.score, int(story_id))
    return best[1] if best else None


def _promising(archive: Archive, text: StoryText, ids: list[int]) -> list[int]:
    """The candidates whose stored signature says they may match, closest first (at most
    MAX_CHECKED): only their text is read and compared exactly."""
    marks = ",".join("?" * len(ids))
    rows = archive.db.execute(
        f"SELECT article_id, shingles, minhash FROM story_signatures WHERE article_id IN ({marks})",
        ids).fetchall()
    scored = []
    for article_id, size, stored in rows:
        estimated = estimate(text.minhash, len(text.grams), stored, size)
        if promising(estimated):
            scored.append((estimated.score, article_id))
    return [article_id for _, article_id in sorted(scored, reverse=True)[:MAX_CHECKED]]


def start_story(archive: Archive, title: str, source_id: str, published_at: str | None,
                stored_at: str) -> int:
    """Create a story for an article about to be stored; set_first_article completes it."""
    cursor = archive.db.execute(
        "INSERT INTO stories (first_seen, last_seen, first_published, title, members, outlets, "
        "source_ids) VALUES (?, ?, ?, ?, 1, 1, ?)",
        [stored_at, stored_at, published_at, title, json.dumps([source_id])])
    return int(cursor.lastrowid or 0)


def set_first_article(archive: Archive, story_id: int, article_id: int) -> None:
    """Record the article that started a story."""
    archive.db.execute("UPDATE stories SET first_article_id = ? WHERE id = ?",
                       [article_id, story_id])


def join_story(archive: Archive, story_id: int, source_id: str, published_at: str | None,
               stored_at: str) -> None:
    """Count one more article (and maybe one more outlet) in a story."""
    row = archive.db.execute("SELECT source_ids, first_published FROM stories WHERE id = ?",
                             [story_id]).fetchone()
    sources: list[str] = json.loads(row[0])
    if source_id not in sources:
        sources.append(source_id)
    first = min(filter(None, [row[1], published_at]), default=None)
    archive.db.execute(
        "UPDATE stories SET members = members + 1, outlets = ?, source_ids = ?, last_seen = ?, "
        "first_published = ? WHERE id = ?",
        [len(sources), json.dumps(sources), stored_at, first, story_id])


def add_outlet(archive: Archive, story_id: int, source_id: str) -> None:
    """Count an outlet in a story without an article of its own (an exact copy)."""
    (raw,) = archive.db.execute("SELECT source_ids FROM stories WHERE id = ?",
                                [story_id]).fetchone()
    sources: list[str] = json.loads(raw)
    if source_id not in sources:
        sources.append(source_id)
        archive.db.execute("UPDATE stories SET outlets = ?, source_ids = ? WHERE id = ?",
                           [len(sources), json.dumps(sources), story_id])


def index_article(archive: Archive, article_id: int, text: StoryText) -> None:
    """Add an article's LSH bands, so later copies find it (only with enough text)."""
    if text.minhash is not None:
        ArchiveLSH(archive).insert(article_id, text.minhash, check_duplication=False)
        archive.db.execute(
            "INSERT OR REPLACE INTO story_signatures (article_id, shingles, minhash) "
            "VALUES (?, ?, ?)", [article_id, len(text.grams), signature_bytes(text.minhash)])


def unindex_article(archive: Archive, article_id: int) -> None:
    """Remove an article's LSH bands (before indexing a new version of it)."""
    archive.db.execute("DELETE FROM story_bands WHERE article_id = ?", [article_id])
    archive.db.execute("DELETE FROM story_signatures WHERE article_id = ?", [article_id])


def prune_index(archive: Archive, now: datetime, window: timedelta = DEFAULT_WINDOW) -> int:
    """Drop the bands of articles stored before the window: they are never candidates again."""
    row = archive.db.execute(
        "SELECT min(id) FROM articles WHERE fetched_at >= ?",
        [(now - window).isoformat(timespec="seconds")]).fetchone()
    oldest = row[0] if row[0] is not None else 1 << 62  # nothing stored within: drop all
    archive.db.execute("DELETE FROM story_signatures WHERE article_id < ?", [oldest])
    cursor = archive.db.execute("DELETE FROM story_bands WHERE article_id < ?", [oldest])
    return int(cursor.rowcount)


def list_stories(archive: Archive, since: str | None = None, min_outlets: int = 1,
                 limit: int = 100) -> list[dict[str, Any]]:
    """Return stories first seen since a time, newest first, with their outlets' ids."""
    where, params = ["outlets >= ?"], [min_outlets]
    if since:
        where.append("first_seen >= ?")
        params.append(since)  # type: ignore[arg-type]
    rows = list(archive.db.query(
        f"SELECT * FROM stories WHERE {' AND '.join(where)} ORDER BY first_seen DESC, id DESC "
        "LIMIT ?", [*params, limit]))
    for row in rows:
        row["source_ids"] = json.loads(row["source_ids"])
    return rows


def story_members(archive: Archive, story_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Return each story's articles (id, source, title, URL, published), in order of storing."""
    ids = sorted(set(story_ids))
    if not ids:
        return {}
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    for row in archive.db.query(
        "SELECT id, story_id, source_id, title, canonical_url AS url, published_at "
        f"FROM articles WHERE story_id IN ({','.join('?' * len(ids))}) ORDER BY id", ids):
        found[row["story_id"]].append(row)
    return found
