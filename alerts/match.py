"""Korean-aware rule matching. Pure functions.

Terms of three or more characters match as substrings of the squashed text (NFC, case-folded,
glosses and spacing removed): spacing variants (의료기기 클러스터 / 의료기기클러스터),
joiners (의료기기·바이오 클러스터), attached particles (케이메디허브가) and glosses
(첨단의료복합단지(尖端…)) all meet.

One- and two-character terms (오송, 원주, AI) would match across word gaps in squashed text
(강원 주민 → 강원주민 ⊃ 원주), so they match on the spaced text at the start of a word, and not
where the word goes on into a known different word (원주민, 원주율).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from alerts.rules import All, Any_, Node, Not, Term
from storage.normalize import clean_text, squash

# Words that start with a short place name but are something else (korean-sources.md §9).
OTHER_WORDS: dict[str, tuple[str, ...]] = {
    "원주": ("원주민", "원주율", "원주형"),
    "송도": ("송도해수욕장", "송도해상케이블카"),  # 부산's 송도 beach, not 인천 송도
}
_GLOSS = re.compile(r"\((?:[\u3400-\u4DBF\u4E00-\u9FFF]+|[A-Za-z][A-Za-z .&-]*)\)")


@dataclass(frozen=True)
class Field:
    """One field of an article, in the two forms terms are matched against."""

    spaced: str  # cleaned, case-folded, glosses removed, spacing kept
    squashed: str


Document = dict[str, Field]


def prepare(**fields: str) -> Document:
    """Prepare article fields (e.g. title=..., body=...) for matching many rules."""
    return {
        name: Field(_GLOSS.sub("", clean_text(text)).casefold(), squash(text))
        for name, text in fields.items()
    }


@lru_cache(maxsize=4096)
def _short_pattern(term: str) -> re.Pattern[str]:
    others = [w[len(term):] for w in OTHER_WORDS.get(term, ()) if w.startswith(term)]
    not_other = f"(?!{'|'.join(map(re.escape, others))})" if others else ""
    if re.fullmatch(r"[0-9a-z]+", term):
        return re.compile(rf"(?<![0-9a-z]){re.escape(term)}(?![0-9a-z]){not_other}")
    return re.compile(rf"(?<![가-힣0-9a-z]){re.escape(term)}{not_other}")


def term_matches(term: Term, field: Field) -> bool:
    """Tell whether one term occurs in one prepared field."""
    if len(term.squashed) >= 3:
        return term.squashed in field.squashed
    return _short_pattern(term.squashed).search(field.spaced) is not None


def evaluate(node: Node, doc: Document, fields: tuple[str, ...] = ("title", "body"),
             found: set[Term] | None = None) -> bool:
    """Evaluate a parsed rule on a prepared document; collect matched terms into found."""
    if isinstance(node, Term):
        hit = any(term_matches(node, doc[name]) for name in fields if name in doc)
        if hit and found is not None:
            found.add(node)
        return hit
    if isinstance(node, Not):
        return not evaluate(node.operand, doc, fields, None)
    if isinstance(node, All):
        return all([evaluate(child, doc, fields, found) for child in node.operands])
    if isinstance(node, Any_):
        return any([evaluate(child, doc, fields, found) for child in node.operands])
    raise TypeError(f"not a rule node: {node!r}")


def match_rule(node: Node, doc: Document,
               fields: tuple[str, ...] = ("title", "body")) -> list[str] | None:
    """Return the matched terms (as written in the rule) if the rule matches, else None."""
    found: set[Term] = set()
    if not evaluate(node, doc, fields, found):
        return None
    return sorted({term.text for term in found})


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Return (start, end) spans of the terms in text, spacing, joiners and glosses allowed."""
    gap = r"[\s·ㆍ\-_/]*(?:\([^)]{0,30}\)[\s·ㆍ\-_/]*)?"
    spans: list[tuple[int, int]] = []
    for term in terms:
        chars = squash(term)
        if not chars:
            continue
        pattern = gap.join(re.escape(ch) for ch in chars)
        spans.extend(m.span() for m in re.finditer(pattern, text, flags=re.IGNORECASE))
    return sorted(spans)
