"""Discovery sources in the archive: search-API calls per day, positions, found items.

``api_calls`` counts the calls each source made on each quota day (a date in Korea time,
when Naver's quota resets); a call is reserved here before it is sent, in one conditional
write, so two crawls of one source can never go past its daily budget together.
``discovery_state`` keeps where the query rotation goes on and any backoff after a 429;
``discovery_cursor`` where an unfinished walk through one query's results resumes;
``discovered`` one row per search result a source handled, with its outcome and outlet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from storage.db import Archive, now_kst, transaction

RESOLVE_ATTEMPTS = 3  # crawls that try an unresolved link before it counts as seen


@dataclass(frozen=True)
class FoundItem:
    """One search result as first handled by a crawl."""

    source_id: str
    item_key: str
    link: str
    query: str
    url: str | None
    title: str
    published_at: str | None
    outlet_host: str | None
    outlet_name: str | None
    outcome: str
    reason: str | None
    article_id: int | None
    run_id: int


# -- quota ---------------------------------------------------------------------------------

def calls_made(archive: Archive, source_id: str, day: str) -> int:
    """Calls the source reserved on a quota day."""
    row = archive.db.execute("SELECT calls FROM api_calls WHERE source_id = ? AND day = ?",
                             [source_id, day]).fetchone()
    return int(row[0]) if row else 0


def reserve_call(archive: Archive, source_id: str, day: str, budget: int) -> bool:
    """Count one call against the day's budget; False (and nothing counted) when it is spent."""
    with transaction(archive):
        archive.db.execute("INSERT OR IGNORE INTO api_calls (source_id, day) VALUES (?, ?)",
                           [source_id, day])
        cursor = archive.db.execute(
            "UPDATE api_calls SET calls = calls + 1 WHERE source_id = ? AND day = ? "
            "AND calls < ?", [source_id, day, budget])
    return cursor.rowcount == 1


def count_refusal(archive: Archive, source_id: str, day: str) -> None:
    """Count one call the service refused with 429 (quota or rate limit)."""
    with transaction(archive):
        archive.db.execute("INSERT OR IGNORE INTO api_calls (source_id, day) VALUES (?, ?)",
                           [source_id, day])
        archive.db.execute("UPDATE api_calls SET refused = refused + 1 "
                           "WHERE source_id = ? AND day = ?", [source_id, day])


# -- rotation and backoff ------------------------------------------------------------------

def discovery_state(archive: Archive, source_id: str) -> dict[str, Any]:
    """The source's rotation position and backoff (defaults when it has none yet)."""
    rows = list(archive.db.query("SELECT * FROM discovery_state WHERE source_id = ?",
                                 [source_id]))
    return rows[0] if rows else {"source_id": source_id, "next_query": 0,
                                 "backoff_until": None, "backoff_reason": None, "backoffs": 0}


def _upsert_state(archive: Archive, source_id: str, sets: str, params: list[Any]) -> None:
    with transaction(archive):
        archive.db.execute("INSERT OR IGNORE INTO discovery_state (source_id) VALUES (?)",
                           [source_id])
        archive.db.execute(f"UPDATE discovery_state SET {sets}, updated_at = ? "
                           "WHERE source_id = ?", [*params, now_kst(), source_id])


def set_rotation(archive: Archive, source_id: str, next_query: int) -> None:
    """Remember which query the next crawl serves first."""
    _upsert_state(archive, source_id, "next_query = ?", [next_query])


def set_backoff(archive: Archive, source_id: str, until: str, reason: str) -> None:
    """No calls before ``until`` (ISO, KST); counts one more backoff in a row."""
    _upsert_state(archive, source_id,
                  "backoff_until = ?, backoff_reason = ?, backoffs = backoffs + 1",
                  [until, reason])


def clear_backoff(archive: Archive, source_id: str) -> None:
    """A call went through: the backoff is over and its count starts again."""
    _upsert_state(archive, source_id, "backoff_until = NULL, backoff_reason = NULL, "
                  "backoffs = 0", [])


# -- cursors -------------------------------------------------------------------------------

def cursors(archive: Archive, source_id: str) -> dict[str, dict[str, Any]]:
    """The source's unfinished walks, by query."""
    return {row["query"]: row for row in archive.db.query(
        "SELECT * FROM discovery_cursor WHERE source_id = ?", [source_id])}


def save_cursor(archive: Archive, source_id: str, query: str, next_start: int, reason: str,
                opened_at: str) -> None:
    """Open or move a query's walk; an open walk keeps its opening time (where it ends)."""
    with transaction(archive):
        archive.db.execute(
            """INSERT INTO discovery_cursor (source_id, query, next_start, reason, opened_at,
                                             updated_at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(source_id, query) DO UPDATE SET next_start = excluded.next_start,
                 reason = excluded.reason, updated_at = excluded.updated_at,
                 opened_at = min(opened_at, excluded.opened_at)""",
            [source_id, query, next_start, reason, opened_at, now_kst()])


def close_cursor(archive: Archive, source_id: str, query: str) -> None:
    """A query's walk reached the results seen before it opened, the window or the end."""
    with transaction(archive):
        archive.db.execute("DELETE FROM discovery_cursor WHERE source_id = ? AND query = ?",
                           [source_id, query])


# -- found items ---------------------------------------------------------------------------

def seen_items(archive: Archive, source_id: str, before: str | None = None
               ) -> set[str]:
    """Item keys the source handled (first seen before ``before``, if given). Without
    ``before``, results to try again are left out: a crawl that died mid-fetch (fetching),
    a failed store, a link not resolved yet (up to RESOLVE_ATTEMPTS crawls)."""
    if before is None:
        rows = archive.db.execute(
            "SELECT item_key FROM discovered WHERE source_id = ? AND outcome NOT IN "
            "('fetching', 'failed') AND NOT (outcome = 'unresolved' AND attempts < ?)",
            [source_id, RESOLVE_ATTEMPTS])
    else:
        rows = archive.db.execute("SELECT item_key FROM discovered WHERE source_id = ? "
                                  "AND first_seen < ?", [source_id, before])
    return {row[0] for row in rows}


def record_found(archive: Archive, items: Iterable[FoundItem]) -> None:
    """Record search results in one transaction; a result seen again adds its query, and a
    retried one (unresolved, failed) takes its new outcome."""
    now = now_kst()
    rows = [(i.source_id, i.item_key, i.link, i.url, i.query, i.title, i.published_at,
             i.outlet_host, i.outlet_name, i.outcome, i.reason, i.article_id, i.run_id, now,
             now) for i in items]
    if not rows:
        return
    with transaction(archive):
        archive.db.conn.executemany(
            """INSERT INTO discovered (source_id, item_key, link, url, queries, title,
                   published_at, outlet_host, outlet_name, outcome, reason, article_id, run_id,
                   first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(source_id, item_key) DO UPDATE SET
                 last_seen = excluded.last_seen,
                 queries = CASE WHEN instr(' | ' || queries || ' | ',
                                           ' | ' || excluded.queries || ' | ') > 0
                                THEN queries ELSE queries || ' | ' || excluded.queries END,
                 attempts = attempts + (run_id IS NOT excluded.run_id),
                 run_id = excluded.run_id,
                 url = CASE WHEN outcome IN ('unresolved', 'failed') THEN excluded.url ELSE url END,
                 reason = CASE WHEN outcome IN ('unresolved', 'failed') THEN excluded.reason
                               ELSE reason END,
                 outcome = CASE WHEN outcome IN ('unresolved', 'failed') THEN excluded.outcome
                                ELSE outcome END""",
            rows)


def settle_found(archive: Archive, source_id: str, item_key: str, outcome: str,
                 reason: str | None = None, article_id: int | None = None,
                 details: Mapping[str, str | None] | None = None) -> None:
    """Record what became of a result once its page was stored, refused or resolved (a
    reason of None keeps the one recorded, such as a note about the result's link).

    ``details`` may set url, outlet_host and outlet_name (known only after a redirect).
    """
    sets = ["outcome = ?", "reason = coalesce(?, reason)", "article_id = coalesce(?, article_id)"]
    params: list[Any] = [outcome, reason, article_id]
    for column in ("url", "outlet_host", "outlet_name"):
        if details and details.get(column):
            sets.append(f"{column} = ?")
            params.append(details[column])
    with transaction(archive):
        archive.db.execute(f"UPDATE discovered SET {', '.join(sets)} "
                           "WHERE source_id = ? AND item_key = ?", [*params, source_id, item_key])


def run_items(archive: Archive, run_id: int) -> list[dict[str, Any]]:
    """The results a run handled, in the order first seen."""
    return list(archive.db.query(
        "SELECT * FROM discovered WHERE run_id = ? ORDER BY first_seen, rowid", [run_id]))


# -- overview ------------------------------------------------------------------------------

def discovery_overview(archive: Archive, day: str, top: int = 10) -> dict[str, dict[str, Any]]:
    """Per discovery source: calls today, results, articles and outlets found, backoff, walks."""
    query = archive.db.execute
    found: dict[str, dict[str, Any]] = {}
    for source_id, items, new, outlets, today in query(
            """SELECT source_id, count(*), sum(outcome IN ('new', 'partial')),
                      count(DISTINCT outlet_host), sum(first_seen >= ?)
               FROM discovered GROUP BY source_id""", [day]).fetchall():
        found[source_id] = {"items_seen": items, "items_today": today or 0,
                            "articles_found": new or 0, "outlets": outlets}
    result: dict[str, dict[str, Any]] = {}
    sources = {row[0] for row in query("SELECT source_id FROM api_calls UNION "
                                       "SELECT source_id FROM discovered").fetchall()}
    for source_id in sources:
        entry = {"calls_today": 0, "refused_today": 0, "items_seen": 0, "items_today": 0,
                 "articles_found": 0, "outlets": 0, **found.get(source_id, {})}
        row = query("SELECT calls, refused FROM api_calls WHERE source_id = ? AND day = ?",
                    [source_id, day]).fetchone()
        if row:
            entry["calls_today"], entry["refused_today"] = int(row[0]), int(row[1])
        entry["new_today"] = int(query(
            "SELECT count(*) FROM articles WHERE source_id = ? AND fetched_at >= ?",
            [source_id, day]).fetchone()[0])
        state = discovery_state(archive, source_id)
        entry["backoff_until"], entry["backoff_reason"] = (state["backoff_until"],
                                                           state["backoff_reason"])
        entry["walks_open"] = [
            {"query": q, "next_start": c["next_start"], "reason": c["reason"]}
            for q, c in sorted(cursors(archive, source_id).items())]
        entry["top_outlets"] = top_outlets(archive, source_id, top)
        result[source_id] = entry
    return result


def top_outlets(archive: Archive, source_id: str, limit: int = 10) -> list[dict[str, Any]]:
    """The outlets a source found most often: host, name, results, articles stored."""
    return list(archive.db.query(
        """SELECT outlet_host AS host, max(outlet_name) AS name, count(*) AS items,
                  sum(outcome IN ('new', 'partial')) AS articles
           FROM discovered WHERE source_id = ? AND outlet_host IS NOT NULL
           GROUP BY outlet_host ORDER BY items DESC, host LIMIT ?""", [source_id, limit]))
