"""The rule query language: terms, "exact phrases", AND (also implicit), OR, NOT / -term, ( ).

Pure: parsing only. ``parse_rule`` turns ``(의료기기 OR 바이오헬스) AND 클러스터 -채용``
into a small tree that alerts.match evaluates. A syntax error names the position (and,
through the config, the rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.errors import RuleSyntaxError
from storage.normalize import squash


@dataclass(frozen=True)
class Term:
    """A word or an exact phrase, kept as written and in matching (squashed) form."""

    text: str
    squashed: str
    phrase: bool = False


@dataclass(frozen=True)
class Not:
    """Matches when its operand does not."""

    operand: Node


@dataclass(frozen=True)
class All:
    """Matches when every operand does (AND)."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    """Matches when one operand does (OR)."""

    operands: tuple[Node, ...]


Node = Term | Not | All | Any_

_TOKEN = re.compile(r'\s*(?:(?P<lparen>\()|(?P<rparen>\))|"(?P<phrase>[^"]*)"|(?P<open>")'
                    r'|(?P<word>[^\s()"]+))')


@dataclass(frozen=True)
class _Token:
    kind: str  # lparen rparen phrase word AND OR NOT minus end
    text: str
    pos: int


def tokenize(query: str) -> list[_Token]:
    """Split a query into tokens with their positions (1-based columns)."""
    tokens: list[_Token] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        match = _TOKEN.match(query, pos)
        if not match or match.lastgroup is None:
            raise RuleSyntaxError(f"unexpected character {query[pos]!r}", pos + 1)
        start = match.start(match.lastgroup) + 1
        kind, text = match.lastgroup, match.group(match.lastgroup)
        if kind == "open":
            raise RuleSyntaxError("unclosed quote", start)
        if kind == "word":
            if text in ("AND", "OR", "NOT"):
                kind = text
            elif text.startswith("-") and len(text) > 1:
                tokens.append(_Token("NOT", "-", start))
                text, start = text[1:], start + 1
        tokens.append(_Token(kind, text, start))
        pos = match.end()
    tokens.append(_Token("end", "", len(query) + 1))
    return tokens


class _Parser:
    def __init__(self, query: str) -> None:
        self.tokens = tokenize(query)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise RuleSyntaxError("empty query", 1)
        node = self.or_expr()
        token = self.peek()
        if token.kind != "end":
            raise RuleSyntaxError(f"unexpected {token.text!r}", token.pos)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def and_expr(self) -> Node:
        items = [self.not_expr()]
        while self.peek().kind in ("AND", "NOT", "word", "phrase", "lparen"):
            if self.peek().kind == "AND":
                self.take()
            items.append(self.not_expr())
        return items[0] if len(items) == 1 else All(tuple(items))

    def not_expr(self) -> Node:
        if self.peek().kind == "NOT":
            self.take()
            return Not(self.not_expr())
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "lparen":
            node = self.or_expr()
            closing = self.take()
            if closing.kind != "rparen":
                raise RuleSyntaxError("missing ')'", closing.pos)
            return node
        if token.kind in ("word", "phrase"):
            squashed = squash(token.text)
            if not squashed:
                raise RuleSyntaxError(f"empty term {token.text!r}", token.pos)
            return Term(token.text, squashed, phrase=token.kind == "phrase")
        what = "end of query" if token.kind == "end" else repr(token.text)
        raise RuleSyntaxError(f"expected a term, found {what}", token.pos)


def parse_rule(query: str) -> Node:
    """Parse a rule query; raise RuleSyntaxError naming the position of the problem."""
    return _Parser(query).parse()


def positive_terms(node: Node) -> list[Term]:
    """The terms that must or may be present (not under NOT), for highlighting."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [term for child in node.operands for term in positive_terms(child)]


def search_query(node: Node, style: str) -> str:
    """A search-service query from a rule's positive terms (discovery sources ask for one per
    rule): AND as spaces, OR as ``|`` (style ``naver_news``) or ``OR`` (``google_news``),
    phrases quoted; NOT parts are left out (the rule filters the results again)."""
    if isinstance(node, Term):
        return f'"{node.text}"' if node.phrase else node.text
    if isinstance(node, Not):
        return ""
    parts = [p for p in (search_query(child, style) for child in node.operands) if p]
    if isinstance(node, All):
        return " ".join(parts)
    assert isinstance(node, Any_)
    if len(parts) < 2:
        return "".join(parts)
    return " | ".join(parts) if style == "naver_news" else "(" + " OR ".join(parts) + ")"
