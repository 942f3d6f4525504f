"""Storing articles: exact duplicates (same URL key or same normalised body) are kept once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from storage.db import Archive, now_kst, transaction
from storage.normalize import bigram_tokens, index_text, outlet_host


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


StoreStatus = Literal["new", "known", "duplicate"]


@dataclass(frozen=True)
class StoreResult:
    """What happened to an article handed to store_article."""

    status: StoreStatus
    article_id: int


# Called inside the storing transaction with the new article's id; alert matching hooks in here
# so that a match and its pending deliveries are committed together with the article.
StoredHook = Callable[[Archive, int, NewArticle], None]


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


def _insert(archive: Archive, article: NewArticle) -> int:
    fetched_at = now_kst()
    # An article with no date anywhere (page, feed, list) is dated when it was fetched.
    published_at, published_from = (
        (article.published_at, article.published_from) if article.published_at
        else (fetched_at, "fetched"))
    cursor = archive.db.execute(
        """INSERT INTO articles (source_id, url, canonical_url, title, body, published_at,
               published_from, fetched_at, author, section, body_chars, content_hash,
               fingerprint, run_id, outlet_host, outlet_name, partial)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            article.source_id, article.url, article.canonical_url, article.title, article.body,
            published_at, published_from, fetched_at, article.author,
            article.section, len(article.body), article.content_hash, article.fingerprint,
            article.run_id, article.outlet_host or outlet_host(article.canonical_url),
            article.outlet_name, article.partial,
        ],
    )
    article_id = int(cursor.lastrowid or 0)
    text = index_text(f"{article.title}\n{article.body}")
    archive.db.execute("INSERT INTO articles_fts (rowid, text) VALUES (?, ?)", [article_id, text])
    archive.db.execute(
        "INSERT INTO articles_bigrams (rowid, text) VALUES (?, ?)",
        [article_id, bigram_tokens(text)],
    )
    return article_id


def _store_one(archive: Archive, article: NewArticle, hooks: Iterable[StoredHook]) -> StoreResult:
    found = _existing(archive, article)
    if found:
        status, article_id = found
        _link_keys(archive, article.url_keys, article_id)
        return StoreResult(status, article_id)
    article_id = _insert(archive, article)
    _link_keys(archive, article.url_keys, article_id)
    for hook in hooks:
        hook(archive, article_id, article)
    return StoreResult("new", article_id)


def store_article(
    archive: Archive, article: NewArticle, hooks: Iterable[StoredHook] = ()
) -> StoreResult:
    """Store an article unless its URL or body is already archived, in one transaction."""
    return store_articles(archive, [article], hooks)[0]


def store_articles(
    archive: Archive, articles: Iterable[NewArticle], hooks: Iterable[StoredHook] = ()
) -> list[StoreResult]:
    """Store several articles in one transaction (each deduplicated as by store_article).

    One commit per batch instead of per article: every FTS5 commit writes a new index segment
    for both search tables, which is most of the cost of storing one article.
    """
    hooks = tuple(hooks)
    with transaction(archive):
        return [_store_one(archive, article, hooks) for article in articles]


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
