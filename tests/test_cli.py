"""The medradar command line, run as a subprocess the way an operator runs it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from monitor.cli import main
from tests.conftest import REPO, make_config, run_cli
from tests.support.outlet_server import OUTLETS, OutletServer

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A config whose archive holds medinews and healthwp."""
    servers = {name: OutletServer(name).start() for name in ("medinews", "healthwp")}
    config = make_config(tmp_path_factory.mktemp("cli"), servers)
    done = run_cli("--config", str(config), "crawl")
    assert done.returncode == 0, done.stderr
    yield config
    for server in servers.values():
        server.stop()


# -- configuration and start-up errors ----------------------------------------------------

def test_init_writes_a_starter_that_loads(tmp_path: Path, cli: Cli) -> None:
    done = cli("init", str(tmp_path / "medradar.toml"))
    assert done.returncode == 0, done.stderr
    listed = cli("--config", str(tmp_path / "medradar.toml"), "sources", "--json")
    assert listed.returncode == 0, listed.stderr
    assert {row["id"] for row in json.loads(listed.stdout)} == {"bosa", "kormedi"}
    starter = (tmp_path / "medradar.toml").read_text("utf-8")
    assert 'kind = "console"' in starter, "the starter alerts out of the box"
    assert '# kind = "slack"' in starter and '# kind = "email"' in starter, "stubs to fill in"


def test_init_refuses_to_overwrite(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "medradar.toml").write_text("# mine\n")
    done = cli("init", str(tmp_path / "medradar.toml"))
    assert done.returncode != 0 and "exists" in done.stderr
    assert (tmp_path / "medradar.toml").read_text() == "# mine\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ('colour = "red"', "sources[0] (id 'bad').colour: unknown key"),
        ("article_pattern = '(unclosed'", "sources[0] (id 'bad').article_pattern: bad regex"),
        ('url = "not a url"', "sources[0] (id 'bad').url: not an http(s) URL"),
        ('every = "often"', "sources[0] (id 'bad').every: not a duration"),
    ],
    ids=["unknown-key", "bad-regex", "bad-url", "bad-every"],
)
def test_invalid_config_stops_crawl_with_one_line(tmp_path: Path, cli: Cli, row: str,
                                                  expected: str) -> None:
    config = tmp_path / "medradar.toml"
    config.write_text('[[sources]]\nid = "bad"\nname = "x"\nkind = "rss"\n'
                      f'feeds = ["https://example.org/feed"]\n{row}\n', "utf-8")
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr
    assert not (tmp_path / "medradar.db").exists(), "nothing may start on a bad config"


def test_duplicate_source_id_is_refused(tmp_path: Path, cli: Cli) -> None:
    row = '[[sources]]\nid = "dup"\nname = "x"\nkind = "rss"\nfeeds = ["https://e.org/f"]\n'
    (tmp_path / "m.toml").write_text(row + row, "utf-8")
    done = cli("--config", str(tmp_path / "m.toml"), "crawl")
    assert done.returncode == 2 and "duplicate source id 'dup'" in done.stderr


def test_unopenable_archive_is_one_line_and_non_zero(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "archive.db").mkdir()
    config = tmp_path / "m.toml"
    config.write_text('[archive]\npath = "archive.db"\n[[sources]]\nid = "a"\nname = "a"\n'
                      'kind = "rss"\nfeeds = ["http://127.0.0.1:9/feed"]\n', "utf-8")
    done = cli("--config", str(config), "crawl")
    assert done.returncode == 1
    assert done.stderr.startswith("medradar: error: cannot open archive")
    assert done.stderr.count("\n") == 1


def test_unknown_source_is_refused(archive: Path, cli: Cli) -> None:
    done = cli("--config", str(archive), "crawl", "nosuch")
    assert done.returncode == 2 and "unknown source 'nosuch'" in done.stderr


def test_config_from_environment_variable(archive: Path, cli: Cli) -> None:
    done = cli("sources", "--json", env={"MEDRADAR_CONFIG": str(archive)})
    assert {r["id"] for r in json.loads(done.stdout)} == {"medinews", "healthwp"}


def test_built_in_default_lists_real_outlets(tmp_path: Path, cli: Cli) -> None:
    done = cli("sources", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    ids = {r["id"] for r in json.loads(done.stdout)}
    assert {"bosa", "monews", "docdocdoc", "hitnews", "medipana", "thebionews", "kmdianews",
            "hkn24", "kormedi", "mfds", "mohw", "khidi"} <= ids


# -- extract ------------------------------------------------------------------------------

MEDINEWS_1001 = OUTLETS / "medinews/site/news/articleView.html@idxno=1001"
GYEONGNAM_308 = OUTLETS / "gyeongnam/site/sub_read.html@uid=308&section=sc3"


def test_extract_file_prints_the_body(cli: Cli) -> None:
    gold = json.loads((OUTLETS.parent / "gold/medinews/news__articleView.html@idxno=1001.json")
                      .read_text("utf-8"))
    done = cli("extract", str(MEDINEWS_1001))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == gold["body"]


def test_extract_json_from_stdin_with_url(cli: Cli) -> None:
    done = cli("extract", "-", "--json", "--url",
               "https://www.medinews.example/news/articleView.html?idxno=1001&utm_source=x",
               stdin=MEDINEWS_1001.read_bytes())
    fields = json.loads(done.stdout)
    assert set(fields) >= {"title", "body", "published_at", "author", "canonical_url"}
    assert fields["published_at"].endswith("+09:00")


def test_extract_decodes_cp949_from_stdin(cli: Cli) -> None:
    done = cli("extract", "-", stdin=GYEONGNAM_308.read_bytes())
    assert done.returncode == 0, done.stderr
    assert "똠방아재" in done.stdout and "햏자" in done.stdout


def test_extract_url_fetches_the_page(outlet: Callable[[str], OutletServer], cli: Cli) -> None:
    server = outlet("medinews")
    done = cli("extract", "--json", server.url("/news/articleView.html?idxno=1002"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["canonical_url"].endswith("idxno=1002")


def test_extract_of_a_page_without_article_fails_clearly(cli: Cli) -> None:
    done = cli("extract", str(OUTLETS / "broken/site/news/articleView.html@idxno=9002"))
    assert done.returncode == 1 and "no article body found" in done.stderr


# -- search -------------------------------------------------------------------------------

def search_json(archive: Path, *args: str) -> list[dict[str, Any]]:
    """Run medradar search --format json and parse it."""
    done = run_cli("--config", str(archive), "search", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("query", "at_least"),
    [("의료기기", 5), ("오송", 1), ("케이메디허브", 1), ('"의료기기 클러스터"', 1),
     ("의료기기클러스터", 1), ("원주민", 1)],
    ids=["3-syllables", "2-syllables", "institution", "phrase-spaced", "phrase-unspaced",
         "wonjumin"],
)
def test_search_finds_korean_terms(archive: Path, query: str, at_least: int) -> None:
    assert len(search_json(archive, query, "--limit", "100")) >= at_least


def test_spacing_variants_find_the_same_articles(archive: Path) -> None:
    spaced = {r["id"] for r in search_json(archive, '"의료기기 클러스터"')}
    unspaced = {r["id"] for r in search_json(archive, "의료기기클러스터")}
    assert spaced == unspaced and spaced


def test_search_filters(archive: Path) -> None:
    everything = search_json(archive, "의료기기", "--limit", "100")
    recent = search_json(archive, "의료기기", "--since", "2026-11-18", "--limit", "100")
    assert 0 < len(recent) < len(everything)
    assert all(r["published_at"] >= "2026-11-18" for r in recent)
    older = search_json(archive, "의료기기", "--until", "2026-11-18", "--limit", "100")
    assert len(older) + len(recent) == len(everything)
    only = search_json(archive, "의료기기", "--source", "healthwp", "--limit", "100")
    assert only and {r["source_id"] for r in only} == {"healthwp"}
    assert len(search_json(archive, "의료기기", "--limit", "2")) == 2
    dates = [r["published_at"] for r in everything]
    assert dates == sorted(dates, reverse=True), "results are newest first"


def test_search_csv_and_table(archive: Path, cli: Cli) -> None:
    done = cli("--config", str(archive), "search", "오송", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and set(rows[0]) == {"id", "source_id", "published_at", "title", "url",
                                      "author", "outlet_host", "outlet_name", "partial",
                                      "snippet"}
    table = cli("--config", str(archive), "search", "오송")
    assert "오송" in table.stdout and "result(s)" in table.stderr


def test_search_syntax_error_is_one_line(archive: Path, cli: Cli) -> None:
    done = cli("--config", str(archive), "search", '"unclosed')
    assert done.returncode == 2 and done.stderr.startswith("medradar: error:")


# -- documentation ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(main.commands), ids=str)
def test_every_command_has_help_and_is_documented(name: str) -> None:
    command = main.commands[name]
    assert isinstance(command, click.Command) and command.help, f"{name} has no help text"
    docs = (REPO / "README.md").read_text("utf-8") + (REPO / "docs/cli.md").read_text("utf-8")
    assert f"medradar {name}" in docs, f"`medradar {name}` is not documented"
