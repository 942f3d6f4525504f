"""A small archive written through the storage functions, for status and /metrics tests.

Two sources: ``bosa`` is ok (one good run, two articles, each queued for ``slack``, one of the
deliveries failed) and ``kormedi`` is failing (a failed run with one network error, and an ops
notice on ``ops``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from storage.alerts import mark_failed, record_match
from storage.articles import NewArticle, store_articles
from storage.db import Archive, open_archive
from storage.health import add_notices, set_health
from storage.runs import RunCounts, finish_run, record_error, start_run, sync_sources

SOURCES = [
    {"id": "bosa", "name": "의학신문", "kind": "rss", "url": "https://www.bosa.co.kr"},
    {"id": "kormedi", "name": "코메디닷컴", "kind": "rss", "url": "https://kormedi.com"},
]


def article(source_id: str, n: int, run_id: int) -> NewArticle:
    """Return a distinct article of a source."""
    url = f"https://example.org/{source_id}/{n}"
    body = f"{source_id} 기사 {n}: 오송 첨단의료복합단지 의료기기 클러스터 소식. " * 5
    return NewArticle(source_id=source_id, url=url, canonical_url=url, title=f"의료기기 {n}",
                      body=body, published_at="2026-11-20T09:30:00+09:00",
                      published_from="meta", author=None, section=None,
                      content_hash=hashlib.sha256(body.encode()).hexdigest(),
                      fingerprint=f"{n:016x}", url_keys=(url,), run_id=run_id)


def queue_for_slack(archive: Archive, article_id: int, _article: NewArticle) -> None:
    """Store hook: match rule r1 and queue a delivery to slack."""
    record_match(archive, "r1", article_id, ["의료기기"], [("slack", "immediate", None)])


def build(path: Path) -> Path:
    """Write the sample archive at path; return path."""
    archive = open_archive(path)
    try:
        sync_sources(archive, SOURCES)
        good = start_run(archive, "bosa")
        store_articles(archive, [article("bosa", 1, good), article("bosa", 2, good)],
                       [queue_for_slack])
        finish_run(archive, good, "ok", RunCounts(pages=3, links_found=2, new_articles=2))
        set_health(archive, "bosa", "ok", "", good)
        bad = start_run(archive, "kormedi")
        record_error(archive, bad, "kormedi", "network", "connection refused",
                     "https://kormedi.com/feed")
        finish_run(archive, bad, "failed", RunCounts(errors=1, complete=False))
        set_health(archive, "kormedi", "failing", "connection refused", bad)
        mark_failed(archive, [1], "HTTP 404 from https://hooks.slack.com/services/T0/B0/x")
        add_notices(archive, ["ops"], "kormedi", "failing", "ok",
                    "medradar: 코메디닷컴 is failing: connection refused")
    finally:
        archive.close()
    return path
