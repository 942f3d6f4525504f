"""`medradar datasette` serves the archive with the shipped canned queries (a real Datasette).

The archive is written through the storage API; Datasette runs as `medradar datasette` on a
free port of 127.0.0.1 and is read through its JSON API. Dates are relative to the test's clock.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor.explore import metadata_for
from storage.alerts import record_match
from storage.articles import NewArticle, store_articles
from storage.db import Archive, open_archive
from storage.runs import sync_sources
from storage.search import parse_query, search_articles
from tests.conftest import MEDRADAR, REPO
from tests.support.clock import KST
from tests.test_alert_delivery import free_port

pytest.importorskip("datasette")

SOURCES = [
    {"id": "medinews", "name": "메디인뉴스", "kind": "ndsoft", "url": "https://medinews.example"},
    {"id": "osongilbo", "name": "오송일보", "kind": "rss", "url": "https://osong.example"},
    {"id": "quiet", "name": "조용한신문", "kind": "rss", "url": "https://quiet.example"},
]
# (source, days ago, title, body, rules that matched it)
ARTICLES = [
    ("medinews", 0, "오송 첨단의료복합단지에 의료기기 클러스터 2단계 착공",
     "충북 오송 첨단의료복합단지에 의료기기 클러스터 2단계 공사가 시작됐다. "
     "케이메디허브(K-MEDI hub)와 입주 기업 40곳이 참여한다.", ["cluster"]),
    ("medinews", 3, "원주 의료기기 테크노밸리, 산학연 협력 센터 문 연다",
     "강원 원주 의료기기 테크노밸리에 산학연 협력 센터가 들어선다. 원주시는 예산 120억 원을 "
     "투입한다.", ["wonju"]),
    ("osongilbo", 1, "송도 바이오 기업들 \"의료기기클러스터와 연계\"",
     "인천 송도 바이오 기업들이 대구 의료기기클러스터와 공동 연구에 나선다. 식약처 허가 "
     "상담도 함께 한다.", ["cluster"]),
    ("osongilbo", 10, "판교 헬스케어혁신파크 입주 공모",
     "성남 판교 헬스케어혁신파크가 스타트업 입주 공모를 연다. 분당서울대병원과 협력한다.", []),
]


def store(archive: Archive, now: datetime) -> dict[str, int]:
    """Write the sources and articles; return article ids by title."""
    sync_sources(archive, SOURCES)
    ids: dict[str, int] = {}
    for n, (source, days, title, body, rules) in enumerate(ARTICLES):
        url = f"https://{source}.example/news/articleView.html?idxno={n}"
        published = (now - timedelta(days=days)).isoformat(timespec="seconds")
        item = NewArticle(source_id=source, url=url, canonical_url=url, title=title, body=body,
                          published_at=published, published_from="meta", author=None,
                          section=None, content_hash=hashlib.sha256(body.encode()).hexdigest(),
                          fingerprint=f"{n:016x}", url_keys=(url,))

        def match(archive: Archive, article_id: int, _item: NewArticle,
                  rules: list[str] = rules) -> None:
            for rule in rules:
                record_match(archive, rule, article_id, ["의료기기"],
                             [("slack", "immediate", None)])

        result = store_articles(archive, [item], [match])
        ids[title] = result[0].article_id
    return ids


def settle_midnight() -> datetime:
    """Now in Korea, after waiting out the last minute of a day ("today" must not change)."""
    now = datetime.now(KST)
    if now.hour == 23 and now.minute == 59:
        time.sleep(62 - now.second)
        now = datetime.now(KST)
    return now.replace(microsecond=0)


def get(base: str, path: str, **params: str) -> Any:
    """GET a Datasette JSON URL and return its parsed body."""
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{base}{path}?{query}", timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, int],
                                                                        Path]]:
    """`medradar datasette` on a free port over a fresh archive; its URL, ids and path."""
    folder = tmp_path_factory.mktemp("datasette")
    archive_path = folder / "archive.db"
    archive = open_archive(archive_path)
    try:
        ids = store(archive, settle_midnight())
    finally:
        archive.close()
    config = folder / "medradar.toml"
    config.write_text('[archive]\npath = "archive.db"\n', "utf-8")
    port = free_port()
    log = (folder / "datasette.log").open("wb")
    server = subprocess.Popen([*MEDRADAR, "--config", str(config), "datasette", "--port",
                               str(port)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base, "/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError((folder / "datasette.log").read_text("utf-8")) \
                        from None
                time.sleep(0.2)
        yield base, ids, archive_path
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def rows(base: str, query: str, **params: str) -> list[dict[str, Any]]:
    """The rows of a canned query of the archive."""
    return list(get(base, f"/archive/{query}.json", _shape="array", **params))


def title_of(ids: dict[str, int], article_id: int) -> str:
    """The title of an article id."""
    return next(title for title, i in ids.items() if i == article_id)


def test_archive_is_served_mutable_with_the_queries(served: tuple[str, Any, Path]) -> None:
    base, _, _ = served
    databases = get(base, "/-/databases.json")
    archive = next(d for d in databases if d["name"] == "archive")
    assert archive["is_mutable"] is True, "a live WAL archive must not be opened immutable"
    queries = {q["name"] for q in get(base, "/archive.json")["queries"]}
    assert {"new_today", "per_source", "source_articles", "rules", "rule_matches",
            "search"} <= queries


def test_new_today_is_today_in_korea(served: tuple[str, dict[str, int], Path]) -> None:
    base, _, _ = served
    got = rows(base, "new_today")
    assert [r["title"] for r in got] == [ARTICLES[0][2]]
    assert got[0]["source"] == "메디인뉴스"


def test_per_source_counts_last_seven_days_and_all(
        served: tuple[str, dict[str, int], Path]) -> None:
    base, _, _ = served
    got = {r["source_id"]: (r["articles"], r["last_7_days"]) for r in rows(base, "per_source")}
    assert got == {"medinews": (2, 2), "osongilbo": (2, 1), "quiet": (0, 0)}


def test_source_articles_newest_first(served: tuple[str, dict[str, int], Path]) -> None:
    base, _, _ = served
    got = rows(base, "source_articles", source="osongilbo")
    assert [r["title"] for r in got] == [ARTICLES[2][2], ARTICLES[3][2]]


def test_rules_and_a_rules_matches(served: tuple[str, dict[str, int], Path]) -> None:
    base, _, _ = served
    assert {r["rule_id"]: r["matches"] for r in rows(base, "rules")} == {"cluster": 2, "wonju": 1}
    got = rows(base, "rule_matches", rule="cluster")
    assert [r["title"] for r in got] == [ARTICLES[0][2], ARTICLES[2][2]]
    assert got[0]["deliveries"] == "slack pending"
    assert json.loads(got[0]["terms"]) == ["의료기기"]
    assert rows(base, "rule_matches", rule="nosuchrule") == []


@pytest.mark.parametrize(("q", "expected"), [
    ("산학연", [1]),                        # 3 syllables: the trigram index
    ("의료기기 클러스터", [0, 2]),           # spaced in article 0, unspaced in article 2
    ("의료기기클러스터", [0, 2]),
    ("의료 기기·클러스터", [0, 2]),
    ('"케이메디허브"', [0]),
    ("k-medi", [0]),                        # an English gloss, any case
    ("원주", [1]),                          # 2 syllables: the bigram index
    ("오송", [0]),
    ("없는 단어", []),
    ("", []),
], ids=["trigram", "spaced", "unspaced", "odd-spacing", "quoted", "latin", "bigram-wonju",
        "bigram-osong", "none", "empty"])
def test_korean_search_uses_our_indexes(served: tuple[str, dict[str, int], Path], q: str,
                                        expected: list[int]) -> None:
    base, ids, archive_path = served
    got = [r["id"] for r in rows(base, "search", q=q)]
    assert [title_of(ids, i) for i in got] == [ARTICLES[n][2] for n in expected]
    if q:
        # The same answer as `medradar search` gives for the term as one phrase.
        archive = open_archive(archive_path)
        try:
            found = search_articles(archive, parse_query('"' + q.replace('"', '') + '"'))
        finally:
            archive.close()
        assert [r["id"] for r in found] == got


def test_metadata_follows_the_archive_name() -> None:
    metadata = metadata_for(Path("/srv/data/radar-2026.db"))
    assert list(metadata["databases"]) == ["radar-2026"]
    assert "search" in metadata["databases"]["radar-2026"]["queries"]
