"""Rule matches and the outbox: what should be delivered, written with the article itself."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from storage.db import Archive, now_kst, transaction
from storage.runs import pid_alive


def record_match(archive: Archive, rule_id: str, article_id: int, terms: list[str],
                 deliveries: Iterable[tuple[str, str, str | None]],
                 story_id: int | None = None) -> None:
    """Record a match and its pending deliveries ((channel id, digest, due time) triples).

    Called inside the transaction that stores the article (storage.articles hooks), so a crash
    can never keep the article and lose the alert, or the reverse. The outbox is unique per
    (rule, channel, article): an article is never queued twice for the same rule and channel.
    With ``story_id`` (a per-story rule) it is also unique per (rule, channel, story): the
    first matching copy of a story is queued, later copies are not. The story was decided in
    the same transaction, under the archive's write lock, so this holds across processes.
    """
    now = now_kst()
    archive.db.execute(
        "INSERT OR IGNORE INTO matches (rule_id, article_id, terms, matched_at) "
        "VALUES (?, ?, ?, ?)",
        [rule_id, article_id, json.dumps(terms, ensure_ascii=False), now],
    )
    archive.db.conn.executemany(
        "INSERT OR IGNORE INTO outbox (rule_id, channel_id, article_id, digest, "
        "next_attempt_at, created_at, story_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(rule_id, channel, article_id, digest, due or now, now, story_id)
         for channel, digest, due in deliveries],
    )


def story_of(archive: Archive, article_id: int) -> int | None:
    """Return the story an article belongs to (None for articles stored before stories)."""
    row = archive.db.execute("SELECT story_id FROM articles WHERE id = ?",
                             [article_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


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
    from storage.search import article_filters

    filters, params = article_filters(since, None, sources)
    where = ["1", *filters]
    yield from archive.db.query(
        "SELECT id, source_id, title, canonical_url AS url, published_at, body FROM articles "
        f"WHERE {' AND '.join(where)} ORDER BY published_at DESC, id DESC", params)


def claim_due(archive: Archive, now: str, seconds_per_row: float) -> list[dict[str, Any]]:
    """Claim the pending deliveries due at ``now`` and return them with article and match.

    Crawl processes and the daemon deliver concurrently; claiming moves the rows' next
    attempt past the time this pass needs, in one write, so no other sender picks them up.
    A sender killed mid-pass leaves its rows to be retried when that lease runs out, or at
    once when its process is gone from this machine (the claim names the claiming pid).
    """
    token = f"{os.getpid()}-{secrets.token_hex(6)}"
    with transaction(archive):
        _release_dead_claims(archive, now)
        (count,) = archive.db.execute(
            "SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?",
            [now]).fetchone()
        if not count:
            return []
        lease = (datetime.fromisoformat(now)
                 + timedelta(seconds=60 + seconds_per_row * count)).isoformat(timespec="seconds")
        archive.db.execute(
            "UPDATE outbox SET next_attempt_at = ?, claim = ? "
            "WHERE status = 'pending' AND next_attempt_at <= ?", [lease, token, now])
    return list(archive.db.query(
        "SELECT o.*, a.title, a.canonical_url AS url, a.source_id, a.published_at, a.author, "
        "a.body, a.outlet_host, a.outlet_name, a.partial, m.terms, "
        "a.story_id AS article_story, s.source_ids AS story_sources "
        "FROM outbox o JOIN articles a ON a.id = o.article_id "
        "LEFT JOIN matches m ON m.rule_id = o.rule_id AND m.article_id = o.article_id "
        "LEFT JOIN stories s ON s.id = a.story_id "
        "WHERE o.claim = ? AND o.status = 'pending' ORDER BY o.id", [token]))


def _release_dead_claims(archive: Archive, now: str) -> None:
    """Make due again the rows leased by a sender whose process no longer runs."""
    claims = [row[0] for row in archive.db.execute(
        "SELECT DISTINCT claim FROM outbox WHERE status = 'pending' AND claim IS NOT NULL "
        "AND next_attempt_at > ?", [now]).fetchall()]
    for claim in claims:
        pid = str(claim).split("-", 1)[0]
        if pid.isdigit() and not pid_alive(int(pid)) and int(pid) != os.getpid():
            archive.db.execute("UPDATE outbox SET next_attempt_at = ?, claim = NULL "
                               "WHERE claim = ? AND status = 'pending'", [now, claim])


def mark_sent(archive: Archive, ids: list[int]) -> None:
    """Record deliveries as sent."""
    with transaction(archive):
        archive.db.conn.executemany(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
            "last_error = NULL WHERE id = ?", [(now_kst(), i) for i in ids])


def mark_retry(archive: Archive, ids: list[int], next_attempt_at: str, error: str) -> None:
    """Record a failed attempt that will be retried at next_attempt_at."""
    with transaction(archive):
        archive.db.conn.executemany(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? "
            "WHERE id = ?", [(next_attempt_at, error, i) for i in ids])


def mark_failed(archive: Archive, ids: list[int], error: str, status: str = "failed") -> None:
    """Record deliveries that will not be retried (failed, or given_up when too old)."""
    with transaction(archive):
        archive.db.conn.executemany(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            [(status, error, i) for i in ids])


def requeue(archive: Archive, ids: list[int] | None = None) -> int:
    """Put failed (or the given) deliveries back to pending, due now; return how many."""
    with transaction(archive):
        if ids is None:
            cursor = archive.db.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ? "
                "WHERE status IN ('failed', 'given_up')", [now_kst()])
        else:
            cursor = archive.db.conn.executemany(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ?",
                [(now_kst(), i) for i in ids])
    return int(cursor.rowcount)
