"""Which texts are copies of one story (storage.neardup), and stories kept in a real archive."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import open_archive
from storage.articles import NewArticle, store_articles
from storage.neardup import MIN_CHARS, compare, shingles
from storage.normalize import content_hash
from tests.support.wire import FOLLOWUP, MFDS, SEONGNAM_A, SEONGNAM_B

RELEASE = "\n".join(MFDS)


def first_share(paragraphs: list[str], share: float) -> str:
    """The first paragraphs making up at least share of the text (a brief)."""
    total, kept = sum(map(len, paragraphs)), []
    for para in paragraphs:
        kept.append(para)
        if sum(map(len, kept)) >= share * total:
            break
    return "\n".join(kept)


COPIES = {
    "brief-first-60pct": first_share(MFDS, 0.6),
    "reordered-paragraphs": "\n".join([MFDS[0], MFDS[4], MFDS[2], MFDS[1], MFDS[6], MFDS[5],
                                       MFDS[3]]),
    "new-lead-and-byline": "\n".join(["[헬스경제신문=오지훈 기자] 인공지능 의료기기 업계의 "
                                      "숙원이던 변경허가 부담이 줄어든다.", *MFDS]),
    "outlet-boilerplate": "\n".join([f"(바이오인사이드=한소율 기자) {MFDS[0]}", *MFDS[1:],
                                     "<ⓒ 바이오인사이드, 무단 전재 및 재배포 금지>",
                                     "▶ 관련기사: 디지털의료기기 규제 샌드박스 100건 돌파"]),
    "paragraph-dropped-and-closing-added": "\n".join(
        [*MFDS[:3], *MFDS[4:], "업계는 개정안이 확정되면 출시 주기가 짧아질 것으로 기대했다."]),
    "light-edits": RELEASE.replace("밝혔다", "전했다").replace("18일", "지난 18일")
                          .replace("말했다", "강조했다"),
}

APART = {
    "same-city-same-topic-another-event": ("\n".join(SEONGNAM_A), "\n".join(SEONGNAM_B)),
    "follow-up-mostly-new-text": (RELEASE, "\n".join(FOLLOWUP)),
    "one-line-brief-of-the-release": (RELEASE, MFDS[0]),
    "lead-and-next-paragraph-only": (RELEASE, "\n".join(MFDS[:2])),  # under 30 % of it
}


@pytest.mark.parametrize("copy", COPIES.values(), ids=COPIES.keys())
def test_syndicated_copies_are_one_story(copy: str) -> None:
    similarity = compare(shingles(RELEASE), shingles(copy))
    assert similarity.same_story, similarity


@pytest.mark.parametrize(("first", "second"), APART.values(), ids=APART.keys())
def test_distinct_stories_stay_apart(first: str, second: str) -> None:
    similarity = compare(shingles(first), shingles(second))
    assert not similarity.same_story, similarity


def test_a_text_below_the_minimum_has_no_shingles() -> None:
    assert shingles(MFDS[0]) == frozenset()  # 120 characters: too short to match anything
    assert len(MFDS[0].replace(" ", "")) < MIN_CHARS <= len(RELEASE.replace(" ", ""))


def article(source: str, n: int, body: str, published: str = "2026-11-18T10:00:00+09:00",
            title: str = "기사") -> NewArticle:
    """An article of one outlet."""
    url = f"https://{source}.example/news/{n}"
    return NewArticle(source_id=source, url=url, canonical_url=url, title=title, body=body,
                      published_at=published, published_from="meta", author=None, section=None,
                      content_hash=content_hash(body), fingerprint="0" * 16, url_keys=(url,))


def stories_of(path: Path) -> list[tuple[str, int]]:
    """(source, story id) of each article, in order of storing."""
    archive = open_archive(path)
    try:
        return [(r[0], r[1]) for r in archive.db.execute(
            "SELECT source_id, story_id FROM articles ORDER BY id")]
    finally:
        archive.close()


def test_the_index_survives_a_restart_and_an_exact_copy_counts_its_outlet(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    archive = open_archive(path)
    store_articles(archive, [article("a", 1, RELEASE)])
    archive.close()
    archive = open_archive(path)  # another process, later: the bands are in the archive
    results = store_articles(archive, [article("b", 2, COPIES["brief-first-60pct"]),
                                       article("c", 3, RELEASE)])
    row = archive.db.execute("SELECT members, outlets, source_ids FROM stories").fetchone()
    archive.close()
    assert [r.status for r in results] == ["new", "duplicate"]
    assert stories_of(path) == [("a", 1), ("b", 1)]
    assert row == (2, 3, '["a", "b", "c"]')


@pytest.mark.parametrize(("days", "together"), [(3, True), (9, False)],
                         ids=["published-within-window", "published-outside-window"])
def test_the_window_bounds_a_story(tmp_path: Path, days: int, together: bool) -> None:
    archive = open_archive(tmp_path / "archive.db")
    store_articles(archive, [article("a", 1, RELEASE, "2026-11-01T09:00:00+09:00")])
    store_articles(archive, [article("b", 2, COPIES["light-edits"],
                                     f"2026-11-{1 + days:02d}T09:00:00+09:00")])
    archive.close()
    (_, first), (_, second) = stories_of(tmp_path / "archive.db")
    assert (first == second) is together
