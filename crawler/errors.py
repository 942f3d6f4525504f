"""Errors raised by the crawler package.

CrawlError
 ├── ExtractError     a page yields no usable article (no body, no title, not HTML)
 └── FeedError        a feed or sitemap cannot be read
"""


class CrawlError(Exception):
    """Base class of every error the crawler package raises on purpose."""


class ExtractError(CrawlError):
    """The page has no usable article; the message says what was missing."""


class FeedError(CrawlError):
    """A feed or sitemap is malformed or empty; the message says where."""

