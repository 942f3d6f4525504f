"""Opening the archive: one SQLite file in WAL mode, brought up to date by migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from storage.errors import ArchiveError
from storage.migrations import migrations
from storage.normalize import KST

BUSY_TIMEOUT_MS = 30_000


def now_kst() -> str:
    """Return the current time as ISO 8601 in Korea time, to the second."""
    return datetime.now(KST).isoformat(timespec="seconds")


@dataclass
class Archive:
    """An open archive; pass it to the functions of storage.articles, runs and search."""

    db: sqlite_utils.Database
    path: Path

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def size_bytes(self) -> int:
        """Return the size of the archive file plus its WAL."""
        wal = self.path.with_name(self.path.name + "-wal")
        return sum(p.stat().st_size for p in (self.path, wal) if p.exists())


def open_archive(path: str | Path) -> Archive:
    """Open (creating if needed) the archive at path and apply pending migrations."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.enable_wal()
        # WAL with synchronous=NORMAL is durable across process crashes (not power loss).
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if migrations.pending(db):
            _migrate(db)
    except (sqlite3.Error, OSError) as exc:
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    return Archive(db=db, path=path)


def _migrate(db: sqlite_utils.Database) -> None:
    """Apply pending migrations under the write lock.

    Processes that open a new archive at the same moment (crawls started together) would
    otherwise each see the migrations pending, and all but one fail on "table exists".
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def open_reader(path: str | Path, timeout: float = 5.0) -> Archive:
    """Open an existing archive read-only (no migrations), waiting at most timeout on a lock.

    For readers beside the daemon, such as a /metrics scrape: a missing file is an error
    instead of a new empty archive, and a locked one fails in seconds instead of thirty.
    """
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"no archive at {path}")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout,
                               check_same_thread=False)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        raise ArchiveError(f"cannot read archive {path}: {exc}") from None
    return Archive(db=sqlite_utils.Database(conn, execute_plugins=False), path=path)


@contextmanager
def transaction(archive: Archive) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    Crawl processes and the daemon write concurrently. A deferred transaction that reads and
    then writes fails at once with "database is locked" when another process committed in
    between; an immediate one waits its turn (busy timeout) instead. Nested use is a savepoint.
    """
    db = archive.db
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")
