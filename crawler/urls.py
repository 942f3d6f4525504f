"""Canonical URLs and the keys the archive deduplicates on. Pure functions."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, safe_url_string

# Query parameters that never change the article: campaign tags, click ids, share sources.
# Only parameters that are certainly campaign or click tracking: a CMS may key its articles on
# short names such as cid, ref or from, and dropping those would merge different articles.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|"
    r"ncid|ref_src)$",
    re.IGNORECASE,
)
# Per-CMS article ids: the URL key is host + id, whatever else the query carries.
ARTICLE_ID_PARAMS = (
    (re.compile(r"/news/articleView\.html$", re.IGNORECASE), "idxno"),  # NDSoft
    (re.compile(r"/sub_read\.html$", re.IGNORECASE), "uid"),  # old EUC-KR CMS family
    (re.compile(r"/news/news_view\.php$", re.IGNORECASE), "wr_id"),  # 데일리메디
    (re.compile(r"/news/index\.html$", re.IGNORECASE), "nid"),  # 약업신문
    (re.compile(r"/board/view$", re.IGNORECASE), "linkId"),  # KHIDI boards
)
_HOST_PREFIX = re.compile(r"^(www\d?|m|mobile)\.")


def normalise_host(host: str) -> str:
    """Lower-case a host and drop www. / m. / mobile. prefixes."""
    return _HOST_PREFIX.sub("", host.lower().rstrip("."))


def article_id(url: str) -> tuple[str, str] | None:
    """Return (param, value) when the URL is a known CMS article URL, e.g. ("idxno", "1001")."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    for path_re, name in ARTICLE_ID_PARAMS:
        if path_re.search(parts.path) and params.get(name, "").isdigit():
            return name, params[name]
    return None


def clean_url(url: str, base: str | None = None) -> str:
    """Resolve url against base, percent-encode it and drop tracking parameters and fragment."""
    url = safe_url_string(urljoin(base, url.strip()) if base else url.strip())
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))


def url_key(url: str) -> str:
    """Return the dedupe key: normalised host + path + sorted query, or host + CMS article id."""
    parts = urlsplit(clean_url(url))
    host = normalise_host(parts.hostname or "")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    found = article_id(url)
    if found:
        return f"{host}/{found[0]}={found[1]}"
    canonical = canonicalize_url(urlunsplit(("http", host, parts.path, parts.query, "")))
    return canonical.removeprefix("http://").rstrip("/")


def canonical_url(page_url: str, declared: str | None) -> str:
    """Return the URL to store: the page's declared canonical (if sane) else the fetched URL.

    The host is lower-cased and a mobile prefix (m., mobile.) dropped; www. and the scheme are
    kept as the site declares them (the dedupe key in article_urls ignores both).
    """
    chosen = clean_url(page_url)
    if declared:
        candidate = clean_url(declared, base=page_url)
        parts = urlsplit(candidate)
        # A canonical pointing at another site's home page is a template bug, not the article.
        if parts.scheme in ("http", "https") and (parts.path not in ("", "/") or parts.query):
            chosen = candidate
    parts = urlsplit(ndsoft_short(chosen))
    host = re.sub(r"^(m|mobile)\.", "", (parts.hostname or "").lower())
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def ndsoft_short(url: str) -> str:
    """Drop the section parameters NDSoft feeds and lists add: the article is host + idxno."""
    found = article_id(url)
    if not found or found[0] != "idxno":
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, f"{found[0]}={found[1]}", ""))
