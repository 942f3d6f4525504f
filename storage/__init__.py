"""The SQLite archive: the only package that touches the database.

``open_archive`` and ``Archive`` load lazily, so the pure modules of this package
(storage.normalize) can be imported without sqlite-utils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage.errors import ArchiveError, ArchiveUnavailable, StorageError

if TYPE_CHECKING:
    from storage.db import Archive, open_archive

__all__ = ["Archive", "ArchiveError", "ArchiveUnavailable", "StorageError", "open_archive"]


def __getattr__(name: str) -> Any:
    if name in ("Archive", "open_archive"):
        from storage import db

        return getattr(db, name)
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
