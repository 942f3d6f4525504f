"""Bad input never stops the crawl of other sources, is recorded, and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_config, run_cli
from tests.support.outlet_server import OutletServer
from tests.test_crawl import archive_rows

TEN_MB = b"<html><body>" + b"<p>" + "가".encode() * 3_500_000 + b"</p></body></html>"
BROKEN_ARTICLES = {
    "/news/articleView.html?idxno=1001": {"status": 500, "body": b"oops"},
    "/news/articleView.html?idxno=1002": {"redirect_loop": True},
    "/news/articleView.html?idxno=1003": {"body": TEN_MB},
    "/news/articleView.html?idxno=1004": {"body": b"%PDF-1.4 ...",
                                          "headers": {"Content-Type": "application/pdf"}},
    "/news/articleView.html?idxno=1005": {"delay": 4.0, "body": b"<html>late</html>"},
}


@pytest.fixture(scope="module")
def bad_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One crawl of a broken outlet, a misbehaving one and a healthy one; then a second."""
    broken, medinews, gyeongnam = (OutletServer(n).start()
                                   for n in ("broken", "medinews", "gyeongnam"))
    for path, answer in BROKEN_ARTICLES.items():
        medinews.set(path, **answer)
    folder = tmp_path_factory.mktemp("bad")
    config = make_config(
        folder, {"broken": broken, "nolink": broken, "medinews": medinews,
                 "gyeongnam": gyeongnam},
        crawl="max_page_bytes = 5000000\n",
        nolink={"kind": "rss", "feeds": ["/rss/nolink.xml"]},
    )
    text = config.read_text("utf-8").replace("timeout = 10", "timeout = 2")
    config.write_text(text, "utf-8")
    first = run_cli("--config", str(config), "crawl")
    for path in BROKEN_ARTICLES:
        medinews.clear(path)
    second = run_cli("--config", str(config), "crawl")
    yield {"config": config, "first": first, "second": second, "medinews": medinews}
    for server in (broken, medinews, gyeongnam):
        server.stop()


def errors_of(config: Path, source: str, run_id: int | None = None) -> list[dict[str, Any]]:
    """The crawl_errors rows of a source's first run (or of run_id)."""
    sql = ("SELECT e.* FROM crawl_errors e JOIN crawl_runs r ON r.id = e.run_id "
           "WHERE e.source_id = ? AND r.id = coalesce(?, (SELECT min(id) FROM crawl_runs "
           "WHERE source_id = ?)) ORDER BY e.id")
    return archive_rows(config, sql, [source, run_id, source])


def test_crawl_with_bad_sources_exits_zero(bad_crawl: dict[str, Any]) -> None:
    assert bad_crawl["first"].returncode == 0, bad_crawl["first"].stderr


def test_healthy_source_is_unaffected(bad_crawl: dict[str, Any]) -> None:
    rows = archive_rows(bad_crawl["config"], "SELECT count(*) AS n FROM articles "
                                             "WHERE source_id = 'gyeongnam'")
    assert rows[0]["n"] == 10


@pytest.mark.parametrize(
    ("idxno", "expected"),
    [
        ("1001", "HTTP 500"),
        ("1002", "redirect"),
        ("1003", "larger than the download size limit"),
        ("1004", "not an HTML page (application/pdf)"),
        ("1005", "timed out"),
    ],
    ids=["http-500", "redirect-loop", "ten-mb-page", "pdf", "timeout"],
)
def test_each_bad_article_is_recorded_with_a_clear_message(
    bad_crawl: dict[str, Any], idxno: str, expected: str
) -> None:
    messages = [e["message"] for e in errors_of(bad_crawl["config"], "medinews")
                if e["url"] and e["url"].endswith(f"idxno={idxno}")]
    assert messages, f"no error recorded for idxno={idxno}"
    assert any(expected in m for m in messages), messages


def test_misbehaving_source_keeps_its_good_articles(bad_crawl: dict[str, Any]) -> None:
    first_run = archive_rows(bad_crawl["config"], "SELECT * FROM crawl_runs WHERE "
                             "source_id = 'medinews' ORDER BY id LIMIT 1")[0]
    assert first_run["status"] == "partial"
    assert first_run["new_articles"] == 7


def test_next_crawl_picks_up_what_was_missed(bad_crawl: dict[str, Any]) -> None:
    rows = archive_rows(bad_crawl["config"], "SELECT count(*) AS n FROM articles "
                                             "WHERE source_id = 'medinews'")
    assert rows[0]["n"] == 12


@pytest.mark.parametrize(
    ("url_end", "expected"),
    [
        ("/rss/allArticle.xml", "malformed feed XML"),
        ("idxno=9002", "no article body found"),
        ("idxno=9005", "HTTP 404"),
    ],
    ids=["malformed-feed", "empty-body", "missing-page"],
)
def test_broken_outlet_errors_are_recorded(bad_crawl: dict[str, Any], url_end: str,
                                           expected: str) -> None:
    messages = [e["message"] for e in errors_of(bad_crawl["config"], "broken")
                if (e["url"] or "").endswith(url_end)]
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize(
    "expected", ["feed item without link", "feed item without a usable date"],
    ids=["no-link", "no-date"])
def test_feed_item_problems_are_recorded(bad_crawl: dict[str, Any], expected: str) -> None:
    messages = [e["message"] for e in errors_of(bad_crawl["config"], "nolink")]
    assert any(expected in m for m in messages), messages


def test_truncated_and_wrong_charset_pages_are_still_archived(bad_crawl: dict[str, Any]) -> None:
    rows = {r["canonical_url"].rsplit("=", 1)[1]: r for r in archive_rows(
        bad_crawl["config"], "SELECT * FROM articles WHERE source_id IN ('broken', 'nolink')")}
    assert {"9001", "9003", "9004"} <= set(rows)
    assert "\ufffd" not in rows["9004"]["body"], "CP949 page served as UTF-8 was mis-decoded"


def test_sources_command_lists_one_sources_errors(bad_crawl: dict[str, Any]) -> None:
    done = run_cli("--config", str(bad_crawl["config"]), "sources", "broken")
    assert done.returncode == 0, done.stderr
    assert "HTTP 404" in done.stdout and "no article body found" in done.stdout


def test_sources_command_shows_errors(bad_crawl: dict[str, Any]) -> None:
    done = run_cli("--config", str(bad_crawl["config"]), "sources")
    assert done.returncode == 0
    line = next(line for line in done.stdout.splitlines() if "broken" in line)
    assert "HTTP 404" in line or "no article body" in line or "malformed" in line


def test_unreachable_outlets_fail_fast_in_one_warning_line_each(tmp_path: Path) -> None:
    """Offline: a host that does not resolve and one that refuses are one line each, no
    traceback, and the unresolvable one sends no request at all (no retries)."""
    config = tmp_path / "m.toml"
    config.write_text(
        '[archive]\npath = "archive.db"\n[crawl]\ndelay = 1\nretries = 1\nretry_backoff = 0\n'
        '[[sources]]\nid = "nodns"\nname = "없는 매체"\nkind = "ndsoft"\n'
        'url = "https://www.medradar-test.invalid"\n'
        '[[sources]]\nid = "refused"\nname = "닫힌 매체"\nkind = "rss"\n'
        'feeds = ["http://127.0.0.1:9/rss"]\n', "utf-8")
    done = run_cli("--config", str(config), "crawl", "-v")
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line]
    by_source = {s: [w for w in warnings if f"[{s}]" in w] for s in ("nodns", "refused")}
    assert all(len(lines) == 1 for lines in by_source.values()), by_source
    assert "host name does not resolve (www.medradar-test.invalid)" in by_source["nodns"][0]
    rows = archive_rows(config, "SELECT source_id, status, errors, pages FROM crawl_runs "
                                "ORDER BY source_id")
    nodns = next(r for r in rows if r["source_id"] == "nodns")
    assert (nodns["status"], nodns["errors"], nodns["pages"]) == ("failed", 1, 0), nodns
