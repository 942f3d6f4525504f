"""Full-text search over the archive that works for Korean.

Terms are squashed (see storage.normalize) so spacing variants meet. Terms of three or more
characters go through the FTS5 trigram index; shorter ones (의료, 오송, 뇌) through the bigram
index, which the trigram tokenizer cannot replace.

Query syntax: words and "quoted phrases" are ANDed; ``a OR b`` is either; ``-word`` excludes.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from storage.db import Archive
from storage.errors import StorageError
from storage.normalize import squash


class QueryError(StorageError):
    """The search query cannot be parsed."""


@dataclass
class Query:
    """A parsed query: AND of OR-groups, minus excluded terms."""

    groups: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """Every positive term, for highlighting."""
        return [term for group in self.groups for term in group]


def parse_query(text: str) -> Query:
    """Parse the search syntax into a Query of squashed terms."""
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise QueryError(f"cannot parse query {text!r}: {exc}") from None
    query = Query()
    join_next = False
    for word in words:
        if word == "OR":
            if not query.groups:
                raise QueryError(f"query {text!r}: OR needs a term on each side")
            join_next = True
            continue
        negate = word.startswith("-") and len(word) > 1
        term = squash(word[1:] if negate else word)
        if not term:
            continue
        if negate:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    if join_next:
        raise QueryError(f"query {text!r}: OR needs a term on each side")
    if not query.groups:
        raise QueryError(f"query {text!r} has no term to search for")
    return query


def _fts_string(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def term_condition(term: str) -> tuple[str, list[Any]]:
    """Return an SQL condition on articles.id matching one squashed term, and its parameter."""
    if len(term) >= 3:
        return "id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)", [
            _fts_string(term)
        ]
    if len(term) == 2:
        return "id IN (SELECT rowid FROM articles_bigrams WHERE articles_bigrams MATCH ?)", [
            _fts_string(term)
        ]
    return "id IN (SELECT rowid FROM articles_bigrams WHERE articles_bigrams MATCH ?)", [
        _fts_string(term) + "*"
    ]


def query_condition(query: Query) -> tuple[str, list[Any]]:
    """Return the SQL condition on articles.id that a parsed query stands for, and its params."""
    where: list[str] = []
    params: list[Any] = []
    for group in query.groups:
        parts = [term_condition(term) for term in group]
        where.append("(" + " OR ".join(sql for sql, _ in parts) + ")")
        params.extend(p for _, ps in parts for p in ps)
    for term in query.excluded:
        sql, ps = term_condition(term)
        where.append("NOT " + sql)
        params.extend(ps)
    return " AND ".join(where), params


def article_filters(since: str | None = None, until: str | None = None,
                    sources: list[str] | None = None, outlets: list[str] | None = None
                    ) -> tuple[list[str], list[Any]]:
    """SQL conditions (and their parameters) on published_at, source_id and outlet_host."""
    where: list[str] = []
    params: list[Any] = []
    if since:
        where.append("published_at >= ?")
        params.append(since)
    if until:
        where.append("published_at < ?")
        params.append(until)
    if sources:
        where.append(f"source_id IN ({','.join('?' * len(sources))})")
        params.extend(sources)
    if outlets:
        where.append(f"outlet_host IN ({','.join('?' * len(outlets))})")
        params.extend(outlet.lower() for outlet in outlets)
    return where, params


def search_articles(
    archive: Archive,
    query: Query,
    since: str | None = None,
    until: str | None = None,
    sources: list[str] | None = None,
    limit: int = 20,
    by_story: bool = False,
    outlets: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Return matching articles, newest first, as dicts with id, source, title, url, body,
    outlet (host and name) and why the body is partial (if it is).

    ``by_story`` collapses copies of one story to its first matching article, ordered by the
    story's newest match, with the story's id, article count and outlets' source ids.
    """
    condition, params = query_condition(query)
    filters, filter_params = article_filters(since, until, sources, outlets)
    where = [condition, *filters]
    params.extend(filter_params)
    if by_story:
        return _search_stories(archive, " AND ".join(where), params, limit)
    # Two steps: pick and order the ids on the covering index (a common term matches tens of
    # thousands of rows: reading them would cost more than the full-text lookup), then read
    # the few rows shown.
    ids_sql = (
        f"SELECT id FROM articles INDEXED BY articles_search WHERE {' AND '.join(where)} "
        "ORDER BY published_at DESC, id DESC LIMIT ?"
    )
    ids = [row[0] for row in archive.db.execute(ids_sql, [*params, limit])]
    if not ids:
        return []
    rows = archive.db.query(
        "SELECT id, source_id, title, canonical_url AS url, published_at, author, "
        "outlet_host, outlet_name, partial, body "
        f"FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids]


def _search_stories(archive: Archive, where: str, params: list[Any],
                    limit: int) -> list[dict[str, Any]]:
    # Grouped on the covering index (id, published_at, source_id, story_id): no row is read
    # until the shown ones. An article stored before stories existed is a story of its own.
    groups = archive.db.execute(
        "SELECT min(id), max(published_at) AS newest FROM articles INDEXED BY articles_search "
        f"WHERE {where} GROUP BY coalesce(story_id, -id) ORDER BY newest DESC, 1 DESC LIMIT ?",
        [*params, limit]).fetchall()
    ids = [row[0] for row in groups]
    if not ids:
        return []
    rows = archive.db.query(
        "SELECT a.id, a.source_id, a.title, a.canonical_url AS url, a.published_at, a.author, "
        "a.body, a.story_id, s.members AS story_articles, s.source_ids FROM articles a "
        f"LEFT JOIN stories s ON s.id = a.story_id WHERE a.id IN ({','.join('?' * len(ids))})",
        ids)
    by_id = {row["id"]: row for row in rows}
    for row in by_id.values():
        row["source_ids"] = json.loads(row["source_ids"] or json.dumps([row["source_id"]]))
        row["story_articles"] = row["story_articles"] or 1
    return [by_id[i] for i in ids]


def outlet_counts(archive: Archive, query: Query, since: str | None = None,
                  until: str | None = None, sources: list[str] | None = None,
                  outlets: list[str] | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Matching articles grouped by outlet, most first: host, name, articles, the sources
    that brought them (configured outlets and discovery alike), the newest date."""
    condition, params = query_condition(query)
    filters, filter_params = article_filters(since, until, sources, outlets)
    where = " AND ".join([condition, *filters])
    return list(archive.db.query(
        "SELECT outlet_host, max(outlet_name) AS outlet_name, count(*) AS articles, "
        "group_concat(DISTINCT source_id) AS sources, max(published_at) AS latest, "
        "sum(partial IS NOT NULL) AS partial "
        f"FROM articles WHERE {where} GROUP BY outlet_host "
        "ORDER BY articles DESC, latest DESC LIMIT ?", [*params, *filter_params, limit]))


def snippet(body: str, terms: list[str], width: int = 60) -> str:
    """Return a short excerpt of body around the first term found (spacing-insensitive)."""
    flat = re.sub(r"\s+", " ", body).strip()
    for term in terms:
        # Between two characters of the term the text may have spacing, joiners or a gloss.
        gap = r"[\s·\-_/]*(?:\([^)]{0,30}\)[\s·\-_/]*)?"
        pattern = gap.join(re.escape(ch) for ch in term)
        match = re.search(pattern, flat, flags=re.IGNORECASE)
        if match:
            start = max(match.start() - width, 0)
            end = min(match.end() + width, len(flat))
            return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    return flat[: 2 * width] + ("…" if len(flat) > 2 * width else "")
