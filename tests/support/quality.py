"""Character-bigram F1 between an extracted body and a gold body (whitespace ignored)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.support.outlet_server import FIXTURES

GOLD = FIXTURES / "gold"
# page id -> (our F1, plain trafilatura F1), filled by test_quality and printed at the end.
SCORES: dict[str, tuple[float, float]] = {}


def bigrams(text: str) -> Counter[str]:
    """Multiset of character bigrams of text with all whitespace removed."""
    flat = re.sub(r"\s+", "", text)
    return Counter(flat[i : i + 2] for i in range(len(flat) - 1))


def bigram_f1(predicted: str, gold: str) -> tuple[float, float, float]:
    """Return (precision, recall, F1) of predicted against gold."""
    p, g = bigrams(predicted), bigrams(gold)
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class GoldPage:
    """One fixture article page and its expected extraction."""

    outlet: str
    key: str
    page: Path
    gold: dict[str, object]

    @property
    def id(self) -> str:
        """A readable test id."""
        return f"{self.outlet}/{self.key}"


def gold_pages() -> list[GoldPage]:
    """Every fixture page that has a gold file, sorted."""
    pages = []
    for path in sorted(GOLD.glob("*/*.json")):
        outlet, key = path.parent.name, path.stem.replace("__", "/")
        pages.append(GoldPage(outlet, key, FIXTURES / "outlets" / outlet / "site" / key,
                              json.loads(path.read_text("utf-8"))))
    return pages
