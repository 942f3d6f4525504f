"""Schema of the archive, as named migrations recorded in the database (sqlite-utils).

docs/archive.md documents every table for analysts; change both together.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from storage.normalize import outlet_host

migrations = Migrations("medradar")


@migrations()
def m001_initial(db: Database) -> None:
    """Sources, articles with their URL keys, crawl runs with their errors, feed validators."""
    db.execute(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            url TEXT,
            enabled INTEGER NOT NULL DEFAULT 1,
            config TEXT,                       -- the source's TOML row as JSON
            updated_at TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            url TEXT NOT NULL,                 -- the URL fetched
            canonical_url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            published_at TEXT,                 -- ISO 8601, Korea time (+09:00)
            published_from TEXT,               -- meta | page | jsonld | feed | list | fetched
            fetched_at TEXT NOT NULL,          -- ISO 8601, Korea time (+09:00)
            author TEXT,
            section TEXT,
            body_chars INTEGER NOT NULL,
            content_hash TEXT NOT NULL UNIQUE, -- sha256 of the normalised body
            fingerprint TEXT NOT NULL,         -- 64-bit simhash (hex) for near-duplicate grouping
            run_id INTEGER,
            body TEXT NOT NULL                 -- last: long text spills to overflow pages
        )"""
    )
    db.execute("CREATE INDEX articles_published ON articles(published_at)")
    db.execute("CREATE INDEX articles_source_published ON articles(source_id, published_at)")
    db.execute("CREATE INDEX articles_fingerprint ON articles(fingerprint)")
    # Covering index for search: the matching ids are sorted by date without reading rows.
    db.execute("CREATE INDEX articles_search ON articles(id, published_at, source_id)")
    db.execute(
        """
        CREATE TABLE article_urls (
            url_key TEXT PRIMARY KEY,          -- canonical key of any URL seen for the article
            article_id INTEGER NOT NULL REFERENCES articles(id)
        ) WITHOUT ROWID"""
    )
    # Contentless FTS5 tables over the squashed (no-space) title + body; rowid = articles.id.
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(text, content='', tokenize='trigram')"
    )
    # Short terms are single bigram tokens: no phrase queries, so no positions (detail=none
    # makes this index about four times smaller).
    db.execute(
        "CREATE VIRTUAL TABLE articles_bigrams USING fts5("
        "text, content='', tokenize='unicode61 remove_diacritics 0', detail=none)"
    )
    db.execute(
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            source_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,              -- running | ok | partial | failed | interrupted
            pages INTEGER NOT NULL DEFAULT 0,  -- responses received
            links_found INTEGER NOT NULL DEFAULT 0,
            new_articles INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0,
            errors INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            complete INTEGER NOT NULL DEFAULT 0,  -- 1 when every list page due was walked
            pid INTEGER
        )"""
    )
    db.execute("CREATE INDEX crawl_runs_source ON crawl_runs(source_id, started_at)")
    db.execute(
        """
        CREATE TABLE crawl_errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
            source_id TEXT NOT NULL,
            at TEXT NOT NULL,
            url TEXT,
            kind TEXT NOT NULL,                -- http | network | robots | content | feed | extract
            message TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX crawl_errors_run ON crawl_errors(run_id)")
    db.execute(
        """
        CREATE TABLE feed_state (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            checked_at TEXT
        )"""
    )


@migrations()
def m002_alerts(db: Database) -> None:
    """Rule matches and the outbox of deliveries (one row per rule, channel and article)."""
    db.execute(
        """
        CREATE TABLE matches (
            id INTEGER PRIMARY KEY,
            rule_id TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            terms TEXT NOT NULL,               -- JSON list of the matched terms, as written
            matched_at TEXT NOT NULL,
            UNIQUE (rule_id, article_id)
        )"""
    )
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            rule_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            digest TEXT NOT NULL,              -- 'immediate' or the rule's cron expression
            status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed | given_up
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (rule_id, channel_id, article_id)
        )"""
    )
    db.execute("CREATE INDEX outbox_due ON outbox(status, next_attempt_at)")


@migrations()
def m003_daemon(db: Database) -> None:
    """Run counters for source health, each source's health, ops notices, the daemon's row."""
    runs = db["crawl_runs"]
    # Entry pages (feeds, list pages, sitemaps) that answered 304: "nothing new", not a fault.
    runs.add_column("not_modified", int, not_null_default=0)  # type: ignore[union-attr]
    # Errors on entry pages, and 401/403/429/451 or robots.txt refusals on any page.
    runs.add_column("entry_errors", int, not_null_default=0)  # type: ignore[union-attr]
    runs.add_column("blocked", int, not_null_default=0)  # type: ignore[union-attr]
    # Which delivery pass holds a due row (see storage.alerts.claim_due).
    db["outbox"].add_column("claim", str)  # type: ignore[union-attr]
    db.execute(
        """
        CREATE TABLE source_health (
            source_id TEXT PRIMARY KEY,
            state TEXT NOT NULL,               -- ok | degraded | failing | blocked | unknown
            since TEXT NOT NULL,               -- when the source entered this state
            reason TEXT,                       -- why, in one line
            run_id INTEGER,                    -- the run the state was last assessed from
            checked_at TEXT,                   -- the daemon's last look (crawl or probe)
            next_run_at TEXT                   -- the daemon's next scheduled look
        )"""
    )
    db.execute(
        """
        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            channel_id TEXT NOT NULL,
            source_id TEXT NOT NULL,
            state TEXT NOT NULL,               -- the state entered (failing, blocked, ok ...)
            previous TEXT NOT NULL,            -- the state left
            message TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed | given_up
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT
        )"""
    )
    db.execute("CREATE INDEX notices_due ON notices(status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE daemon (
            id INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: the last daemon on this archive
            pid INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            stopped_at TEXT,
            config TEXT                         -- the config file it runs, or <built-in default>
        )"""
    )


@migrations()
def m004_backlog(db: Database) -> None:
    """Why a run stopped early and what it left: the frontier the next crawl resumes from."""
    runs = db["crawl_runs"]
    # max_articles | max_pages | time limit | error | interrupted; NULL = ran to its end.
    runs.add_column("stop_reason", str)  # type: ignore[union-attr]
    runs.add_column("links_left", int, not_null_default=0)  # type: ignore[union-attr]
    db.execute(
        """
        CREATE TABLE frontier (
            source_id TEXT PRIMARY KEY,
            url TEXT,                          -- the list page to resume at (NULL: feed/sitemap)
            page INTEGER,                      -- its page number
            reason TEXT NOT NULL,              -- why the last walk stopped there
            links_left INTEGER NOT NULL,       -- article links left, estimated
            per_run INTEGER NOT NULL,          -- the source's max_articles when it was saved
            opened_at TEXT NOT NULL,           -- when the backlog opened
            updated_at TEXT NOT NULL,
            runs INTEGER NOT NULL DEFAULT 1    -- crawls that have worked on it
        )"""
    )


@migrations()
def m005_stories(db: Database) -> None:
    """Stories (syndicated copies grouped), their LSH bands, per-story alerts, article versions."""
    db.execute(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            first_seen TEXT NOT NULL,          -- when its first article was stored (KST)
            last_seen TEXT NOT NULL,           -- when its latest article was stored
            first_published TEXT,              -- the earliest published_at of its articles
            title TEXT NOT NULL,               -- the first article's title
            first_article_id INTEGER,          -- the first article stored
            members INTEGER NOT NULL DEFAULT 1,  -- articles in the story
            outlets INTEGER NOT NULL DEFAULT 1,  -- distinct sources among them
            source_ids TEXT NOT NULL           -- JSON list of those sources, in order of arrival
        )"""
    )
    db.execute("CREATE INDEX stories_first_seen ON stories(first_seen)")
    # Added columns go after body, so rows are not rewritten; reads of story_id that must not
    # touch body's overflow pages go through the covering indexes below.
    db["articles"].add_column("story_id", int)  # type: ignore[union-attr]
    db["articles"].add_column("updated_at", str)  # type: ignore[union-attr]  # new version
    db.execute("CREATE INDEX articles_story ON articles(story_id, id)")
    db.execute("DROP INDEX articles_search")
    db.execute("CREATE INDEX articles_search ON articles(id, published_at, source_id, story_id)")
    db.execute("CREATE INDEX articles_fetched ON articles(fetched_at)")
    # datasketch MinHashLSH bands of recently stored articles (storage.stories): 32 rows per
    # article with enough text; rows of articles stored before the window are pruned.
    db.execute(
        """
        CREATE TABLE story_bands (
            article_id INTEGER NOT NULL,
            band INTEGER NOT NULL,
            bucket INTEGER NOT NULL,           -- 64-bit hash of the band's MinHash values
            PRIMARY KEY (article_id, band)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX story_bands_bucket ON story_bands(band, bucket)")
    # Each indexed article's MinHash (128 × uint32) and shingle count: a candidate found
    # through the bands is estimated from these before its text is read.
    db.execute(
        """
        CREATE TABLE story_signatures (
            article_id INTEGER PRIMARY KEY,
            shingles INTEGER NOT NULL,
            minhash BLOB NOT NULL
        )"""
    )
    # Per-story rules queue one delivery per (rule, channel, story): the first matching member.
    db["outbox"].add_column("story_id", int)  # type: ignore[union-attr]
    db.execute("CREATE UNIQUE INDEX outbox_story ON outbox(rule_id, channel_id, story_id) "
               "WHERE story_id IS NOT NULL")
    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            title TEXT NOT NULL,               -- the earlier title and body, as stored then
            published_at TEXT,
            fetched_at TEXT NOT NULL,          -- when that version was fetched
            replaced_at TEXT NOT NULL,         -- when a newer version replaced it
            content_hash TEXT NOT NULL,
            body TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX article_versions_article ON article_versions(article_id)")


@migrations()
def m006_discovery(db: Database) -> None:
    """Outlet attribution and partial articles; search-API calls, positions and found items.

    (m005 is story grouping, on another branch: the two touch different things.)
    """
    articles = db["articles"]
    # The outlet an article came from: its normalised host, and its name where the page
    # (og:site_name), the search result or the configured source says it.
    articles.add_column("outlet_host", str)  # type: ignore[union-attr]
    articles.add_column("outlet_name", str)  # type: ignore[union-attr]
    # Why the body is only what a search result said (the page could not be fetched or
    # extracted); NULL for an article extracted from its page.
    articles.add_column("partial", str)  # type: ignore[union-attr]
    for article_id, url in db.execute("SELECT id, canonical_url FROM articles").fetchall():
        db.execute("UPDATE articles SET outlet_host = ? WHERE id = ?",
                   [outlet_host(url), article_id])
    db.execute("UPDATE articles SET outlet_name = (SELECT name FROM sources s "
               "WHERE s.id = articles.source_id)")
    db.execute("CREATE INDEX articles_outlet ON articles(outlet_host, published_at)")
    db.execute(
        """
        CREATE TABLE api_calls (
            source_id TEXT NOT NULL,
            day TEXT NOT NULL,                 -- the quota day: a date in Korea time
            calls INTEGER NOT NULL DEFAULT 0,  -- requests to the search service (reserved first)
            refused INTEGER NOT NULL DEFAULT 0,  -- answers 429 / quota exceeded
            PRIMARY KEY (source_id, day)
        )"""
    )
    db.execute(
        """
        CREATE TABLE discovery_state (
            source_id TEXT PRIMARY KEY,
            next_query INTEGER NOT NULL DEFAULT 0,  -- where the query rotation starts next
            backoff_until TEXT,                -- no calls before this (429, quota exceeded)
            backoff_reason TEXT,
            backoffs INTEGER NOT NULL DEFAULT 0,  -- 429s in a row (the wait doubles)
            updated_at TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE discovery_cursor (
            source_id TEXT NOT NULL,
            query TEXT NOT NULL,
            next_start INTEGER NOT NULL,       -- the result position the next crawl resumes at
            reason TEXT NOT NULL,              -- why the walk stopped there
            opened_at TEXT NOT NULL,           -- the walk ends at results seen before this
            updated_at TEXT NOT NULL,
            PRIMARY KEY (source_id, query)
        )"""
    )
    db.execute(
        """
        CREATE TABLE discovered (
            source_id TEXT NOT NULL,
            item_key TEXT NOT NULL,            -- URL key of the result's link
            link TEXT NOT NULL,                -- the result's link (originallink, Google link)
            url TEXT,                          -- the outlet URL followed (after resolution)
            queries TEXT NOT NULL,             -- the queries that found it, ' | '-separated
            title TEXT,
            published_at TEXT,
            outlet_host TEXT,
            outlet_name TEXT,
            outcome TEXT NOT NULL,             -- new | partial | known | duplicate | blocked |
                                               -- unresolved | skipped | failed | fetching
            reason TEXT,                       -- why, for every outcome but new and known
            article_id INTEGER,
            attempts INTEGER NOT NULL DEFAULT 1,
            run_id INTEGER,                    -- the run that last handled it
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (source_id, item_key)
        )"""
    )
    db.execute("CREATE INDEX discovered_run ON discovered(run_id)")
    db.execute("CREATE INDEX discovered_outlet ON discovered(source_id, outlet_host)")

