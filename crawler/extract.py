"""From an article page to the fields the archive stores. Pure: no I/O, no Scrapy, no SQLite.

trafilatura extracts the body; the Korean clean-up in crawler.clean removes what it keeps.
Metadata comes from the page's own declarations first (og:title, article:published_time,
JSON-LD, the 입력/승인 line), because trafilatura's date is the day only.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import use_config
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

from crawler.clean import (
    PRUNE_XPATHS,
    byline_author,
    clean_body,
    clean_line,
    reporter_name,
    signature_author,
    unescape,
)
from crawler.dates import parse_date, parse_labelled
from crawler.errors import ExtractError
from crawler.urls import canonical_url

# Korean is dense: a three-sentence brief is under trafilatura's default 250 characters, and
# below that threshold it falls back to the whole page's text (extraction-notes.md).
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "40")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

# Known article containers, most specific first; trafilatura then works on the container only,
# which is both cleaner and several times faster than on a 100 KB page.
BODY_XPATHS = [
    "//*[@id='article-view-content-div']",
    "//*[@itemprop='articleBody']",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]",
    "//*[@id='articleBody']",
    "//*[@id='CLtag']",
    "//*[@id='article-body']",
    "//div[contains(@class, 'article-body')]",
    "//div[contains(@class, 'news_body')]",
]
_TITLE_SUFFIX = re.compile(r"\s*(?:[-|<]\s*[^-|<]{1,40}){1,3}$")
_MIN_BODY = 20


@dataclass(frozen=True)
class Extracted:
    """What one article page yields."""

    title: str
    body: str
    published_at: str | None
    published_from: str
    author: str | None
    canonical_url: str
    section: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the fields as a plain dict (for JSON output and process boundaries)."""
        return asdict(self)


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: header charset, then <meta>, then UTF-8, then CP949; strict first.

    A header that names the wrong charset (UTF-8 on an EUC-KR page) is caught because the
    strict decode fails, and the page's own declaration is tried next. EUC-KR is read as CP949.
    """
    candidates = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body),
        "utf-8",
        "cp949",
    ]
    for name in candidates:
        if not name:
            continue
        encoding = resolve_encoding(name) or name
        try:
            return body.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace")


def _meta(tree: lxml.html.HtmlElement, *names: str) -> str | None:
    for name in names:
        values = tree.xpath(f"//meta[@property='{name}' or @name='{name}']/@content")
        for value in values:
            if value and value.strip():
                return str(value).strip()
    return None


def _json_ld(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """Return the page's NewsArticle-like JSON-LD object, preferring one with articleBody."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script, strict=False)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            stack.extend(item.get("@graph", []))
            kind = item.get("@type", "")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(str(k).endswith("Article") or k == "BlogPosting" for k in kinds):
                found.append(item)
    # SEO plugins (Yoast) add a body-less Article graph beside the publisher's NewsArticle.
    return next((item for item in found if item.get("articleBody")), found[0] if found else {})


def _ld_author(data: dict[str, Any]) -> str | None:
    author = data.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        author = author.get("name")
    return str(author) if author else None


def _title(tree: lxml.html.HtmlElement, ld: dict[str, Any]) -> str:
    title = _meta(tree, "og:title", "twitter:title") or ld.get("headline")
    if not title:
        heads = tree.xpath("//h1//text() | //title/text()")
        title = " ".join(heads[:1])
        title = _TITLE_SUFFIX.sub("", title) if title else ""
    return clean_line(unescape(str(title)))


def _published(tree: lxml.html.HtmlElement, ld: dict[str, Any], page_text: str,
               hints: dict[str, Any]) -> tuple[str | None, str]:
    found = parse_date(_meta(tree, "article:published_time", "og:published_time"))
    if found:
        return found, "meta"
    found = parse_date(ld.get("datePublished"))
    if found:
        return found, "jsonld"
    found = parse_labelled(page_text)
    if found:
        return found, "page"
    for xp in ("//time[contains(@class,'published')]/@datetime", "//time/@datetime"):
        values = tree.xpath(xp)
        found = parse_date(values[0]) if values else None
        if found:
            return found, "page"
    if hints.get("published_at"):
        return str(hints["published_at"]), str(hints.get("published_from", "feed"))
    return None, "none"


def _body_root(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """Return the article container as a small document, the whole page if none is known,
    or None when the page has a known container that is empty (a script-filled page)."""
    empty_container = False
    for xp in BODY_XPATHS:
        found = tree.xpath(xp)
        if not found:
            continue
        if len(found[0].text_content().strip()) < _MIN_BODY:
            empty_container = True
            continue
        root = lxml.html.Element("html")
        body = etree.SubElement(root, "body")
        container = copy.deepcopy(found[0])
        if container.tag in ("td", "th", "tr", "table"):
            # Old CMSs keep the body in a table cell; as a cell trafilatura joins its
            # lines with " | " instead of keeping paragraphs.
            container.tag = "div"
        body.append(container)
        return root
    # Falling back to the whole page here would return its menus as the body.
    return None if empty_container else tree


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    doc = bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, with_metadata=False,
        prune_xpath=PRUNE_XPATHS, config=_CONFIG,
    )
    return str(getattr(doc, "text", "") or "") if doc else ""


def extract_article(
    page: str | bytes, url: str, content_type: str | None = None,
    hints: dict[str, Any] | None = None,
) -> Extracted:
    """Extract title, clean body, KST date, author and canonical URL from an article page.

    ``hints`` carries what the feed or list said (published_at, title, author) as fallbacks.
    Raises ExtractError when the page has no usable body.
    """
    hints = hints or {}
    text = decode_html(page, content_type) if isinstance(page, bytes) else page
    if not text.strip():
        raise ExtractError("empty page")
    # XHTML pages may start with an XML declaration, which lxml refuses in a str.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"cannot parse HTML: {exc}") from None
    ld = _json_ld(tree)
    root = _body_root(tree)
    raw = _trafilatura_text(root, url) if root is not None else ""
    if len(raw.strip()) < _MIN_BODY and ld.get("articleBody"):
        raw = unescape(str(ld["articleBody"]))
    first_line = clean_line(raw.split("\n", 1)[0]) if raw else ""
    body = clean_body(raw)
    if len(body) < _MIN_BODY:
        raise ExtractError(f"no article body found ({len(body)} characters after clean-up)")
    published_at, published_from = _published(tree, ld, tree.text_content(), hints)
    author = (reporter_name(_meta(tree, "author", "dable:author", "article:author")
                            or _ld_author(ld)) or byline_author(first_line)
              or signature_author(raw))
    if not author and hints.get("author"):
        author = reporter_name(str(hints["author"]))
    title = _title(tree, ld) or clean_line(unescape(str(hints.get("title", ""))))
    if not title:
        raise ExtractError("no title found")
    declared = _meta(tree, "og:url") if not tree.xpath("//link[@rel='canonical']/@href") else \
        str(tree.xpath("//link[@rel='canonical']/@href")[0])
    return Extracted(
        title=title, body=body, published_at=published_at, published_from=published_from,
        author=author if author and not author.startswith("http") else None,
        canonical_url=canonical_url(url, declared),
        section=_meta(tree, "article:section"),
    )
