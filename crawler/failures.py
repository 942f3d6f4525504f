"""Download failures that are the network's, not medradar's: what they are called, and which
ones end a source's crawl at once."""

from __future__ import annotations

import scrapy.exceptions
from twisted.internet.error import DNSLookupError

# A host name that does not resolve (Scrapy >= 2.13 raises its own type; older ones Twisted's).
UNRESOLVED: tuple[type[BaseException], ...] = tuple(
    t for t in (getattr(scrapy.exceptions, "CannotResolveHostError", None), DNSLookupError) if t)
HOST_UNRESOLVED = "host_unresolved"  # the close reason of a crawl whose host did not resolve

# Failures of the network, not of medradar: a host that does not resolve, refuses, times out
# or fails TLS. They are recorded in the run and logged in one line by the recorder.
EXPECTED_NETWORK_ERRORS = ("CannotResolveHostError", "DNSLookupError", "ConnectionRefusedError",
                           "DownloadConnectionRefusedError", "TCPTimedOutError", "TimeoutError",
                           "DownloadTimeoutError", "ConnectError", "ConnectionLost",
                           "ResponseNeverReceived", "SSLError", "TLSError", "Error",
                           "ConnectionDone", "DownloadFailedError", "ResponseDataLossError")


def is_expected_network_error(exc: BaseException | None) -> bool:
    """Whether an exception is an expected network failure (no traceback for it)."""
    if exc is None:
        return False
    name = type(exc).__name__
    module = type(exc).__module__
    if name == "Error":  # pyOpenSSL's TLS failures are all called Error
        return module.startswith("OpenSSL")
    return name in EXPECTED_NETWORK_ERRORS
