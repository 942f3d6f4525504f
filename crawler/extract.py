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
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import use_config
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

from crawler.clean import (
    PRUNE_XPATHS,
    Removal,
    byline_author,
    clean_body,
    clean_line,
    has_prose,
    prune_boilerplate,
    reporter_name,
    signature_author,
    unescape,
)
from crawler.dates import parse_date, parse_labelled
from crawler.errors import ExtractError
from crawler.scriptdata import html_lines, script_bodies
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
_MIN_BODY = 20
# Comments go at parse time, their tails kept: trafilatura strips comment nodes with their tails,
# and broadcasters put the lead right after a comment ("<!-- article text body -->lead<br>…").
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
_MIN_TABLE = 300  # a page without sentences is a body only when it is this long (a table)
_MIN_SCRIPT = 100  # scripts shorter than this carry no article
_PARTIAL = 1.5  # a structured body this much longer than the container: the container is part
_PREFER_DATA = 0.7  # a structured body this share of the page's length beats the page
_PREFER_BLOCK = 0.5  # the densest block this share of the page's length stands for the page
_MIN_DENSE = 150  # characters of paragraph text a block needs to count as the densest
_BLOCK_ALONE = 0.6  # the densest block's share of the page's paragraph text to skip the page


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
    outlet_name: str | None = None  # the name the page gives its outlet (og:site_name, JSON-LD)

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


def site_names(tree: lxml.html.HtmlElement, url: str, hints: dict[str, Any]) -> list[str]:
    """Names the outlet goes by on this page: og:site_name, the source's name, the host."""
    host = (urlsplit(url).hostname or "").removeprefix("www.").removeprefix("m.")
    # The logo: an image in the link to the home page, its alt text the outlet's name.
    logos = tree.xpath("//a[@href='/' or @href='./']//img/@alt")[:2]
    names = [_meta(tree, "og:site_name"), hints.get("source_name"), *logos, host,
             host.split(".")[0]]
    return [str(n).strip() for n in names if n and len(str(n).strip()) > 1]


def outlet_name(tree: lxml.html.HtmlElement, ld: dict[str, Any]) -> str | None:
    """The outlet's name as the page declares it: og:site_name, else JSON-LD publisher."""
    name = _meta(tree, "og:site_name")
    publisher = ld.get("publisher")
    if not name and isinstance(publisher, dict) and publisher.get("name"):
        name = str(publisher["name"])
    return clean_line(unescape(name)) if name and name.strip() else None


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Remove a trailing `` - 매체`` / `` | 매체`` / `` < 매체`` only when it names the outlet."""
    for name in names:
        pattern = rf"\s*(?:[-|<:·–—]|::)\s*{re.escape(name)}\s*(?:>\s*)?$"
        match = re.search(pattern, title, re.IGNORECASE)
        if match and match.start() > 0:
            return title[: match.start()]
    return title


def _title(tree: lxml.html.HtmlElement, ld: dict[str, Any], names: list[str]) -> str:
    title = _meta(tree, "og:title", "twitter:title") or ld.get("headline")
    if not title:
        heads = tree.xpath("//h1//text() | //title/text()")
        title = " ".join(heads[:1])
    return strip_site_suffix(clean_line(unescape(str(title))), names) if title else ""


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


@dataclass(frozen=True)
class Candidate:
    """One way to the body: where it came from and what clean-up left of it."""

    name: str
    raw: str
    body: str
    removed: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why the body is what it is: every candidate tried, the winner, the lines removed."""

    tried: tuple[tuple[str, int], ...]
    chosen: str
    rule: str
    removed: tuple[Removal, ...]


def _candidate(name: str, raw: str, pruned: list[Removal] | None = None,
               title: str = "") -> Candidate:
    removed = list(pruned or [])
    body = clean_body(raw, removed, title)
    return Candidate(name, raw, body, tuple(removed))


def _trafilatura_text(tree: lxml.html.HtmlElement, url: str | None) -> str:
    doc = bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, with_metadata=False,
        prune_xpath=PRUNE_XPATHS, config=_CONFIG,
    )
    return str(getattr(doc, "text", "") or "") if doc else ""


def _container(tree: lxml.html.HtmlElement, url: str) -> tuple[Candidate | None, list[str]]:
    """The first known container with text, extracted alone; and the empty ones passed over."""
    empty = []
    for xp in BODY_XPATHS:
        found = tree.xpath(xp)
        if not found:
            continue
        if len(found[0].text_content().strip()) < _MIN_BODY:
            empty.append(xp)
            continue
        root = lxml.html.Element("html")
        body = etree.SubElement(root, "body")
        container = copy.deepcopy(found[0])
        if container.tag in ("td", "th", "tr", "table"):
            # Old CMSs keep the body in a table cell; as a cell trafilatura joins its
            # lines with " | " instead of keeping paragraphs.
            container.tag = "div"
        body.append(container)
        pruned = prune_boilerplate(root)
        return _candidate(f"container {xp}", _trafilatura_text(root, url), pruned), empty
    return None, empty


def _densest_block(tree: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement | None, float]:
    """The element holding the most paragraph text of its own (loose text and <p> children,
    links not counted): the article's container on a layout nobody listed. Returns it with
    its share of all such text on the page."""
    best, best_score, total = None, _MIN_DENSE, 0
    for element in tree.iter("div", "td", "article", "section", "main", "body"):
        score = len((element.text or "").strip())
        for child in element:
            if not isinstance(child.tag, str):
                continue
            score += len((child.tail or "").strip())
            if child.tag == "p":
                links = sum(len(a.text_content()) for a in child.iter("a"))
                score += max(len(child.text_content().strip()) - links, 0)
        total += score
        if score > best_score and element.tag != "body":
            best, best_score = element, score
    return best, (best_score / total if best is not None and total else 0.0)


def _dense_candidate(found: lxml.html.HtmlElement, url: str, title: str) -> Candidate:
    """trafilatura on the densest block alone, pruned like a known container."""
    root = lxml.html.Element("html")
    body = etree.SubElement(root, "body")
    block = copy.deepcopy(found)
    if block.tag == "td":
        block.tag = "div"
    body.append(block)
    pruned = prune_boilerplate(root)
    return _candidate("densest block", _trafilatura_text(root, url), pruned, title)


def _whole_page(tree: lxml.html.HtmlElement, url: str, title: str) -> Candidate:
    """trafilatura on a copy of the whole page, boilerplate pruned first."""
    page = copy.deepcopy(tree)
    pruned = prune_boilerplate(page)
    return _candidate("page", _trafilatura_text(page, url), pruned, title)


def _structured(tree: lxml.html.HtmlElement, ld: dict[str, Any], scripts: bool
                ) -> list[Candidate]:
    """Bodies the page declares as data: JSON-LD articleBody, and with ``scripts`` the known
    script objects (read only when no container answered: they cost a scan of every script)."""
    found = []
    if ld.get("articleBody"):
        body = html_lines(unescape(str(ld["articleBody"])))
        found.append(_candidate("json-ld articleBody", body))
    if not scripts:
        return [c for c in found if len(c.body) >= _MIN_BODY]
    texts = [(str(el.get("id") if el.get("id") == "__NEXT_DATA__" else el.get("type") or ""),
              el.text or "")
               for el in tree.iter("script") if el.text and len(el.text) > _MIN_SCRIPT]
    found.extend(_candidate(name, text) for name, text in script_bodies(texts))
    return [c for c in found if len(c.body) >= _MIN_BODY]


def choose_body(tree: lxml.html.HtmlElement, ld: dict[str, Any], url: str, title: str = ""
                ) -> tuple[Candidate | None, Explanation]:
    """Run the candidate chain and pick the body (docs/extraction.md, "Choosing the body").

    1. A known container whose clean body has at least _MIN_BODY characters wins, unless a
       structured body (JSON-LD, script data) is over _PARTIAL times longer: then the
       container held only part of the article and the structured body wins.
    2. Without such a container, the whole page (trafilatura with pruning) and the structured
       bodies compete: the longest wins, but a structured body at least _PREFER_DATA of the
       page's length wins over the page (it is the publisher's own text, free of chrome).
       The page counts only when it holds prose, or _MIN_TABLE characters of something else
       (a price table): a headline with its labels is no body.
    """
    tried: list[tuple[str, int]] = []
    container, empty = _container(tree, url)
    tried.extend((f"container {xp}", 0) for xp in empty)
    answered = container is not None and len(container.body) >= _MIN_BODY
    structured = _structured(tree, ld, scripts=not answered)
    longest_data = max(structured, key=lambda c: len(c.body), default=None)
    if container is not None:
        tried.append((container.name, len(container.body)))
        if len(container.body) >= _MIN_BODY:
            if longest_data and len(longest_data.body) > _PARTIAL * len(container.body):
                tried.append((longest_data.name, len(longest_data.body)))
                return longest_data, _explain(tried, longest_data, "container holds a part")
            return container, _explain(tried, container, "known container")
    block, share = _densest_block(tree)
    dense = _dense_candidate(block, url, title) if block is not None else None
    if dense is not None:
        tried.append((dense.name, len(dense.body)))
    if dense is not None and share >= _BLOCK_ALONE and has_prose(dense.body):
        page = dense  # the block holds most of the page's paragraphs: the page adds chrome
    else:
        page = _whole_page(tree, url, title)
        tried.append((page.name, len(page.body)))
        if dense is not None and len(dense.body) >= max(_MIN_BODY, _PREFER_BLOCK * len(page.body)):
            page = dense  # the same text without the page's chrome
    tried.extend((c.name, len(c.body)) for c in structured)
    if longest_data and len(longest_data.body) >= _PREFER_DATA * len(page.body):
        return longest_data, _explain(tried, longest_data, "structured data")
    if len(page.body) >= _MIN_BODY and (has_prose(page.body) or len(page.body) >= _MIN_TABLE):
        return page, _explain(tried, page, "whole page")
    return None, _explain(tried, None, "no candidate has a body")


def _explain(tried: list[tuple[str, int]], chosen: Candidate | None, rule: str) -> Explanation:
    return Explanation(tuple(tried), chosen.name if chosen else "", rule,
                       chosen.removed if chosen else ())


def explain_article(
    page: str | bytes, url: str, content_type: str | None = None,
    hints: dict[str, Any] | None = None,
) -> tuple[Extracted, Explanation]:
    """extract_article, and the explanation of how the body was chosen and cleaned."""
    hints = hints or {}
    text = decode_html(page, content_type) if isinstance(page, bytes) else page
    if not text.strip():
        raise ExtractError("empty page")
    # XHTML pages may start with an XML declaration, which lxml refuses in a str.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"cannot parse HTML: {exc}") from None
    ld = _json_ld(tree)
    names = site_names(tree, url, hints)
    title = _title(tree, ld, names) or clean_line(unescape(str(hints.get("title", ""))))
    chosen, explanation = choose_body(tree, ld, url, title)
    if chosen is None:
        tried = ", ".join(f"{name} ({chars} characters)" for name, chars in explanation.tried)
        raise ExtractError(f"no article body found; tried {tried}")
    raw = chosen.raw
    first_line = clean_line(raw.split("\n", 1)[0]) if raw else ""
    published_at, published_from = _published(tree, ld, tree.text_content(), hints)
    author = (reporter_name(_meta(tree, "author", "dable:author", "article:author")
                            or _ld_author(ld)) or byline_author(first_line)
              or signature_author(raw))
    if not author and hints.get("author"):
        author = reporter_name(str(hints["author"]))
    if not title:
        raise ExtractError("no title found")
    declared = _meta(tree, "og:url") if not tree.xpath("//link[@rel='canonical']/@href") else \
        str(tree.xpath("//link[@rel='canonical']/@href")[0])
    article = Extracted(
        title=title, body=chosen.body, published_at=published_at, published_from=published_from,
        author=author if author and not author.startswith("http") else None,
        canonical_url=canonical_url(url, declared),
        section=_meta(tree, "article:section"),
        outlet_name=outlet_name(tree, ld),
    )
    return article, explanation


def extract_article(
    page: str | bytes, url: str, content_type: str | None = None,
    hints: dict[str, Any] | None = None,
) -> Extracted:
    """Extract title, clean body, KST date, author and canonical URL from an article page.

    ``hints`` carries what the feed or list said (published_at, title, author, source_name)
    as fallbacks. Raises ExtractError, naming the candidates tried, when no body is found.
    """
    return explain_article(page, url, content_type, hints)[0]
