"""Rule matches and the outbox: what should be delivered, written with the article itself."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from storage.db import Archive, now_kst


def record_match(archive: Archive, rule_id: str, article_id: int, terms: list[str],
                 deliveries: Iterable[tuple[str, str]]) -> None:
    """Record a match and its pending deliveries ((channel id, digest) pairs).

    Called inside the transaction that stores the article (storage.articles hooks), so a crash
    can never keep the article and lose the alert, or the reverse. The outbox is unique per
    (rule, channel, article): an article is never queued twice for the same rule and channel.
    """
    now = now_kst()
    archive.db.execute(
        "INSERT OR IGNORE INTO matches (rule_id, article_id, terms, matched_at) "
        "VALUES (?, ?, ?, ?)",
        [rule_id, article_id, json.dumps(terms, ensure_ascii=False), now],
    )
    archive.db.conn.executemany(
        "INSERT OR IGNORE INTO outbox (rule_id, channel_id, article_id, digest, "
        "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(rule_id, channel, article_id, digest, now, now) for channel, digest in deliveries],
    )


def list_outbox(archive: Archive, status: str | None = None,
                limit: int = 100) -> list[dict[str, Any]]:
    """Return outbox rows (newest first) with their article's title and URL."""
    where = "WHERE o.status = ?" if status else ""
    return list(archive.db.query(
        "SELECT o.*, a.title, a.canonical_url AS url, a.source_id FROM outbox o "
        f"JOIN articles a ON a.id = o.article_id {where} ORDER BY o.id DESC LIMIT ?",
        [status, limit] if status else [limit],
    ))


def iter_articles(archive: Archive, since: str | None = None,
                  sources: list[str] | None = None) -> Iterable[dict[str, Any]]:
    """Yield archived articles (newest first) for trying a rule on real data."""
    where, params = ["1"], []
    if since:
        where.append("published_at >= ?")
        params.append(since)
    if sources:
        where.append(f"source_id IN ({','.join('?' * len(sources))})")
        params.extend(sources)
    yield from archive.db.query(
        "SELECT id, source_id, title, canonical_url AS url, published_at, body FROM articles "
        f"WHERE {' AND '.join(where)} ORDER BY published_at DESC, id DESC", params)
