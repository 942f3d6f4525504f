"""Errors raised by the storage package.

StorageError
 ├── ArchiveError         the archive file cannot be opened, created or migrated
 └── ArchiveUnavailable   a write could not be done now: the archive is locked by another
                          writer, the disk (or the archive's size limit) is full, the file is
                          read-only, or its folder is gone. ``fault`` names which; the message
                          is one line for the operator. Nothing was half-written.
"""


class StorageError(Exception):
    """Base class of every error the storage package raises on purpose."""


class ArchiveError(StorageError):
    """The SQLite archive cannot be opened or brought up to date."""


class ArchiveUnavailable(StorageError):
    """The archive refused a write for a reason outside medradar (see ``fault``)."""

    FAULTS = ("locked", "disk full", "size limit", "read-only", "missing", "I/O error")

    def __init__(self, fault: str, message: str) -> None:
        super().__init__(message)
        self.fault = fault
