"""The SQLite archive: the only package that touches the database."""

from storage.db import Archive, open_archive
from storage.errors import ArchiveError, StorageError

__all__ = ["Archive", "ArchiveError", "StorageError", "open_archive"]
