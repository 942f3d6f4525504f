"""Rules are matched when an article is stored, in the same transaction as the article."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_config, run_cli
from tests.support.clock import today
from tests.support.outlet_server import OutletServer
from tests.test_crawl import archive_rows

RULES = """
[[channels]]
id = "bd-hook"
kind = "webhook"
url = "http://127.0.0.1:9/never-contacted-by-these-tests"

[[channels]]
id = "bd-slack"
kind = "slack"
url = "http://127.0.0.1:9/slack"

[[rules]]
id = "wonju"
query = "원주"
channels = ["bd-hook", "bd-slack"]
max_age = "30d"

[[rules]]
id = "clusters"
query = '(의료기기 OR 바이오헬스) AND (클러스터 OR 첨단의료복합단지 OR 혁신파크) -채용'
channels = ["bd-hook"]
max_age = "30d"

[[rules]]
id = "fresh-only"
query = "의료기기"
channels = ["bd-hook"]
max_age = "1h"
"""


@pytest.fixture(scope="module")
def matched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """medinews, its newest article a week old, crawled twice with three rules configured."""
    medinews = OutletServer("medinews", newest=today() - timedelta(days=7)).start()
    config = make_config(tmp_path_factory.mktemp("match"), {"medinews": medinews})
    config.write_text(config.read_text("utf-8") + RULES, "utf-8")
    for _ in range(2):
        done = run_cli("--config", str(config), "crawl")
        assert done.returncode == 0, done.stderr
    yield config
    medinews.stop()


def matched_ids(config: Path, rule: str) -> set[str]:
    """The idxno of the articles a rule matched."""
    rows = archive_rows(config, "SELECT a.canonical_url FROM matches m JOIN articles a "
                                "ON a.id = m.article_id WHERE m.rule_id = ?", [rule])
    return {r["canonical_url"].rsplit("=", 1)[1] for r in rows}


def test_short_place_name_matches_but_not_inside_another_word(matched: Path) -> None:
    ids = matched_ids(matched, "wonju")
    assert {"1005", "1011"} <= ids
    assert "1008" not in ids, "원주민 (indigenous people) matched the rule for 원주"


def test_boolean_rule_matches_cluster_stories(matched: Path) -> None:
    assert {"1005", "1007", "1011"} <= matched_ids(matched, "clusters")


def test_max_age_keeps_old_articles_from_alerting(matched: Path) -> None:
    assert matched_ids(matched, "fresh-only") == set()


def test_each_match_queues_one_delivery_per_channel_even_after_recrawl(matched: Path) -> None:
    rows = archive_rows(matched, "SELECT rule_id, channel_id, article_id, count(*) AS n, "
                                 "min(status) AS status FROM outbox GROUP BY 1, 2, 3")
    assert rows and all(r["n"] == 1 and r["status"] == "pending" for r in rows)
    wonju = len(matched_ids(matched, "wonju"))
    assert sum(r["rule_id"] == "wonju" for r in rows) == 2 * wonju


def test_every_match_is_in_the_same_transaction_as_its_article(matched: Path) -> None:
    orphans = archive_rows(matched, "SELECT count(*) AS n FROM outbox o LEFT JOIN matches m "
                                    "ON m.rule_id = o.rule_id AND m.article_id = o.article_id "
                                    "WHERE m.id IS NULL")
    assert orphans[0]["n"] == 0


@pytest.mark.parametrize(("arg", "expected"), [("wonju", "원주"), ('"의료기기 클러스터"', "원주")],
                         ids=["rule-id", "query"])
def test_rules_test_shows_matches_with_terms(matched: Path, arg: str, expected: str) -> None:
    done = run_cli("--config", str(matched), "rules", "test", arg, "--since", "30d")
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout and "match(es)" in done.stderr
    assert "원주민" not in done.stdout


def test_rule_syntax_error_names_rule_and_position(tmp_path: Path,
                                                    cli: Callable[..., Any]) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[[rules]]\nid = "broken"\nquery = "(의료기기 OR"\n', "utf-8")
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 2
    assert "rules[0] (id 'broken').query: syntax error" in done.stderr
    assert "position 9" in done.stderr


def test_rule_with_unknown_channel_is_refused(tmp_path: Path, cli: Callable[..., Any]) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[[rules]]\nid = "r"\nquery = "오송"\nchannels = ["nope"]\n', "utf-8")
    done = cli("--config", str(config), "sources")
    assert done.returncode == 2 and "rule 'r': unknown channel 'nope'" in done.stderr


def test_channel_with_missing_secret_fails_at_load(tmp_path: Path,
                                                   cli: Callable[..., Any]) -> None:
    config = tmp_path / "m.toml"
    config.write_text('[[channels]]\nid = "s"\nkind = "slack"\nurl = "${NO_SUCH_HOOK_URL}"\n',
                      "utf-8")
    done = cli("--config", str(config), "sources")
    assert done.returncode == 2 and "NO_SUCH_HOOK_URL" in done.stderr
    assert "channels[0] (id 's').url" in done.stderr
