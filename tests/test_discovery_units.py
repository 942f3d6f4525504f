"""The pure parts of discovery: result formats, queries from rules, quota arithmetic, the SSRF
address rules, outlet hosts, the configuration of discovery sources (issue 15)."""

from __future__ import annotations

import ipaddress
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from alerts.rules import parse_rule, search_query
from crawler.config import trusted_origins
from crawler.netguard import address_problem, is_trusted
from crawler.quota import (
    backoff_until,
    crawl_allowance,
    next_midnight,
    quota_day,
    runs_left_today,
)
from crawler.search_results import (
    interstitial_target,
    naver_error,
    parse_google,
    parse_naver,
    partial_article,
    strip_marks,
)
from monitor.config import parse_config
from monitor.errors import ConfigError
from monitor.logs import redact, update_secrets
from storage.db import open_archive
from storage.discovery import calls_made, reserve_call, set_backoff
from storage.migrations import migrations
from storage.normalize import KST, outlet_host

NAVER_PAGE = {
    "lastBuildDate": "Mon, 23 Nov 2026 11:01:35 +0900", "total": 3, "start": 1, "display": 3,
    "items": [
        {"title": "오송 <b>의료기기</b> 클러스터, &quot;임상 지원&quot; 확대 &amp; 투자",
         "originallink": "https://www.ccdn.co.kr/news/articleView.html?idxno=1&utm_source=naver",
         "link": "https://n.news.naver.com/mnews/article/001/0000000001?sid=102",
         "description": "충북 오송 <b>의료기기</b> 기업 &lt;12곳&gt;이…",
         "pubDate": "Mon, 23 Nov 2026 10:30:00 +0900"},
        {"title": "원주 소식", "originallink": "",
         "link": "https://www.wonju.example/news/7", "description": "", "pubDate": ""},
        {"title": "네이버만", "originallink": "",
         "link": "https://n.news.naver.com/mnews/article/003/0000000009",
         "description": "요약", "pubDate": "Mon, 23 Nov 2026 09:00:00 +0900"},
    ]}


def test_naver_results_lose_marks_and_entities_and_keep_the_publisher_link() -> None:
    page = parse_naver(json.dumps(NAVER_PAGE).encode())
    first, second, third = page.items
    assert (page.total, page.start, page.display) == (3, 1, 3)
    assert first.title == '오송 의료기기 클러스터, "임상 지원" 확대 & 투자'
    assert first.description == "충북 오송 의료기기 기업 <12곳>이…"
    assert first.fetch_url == NAVER_PAGE["items"][0]["originallink"]
    assert first.published_at == "2026-11-23T10:30:00+09:00"
    assert second.fetch_url == "https://www.wonju.example/news/7" and "no originallink" in (
        second.note or "")
    assert second.published_at is None
    assert third.fetch_url is None and "Naver's copy" in (third.note or "")


@pytest.mark.parametrize("body", [b"<html>busy</html>", b'{"total": 1}', b"[]"])
def test_a_naver_answer_that_is_not_its_json_is_refused(body: bytes) -> None:
    from crawler.errors import FeedError

    with pytest.raises(FeedError):
        parse_naver(body)


def test_naver_error_answer_is_read() -> None:
    body = b'{"errorMessage":"Query limit exceeded.","errorCode":"010"}'
    assert naver_error(body) == ("010", "Query limit exceeded.")
    assert naver_error(b"gateway timeout")[0] is None


GOOGLE_RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>
<title>"의료기기" - Google 뉴스</title>
<item><title>케이메디허브, 의료기기 시험 지원 - 대구일보</title>
<link>https://news.google.com/rss/articles/CBMiabc?oc=5</link>
<pubDate>Mon, 23 Nov 2026 01:30:00 GMT</pubDate>
<description>&lt;a href="https://news.google.com/rss/articles/CBMiabc"&gt;케이메디허브, 의료기기
시험 지원&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;대구일보&lt;/font&gt;
</description>
<source url="https://www.idaegu.com">대구일보</source></item>
<item><title>직접 링크 - 매체</title><link>https://outlet.example/a/1</link>
<pubDate>Mon, 23 Nov 2026 02:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_google_results_name_their_publisher_and_need_resolving() -> None:
    first, second = parse_google(GOOGLE_RSS.encode(), "https://news.google.com")
    assert first.title == "케이메디허브, 의료기기 시험 지원"
    assert first.outlet_name == "대구일보" and first.outlet_home == "https://www.idaegu.com"
    assert first.published_at == "2026-11-23T10:30:00+09:00"
    assert first.needs_resolving and first.description == ""
    assert not second.needs_resolving and second.fetch_url == "https://outlet.example/a/1"


@pytest.mark.parametrize(("page", "expected"), [
    (b'<meta http-equiv="refresh" content="0;url=https://outlet.example/n/1">',
     "https://outlet.example/n/1"),
    (b'<div data-n-au="https://outlet.example/n/2"></div>', "https://outlet.example/n/2"),
    (b'<a href="/about">x</a><a href="https://outlet.example/n/3">y</a>',
     "https://outlet.example/n/3"),
    (b"<html><script>/* batchexecute */</script></html>", None),
    (b'<a href="https://a.example/1">a</a><a href="https://b.example/2">b</a>', None),
], ids=["meta-refresh", "data-n-au", "one-outside-link", "javascript-only", "two-links"])
def test_interstitial_target(page: bytes, expected: str | None) -> None:
    url = "https://news.google.com/rss/articles/CBMi1"
    assert interstitial_target(b"<html><body>" + page + b"</body></html>", url,
                               "https://news.google.com") == expected


@pytest.mark.parametrize(("rule", "naver", "google"), [
    ("의료기기 클러스터 -채용", "의료기기 클러스터", "의료기기 클러스터"),
    ('(오송 OR 원주) "첨단의료복합단지"', '오송 | 원주 "첨단의료복합단지"',
     '(오송 OR 원주) "첨단의료복합단지"'),
    ("케이메디허브 OR (대구 AND 의료기기)", "케이메디허브 | 대구 의료기기",
     "(케이메디허브 OR 대구 의료기기)"),
])
def test_queries_from_rules_keep_the_positive_terms(rule: str, naver: str, google: str) -> None:
    tree = parse_rule(rule)
    assert search_query(tree, "naver_news") == naver
    assert search_query(tree, "google_news") == google


def test_strip_marks_handles_double_escaping() -> None:
    assert strip_marks("<b>오송</b> &amp;quot;바이오&amp;quot;") == '오송 "바이오"'


def test_partial_article_is_the_result_itself() -> None:
    fields = partial_article("https://Outlet.example/n/1?utm_source=naver",
                             {"title": "제목", "description": "요약 한 줄",
                              "published_at": "2026-11-23T10:30:00+09:00",
                              "outlet_name": "매체"}, "page not fetched: HTTP 404")
    assert fields["canonical_url"] == "https://outlet.example/n/1"
    assert (fields["body"], fields["partial"], fields["published_from"]) == (
        "요약 한 줄", "page not fetched: HTTP 404", "search")
    assert partial_article("https://o.example/1", {"title": "제목만"}, "x")["body"] == "제목만"


# -- quota ---------------------------------------------------------------------------------

def test_quota_day_is_the_korean_date() -> None:
    late_utc = datetime(2026, 11, 22, 16, 30, tzinfo=KST).astimezone(KST)
    assert quota_day(late_utc) == "2026-11-22"
    assert quota_day(datetime.fromisoformat("2026-11-22T15:30:00+00:00")) == "2026-11-23"
    assert next_midnight(datetime(2026, 11, 22, 23, 59, tzinfo=KST)) == datetime(
        2026, 11, 23, tzinfo=KST)


@pytest.mark.parametrize(("clock", "every", "runs"), [
    ("00:00", "15m", 96), ("12:00", "15m", 48), ("23:50", "15m", 1), ("06:00", "1d", 1),
    ("18:00", "6h", 1), ("17:59", "6h", 2),
])
def test_runs_left_today(clock: str, every: str, runs: int) -> None:
    from monitor.config import parse_duration

    hour, minute = map(int, clock.split(":"))
    now = datetime(2026, 11, 22, hour, minute, tzinfo=KST)
    assert runs_left_today(now, parse_duration(every)) == runs


def test_runs_left_today_on_a_cron_schedule() -> None:
    now = datetime(2026, 11, 22, 20, 0, 30, tzinfo=KST)
    assert runs_left_today(now, timedelta(minutes=15), "0 9,12,21,23 * * *") == 3


def test_the_budget_is_spread_over_the_day() -> None:
    budget, used, calls = 2500, 0, []
    now = datetime(2026, 11, 22, 0, 0, tzinfo=KST)
    while now.date().isoformat() == "2026-11-22":
        allowance = crawl_allowance(budget, used, runs_left_today(now, timedelta(minutes=15)))
        calls.append(allowance)
        used += allowance
        now += timedelta(minutes=15)
    assert used <= budget and used >= budget - 96
    assert max(calls) - min(calls) <= 1, "every crawl of the day gets an even share"
    assert crawl_allowance(10, 10, 5) == 0 and crawl_allowance(10, 9, 50) == 1


def test_backoff_after_429() -> None:
    now = datetime(2026, 11, 22, 15, 0, tzinfo=KST)
    until, why = backoff_until(now, "010", None, 0)
    assert until == datetime(2026, 11, 23, 0, 1, tzinfo=KST) and why == "daily quota exceeded"
    assert backoff_until(now, "012", 30, 3)[0] == now + timedelta(seconds=30)
    assert backoff_until(now, None, None, 0)[0] == now + timedelta(minutes=1)
    assert backoff_until(now, None, None, 2)[0] == now + timedelta(minutes=4)
    assert backoff_until(now, None, None, 20)[0] == now + timedelta(hours=1)


def test_reserving_calls_never_goes_past_the_budget(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "a.db")
    granted = [reserve_call(archive, "naver", "2026-11-22", 3) for _ in range(5)]
    assert granted == [True, True, True, False, False]
    assert calls_made(archive, "naver", "2026-11-22") == 3
    assert reserve_call(archive, "naver", "2026-11-23", 3), "a new day has a new budget"
    archive.close()


def test_metrics_count_search_api_calls(tmp_path: Path) -> None:
    from monitor.web import archive_metrics
    from storage.health import metric_rows

    archive = open_archive(tmp_path / "a.db")
    for day in ("2026-11-22", "2026-11-23"):
        reserve_call(archive, "naver", day, 5)
    families = {f.name: f for f in archive_metrics(metric_rows(archive), 0)}
    archive.close()
    samples = families["medradar_search_api_calls"].samples
    assert [(s.labels, s.value) for s in samples if s.name.endswith("_total")] == [
        ({"source": "naver"}, 2.0)]


def test_the_daemon_pauses_a_source_that_may_make_no_call(tmp_path: Path) -> None:
    from monitor.discovery_view import pause_reason

    config = parse_config(DISCOVERY_TOML)
    source = config.source("naver")
    archive = open_archive(tmp_path / "a.db")
    now = datetime.now(KST)
    assert pause_reason(archive, source, now) is None
    set_backoff(archive, "naver", (now + timedelta(hours=1)).isoformat(timespec="seconds"),
                "daily quota exceeded: naver_news API: HTTP 429")
    assert "backing off until" in (pause_reason(archive, source, now) or "")
    set_backoff(archive, "naver", (now - timedelta(seconds=1)).isoformat(timespec="seconds"),
                "over")
    for _ in range(source.daily_budget):
        reserve_call(archive, "naver", quota_day(now), source.daily_budget)
    assert "budget of 3 calls is spent" in (pause_reason(archive, source, now) or "")
    archive.close()


# -- SSRF ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "problem"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("172.16.0.9", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"), ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "private"),
    ("240.0.0.1", "private"), ("100.64.0.1", "not globally routable"), ("224.0.0.1", "multicast"),
    ("fd00::1", "private"), ("8.8.8.8", None), ("2001:4860:4860::8888", None),
])
def test_address_rules(address: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_configured_hosts_are_trusted_by_host_and_port() -> None:
    config = parse_config(DISCOVERY_TOML + """
[[sources]]
id = "bosa"
name = "의학신문"
kind = "ndsoft"
url = "https://www.bosa.co.kr"
""")
    trusted = trusted_origins(config.sources)
    assert is_trusted("https://bosa.co.kr/news/articleView.html?idxno=1", trusted)
    assert is_trusted("http://www.bosa.co.kr/x", trusted)
    assert is_trusted("http://127.0.0.1:9/v1/search/news.json", trusted)
    assert not is_trusted("http://127.0.0.1:9464/metrics", trusted)
    assert not is_trusted("http://169.254.169.254/latest/meta-data/", trusted)


# -- configuration ---------------------------------------------------------------------------

DISCOVERY_TOML = """
[[rules]]
id = "cluster"
query = "의료기기 클러스터"

[[sources]]
id = "naver"
name = "네이버 뉴스"
kind = "naver_news"
api_url = "http://127.0.0.1:9"
client_id = "client-id-1234"
client_secret = "client-secret-5678"
daily_budget = 3
"""


def test_discovery_keys_stay_out_of_dumps_reprs_and_logs() -> None:
    config = parse_config(DISCOVERY_TOML)
    source = config.source("naver")
    assert "client_secret" not in source.model_dump() and "client_id" not in source.model_dump()
    assert "client-secret-5678" not in repr(source)
    assert {"client-id-1234", "client-secret-5678"} <= set(config.secrets())
    update_secrets(config.secrets())
    try:
        assert redact("header client-secret-5678 sent") == "header *** sent"
    finally:
        update_secrets([])


@pytest.mark.parametrize(("change", "needle"), [
    ('client_secret = "client-secret-5678"\n', "needs client_id and client_secret"),
    ('daily_budget = 3\n', ""),
])
def test_naver_needs_its_keys(change: str, needle: str) -> None:
    text = DISCOVERY_TOML.replace(change, "")
    if not needle:
        parse_config(text)
        return
    with pytest.raises(ConfigError, match=needle):
        parse_config(text)


@pytest.mark.parametrize(("toml", "needle"), [
    (DISCOVERY_TOML + 'feeds = ["https://x.example/rss"]\n', "does not use feeds"),
    (DISCOVERY_TOML.replace("[[rules]]\nid = \"cluster\"\nquery = \"의료기기 클러스터\"\n", ""),
     "needs queries, or \\[\\[rules\\]\\]"),
    (DISCOVERY_TOML + 'window = "soon"\n', "not a duration"),
    (DISCOVERY_TOML + "page_size = 101\n", "page_size"),
    (DISCOVERY_TOML + 'queries = [" "]\n', "a query is empty"),
    ('[[sources]]\nid = "g"\nname = "g"\nkind = "google_news"\nqueries = ["a"]\n'
     'client_id = "x"\n', "only for kind 'naver_news'"),
    ('[[sources]]\nid = "r"\nname = "r"\nkind = "rss"\nfeeds = ["https://x.example/f"]\n'
     'queries = ["a"]\n', "only for kinds naver_news and google_news"),
    (DISCOVERY_TOML.replace("daily_budget = 3", "daily_budget = 20000")
     + DISCOVERY_TOML.split("[[sources]]")[1].join(["[[sources]]", ""]).replace(
         'id = "naver"', 'id = "naver2"').replace("daily_budget = 3", "daily_budget = 6000"),
     "share one Naver application"),
], ids=["feeds", "no-queries", "window", "page-size", "empty-query", "google-keys",
        "rss-queries", "shared-quota"])
def test_discovery_config_errors(toml: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        parse_config(toml)


def test_google_news_needs_no_keys_and_defaults_to_google() -> None:
    config = parse_config('[[sources]]\nid = "g"\nname = "구글 뉴스"\nkind = "google_news"\n'
                          'queries = ["케이메디허브"]\n')
    assert config.source("g").api_base == "https://news.google.com"


# -- archive -------------------------------------------------------------------------------

def test_outlet_host() -> None:
    assert outlet_host("https://www.bosa.co.kr/news/1") == "bosa.co.kr"
    assert outlet_host("http://m.Kado.net:8080/a") == "kado.net:8080"
    assert outlet_host("https://bosa.co.kr:443/") == "bosa.co.kr"


def test_m006_fills_in_the_outlet_of_archived_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m006_discovery")
    db.execute("INSERT INTO sources (id, name, kind) VALUES ('bosa', '의학신문', 'ndsoft')")
    db.execute("INSERT INTO articles (source_id, url, canonical_url, title, fetched_at, "
               "body_chars, content_hash, fingerprint, body) VALUES ('bosa', 'u', "
               "'https://www.bosa.co.kr/news/articleView.html?idxno=5', 't', 'now', 1, 'h', "
               "'f', 'b')")
    db.conn.commit()
    db.close()
    archive = open_archive(path)
    row = next(archive.db.query("SELECT outlet_host, outlet_name, partial FROM articles"))
    assert row == {"outlet_host": "bosa.co.kr", "outlet_name": "의학신문", "partial": None}
    archive.close()
