"""The item a spider hands to the pipelines: a fetched article page, not yet extracted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """One fetched article page with what the feed or list said about it."""

    source_id: str
    url: str  # the URL fetched (after redirects)
    requested_url: str  # the URL the feed or list linked to
    body: bytes
    content_type: str | None
    hints: dict[str, Any] = field(default_factory=dict)
    # Set when the page could not be fetched: the article is stored from its search result
    # (the hints), marked partial with this reason. Only discovery sources set it.
    partial: str | None = None
