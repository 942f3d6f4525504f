"""Text normalisation shared by indexing, search and (later) rule matching. Pure functions.

Korean news spaces compounds inconsistently (의료기기 클러스터 / 의료기기클러스터), glues
particles to nouns and adds Hanja or English glosses in brackets. Matching therefore runs on a
*squashed* form: NFC, Latin case-folded, glosses dropped, whitespace and joiners removed.
See docs/search.md and korean-sources.md section 9.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")  # every stored time is in Korea time, with this one offset

# Middle dots must become "·" before anything else: NFKC turns U+318D into a jamo (U+119E).
_DOTS = str.maketrans({"ㆍ": "·", "・": "·", "•": "·", "‧": "·", "\u200b": None, "\ufeff": None})
# Full-width Latin and digits only; full NFKC would also rewrite Korean punctuation.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_GLOSS = re.compile(r"\((?:[\u3400-\u4DBF\u4E00-\u9FFF]+|[A-Za-z][A-Za-z .&-]*)\)")
_JOINERS = re.compile(r"[\s·\-_/]+")
_NON_WORD = re.compile(r"[^\w]+")


def clean_text(text: str) -> str:
    """NFC-normalise text and unify middle dots and full-width Latin, for storage."""
    text = unicodedata.normalize("NFC", text).translate(_DOTS)
    return text.translate(_FULLWIDTH)


def _unglossed_cleaned(cleaned: str) -> str:
    return _GLOSS.sub("", cleaned).casefold()


def unglossed(text: str) -> str:
    """Return the spaced matching form: cleaned, case-folded, glosses removed."""
    return _unglossed_cleaned(clean_text(text))


def squash(text: str) -> str:
    """Return the matching form: cleaned, case-folded, glosses and spaces/joiners removed."""
    return _JOINERS.sub("", unglossed(text))


def index_text(text: str) -> str:
    """Return what the search indexes hold: the squashed text, then its glosses squashed.

    Matching drops ``(醫療機器)`` / ``(MFDS)`` glosses so spaced and glossed forms meet; the
    glosses are appended so an acronym that only appears in brackets is still found.
    """
    # Cleaned once: clean_text is idempotent and the most expensive step on a long body.
    cleaned = clean_text(text)
    glosses = " ".join(m.group(0)[1:-1] for m in _GLOSS.finditer(cleaned))
    squashed = _JOINERS.sub("", _unglossed_cleaned(cleaned))
    return squashed + (" " + squash(glosses) if glosses else "")


def bigram_tokens(squashed: str) -> str:
    """Return the space-separated character bigrams of a squashed text, for the short-term index.

    FTS5's trigram tokenizer cannot match terms shorter than three characters (의료, 오송).
    Each word run yields its bigrams plus its last character alone, so a one-character query
    can use a prefix match.
    """
    tokens: list[str] = []
    for run in _NON_WORD.split(squashed):
        if not run:
            continue
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        tokens.append(run[-1])
    return " ".join(tokens)


def body_key(text: str) -> str:
    """Return the form of a body used for exact-duplicate detection (words only, no spacing)."""
    return _NON_WORD.sub("", squash(text))


def content_hash(body: str) -> str:
    """Return the sha256 of a body's duplicate-detection form."""
    return hashlib.sha256(body_key(body).encode("utf-8")).hexdigest()


def fingerprint(body: str) -> str:
    """Return a 64-bit simhash of the body's character 4-grams, as 16 hex digits."""
    # simhash pulls in numpy: imported only where fingerprints are made (extraction workers).
    from simhash import Simhash

    key = body_key(body)
    shingles = {key[i : i + 4] for i in range(max(len(key) - 3, 1))}
    return f"{Simhash(sorted(shingles)).value:016x}"


def origin_of(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL: the host lower-cased without ``www.``/``m.``, the port None
    when it is the scheme's default."""
    parts = urlsplit(url)
    host = re.sub(r"^(www\d?|m|mobile)\.", "", (parts.hostname or "").lower().rstrip("."))
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return host, (None if port in (None, default) else port)


def outlet_host(url: str) -> str:
    """The host an outlet is grouped by: origin_of's host, with the port only when it is not
    the scheme's default."""
    host, port = origin_of(url)
    return f"{host}:{port}" if port else host
