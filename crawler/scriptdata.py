"""Article bodies that a page keeps only in script data. Pure: text in, text out.

Some publishers render the article in the browser from JSON embedded in the page, so the HTML
holds no body at all: Arc Publishing (조선일보: ``Fusion.globalContent`` with
``content_elements``), Next.js (``__NEXT_DATA__``), and state objects assigned to
``window.__SOMETHING_STATE__``-style globals. ``script_bodies`` finds each such object and
returns the body text it carries, one paragraph per line, named for ``--explain``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

# Keys under which publishers' JSON keeps the article text (HTML or plain).
BODY_KEYS = frozenset({
    "articlebody", "article_body", "body", "bodytext", "body_text", "bodyhtml", "body_html",
    "content", "contents", "contenthtml", "content_html", "articlecontent", "article_content",
    "newscontent", "news_content", "story", "storybody", "text", "articletext", "html",
})
# A summary kept beside the body in the same object (한국일보: subTitle) opens the article.
SUMMARY_KEYS = ("subTitle", "subtitle", "sub_title", "summary")
_PLACEHOLDER = re.compile(r"\$\$.+?\$\$")  # image and ad markers inside body HTML
_ASSIGNED = re.compile(
    r"(?:window\.|self\.)?(Fusion\.globalContent|__(?:INITIAL|PRELOADED|APP|NUXT|REDUX)"
    r"[A-Z_]*__|__APOLLO_STATE__)\s*=\s*")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "section"}
_MIN_TEXT = 80  # a body field shorter than this is a caption or a label, not the article
_DECODER = json.JSONDecoder(strict=False)


def html_lines(fragment: str) -> str:
    """Text of an HTML fragment, one block (paragraph, heading, <br> line) per line."""
    fragment = _PLACEHOLDER.sub("", fragment)
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", "", fragment).strip()
    for element in list(root.iter("script", "style", "figure", "figcaption")):
        element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br" or element.tag in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (re.sub(r"\s+", " ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _fusion_body(content: dict[str, Any]) -> str:
    """Arc Publishing: the text and header elements of content_elements, in order."""
    lines = []
    for element in content.get("content_elements") or []:
        if not isinstance(element, dict):
            continue
        if element.get("type") in ("text", "header") and isinstance(element.get("content"), str):
            lines.append(html_lines(element["content"]))
        elif element.get("type") == "list":
            lines.extend(html_lines(str(item.get("content", "")))
                         for item in element.get("items") or [] if isinstance(item, dict))
    return "\n".join(line for line in lines if line)


def _longest_body_field(data: Any) -> str:
    """The longest string under a body-like key anywhere in a JSON value, as text, with the
    summary its object keeps beside it."""
    best, holder = "", {}
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str):
                    if key.lower() in BODY_KEYS and len(item) > len(best):
                        best, holder = item, value
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, dict | list))
    summary = next((holder[k] for k in SUMMARY_KEYS if isinstance(holder.get(k), str)), "")
    return "\n".join(part for part in (html_lines(summary), html_lines(best)) if part)


def _json_objects(script: str) -> Iterator[tuple[str, Any]]:
    """Each (name, value) of a JSON object assigned to a known global in a script."""
    for match in _ASSIGNED.finditer(script):
        try:
            value, _ = _DECODER.raw_decode(script, match.end())
        except ValueError:
            continue
        yield match.group(1), value


def script_bodies(scripts: list[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Yield (candidate name, body text) from page scripts given as (id or type, text) pairs:
    ``__NEXT_DATA__`` and other ``application/json`` scripts whole, others by assignment."""
    for ident, text in scripts:
        if ident == "__NEXT_DATA__" or ident == "application/json":
            try:
                found: list[tuple[str, Any]] = [(ident, json.loads(text, strict=False))]
            except ValueError:
                continue
        else:
            found = list(_json_objects(text))
        for name, value in found:
            body = ""
            if name == "Fusion.globalContent" and isinstance(value, dict):
                body = _fusion_body(value)
            if not body:
                body = _longest_body_field(value)
            if len(body) >= _MIN_TEXT:
                yield f"script {name}", body
