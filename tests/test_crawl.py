"""End to end: `medradar crawl` against fixture outlets on real local HTTP servers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from tests.conftest import make_config, run_cli
from tests.support.outlet_server import OutletServer
from tests.support.quality import bigram_f1, gold_pages

GOOD_OUTLETS = {"medinews": 12, "bionews": 10, "healthwp": 10, "gyeongnam": 10, "layoutzoo": 11}


def archive_rows(config: Path, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """Query the archive a test config points at."""
    db = sqlite_utils.Database(config.parent / "archive.db")
    try:
        return list(db.query(sql, params or []))
    finally:
        db.close()


def article_hits(server: OutletServer) -> int:
    """Article-page requests a fixture server answered."""
    return server.count(lambda p: "articleView" in p or "sub_read" in p
                        or p.rstrip("/").split("/")[-1].isdigit())


@pytest.fixture
def all_outlets(outlet: Callable[[str], OutletServer]) -> dict[str, OutletServer]:
    """The four good fixture outlets, serving (fresh for each test that changes them)."""
    return {name: outlet(name) for name in GOOD_OUTLETS}


@pytest.fixture
def crawled(all_outlets: dict[str, OutletServer], write_config: Callable[..., Path],
            cli: Callable[..., Any]) -> Path:
    """A config whose archive holds one crawl of the four good outlets (for tests that go on)."""
    config = write_config(all_outlets)
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    return config


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """One crawl of the four good outlets shared by the read-only tests: (config, stdout)."""
    servers = {name: OutletServer(name).start() for name in GOOD_OUTLETS}
    config = make_config(tmp_path_factory.mktemp("first"), servers)
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    yield config, done.stdout
    for server in servers.values():
        server.stop()


def test_first_crawl_stores_every_article_once_per_source(first_crawl: tuple[Path, str]) -> None:
    counts = {r["source_id"]: r["n"] for r in archive_rows(
        first_crawl[0], "SELECT source_id, count(*) AS n FROM articles GROUP BY source_id")}
    assert counts == GOOD_OUTLETS


def test_every_run_is_recorded_ok(first_crawl: tuple[Path, str]) -> None:
    runs = archive_rows(first_crawl[0], "SELECT source_id, status, errors, new_articles, complete "
                                 "FROM crawl_runs ORDER BY source_id")
    assert [(r["source_id"], r["status"], r["errors"]) for r in runs] == [
        (s, "ok", 0) for s in sorted(GOOD_OUTLETS)]
    assert {r["source_id"]: r["new_articles"] for r in runs} == GOOD_OUTLETS


@pytest.mark.parametrize("page", gold_pages(), ids=lambda p: p.id)
def test_archived_article_matches_gold(first_crawl: tuple[Path, str], page: Any) -> None:
    rows = archive_rows(first_crawl[0], "SELECT * FROM articles WHERE canonical_url LIKE ?",
                        [f"%{page.gold['url_path'].split('&section')[0]}%"])
    assert len(rows) == 1, f"{page.id}: expected one archived row, got {len(rows)}"
    row = rows[0]
    assert row["title"] == page.gold["title"]
    assert row["published_at"] == page.gold["published_at"]
    assert row["author"] == page.gold["author"]
    assert bigram_f1(row["body"], str(page.gold["body"]))[2] >= 0.97
    assert "utm_" not in row["canonical_url"]


def test_dates_share_one_offset_so_they_sort_as_text(first_crawl: tuple[Path, str]) -> None:
    rows = archive_rows(first_crawl[0], "SELECT published_at, fetched_at FROM articles")
    assert all(r["published_at"].endswith("+09:00") and r["fetched_at"].endswith("+09:00")
               for r in rows)


def test_second_crawl_fetches_no_article_page(
    crawled: Path, all_outlets: dict[str, OutletServer], cli: Callable[..., Any]
) -> None:
    before = {name: article_hits(s) for name, s in all_outlets.items()}
    done = cli("--config", str(crawled), "crawl")
    assert done.returncode == 0, done.stderr
    after = {name: article_hits(s) for name, s in all_outlets.items()}
    assert after == before, "a second crawl with nothing new fetched article pages"
    runs = archive_rows(crawled, "SELECT new_articles FROM crawl_runs WHERE id > ?",
                        [len(GOOD_OUTLETS)])
    assert [r["new_articles"] for r in runs] == [0] * len(GOOD_OUTLETS)


def test_second_crawl_uses_conditional_get_for_feeds(
    crawled: Path, all_outlets: dict[str, OutletServer], cli: Callable[..., Any]
) -> None:
    cli("--config", str(crawled), "crawl")
    assert all_outlets["medinews"].not_modified["/rss/allArticle.xml"] == 1
    assert all_outlets["healthwp"].not_modified["/feed/"] == 1


def test_list_pagination_stops_at_first_page_with_nothing_new(
    crawled: Path, all_outlets: dict[str, OutletServer], cli: Callable[..., Any]
) -> None:
    medinews = all_outlets["medinews"]
    page1 = "/news/articleList.html?view_type=sm"
    page2 = "/news/articleList.html?view_type=sm&page=2"
    assert medinews.hits[page2] == 1
    # A new article appears at the top of page 1 and in no feed.
    listing = medinews.read("news/articleList.html@view_type=sm") or b""
    medinews.set(page1, body=listing.replace(b"idxno=1012", b"idxno=1013", 1))
    article = medinews.read("news/articleView.html@idxno=1012") or b""
    medinews.set("/news/articleView.html?idxno=1013",
                 body=article.replace(b"idxno=1012", b"idxno=1013").replace(
                     "입니다".encode(), "입니다 (속보)".encode()))
    cli("--config", str(crawled), "crawl", "medinews")
    assert medinews.hits["/news/articleView.html?idxno=1013"] == 1
    assert medinews.hits[page2] == 2, "page 1 had something new, so page 2 is read again"
    cli("--config", str(crawled), "crawl", "medinews")
    assert medinews.hits[page2] == 2, "page 1 had nothing new, so page 2 is not read"


def test_sitemap_family_reads_index_and_news_sitemap(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    healthwp = outlet("healthwp")
    config = write_config({"wpmap": healthwp}, wpmap={"kind": "sitemap"})
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 10


def test_sitemap_family_finds_sitemaps_in_robots_txt(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    healthwp = outlet("healthwp")
    config = write_config({"wpmap": healthwp}, wpmap={"kind": "sitemap", "sitemaps": []})
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    assert healthwp.hits["/robots.txt"] >= 1
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 10


def test_same_article_under_two_urls_is_stored_once(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    medinews = outlet("medinews")
    # A syndicated copy of 1001 under another path, with the same body.
    medinews.set("/copy/1001.html", body=medinews.read("news/articleView.html@idxno=1001"))
    listing = (medinews.read("news/articleList.html@view_type=sm") or b"").replace(
        b"</ul>", b'<li><a href="/copy/1001.html?x=1">copy</a></li></ul>', 1)
    medinews.set("/news/articleList.html?view_type=sm", body=listing)
    config = write_config({"medinews": medinews})
    cli("--config", str(config), "crawl")
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 12


def test_scrapy_crawl_from_repo_root(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path]
) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    medinews = outlet("medinews")
    config = write_config({"medinews": medinews})
    env = {**os.environ, "MEDRADAR_CONFIG": str(config), "PYTHONPATH": str(REPO)}
    scrapy = [sys.executable, "-m", "scrapy"]
    listed = subprocess.run([*scrapy, "list"], cwd=REPO, env=env, capture_output=True, text=True)
    assert listed.stdout.split() == ["google_news", "listing", "naver_news", "ndsoft", "rss",
                                     "sitemap"]
    done = subprocess.run([*scrapy, "crawl", "ndsoft", "-a", "source=medinews", "-L", "WARNING"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 12


def test_crawl_summary_names_each_source(first_crawl: tuple[Path, str]) -> None:
    assert "crawl summary" in first_crawl[1]
    assert all(name in first_crawl[1] for name in GOOD_OUTLETS)


def test_sources_command_shows_last_run(first_crawl: tuple[Path, str],
                                       cli: Callable[..., Any]) -> None:
    done = cli("--config", str(first_crawl[0]), "sources", "--json")
    rows = {r["id"]: r for r in json.loads(done.stdout)}
    assert set(rows) == set(GOOD_OUTLETS)
    assert rows["medinews"]["status"] == "ok"
    assert rows["medinews"]["articles"] == 12


def test_robots_txt_is_obeyed_and_reported(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    medinews = outlet("medinews")
    robots = b"User-agent: *\nDisallow: /news/articleView.html?idxno=1003\n"
    medinews.set("/robots.txt", body=robots, headers={"Content-Type": "text/plain"})
    config = write_config({"medinews": medinews})
    cli("--config", str(config), "crawl")
    assert medinews.hits["/news/articleView.html?idxno=1003"] == 0
    errors = archive_rows(config, "SELECT kind, message FROM crawl_errors")
    assert {"kind": "robots", "message": "article: forbidden by robots.txt"} in errors
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 11


def test_configured_user_agent_reaches_the_outlet(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    medinews = outlet("medinews")
    agent = "medradar-test/1.0 (+https://example.org/contact)"
    config = write_config({"medinews": medinews}, crawl=f'user_agent = "{agent}"\n')
    cli("--config", str(config), "crawl")
    assert set(medinews.user_agents) == {agent}


def test_server_error_then_success_is_retried(
    outlet: Callable[[str], OutletServer], write_config: Callable[..., Path],
    cli: Callable[..., Any]
) -> None:
    medinews = outlet("medinews")
    medinews.set("/news/articleView.html?idxno=1004", fail_first=1)
    config = write_config({"medinews": medinews})
    cli("--config", str(config), "crawl")
    assert medinews.hits["/news/articleView.html?idxno=1004"] == 2
    assert archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"] == 12
    assert archive_rows(config, "SELECT errors FROM crawl_runs")[0]["errors"] == 0
