"""storage: a real archive in tmp_path; storing, deduplicating and searching Korean articles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storage
from storage.articles import NewArticle, StoreResult, known_url_keys, store_article
from storage.db import Archive
from storage.normalize import content_hash, fingerprint
from storage.search import QueryError, parse_query, search_articles, snippet

# (source, idxno, published_at, title, body): invented articles, one per day.
ARTICLES = [
    ("bosa", 1, "2026-08-01T09:00:00+09:00", "오송 첨단의료복합단지 연구동 개소",
     "오송 첨단의료복합단지에 새 연구동이 문을 열었다. 입주 기업 지원이 늘어난다."),
    ("monews", 2, "2026-08-02T09:00:00+09:00", "대구 의료기기클러스터 투자 확대",
     "대구 의료기기클러스터에 민간 투자가 몰리고 있다. 케이메디허브는 장비를 늘린다."),
    ("bosa", 3, "2026-08-03T09:00:00+09:00", "원주 의료기기 클러스터 수출 증가",
     "원주 의료기기 클러스터 기업들의 수출이 늘었다. 강원도는 지원을 이어간다."),
    ("hitnews", 4, "2026-08-04T09:00:00+09:00", "식약처, 디지털 의료기기 허가 지침 개정",
     "식품의약품안전처(MFDS)는 디지털 의료기기 허가 지침을 고쳤다. 업계는 환영했다."),
    ("hitnews", 5, "2026-08-05T09:00:00+09:00", "뇌 질환 진단 장비 국산화",
     "국내 연구진이 뇌 질환 진단 장비를 국산화했다. 가격은 절반 수준이다."),
    ("medipana", 6, "2026-08-06T09:00:00+09:00", "판교 바이오헬스 기업 채용 늘어",
     "판교 제2테크노밸리 바이오헬스 기업들이 채용을 늘렸다. 의료·바이오 인력이 부족하다."),
    ("medipana", 7, "2026-08-07T09:00:00+09:00", "송도 바이오클러스터 공장 착공",
     "송도 바이오클러스터에 새 공장이 착공했다. 인천시는 행정 지원을 약속했다."),
    ("kormedi", 8, "2026-08-08T09:00:00+09:00", "여름철 건강 관리 요령",
     "더운 날씨에는 물을 자주 마시는 것이 좋다. 무리한 운동은 피해야 한다."),
]


def article(source_id: str, n: int, published: str | None, title: str, body: str,
            keys: tuple[str, ...] | None = None) -> NewArticle:
    """A NewArticle as the pipeline builds it, with its hashes computed from the body."""
    url = f"https://www.{source_id}.co.kr/news/articleView.html?idxno={n}"
    return NewArticle(
        source_id=source_id, url=url, canonical_url=url, title=title, body=body,
        published_at=published, published_from="feed", author=None, section=None,
        content_hash=content_hash(body), fingerprint=fingerprint(body),
        url_keys=keys if keys is not None else (f"{source_id}.co.kr/idxno={n}",),
    )


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A fresh archive holding ARTICLES (ids 1..8 in order)."""
    opened = storage.open_archive(tmp_path / "archive.db")
    for row in ARTICLES:
        assert store_article(opened, article(*row)).status == "new"
    yield opened
    opened.close()


def numbers(rows: list[dict[str, object]]) -> list[int]:
    """The idxno of each result, in result order (ids follow ARTICLES)."""
    return [int(str(row["url"]).rsplit("=", 1)[1]) for row in rows]


def search(archive: Archive, text: str, **filters: Any) -> list[int]:
    """Run a query through the real parser and search; return the idxno of each hit."""
    return numbers(search_articles(archive, parse_query(text), **filters))


# -- search terms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("클러스터", [7, 3, 2]),
        ("의료기기", [4, 3, 2]),
        ("첨단의료복합단지", [1]),
        ("케이메디허브", [2]),
        ("테크노", [6]),
        ("의료", [6, 4, 3, 2, 1]),
        ("오송", [1]),
        ("장비", [5, 2]),
        ("수출", [3]),
        ("뇌", [5]),
        ("물", [8]),
        ("개정", [4]),
        ("의료기기 클러스터", [3, 2]),
        ("의료기기클러스터", [3, 2]),
        ('"의료기기 클러스터"', [3, 2]),
        ("의료·바이오", [6]),
        ("의료바이오", [6]),
        ("원주 수출", [3]),
        ("오송 OR 송도", [7, 1]),
        ("오송 OR 송도 OR 판교", [7, 6, 1]),
        ("의료기기 -원주", [4, 2]),
        ("의료 -의료기기", [6, 1]),
        ("클러스터 -뇌", [7, 3, 2]),
        ("바이오 OR 뇌 -판교", [7, 5]),
        ("없는단어", []),
    ],
    ids=[
        "three_plus_syllables", "four_syllables", "long_compound", "name", "inside_word",
        "two_syllables_many", "two_syllables_place", "two_syllables_word", "two_syllables_once",
        "one_syllable", "one_syllable_other", "title_only_word", "spaced_query_matches_both",
        "unspaced_query_matches_both", "quoted_phrase_matches_both", "middle_dot_query",
        "unspaced_dot_query", "two_terms_and", "or", "or_chain", "exclude_two_syllables",
        "exclude_longer", "exclude_one_syllable", "or_then_exclude", "no_match",
    ],
)
def test_search_terms(archive: Archive, query: str, expected: list[int]) -> None:
    assert search(archive, query) == expected


# Regression: the index holds squash(title+body), which drops parenthesised English glosses, so an
# acronym written only as a gloss ('식품의약품안전처(MFDS)') cannot be found
@pytest.mark.parametrize("query", ["MFDS", "mfds"], ids=["upper", "lower"])
def test_search_finds_acronym_written_as_gloss(archive: Archive, query: str) -> None:
    assert search(archive, query) == [4]


# -- filters and order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [6, 4, 3, 2, 1]),
        ({"since": "2026-08-03T09:00:00+09:00"}, [6, 4, 3]),
        ({"until": "2026-08-03T09:00:00+09:00"}, [2, 1]),
        ({"since": "2026-08-02T00:00:00+09:00", "until": "2026-08-05T00:00:00+09:00"},
         [4, 3, 2]),
        ({"since": "2026-08-03"}, [6, 4, 3]),
        ({"sources": ["bosa"]}, [3, 1]),
        ({"sources": ["bosa", "medipana"]}, [6, 3, 1]),
        ({"sources": ["nope"]}, []),
        ({"limit": 2}, [6, 4]),
        ({"limit": 1, "sources": ["bosa"]}, [3]),
    ],
    ids=["newest_first", "since_inclusive", "until_exclusive", "since_and_until",
         "since_date_only", "one_source", "two_sources", "unknown_source", "limit",
         "limit_and_source"],
)
def test_search_filters(archive: Archive, filters: dict[str, Any],
                        expected: list[int]) -> None:
    assert search(archive, "의료", **filters) == expected


def test_search_result_fields(archive: Archive) -> None:
    (row,) = search_articles(archive, parse_query("오송"))
    assert row["source_id"] == "bosa"
    assert row["title"] == "오송 첨단의료복합단지 연구동 개소"
    assert row["url"] == "https://www.bosa.co.kr/news/articleView.html?idxno=1"
    assert row["published_at"] == "2026-08-01T09:00:00+09:00"
    assert str(row["body"]).startswith("오송 첨단의료복합단지에")


def test_search_same_day_newest_id_first(archive: Archive) -> None:
    same_day = article("bosa", 9, "2026-08-06T09:00:00+09:00", "판교 의료기기 전시회",
                       "판교에서 의료기기 전시회가 열렸다. 관람객이 몰렸다.")
    assert store_article(archive, same_day).status == "new"
    assert search(archive, "판교") == [9, 6]


# -- parse_query -----------------------------------------------------------------------------


def test_parse_query_groups() -> None:
    query = parse_query('의료기기 "오송 첨복" OR 송도 -원주 MFDS')
    assert query.groups == [["의료기기"], ["오송첨복", "송도"], ["mfds"]]
    assert query.excluded == ["원주"]
    assert query.terms == ["의료기기", "오송첨복", "송도", "mfds"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "OR 오송", "오송 OR", '"오송', "-오송", "·"],
    ids=["empty", "blank", "leading_or", "dangling_or", "unbalanced_quote", "only_excluded",
         "only_joiner"],
)
def test_parse_query_errors(text: str) -> None:
    with pytest.raises(QueryError):
        parse_query(text)


# -- snippet ---------------------------------------------------------------------------------

PAD_BEFORE = "가나다라마바사아자차" * 10
PAD_AFTER = "카타파하거너더러머버" * 10


def test_snippet_finds_spacing_variant_and_marks_cuts() -> None:
    body = f"{PAD_BEFORE} 대구 의료기기 클러스터에 투자가 몰린다. {PAD_AFTER}"
    result = snippet(body, parse_query("의료기기클러스터").terms, width=20)
    assert "의료기기 클러스터" in result
    assert result.startswith("…") and result.endswith("…")
    assert len(result) <= len("의료기기 클러스터") + 2 * 20 + 2


def test_snippet_finds_unspaced_text_for_spaced_query() -> None:
    body = f"{PAD_BEFORE} 대구 의료기기클러스터에 투자가 몰린다."
    result = snippet(body, parse_query('"의료기기 클러스터"').terms, width=20)
    assert "의료기기클러스터" in result
    assert result.startswith("…") and not result.endswith("…")


def test_snippet_whole_short_body_has_no_marks() -> None:
    assert snippet("오송에 연구동이 생겼다.", ["오송"], width=20) == "오송에 연구동이 생겼다."


def test_snippet_case_insensitive() -> None:
    assert "MFDS" in snippet("MFDS는 지침을 고쳤다.", parse_query("mfds").terms, width=20)


def test_snippet_without_match_is_the_start() -> None:
    body = "가" * 50
    assert snippet(body, ["없음"], width=20) == "가" * 40 + "…"


# Regression: snippet searches the raw body for the squashed term, so a match the search found
# through a removed Hanja gloss ('의료기기(醫療機器) 클러스터') is not located
def test_snippet_finds_match_with_hanja_gloss() -> None:
    body = f"{PAD_BEFORE} 의료기기(醫療機器) 클러스터 조성이 시작됐다. {PAD_AFTER}"
    assert "클러스터" in snippet(body, parse_query("의료기기클러스터").terms, width=20)


# -- storing and deduplicating ---------------------------------------------------------------


def test_store_same_key_is_known(archive: Archive) -> None:
    again = article(*ARTICLES[0])
    assert store_article(archive, again) == StoreResult("known", 1)


def test_store_second_key_of_same_article_is_known(tmp_path: Path) -> None:
    opened = storage.open_archive(tmp_path / "a.db")
    first = article("bosa", 11, "2026-08-01T09:00:00+09:00", "오송 재단 이사장 선임",
                    "오송 재단이 새 이사장을 뽑았다.",
                    keys=("bosa.co.kr/idxno=11", "bosa.co.kr/news/feed-link-11"))
    assert store_article(opened, first).status == "new"
    # Seen later under only the second key, with an edited body: still the same article,
    # updated, its earlier text kept as a version (issue 12).
    seen_again = article("bosa", 11, "2026-08-01T09:00:00+09:00", "오송 재단 이사장 선임",
                         "오송 재단이 새 이사장을 뽑았다. 임기는 3년이다.",
                         keys=("bosa.co.kr/news/feed-link-11",))
    assert store_article(opened, seen_again) == StoreResult("updated", 1)
    assert store_article(opened, seen_again) == StoreResult("known", 1)
    assert opened.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert opened.db.execute("SELECT body FROM article_versions").fetchall() == [
        ("오송 재단이 새 이사장을 뽑았다.",)]
    opened.close()


def test_store_same_body_other_url_is_duplicate(archive: Archive) -> None:
    _, _, published, title, body = ARTICLES[1]
    wire_copy = article("hitnews", 99, published, title, body.replace(" ", "  ") + "\n")
    assert store_article(archive, wire_copy) == StoreResult("duplicate", 2)
    linked = archive.db.execute(
        "SELECT article_id FROM article_urls WHERE url_key = ?", ["hitnews.co.kr/idxno=99"]
    ).fetchone()
    assert linked is not None and linked[0] == 2, "the new URL key points at the first copy"
    assert store_article(archive, wire_copy) == StoreResult("known", 2)
    assert archive.db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(ARTICLES)


def test_store_without_date_is_dated_when_fetched(tmp_path: Path) -> None:
    opened = storage.open_archive(tmp_path / "a.db")
    stored = store_article(opened, article("bosa", 1, None, "날짜 없는 기사", "날짜가 없다."))
    row = opened.db.execute("SELECT published_at, published_from, fetched_at FROM articles "
                            "WHERE id = ?", [stored.article_id]).fetchone()
    assert row[0] == row[2] and row[0].endswith("+09:00")
    assert row[1] == "fetched"
    opened.close()


def test_known_url_keys(archive: Archive) -> None:
    assert known_url_keys(archive, "bosa") == {"bosa.co.kr/idxno=1", "bosa.co.kr/idxno=3"}
    assert len(known_url_keys(archive)) == len(ARTICLES)
    assert known_url_keys(archive, "nope") == set()


def test_known_url_keys_include_duplicate_links(archive: Archive) -> None:
    _, _, published, title, body = ARTICLES[0]
    store_article(archive, article("kormedi", 50, published, title, body))
    assert "kormedi.co.kr/idxno=50" in known_url_keys(archive)


# -- the archive file ------------------------------------------------------------------------


def test_archive_is_in_wal_mode(archive: Archive) -> None:
    assert archive.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_are_recorded(archive: Archive) -> None:
    names = [row["name"] for row in archive.db.query("SELECT name FROM _sqlite_migrations")]
    assert names and "m001_initial" in names
    assert len(names) == len(set(names))


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    first = storage.open_archive(path)
    store_article(first, article(*ARTICLES[0]))
    before = list(first.db.query("SELECT migration_set, name FROM _sqlite_migrations"))
    first.close()
    second = storage.open_archive(path)
    third = storage.open_archive(path)  # a second handle while the first is open
    after = list(third.db.query("SELECT migration_set, name FROM _sqlite_migrations"))
    assert after == before
    assert search(second, "오송") == [1], "data survives reopening"
    second.close()
    third.close()


def test_open_archive_creates_missing_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "archive.db"
    opened = storage.open_archive(path)
    assert path.exists()
    assert opened.size_bytes() > 0
    opened.close()


def test_open_archive_on_a_folder_fails(tmp_path: Path) -> None:
    with pytest.raises(storage.ArchiveError, match="cannot open archive"):
        storage.open_archive(tmp_path)
