"""Storing articles: exact duplicates (same URL key or same normalised body) are kept once,
near-duplicates join a story (storage.stories), and a changed article keeps its earlier text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, Protocol

from storage.db import Archive, transaction
from storage.normalize import KST, bigram_tokens, index_text, outlet_host
from storage.stories import (
    DEFAULT_WINDOW,
    StoryText,
    add_outlet,
    find_story,
    index_article,
    join_story,
    prune_index,
    set_first_article,
    start_story,
    unindex_article,
)


@dataclass(frozen=True)
class NewArticle:
    """An extracted article ready to store; url_keys are every canonical key it was seen under."""

    source_id: str
    url: str
    canonical_url: str
    title: str
    body: str
    published_at: str | None
    published_from: str
    author: str | None
    section: str | None
    content_hash: str
    fingerprint: str
    url_keys: tuple[str, ...] = field(default_factory=tuple)
    run_id: int | None = None
    outlet_host: str | None = None  # default: the canonical URL's host (normalize.outlet_host)
    outlet_name: str | None = None  # og:site_name, the search result's outlet, the source name
    partial: str | None = None  # why the body is only the search result's text (None: whole)


# new: stored; known: its URL is archived, unchanged; updated: its URL is archived and its title
# or body changed (the earlier text went to article_versions); duplicate: same body as another.
StoreStatus = Literal["new", "known", "updated", "duplicate"]


@dataclass(frozen=True)
class StoreResult:
    """What happened to an article handed to store_article."""

    status: StoreStatus
    article_id: int


@dataclass(frozen=True)
class Previous:
    """The text an updated article had before (handed to hooks with the new version)."""

    title: str
    body: str


class StoredHook(Protocol):
    """Called inside the storing transaction with a new article's id (``previous`` None), or
    with an updated article and its earlier text. Alert matching hooks in here so that a match
    and its pending deliveries are committed together with the article."""

    def __call__(self, archive: Archive, article_id: int, article: NewArticle,
                 previous: Previous | None = None) -> None: ...


PRUNE_EVERY = 600.0  # seconds between prunes of the story index, per process and archive
_PRUNED: dict[Path, float] = {}


def known_url_keys(archive: Archive, source_id: str | None = None) -> set[str]:
    """Return the URL keys already in the archive (optionally of one source's articles)."""
    if source_id is None:
        rows = archive.db.execute("SELECT url_key FROM article_urls")
    else:
        rows = archive.db.execute(
            "SELECT u.url_key FROM article_urls u JOIN articles a ON a.id = u.article_id "
            "WHERE a.source_id = ?",
            [source_id],
        )
    return {row[0] for row in rows}


def version_time(archive: Archive, url_key: str) -> str | None:
    """When the stored version of the article under a URL key was fetched (KST ISO), or None."""
    row = archive.db.execute(
        "SELECT coalesce(a.updated_at, a.fetched_at) FROM article_urls u "
        "JOIN articles a ON a.id = u.article_id WHERE u.url_key = ?", [url_key]).fetchone()
    return str(row[0]) if row else None


def _link_keys(archive: Archive, keys: Iterable[str], article_id: int) -> None:
    archive.db.conn.executemany(
        "INSERT OR IGNORE INTO article_urls (url_key, article_id) VALUES (?, ?)",
        [(key, article_id) for key in keys],
    )


def _existing(archive: Archive, article: NewArticle) -> tuple[StoreStatus, int] | None:
    keys = list(article.url_keys)
    if keys:
        marks = ",".join("?" * len(keys))
        row = archive.db.execute(
            f"SELECT article_id FROM article_urls WHERE url_key IN ({marks}) LIMIT 1", keys
        ).fetchone()
        if row:
            return "known", int(row[0])
    row = archive.db.execute(
        "SELECT id FROM articles WHERE content_hash = ?", [article.content_hash]
    ).fetchone()
    return ("duplicate", int(row[0])) if row else None


def _index(archive: Archive, article_id: int, title: str, body: str, delete: bool = False) -> None:
    """Add (or with delete, remove) an article's rows in both contentless search indexes."""
    text = index_text(f"{title}\n{body}")
    for table, value in (("articles_fts", text), ("articles_bigrams", bigram_tokens(text))):
        if delete:  # a contentless FTS5 row is deleted by giving its indexed values again
            archive.db.execute(f"INSERT INTO {table} ({table}, rowid, text) "
                               "VALUES ('delete', ?, ?)", [article_id, value])
        else:
            archive.db.execute(f"INSERT INTO {table} (rowid, text) VALUES (?, ?)",
                               [article_id, value])


def _insert(archive: Archive, article: NewArticle, text: StoryText, window: timedelta) -> int:
    now = datetime.now(KST)
    fetched_at = now.isoformat(timespec="seconds")
    # An article with no date anywhere (page, feed, list) is dated when it was fetched.
    published_at, published_from = (
        (article.published_at, article.published_from) if article.published_at
        else (fetched_at, "fetched"))
    story_id = find_story(archive, text, published_at, now, window)
    if story_id is None:
        new_story = start_story(archive, article.title, article.source_id, published_at,
                                fetched_at)
    else:
        join_story(archive, story_id, article.source_id, published_at, fetched_at)
    cursor = archive.db.execute(
        """INSERT INTO articles (source_id, url, canonical_url, title, body, published_at,
               published_from, fetched_at, author, section, body_chars, content_hash,
               fingerprint, run_id, story_id, outlet_host, outlet_name, partial)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            article.source_id, article.url, article.canonical_url, article.title, article.body,
            published_at, published_from, fetched_at, article.author,
            article.section, len(article.body), article.content_hash, article.fingerprint,
            article.run_id, story_id if story_id is not None else new_story,
            article.outlet_host or outlet_host(article.canonical_url),
            article.outlet_name, article.partial,
        ],
    )
    article_id = int(cursor.lastrowid or 0)
    if story_id is None:
        set_first_article(archive, new_story, article_id)
    _index(archive, article_id, article.title, article.body)
    if window > timedelta(0):  # grouping off: no story index either
        index_article(archive, article_id, text)
    return article_id


def _update(archive: Archive, article_id: int, article: NewArticle,
            text: StoryText) -> Previous | None:
    """Replace a stored article's title and body when they changed; return the earlier text."""
    row = archive.db.execute(
        "SELECT title, body, content_hash, published_at, coalesce(updated_at, fetched_at) "
        "FROM articles WHERE id = ?", [article_id]).fetchone()
    title, body, old_hash, published_at, fetched_at = row
    if (title, old_hash) == (article.title, article.content_hash):
        return None
    if old_hash != article.content_hash and archive.db.execute(
            "SELECT 1 FROM articles WHERE content_hash = ?", [article.content_hash]).fetchone():
        return None  # the new body is another article's: nothing of this one to replace
    now = datetime.now(KST).isoformat(timespec="seconds")
    archive.db.execute(
        "INSERT INTO article_versions (article_id, title, published_at, fetched_at, "
        "replaced_at, content_hash, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [article_id, title, published_at, fetched_at, now, old_hash, body])
    _index(archive, article_id, title, body, delete=True)
    archive.db.execute(
        "UPDATE articles SET title = ?, body = ?, body_chars = ?, content_hash = ?, "
        "fingerprint = ?, author = coalesce(?, author), updated_at = ? WHERE id = ?",
        [article.title, article.body, len(article.body), article.content_hash,
         article.fingerprint, article.author, now, article_id])
    _index(archive, article_id, article.title, article.body)
    unindex_article(archive, article_id)  # its story stays; later copies compare with this text
    index_article(archive, article_id, text)
    return Previous(title, body)


def _store_one(archive: Archive, article: NewArticle, text: StoryText,
               hooks: tuple[StoredHook, ...], window: timedelta) -> StoreResult:
    found = _existing(archive, article)
    if found:
        status, article_id = found
        _link_keys(archive, article.url_keys, article_id)
        if status == "known":
            previous = _update(archive, article_id, article, text)
            if previous is not None:
                for hook in hooks:
                    hook(archive, article_id, article, previous)
                return StoreResult("updated", article_id)
        elif status == "duplicate":
            _count_outlet(archive, article_id, article.source_id)
        return StoreResult(status, article_id)
    article_id = _insert(archive, article, text, window)
    _link_keys(archive, article.url_keys, article_id)
    for hook in hooks:
        hook(archive, article_id, article)
    return StoreResult("new", article_id)


def _count_outlet(archive: Archive, article_id: int, source_id: str) -> None:
    """An exact copy from another outlet is not stored again, but its outlet counts."""
    row = archive.db.execute("SELECT story_id FROM articles WHERE id = ?",
                             [article_id]).fetchone()
    if row and row[0] is not None:
        add_outlet(archive, int(row[0]), source_id)


def _prune(archive: Archive, window: timedelta) -> None:
    key = archive.path.resolve()
    if time.monotonic() - _PRUNED.get(key, -PRUNE_EVERY) >= PRUNE_EVERY:
        _PRUNED[key] = time.monotonic()
        prune_index(archive, datetime.now(KST), window)


def store_article(archive: Archive, article: NewArticle, hooks: Iterable[StoredHook] = (),
                  window: timedelta = DEFAULT_WINDOW) -> StoreResult:
    """Store an article unless its URL or body is already archived, in one transaction."""
    return store_articles(archive, [article], hooks, window)[0]


def store_articles(archive: Archive, articles: Iterable[NewArticle],
                   hooks: Iterable[StoredHook] = (),
                   window: timedelta = DEFAULT_WINDOW) -> list[StoreResult]:
    """Store several articles in one transaction (each deduplicated as by store_article).

    One commit per batch instead of per article: every FTS5 commit writes a new index segment
    for both search tables, which is most of the cost of storing one article. Shingles and
    MinHash signatures are computed before the write lock is taken; the story of each article
    is decided under it (storage.stories).
    """
    hooks = tuple(hooks)
    batch = list(articles)
    texts = [StoryText.of(article.body) for article in batch]
    with transaction(archive):
        _prune(archive, window)
        return [_store_one(archive, article, text, hooks, window)
                for article, text in zip(batch, texts, strict=True)]


def count_articles(archive: Archive, since: str | None = None) -> int:
    """Return how many articles the archive holds (fetched at or after since, if given)."""
    if since is None:
        row = archive.db.execute("SELECT count(*) FROM articles").fetchone()
    else:
        row = archive.db.execute(
            "SELECT count(*) FROM articles WHERE fetched_at >= ?", [since]
        ).fetchone()
    return int(row[0])


def url_keys_before(archive: Archive, source_id: str, before: str) -> set[str]:
    """Return the URL keys of the source's articles archived before a time (KST ISO)."""
    rows = archive.db.execute(
        "SELECT u.url_key FROM article_urls u JOIN articles a ON a.id = u.article_id "
        "WHERE a.source_id = ? AND a.fetched_at < ?", [source_id, before])
    return {row[0] for row in rows}


def article_for_keys(archive: Archive, keys: Iterable[str]) -> int | None:
    """Return the id of the archived article any of these URL keys maps to, or None."""
    keys = list(keys)
    if not keys:
        return None
    row = archive.db.execute(
        f"SELECT article_id FROM article_urls WHERE url_key IN ({','.join('?' * len(keys))}) "
        "LIMIT 1", keys).fetchone()
    return int(row[0]) if row else None
