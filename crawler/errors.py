"""Errors raised by the crawler package.

CrawlError
 ├── ExtractError         a page yields no usable article (no body, no title, not HTML)
 ├── FeedError            a feed or sitemap cannot be read
 ├── UnsafeAddressError   a link leads to an address a crawl must not reach (SSRF guard)
 └── HostLookupError      a link's host does not resolve
"""


class CrawlError(Exception):
    """Base class of every error the crawler package raises on purpose."""


class ExtractError(CrawlError):
    """The page has no usable article; the message says what was missing."""


class FeedError(CrawlError):
    """A feed or sitemap is malformed or empty; the message says where."""


class UnsafeAddressError(CrawlError):
    """A link leads to a loopback, private, link-local or reserved address; says which."""


class HostLookupError(CrawlError):
    """The system resolver has no address for a link's host."""
