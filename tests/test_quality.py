"""Extraction quality gate: our body vs the gold body of every fixture page, beside plain
trafilatura on the same page. The floor can only be raised."""

from __future__ import annotations

import pytest
import trafilatura

from crawler.extract import decode_html, extract_article
from tests.support.quality import SCORES, GoldPage, bigram_f1, gold_pages

F1_FLOOR = 0.97
MEAN_FLOOR = 0.99
ORIGIN = b"http://127.0.0.1:8000"
PAGES = gold_pages()


def page_bytes(page: GoldPage) -> bytes:
    """The fixture page as the server would send it."""
    return page.page.read_bytes().replace(b"{{ORIGIN}}", ORIGIN)


def test_fixture_corpus_is_big_enough() -> None:
    outlets = {p.outlet for p in PAGES}
    assert len(PAGES) >= 40 and len(outlets) >= 4, (len(PAGES), outlets)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_body_meets_the_floor(page: GoldPage) -> None:
    body = page_bytes(page)
    article = extract_article(body, ORIGIN.decode() + str(page.gold["url_path"]))
    precision, recall, f1 = bigram_f1(article.body, str(page.gold["body"]))
    plain = bigram_f1(trafilatura.extract(decode_html(body)) or "", str(page.gold["body"]))[2]
    SCORES[page.id] = (f1, plain)
    assert f1 >= F1_FLOOR, (
        f"{page.id}: F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}) below {F1_FLOOR}; "
        f"plain trafilatura {plain:.3f}\n--- extracted ---\n{article.body}")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.id)
def test_metadata_matches_gold(page: GoldPage) -> None:
    article = extract_article(page_bytes(page), ORIGIN.decode() + str(page.gold["url_path"]))
    got = (article.title, article.published_at, article.author)
    want = (page.gold["title"], page.gold["published_at"], page.gold["author"])
    assert got == want, f"{page.id}: (title, published_at, author) {got} != gold {want}"


def test_mean_f1_meets_the_floor() -> None:
    scores = []
    for page in PAGES:
        article = extract_article(page_bytes(page), ORIGIN.decode() + str(page.gold["url_path"]))
        scores.append(bigram_f1(article.body, str(page.gold["body"]))[2])
    assert sum(scores) / len(scores) >= MEAN_FLOOR
