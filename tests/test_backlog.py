"""No article left behind: capped crawls leave a frontier, bursts and downtime are walked to the
archived articles, feed gaps are recorded, and the backlog is visible (issue 11).

Outlets are generated (tests/support/bulk_outlet.py) and served on 127.0.0.1; every crawl is
the real CLI into a real SQLite archive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from monitor.health import assess_run
from tests.conftest import make_config, run_cli
from tests.support.bulk_outlet import FEED, LIST, PATTERN, BulkOutlet
from tests.support.outlet_server import OutletServer
from tests.test_crawl import archive_rows


@pytest.fixture
def bulk(tmp_path: Path) -> Iterator[Callable[..., BulkOutlet]]:
    """Start generated outlets; all are stopped after the test."""
    servers: list[OutletServer] = []

    def start(count: int, **kwargs: Any) -> BulkOutlet:
        folder = tmp_path / f"outlet{len(servers)}"
        folder.mkdir()
        server = OutletServer(folder).start()
        servers.append(server)
        return BulkOutlet(server, count, **kwargs)

    yield start
    for server in servers:
        server.stop()


def configure(folder: Path, outlet: BulkOutlet, kind: str, rules: str = "",
              **source: Any) -> Path:
    """A config with one generated source 'bulk' of the given family."""
    spec: dict[str, Any] = {"name": "대량뉴스", "kind": kind}
    if kind in ("listing", "ndsoft"):
        spec["start_urls"] = [LIST]
    if kind in ("ndsoft", "rss"):
        spec["feeds"] = [FEED]
    if kind == "listing":
        spec["article_pattern"] = PATTERN
    spec.update(source)
    config = make_config(folder, {"bulk": outlet.server}, bulk=spec)
    if kind == "ndsoft":  # entries come from feeds/start_urls as configured
        pass
    config.write_text(config.read_text("utf-8") + rules, "utf-8")
    return config


def crawl(config: Path) -> None:
    """One `medradar crawl`, which must succeed."""
    done = run_cli("--config", str(config), "crawl", "--no-alerts")
    assert done.returncode == 0, done.stderr


def stored(config: Path) -> int:
    """Articles archived."""
    return int(archive_rows(config, "SELECT count(*) AS n FROM articles")[0]["n"])


def last_run(config: Path) -> dict[str, Any]:
    """The newest crawl run."""
    return archive_rows(config, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]


def test_capped_listing_gets_every_article_in_three_crawls_and_none_twice(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(500, per_page=100)
    config = configure(tmp_path, outlet, "listing", max_articles=200, max_pages=5)
    seen = []
    for _ in range(3):
        crawl(config)
        run = last_run(config)
        seen.append((stored(config), run["stop_reason"], run["links_left"] > 0))
    assert seen == [(200, "max_articles", True), (400, "max_articles", True), (500, None, False)]
    hits = outlet.article_hits()
    assert len(hits) == 500 and set(hits.values()) == {1}, "an article was fetched twice"
    assert not archive_rows(config, "SELECT * FROM frontier"), "the backlog stays open"


def test_a_capped_crawl_fetches_the_newest_articles_first(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(300, per_page=100)
    config = configure(tmp_path, outlet, "listing", max_articles=120, max_pages=3)
    crawl(config)
    ids = {int(r["canonical_url"].rsplit("=", 1)[1]) for r in archive_rows(
        config, "SELECT canonical_url FROM articles")}
    assert ids == set(range(181, 301)), "a capped run must bring the freshest news"


def test_backlog_is_shown_by_sources_and_status(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(500, per_page=100)
    config = configure(tmp_path, outlet, "listing", max_articles=200, max_pages=5)
    crawl(config)
    sources = json.loads(run_cli("--config", str(config), "sources", "--json").stdout)
    backlog = sources[0]["backlog"]
    assert backlog["links_left"] >= 300 and backlog["per_crawl"] == 200, backlog
    assert backlog["reason"] == "max_articles" and backlog["crawls_needed"] >= 2, backlog
    table = run_cli("--config", str(config), "sources").stdout
    assert f"backlog ≈ {backlog['links_left']}, {backlog['crawls_needed']} crawls at 200" in table
    status = json.loads(run_cli("--config", str(config), "status", "--json").stdout)
    assert status["sources"][0]["state"] == "catching up", status["sources"][0]
    assert status["sources"][0]["backlog"]["links_left"] == backlog["links_left"]
    one = run_cli("--config", str(config), "sources", "bulk").stdout
    assert "resumes where the last crawl stopped" in one


def test_max_pages_stop_leaves_a_frontier_too(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(250, per_page=50)
    config = configure(tmp_path, outlet, "listing", max_articles=1000, max_pages=2)
    counts = []
    for _ in range(3):
        crawl(config)
        counts.append((stored(config), last_run(config)["stop_reason"]))
    assert counts == [(100, "max_pages"), (200, "max_pages"), (250, None)]
    assert set(outlet.article_hits().values()) == {1}


def test_ndsoft_burst_larger_than_the_feed_is_walked_in_one_crawl(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(40, per_page=20, feed_items=50)
    config = configure(tmp_path, outlet, "ndsoft")
    crawl(config)
    assert stored(config) == 40
    outlet.publish(120)  # more than the feed shows, six list pages
    crawl(config)
    assert stored(config) == 160, "the burst was not walked to the archived articles"
    assert set(outlet.article_hits().values()) == {1}
    errors = archive_rows(config, "SELECT kind FROM crawl_errors WHERE kind = 'gap'")
    assert not errors, "the list walk closed the gap: no gap error"


def test_feed_gap_without_list_pages_is_recorded(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(30, feed_items=20)
    config = configure(tmp_path, outlet, "rss")
    crawl(config)
    outlet.publish(50)
    crawl(config)
    (gap,) = archive_rows(config, "SELECT message FROM crawl_errors WHERE kind = 'gap'")
    assert "all 20 feed items are new" in gap["message"], gap


def test_capped_feed_is_read_again_for_the_rest(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(50, feed_items=50)
    config = configure(tmp_path, outlet, "rss", max_articles=30)
    crawl(config)
    assert (stored(config), last_run(config)["links_left"]) == (30, 20)
    crawl(config)
    assert stored(config) == 50, "the feed's validators hid the refused items behind a 304"
    assert not archive_rows(config, "SELECT * FROM frontier")


def test_backlog_articles_older_than_max_age_are_archived_not_alerted(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    outlet = bulk(300, per_page=100)
    rules = ('\n[[channels]]\nid = "hook"\nkind = "webhook"\nurl = "http://127.0.0.1:9/x"\n'
             '\n[[rules]]\nid = "cluster"\nquery = "의료기기 클러스터"\nchannels = ["hook"]\n'
             'max_age = "2d"\n')
    config = configure(tmp_path, outlet, "listing", rules, max_articles=100, max_pages=3)
    for _ in range(3):
        crawl(config)
    assert stored(config) == 300
    matched = archive_rows(config, "SELECT count(*) AS n FROM matches")[0]["n"]
    assert matched == 48, "only the articles of the last 48 h (one an hour) may alert"


@pytest.mark.parametrize(
    ("run", "state"),
    [({"status": "ok", "links_found": 10, "links_left": 300, "stop_reason": "max_articles"},
      "catching up"),
     ({"status": "ok", "links_found": 10, "links_left": 0}, "ok"),
     ({"status": "partial", "links_found": 10, "links_left": 5, "errors": 2}, "degraded")],
    ids=["backlog", "complete", "errors-first"])
def test_health_says_catching_up_while_a_backlog_is_open(run: dict[str, Any],
                                                         state: str) -> None:
    assessment = assess_run(run)
    assert assessment is not None and assessment.state == state, assessment


def test_daemon_restarted_after_downtime_gets_every_article_published_meanwhile(
        bulk: Callable[..., BulkOutlet], tmp_path: Path) -> None:
    from tests.test_daemon import running, wait_for
    from tests.test_daemon import stored as stored_now  # the archive may not exist yet

    outlet = bulk(40, per_page=20, feed_items=50)
    config = configure(tmp_path, outlet, "ndsoft", every="2s")
    config.write_text(config.read_text("utf-8") + '\n[daemon]\ngrace = "5s"\n', "utf-8")
    with running(config, tmp_path / "first.log") as daemon:
        wait_for("the first crawl", lambda: stored_now(config) == 40, daemon)
        assert daemon.stop() == 0
    outlet.publish(150)  # while the daemon is down: three times the feed, eight list pages
    with running(config, tmp_path / "second.log") as daemon:
        wait_for("every article published during the downtime",
                 lambda: stored_now(config) == 190, daemon, timeout=120)
        assert daemon.stop() == 0
    assert set(outlet.article_hits().values()) == {1}, "an article was fetched twice"
