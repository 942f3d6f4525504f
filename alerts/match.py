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
from storage.normalize import squash, unglossed

# Words that start with a short place name but are something else (korean-sources.md §9).
OTHER_WORDS: dict[str, tuple[str, ...]] = {
    "원주": ("원주민", "원주율", "원주형"),
    "송도": ("송도해수욕장", "송도해상케이블카"),  # 부산's 송도 beach, not 인천 송도
}


@dataclass(frozen=True)
class Field:
    """One field of an article, in the two forms terms are matched against."""

    spaced: str  # cleaned, case-folded, glosses removed, spacing kept
    squashed: str


Document = dict[str, Field]


def prepare(**fields: str) -> Document:
    """Prepare article fields (e.g. title=..., body=...) for matching many rules."""
    return {
        name: Field(unglossed(text), squash(text))
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


def anchors(node: Node) -> frozenset[str] | None:
    """Squashed terms of which at least one must occur in the squashed text for node to match.

    None when no such set exists: a NOT can make the rule match on its own.
    """
    if isinstance(node, Term):
        # A short term matching the spaced text also occurs in the squashed text: it anchors.
        return frozenset([node.squashed])
    if isinstance(node, Not):
        return None
    children = [anchors(child) for child in node.operands]
    if isinstance(node, All):
        known = [a for a in children if a is not None]
        return min(known, key=len) if known else None
    if any(a is None for a in children):
        return None
    return frozenset().union(*[a for a in children if a is not None])


def _all_terms(node: Node) -> set[str]:
    if isinstance(node, Term):
        return {node.squashed}
    if isinstance(node, Not):
        return _all_terms(node.operand)
    return set().union(*(_all_terms(child) for child in node.operands))


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready for matching: its id, parsed query, fields and anchor terms."""

    rule_id: str
    tree: Node
    fields: tuple[str, ...]


class RuleSet:
    """Many rules matched at once: one Aho-Corasick scan of an article finds which long terms
    occur, and only the rules anchored on them (or not anchorable) are evaluated, so the cost
    grows with the article and the candidate rules, not with every rule configured."""

    def __init__(self, rules: list[CompiledRule]) -> None:
        import ahocorasick  # pyahocorasick; only where many rules are matched

        self.rules = rules
        self.always: list[int] = []
        self.by_term: dict[str, list[int]] = {}
        every_term: set[str] = set()
        for index, rule in enumerate(rules):
            every_term.update(_all_terms(rule.tree))
            found = anchors(rule.tree)
            if found is None:
                self.always.append(index)
            else:
                for term in found:
                    self.by_term.setdefault(term, []).append(index)
        # The scan looks for every term of every rule: its results answer each long term.
        self.automaton = ahocorasick.Automaton()
        for term in every_term:
            self.automaton.add_word(term, term)
        if every_term:
            self.automaton.make_automaton()

    def match(self, doc: Document) -> dict[str, list[str]]:
        """Return {rule id: matched terms} for every rule the prepared document matches."""
        candidates = set(self.always)
        present: dict[str, set[str]] = {}
        for name, field in doc.items():
            present[name] = ({term for _, term in self.automaton.iter(field.squashed)}
                             if len(self.automaton) else set())
            for term in present[name]:
                candidates.update(self.by_term.get(term, ()))
        result: dict[str, list[str]] = {}
        for index in sorted(candidates):
            rule = self.rules[index]
            found: set[Term] = set()
            if self._evaluate(rule.tree, doc, rule.fields, present, found):
                result[rule.rule_id] = sorted({term.text for term in found})
        return result

    def _evaluate(self, node: Node, doc: Document, fields: tuple[str, ...],
                  present: dict[str, set[str]], found: set[Term] | None) -> bool:
        """evaluate() with the scan's results: a long term is a set lookup, a short term is
        checked only in the fields where the scan saw it."""
        if isinstance(node, Term):
            hit = any(
                node.squashed in present.get(name, ())
                and (len(node.squashed) >= 3 or term_matches(node, doc[name]))
                for name in fields if name in doc)
            if hit and found is not None:
                found.add(node)
            return hit
        if isinstance(node, Not):
            return not self._evaluate(node.operand, doc, fields, present, None)
        results = [self._evaluate(child, doc, fields, present, found)
                   for child in node.operands]
        return all(results) if isinstance(node, All) else any(results)
