"""Discovery beyond the configured outlets: Naver News search and Google News RSS (issue 15).

A Naver news API and a Google News RSS server on 127.0.0.1 answer in the documented formats
(tests/support/search_servers.py) over generated outlets on 127.0.0.1; every crawl is the real
CLI into a real archive. The outlets all live on 127.0.0.1, so these tests set
``allow_private_networks = true``, except the ones that prove the SSRF guard.
"""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.quota import next_midnight, quota_day
from tests.conftest import run_cli
from tests.support.outlet_server import OutletServer
from tests.support.receiver import Receiver
from tests.support.search_servers import (
    KST,
    GeneratedOutlet,
    GoogleNews,
    NaverApi,
    NewsWorld,
    Story,
)
from tests.test_crawl import archive_rows

CLIENT_ID = "medradar-client-7d6c5b"
SECRET = "s3cr3t-Naver-key-9f8e1a"
ENV = {"NAVER_CLIENT_ID": CLIENT_ID, "NAVER_CLIENT_SECRET": SECRET}
OPEN = "allow_private_networks = true\n"
RULE = '[[rules]]\nid = "cluster"\nname = "클러스터"\nquery = "의료기기 클러스터"\n'


@pytest.fixture
def world(tmp_path: Path) -> Iterator[NewsWorld]:
    """Generated outlets on 127.0.0.1 and the news they publish; stopped after the test."""
    news = NewsWorld(tmp_path / "world")
    yield news
    news.stop()


@pytest.fixture
def naver(world: NewsWorld) -> Iterator[NaverApi]:
    """Naver's news search over the world, with this test's keys."""
    api = NaverApi(world, CLIENT_ID, SECRET)
    yield api
    api.stop()


@pytest.fixture
def google(world: NewsWorld) -> Iterator[GoogleNews]:
    """Google News RSS over the world."""
    server = GoogleNews(world)
    yield server
    server.stop()


def publish(outlet: GeneratedOutlet, count: int, topic: str = "의료기기 클러스터",
            first_hour: int = 0, label: str = "") -> list[Story]:
    """``count`` articles about ``topic``, one an hour back from the test's clock."""
    now = datetime.now(KST).replace(microsecond=0)
    stories = []
    for i in range(count):
        hour = first_hour + i
        title = f'{label}{outlet.name} "{topic}" 소식 {hour}호 & 후속'
        body = (f"{topic} 관련 {label}기업 {hour}곳이 공동 임상 지원 체계를 마련했다고 "
                f"{outlet.name}이 전했다.\n재단 관계자는 장비 공유 사업이 내년에도 이어진다고 "
                "설명했다. 참여 기업들은 시제품 평가와 인허가 상담을 함께 받게 된다.")
        stories.append(outlet.add(title, body, now - timedelta(hours=hour, minutes=1)))
    return stories


def configure(folder: Path, api: Any, kind: str = "naver_news", crawl: str = OPEN,
              rules: str = RULE, extra: str = "", **source: Any) -> Path:
    """A config with one discovery source ``found`` (and rules, extra tables)."""
    name = "네이버 뉴스" if kind == "naver_news" else "구글 뉴스"
    lines = ["[[sources]]", 'id = "found"', f'name = "{name}"', f'kind = "{kind}"',
             f'api_url = "{api.origin}"']
    if kind == "naver_news":
        lines += ['client_id = "${NAVER_CLIENT_ID}"', 'client_secret = "${NAVER_CLIENT_SECRET}"']
    lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in source.items()]
    text = (f'[archive]\npath = "archive.db"\n\n[crawl]\ndelay = 0\ntimeout = 5\nretries = 1\n'
            f"retry_backoff = 0\nextract_workers = 1\n{crawl}\n{rules}\n"
            + "\n".join(lines) + "\n" + extra)
    path = folder / "medradar.toml"
    path.write_text(text, "utf-8")
    return path


def crawl(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One ``medradar crawl``, which must succeed."""
    done = run_cli("--config", str(config), "crawl", *args, env=ENV)
    assert done.returncode == 0, done.stderr
    return done


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Another medradar command, which must succeed."""
    done = run_cli("--config", str(config), *args, env=ENV)
    assert done.returncode == 0, done.stderr
    return done


def results(config: Path) -> dict[str, dict[str, Any]]:
    """The discovered rows by link."""
    return {row["link"]: row for row in archive_rows(config, "SELECT * FROM discovered")}


def page_hits(outlets: list[GeneratedOutlet]) -> dict[str, int]:
    """Article pages fetched, by path and outlet."""
    return {f"{o.name}{path}": n for o in outlets for path, n in o.server.hits.items()
            if "articleView" in path}


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (a dead outlet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- Naver: paging, results, outlets ---------------------------------------------------------

def test_naver_pages_newest_first_and_stores_each_outlets_article(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    a, b = world.outlet("충청매일"), world.outlet("강원도민일보")
    stories = publish(a, 6) + publish(b, 6, first_hour=6)
    publish(a, 3, topic="반도체 공장", first_hour=20)
    config = configure(tmp_path, naver, page_size=5, max_pages=5)
    crawl(config)
    calls = naver.search_calls()
    assert [(c["start"], c["display"], c["sort"], c["keys_ok"]) for c in calls] == [
        (1, 5, "date", True), (6, 5, "date", True), (11, 5, "date", True)]
    assert {c["query"] for c in calls} == {"의료기기 클러스터"}, "one query per rule"
    rows = archive_rows(config, "SELECT * FROM articles ORDER BY published_at DESC")
    assert [r["title"] for r in rows] == [s.title for s in stories]
    assert rows[0]["title"].startswith('충청매일 "의료기기 클러스터"') and "&" in rows[0]["title"]
    assert "<b>" not in rows[0]["title"] and "&quot;" not in rows[0]["title"]
    assert {(r["outlet_host"], r["outlet_name"]) for r in rows} == {
        (a.server.origin.removeprefix("http://"), "충청매일"),
        (b.server.origin.removeprefix("http://"), "강원도민일보")}
    assert all(r["partial"] is None and r["source_id"] == "found" for r in rows)
    assert rows[0]["published_at"] == stories[0].published.isoformat()
    assert {r["outcome"] for r in results(config).values()} == {"new"}

    fresh = publish(b, 2, label="속보 ")
    crawl(config)
    assert [c["start"] for c in naver.search_calls()[3:]] == [1], \
        "the walk stops at a result seen before"
    assert len(archive_rows(config, "SELECT id FROM articles")) == 14
    assert {s.title for s in fresh} <= {r["title"] for r in archive_rows(
        config, "SELECT title FROM articles")}
    assert set(page_hits([a, b]).values()) == {1}, "no page fetched twice"


def test_queries_default_to_one_per_rule(world: NewsWorld, naver: NaverApi,
                                         tmp_path: Path) -> None:
    outlet = world.outlet("중부매일")
    publish(outlet, 2, topic="오송 첨단의료복합단지")
    publish(outlet, 2, topic="의료기기 클러스터", first_hour=2)
    rules = (RULE.replace("의료기기 클러스터", "의료기기 클러스터 -채용")
             + '\n[[rules]]\nid = "osong"\nquery = \'(오송 OR 원주) "첨단의료복합단지"\'\n')
    config = configure(tmp_path, naver, rules=rules)
    crawl(config)
    assert {c["query"] for c in naver.search_calls()} == {
        "의료기기 클러스터", '오송 | 원주 "첨단의료복합단지"'}
    assert len(archive_rows(config, "SELECT id FROM articles")) == 4


def test_a_result_found_by_two_queries_is_fetched_once_and_says_so(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("경북일보")
    stories = publish(outlet, 3)
    config = configure(tmp_path, naver, queries=["의료기기", "클러스터"])
    crawl(config)
    assert len(naver.search_calls()) == 2
    assert set(page_hits([outlet]).values()) == {1}
    found = results(config)
    assert {found[s.url]["queries"] for s in stories} == {"의료기기 | 클러스터"}
    assert len(archive_rows(config, "SELECT id FROM articles")) == 3


# -- bad input -----------------------------------------------------------------------------

def test_bad_results_each_get_a_clear_record_and_partial_articles_still_alert(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("대전일보")
    good, no_original, naver_only, pdf, dead, missing, empty = publish(outlet, 7)
    naver.overrides[no_original.url] = {"originallink": "", "link": no_original.url}
    naver.overrides[naver_only.url] = {"originallink": "",
                                       "link": "https://n.news.naver.com/mnews/article/001/42"}
    pdf.link = outlet.server.url("/files/report.pdf")
    outlet.server.set("/files/report.pdf", body=b"%PDF-1.4 ...",
                      headers={"Content-Type": "application/pdf"})
    dead.link = f"http://127.0.0.1:{closed_port()}/news/articleView.html?idxno=9"
    missing.link = outlet.server.url("/news/articleView.html?idxno=999")
    empty.link = outlet.server.url("/empty.html")
    outlet.server.set("/empty.html", body=b"<html><head><title>x</title></head><body>"
                                          b"<nav><a href='/'>home</a></nav></body></html>")
    with Receiver() as receiver:
        extra = f'[[channels]]\nid = "hook"\nkind = "webhook"\nurl = "{receiver.url()}"\n'
        rules = RULE + 'channels = ["hook"]\n'
        config = configure(tmp_path, naver, rules=rules, extra=extra)
        crawl(config)
        sent = [r.json() for r in receiver.received]
    found = results(config)
    expected = {
        good.url: ("new", None),
        no_original.url: ("new", "no originallink: the result's link is the outlet's"),
        "https://n.news.naver.com/mnews/article/001/42": ("partial", "Naver's copy"),
        pdf.link: ("partial", "not an HTML page (application/pdf)"),
        dead.link: ("partial", "Connection refused"),
        missing.link: ("partial", "page not fetched: HTTP 404"),
        empty.link: ("partial", "extract: no article body found"),
    }
    for link, (outcome, reason) in expected.items():
        row = found[link]
        assert row["outcome"] == outcome, (link, row)
        assert (reason or "") in (row["reason"] or ""), (link, row["reason"])
    partial = archive_rows(config, "SELECT * FROM articles WHERE partial IS NOT NULL")
    assert len(partial) == 5
    assert all(p["published_from"] == "search" and p["body"].startswith("의료기기 클러스터")
               for p in partial)
    assert not any("naver.com" in u for u in outlet.server.hits), "Naver's copy is never asked"
    titles = {a["article"]["title"]: a["article"] for message in sent
              for a in message["alerts"]}
    assert len(titles) == 7, "an alert goes out for partial articles too"
    assert "[검색 결과 요약만: page not fetched: HTTP 404]" in titles[missing.title]["snippet"]
    assert titles[good.title]["source_name"] == "대전일보 (네이버 뉴스)"
    run = archive_rows(config, "SELECT * FROM crawl_runs")[0]
    assert (run["status"], run["new_articles"], run["errors"]) == ("ok", 7, 0)
    shown = cli(config, "sources", "found").stdout
    assert "partial    127.0.0.1" in shown and "(page not fetched: HTTP 404)" in shown


# -- keys, quota, backoff ------------------------------------------------------------------

def test_an_expired_key_is_a_clear_error_and_no_secret_leaks(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    publish(world.outlet("충청투데이"), 2)
    naver.expired = True
    config = configure(tmp_path, naver)
    done = crawl(config, "-vv")
    errors = archive_rows(config, "SELECT * FROM crawl_errors")
    assert [e["kind"] for e in errors] == ["blocked"]
    message = errors[0]["message"]
    assert "HTTP 401 NID AUTH Result Invalid (1000)" in message and "errorCode 024" in message
    assert "check client_id and client_secret" in message
    run = archive_rows(config, "SELECT * FROM crawl_runs")[0]
    assert (run["status"], run["blocked"]) == ("failed", 1)
    status = cli(config, "status", "--json")
    sources = cli(config, "sources", "--json")
    for text in (done.stdout, done.stderr, status.stdout, sources.stdout, status.stderr):
        assert SECRET not in text and CLIENT_ID not in text
    archive = b"".join(p.read_bytes() for p in tmp_path.glob("archive.db*"))
    assert SECRET.encode() not in archive and CLIENT_ID.encode() not in archive
    assert "client_secret" not in archive_rows(config, "SELECT config FROM sources")[0]["config"]


def test_a_429_backs_off_until_the_quota_resets_and_resumes_at_the_same_place(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("인천일보")
    publish(outlet, 12)
    naver.quota = 2
    config = configure(tmp_path, naver, page_size=5, max_pages=5)
    before = datetime.now(KST)
    crawl(config)
    assert [c["start"] for c in naver.search_calls()] == [1, 6, 11]
    assert len(archive_rows(config, "SELECT id FROM articles")) == 10
    state = archive_rows(config, "SELECT * FROM discovery_state")[0]
    assert datetime.fromisoformat(state["backoff_until"]) >= next_midnight(before)
    assert state["backoff_reason"].startswith("daily quota exceeded")
    cursor = archive_rows(config, "SELECT * FROM discovery_cursor")
    assert [(c["query"], c["next_start"]) for c in cursor] == [("의료기기 클러스터", 11)]
    error = archive_rows(config, "SELECT * FROM crawl_errors")[0]
    assert error["kind"] == "quota" and "HTTP 429 Query limit exceeded" in error["message"]
    assert "errorCode 010" in error["message"] and "no calls until" in error["message"]
    assert sum(r["refused"] for r in archive_rows(config, "SELECT * FROM api_calls")) == 1
    assert "backing off until" in cli(config, "status").stdout

    crawl(config)
    assert len(naver.search_calls()) == 3, "no call while backing off"
    held = archive_rows(config, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    assert (held["status"], held["stop_reason"]) == ("ok", "backoff")

    # The quota is back (the day turned): the walk goes on where the 429 stopped it.
    past = (datetime.now(KST) - timedelta(minutes=1)).isoformat(timespec="seconds")
    archive_db = __import__("sqlite_utils").Database(tmp_path / "archive.db")
    archive_db.execute("UPDATE discovery_state SET backoff_until = ?", [past])
    archive_db.conn.commit()
    archive_db.close()
    naver.quota = None
    crawl(config)
    assert [c["start"] for c in naver.search_calls()[3:]] == [1, 11]
    assert len(archive_rows(config, "SELECT id FROM articles")) == 12
    assert archive_rows(config, "SELECT * FROM discovery_cursor") == []
    assert set(page_hits([outlet]).values()) == {1}
    assert archive_rows(config, "SELECT backoffs FROM discovery_state")[0]["backoffs"] == 0


def test_the_daily_budget_is_never_exceeded_and_status_says_what_is_left(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("기호일보")
    publish(outlet, 12)
    config = configure(tmp_path, naver, page_size=5, max_pages=5, daily_budget=2, every="1d")
    crawl(config)
    crawl(config)
    per_day = archive_rows(config, "SELECT * FROM api_calls")
    assert all(row["calls"] <= 2 for row in per_day)
    assert len(naver.search_calls()) == sum(row["calls"] for row in per_day)
    first = archive_rows(config, "SELECT * FROM crawl_runs ORDER BY id")[0]
    assert (first["status"], first["stop_reason"]) == ("ok", "quota")
    assert archive_rows(config, "SELECT next_start, reason FROM discovery_cursor") == [
        {"next_start": 11, "reason": "quota"}]
    quota = json.loads(cli(config, "status", "--json").stdout)["sources"][0]["quota"]
    today = [r["calls"] for r in per_day if r["day"] == quota_day(datetime.now(KST))]
    assert quota["calls_today"] == (today[0] if today else 0)
    assert quota["budget"] == 2 and quota["calls_left"] == 2 - quota["calls_today"]
    table = cli(config, "status").stdout
    assert f"{quota['calls_today']}/2 calls today, {quota['calls_left']} left" in table
    listed = json.loads(cli(config, "sources", "--json").stdout)[0]["discovery"]
    assert listed["items_seen"] == 10 and listed["articles_found"] == 10
    assert listed["outlets"] == 1 and listed["top_outlets"][0]["name"] == "기호일보"
    assert listed["walks_open"] == [{"query": "의료기기 클러스터", "next_start": 11,
                                     "reason": "quota"}]
    shown = cli(config, "sources").stdout
    assert "10 results, 10 articles, 1 outlets" in shown and "calls today" in shown
    detail = cli(config, "sources", "found").stdout
    assert "open walk: '의료기기 클러스터' resumes at result 11 (quota)" in detail
    assert "기호일보" in detail.split("outlets found:")[1]


# -- Google News ---------------------------------------------------------------------------

def test_google_news_links_are_resolved_to_the_outlet_before_fetching(
        world: NewsWorld, google: GoogleNews, tmp_path: Path) -> None:
    a, b = world.outlet("대구일보"), world.outlet("경북일보")
    stories = publish(a, 3) + publish(b, 2, first_hour=3)
    google.hops = 2  # one redirect inside Google, then one to the outlet
    stuck = stories[-1]
    google.interstitial.add(google.article_id(stuck))
    config = configure(tmp_path, google, kind="google_news", queries=["의료기기 클러스터"])
    crawl(config)
    rows = archive_rows(config, "SELECT * FROM articles ORDER BY published_at DESC")
    assert [r["title"] for r in rows] == [s.title for s in stories[:-1]], \
        "titles without ' - 매체'; the unresolved link is not stored"
    assert all(r["canonical_url"].startswith((a.server.origin, b.server.origin)) for r in rows)
    assert {r["outlet_name"] for r in rows} == {"대구일보", "경북일보"}
    found = {r["title"]: r for r in results(config).values()}
    assert found[stories[0].title]["url"] == stories[0].url
    assert found[stories[0].title]["outlet_name"] == "대구일보"
    assert found[stuck.title]["outcome"] == "unresolved"
    assert "neither redirects nor names the outlet's URL" in found[stuck.title]["reason"]
    calls = [c["path"] for c in google.calls if c["path"] != "/robots.txt"]
    assert calls[0].startswith("/rss/search?q=") and "hl=ko&gl=KR&ceid=KR%3Ako" in calls[0]
    assert sum(c["calls"] for c in archive_rows(config, "SELECT calls FROM api_calls")) == \
        len(calls), "every call to Google is counted"

    crawl(config)
    again = {r["title"]: r for r in results(config).values()}
    assert again[stuck.title]["attempts"] == 2, "an unresolved link is tried again"
    assert set(page_hits([a, b]).values()) == {1}


# -- SSRF ----------------------------------------------------------------------------------

def test_results_pointing_inside_are_refused_when_private_networks_are_not_allowed(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("충청일보")
    metrics, lan, cloud, local, on_outlet = publish(outlet, 5)
    with OutletServer(tmp_path / "metrics") as daemon:
        daemon.set("/metrics", body=b"medradar_articles_total 1")
        metrics.link = daemon.url("/metrics")
        lan.link = "http://10.1.2.3/news/articleView.html?idxno=1"
        cloud.link = "http://169.254.169.254/latest/meta-data/iam/security-credentials/"
        local.link = f"http://localhost:{daemon.origin.rsplit(':', 1)[1]}/admin"
        config = configure(tmp_path, naver, crawl="")
        crawl(config)
        assert daemon.hits == {}, "nothing reached the daemon's own port"
    found = results(config)
    expected = {metrics.link: "127.0.0.1, a loopback address",
                lan.link: "10.1.2.3, a private address",
                cloud.link: "169.254.169.254, a link-local address",
                local.link: "localhost resolves to",
                on_outlet.url: "127.0.0.1, a loopback address"}
    for link, reason in expected.items():
        assert found[link]["outcome"] == "blocked", (link, found[link])
        assert reason in found[link]["reason"] and "allow_private_networks" in \
            found[link]["reason"]
    assert archive_rows(config, "SELECT id FROM articles") == [], "no alert for any of them"
    assert outlet.server.hits == {}
    kinds = {e["kind"] for e in archive_rows(config, "SELECT kind FROM crawl_errors")}
    assert kinds == {"blocked"}
    assert len(naver.search_calls()) == 1, "the configured API itself stays trusted"


def test_a_google_link_that_redirects_inside_is_refused_after_the_redirect(
        world: NewsWorld, google: GoogleNews, tmp_path: Path) -> None:
    outlet = world.outlet("매일신문")
    story, = publish(outlet, 1)
    config = configure(tmp_path, google, kind="google_news", crawl="",
                       queries=["의료기기 클러스터"])
    crawl(config)
    row = results(config)[next(iter(results(config)))]
    assert row["outcome"] == "blocked" and row["url"] == story.url
    assert "loopback address" in row["reason"]
    assert any(c["path"].startswith("/rss/articles/") for c in google.calls)
    assert outlet.server.hits == {}


def test_a_configured_outlet_stays_trusted_but_its_redirects_are_checked(
        outlet: Any, write_config: Any) -> None:
    medinews = outlet("medinews")
    medinews.set("/news/articleView.html?idxno=1001", status=302,
                 headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    config = write_config({"medinews": medinews})
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    errors = archive_rows(config, "SELECT * FROM crawl_errors WHERE kind = 'blocked'")
    assert len(errors) == 1 and "169.254.169.254, a link-local address" in errors[0]["message"]
    assert errors[0]["url"] == "http://169.254.169.254/latest/meta-data/"
    assert len(archive_rows(config, "SELECT id FROM articles")) == 11, \
        "the configured outlet on 127.0.0.1 is crawled as before"


# -- the same article from a configured outlet and from discovery ----------------------------

def test_an_article_a_configured_outlet_also_brings_is_stored_and_alerted_once(
        world: NewsWorld, naver: NaverApi, tmp_path: Path) -> None:
    outlet = world.outlet("헬스코리아뉴스")
    stories = publish(outlet, 3)
    for story in stories:  # Naver's originallink carries tracking parameters
        story.link = story.url + "&utm_source=naver&utm_medium=news"
    ndsoft = f'\n[[sources]]\nid = "hkn"\nname = "헬스코리아뉴스"\nkind = "ndsoft"\n' \
             f'url = "{outlet.server.origin}"\n'
    with Receiver() as receiver:
        extra = ndsoft + ('\n[[channels]]\nid = "hook"\nkind = "webhook"\n'
                          f'url = "{receiver.url()}"\n')
        config = configure(tmp_path, naver, rules=RULE + 'channels = ["hook"]\n', extra=extra)
        crawl(config, "hkn")
        crawl(config, "found")
        later = publish(outlet, 1, label="후속 ")[0]
        later.link = later.url + "&utm_source=naver"
        crawl(config, "found")
        crawl(config, "hkn")
        together = publish(outlet, 1, label="동시 ")[0]
        crawl(config)  # both at once: both may fetch the page; it is stored once
        titles = [a["article"]["title"] for r in receiver.received
                  for a in r.json()["alerts"]]
    articles = archive_rows(config, "SELECT * FROM articles")
    assert len(articles) == 5 and len(titles) == 5 and len(set(titles)) == 5
    assert len(archive_rows(config, "SELECT * FROM matches")) == 5
    by_source = {a["title"]: a["source_id"] for a in articles}
    assert {by_source[s.title] for s in stories} == {"hkn"}
    assert by_source[later.title] == "found"
    found = results(config)
    assert {found[s.link]["outcome"] for s in stories} == {"known"}
    assert all(found[s.link]["article_id"] for s in stories)
    hits = page_hits([outlet])
    assert hits.pop(f"{outlet.name}/news/articleView.html?idxno={together.idxno}") <= 2
    assert set(hits.values()) == {1}, "one after the other, no article page is fetched twice"


# -- outlets in search ---------------------------------------------------------------------

def test_search_shows_and_groups_by_outlet(world: NewsWorld, naver: NaverApi,
                                           tmp_path: Path) -> None:
    a, b = world.outlet("충청매일"), world.outlet("대구일보")
    publish(a, 3)
    publish(b, 1, first_hour=3)
    config = configure(tmp_path, naver)
    crawl(config)
    groups = json.loads(cli(config, "search", "클러스터", "--by-outlet", "--format",
                            "json").stdout)
    assert [(g["outlet_name"], g["articles"], g["sources"]) for g in groups] == [
        ("충청매일", 3, "found"), ("대구일보", 1, "found")]
    host = a.server.origin.removeprefix("http://")
    hits = json.loads(cli(config, "search", "클러스터", "--outlet", host, "--format",
                          "json").stdout)
    assert len(hits) == 3 and {h["outlet_host"] for h in hits} == {host}
    assert "충청매일" in cli(config, "search", "클러스터").stdout
