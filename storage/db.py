"""Opening the archive: one SQLite file in WAL mode, brought up to date by migrations."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlite_utils

from storage.errors import ArchiveError, ArchiveUnavailable
from storage.migrations import migrations
from storage.normalize import KST

BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for the lock by default ([archive] lock_timeout)


def now_kst() -> str:
    """Return the current time as ISO 8601 in Korea time, to the second."""
    return datetime.now(KST).isoformat(timespec="seconds")


@dataclass
class Archive:
    """An open archive; pass it to the functions of storage.articles, runs and search."""

    db: sqlite_utils.Database
    path: Path
    max_size_mb: float | None = None  # [archive] max_size_mb: writes fail as "size limit"

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def size_bytes(self) -> int:
        """Return the size of the archive file plus its WAL."""
        wal = self.path.with_name(self.path.name + "-wal")
        return sum(p.stat().st_size for p in (self.path, wal) if p.exists())


def open_archive(path: str | Path, lock_timeout: float = BUSY_TIMEOUT_MS / 1000,
                 max_size_mb: float | None = None) -> Archive:
    """Open (creating if needed) the archive at path and apply pending migrations.

    A writer waits up to ``lock_timeout`` seconds for another writer's lock; ``max_size_mb``
    caps the file (SQLite's max_page_count), after which writes fail as a full archive.
    Raises ArchiveUnavailable when the folder is gone or not writable, or the lock is held
    past the patience; ArchiveError for anything else.
    """
    path = Path(path)
    archive = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=lock_timeout, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        archive = Archive(db=db, path=path, max_size_mb=max_size_mb)
        db.execute(f"PRAGMA busy_timeout = {int(lock_timeout * 1000)}")
        if max_size_mb:
            page = db.execute("PRAGMA page_size").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(int(max_size_mb * 1e6 / page), 1)}")
        db.enable_wal()
        # WAL with synchronous=NORMAL is durable across process crashes (not power loss).
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if migrations.pending(db):
            _migrate(db)
    except (sqlite3.Error, OSError) as exc:
        fault = unavailable(exc, path, archive)
        if fault is not None:
            raise fault from None
        raise ArchiveError(f"cannot open archive {path}: {exc}") from None
    return archive


def free_mb(path: Path) -> float | None:
    """Free space, in MB, on the file system that holds the archive (None if unknown)."""
    try:
        return shutil.disk_usage(path.parent if path.parent.exists() else Path.cwd()).free / 1e6
    except OSError:
        return None


def unavailable(exc: BaseException, path: Path, archive: Archive | None = None
                ) -> ArchiveUnavailable | None:
    """Translate an SQLite or OS error on a write into one line for the operator, or None
    when it is not one of the expected faults (a bug, or a damaged file)."""
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text:
        return ArchiveUnavailable("read-only", f"archive: read-only ({path} cannot be written)")
    if "locked" in text or "busy" in text:
        return ArchiveUnavailable("locked", f"archive: locked by {lock_holder(path)}")
    if "full" in text:
        free = free_mb(path)
        if archive is not None and archive.max_size_mb and (free is None or free > 50):
            return ArchiveUnavailable("size limit", f"archive: full ({path} reached [archive] "
                                      f"max_size_mb = {archive.max_size_mb:g})")
        shown = f"{free:.1f} MB free" if free is not None else "free space unknown"
        return ArchiveUnavailable("disk full", f"archive: disk full ({shown})")
    if not path.parent.exists():
        return ArchiveUnavailable("missing", f"archive: its folder {path.parent} is gone")
    if "disk i/o" in text:
        return ArchiveUnavailable("I/O error", f"archive: disk I/O error on {path}")
    return None


def lock_holder(path: Path) -> str:
    """What kind of access holds the lock, as far as SQLite can tell, in words."""
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.Error:
        return ("an exclusive lock: readers are blocked too (a VACUUM, or a connection in "
                "locking_mode=EXCLUSIVE)")
    return "another writer's open write transaction (readers are not blocked)"


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
    A lock held past the patience, a full disk, a read-only file or a vanished folder raise
    ArchiveUnavailable after the transaction was rolled back: nothing is half-written.
    """
    db = archive.db
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
    except (sqlite3.OperationalError, OSError) as exc:
        fault = unavailable(exc, archive.path, archive)
        if fault is None:
            raise
        raise fault from None


def check_writable(archive: Archive) -> None:
    """Take and release the write lock; raise ArchiveUnavailable if the archive refuses it."""
    with transaction(archive):
        pass


def probe_writes(path: Path, max_size_mb: float | None = None,
                 timeout: float = 0.2) -> ArchiveUnavailable | None:
    """Whether a writer could write now, without waiting: None, or the reason it could not
    (locked, read-only, disk or size limit full, gone). For ``medradar status``."""
    if not path.exists():
        return ArchiveUnavailable("missing", f"archive: {path} does not exist")
    free = free_mb(path)
    if free is not None and free < 1:
        return ArchiveUnavailable("disk full", f"archive: disk full ({free:.1f} MB free)")
    try:
        conn = sqlite3.connect(str(path), timeout=timeout)
        try:
            if max_size_mb:
                pages, size = (conn.execute(f"PRAGMA {p}").fetchone()[0]
                               for p in ("page_count", "page_size"))
                # Full, or too full for the next batch of articles (64 KB or 1 %).
                if max_size_mb * 1e6 - pages * size < max(64_000, max_size_mb * 1e4):
                    return ArchiveUnavailable("size limit", f"archive: full ({path} reached "
                                              f"[archive] max_size_mb = {max_size_mb:g})")
            conn.execute("BEGIN IMMEDIATE")
            # A real write, rolled back: a read-only file takes the lock but not the write.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        return unavailable(exc, path) or ArchiveUnavailable("I/O error", f"archive: {exc}")
    return None


def set_size_limit(archive: Archive, max_size_mb: float | None) -> None:
    """Apply a new [archive] max_size_mb to an open archive (None lifts the cap)."""
    page = archive.db.execute("PRAGMA page_size").fetchone()[0]
    pages = int(max_size_mb * 1e6 / page) if max_size_mb else 1_073_741_823
    archive.db.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
    archive.max_size_mb = max_size_mb
