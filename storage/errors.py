"""Errors raised by the storage package.

StorageError
 └── ArchiveError     the archive file cannot be opened, created or migrated
"""


class StorageError(Exception):
    """Base class of every error the storage package raises on purpose."""


class ArchiveError(StorageError):
    """The SQLite archive cannot be opened or brought up to date."""
