"""monitor.config: TOML parsing, validation messages, ${NAME} expansion, lookup order."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.config import (
    ENV_VAR,
    default_config_text,
    load_config,
    parse_config,
    parse_duration,
    starter_config_text,
)
from monitor.errors import ConfigError

FULL = """
[archive]
path = "data/archive.db"

[crawl]
user_agent = "medradar-test/1.0 (+https://example.org/contact)"
obey_robots = false
delay = 0.5
timeout = 10
retries = 2
retry_backoff = 0.5
max_page_bytes = 2048
concurrency = 4
per_host = 1
autothrottle = false
extract_workers = 1

[[sources]]
id = "bosa"
name = "의학신문"
kind = "ndsoft"
url = "https://www.bosa.co.kr"
every = "15m"

[[sources]]
id = "kormedi"
name = "코메디닷컴"
kind = "rss"
feeds = ["https://kormedi.com/feed/"]
every = "2h"

[[sources]]
id = "agency_site"
name = "보도자료 사이트맵"
kind = "sitemap"
sitemaps = ["https://example.org/sitemap.xml"]
enabled = false

[[sources]]
id = "some-board"
name = "게시판"
kind = "listing"
start_urls = ["https://example.org/sub_list.html?section=sc3&page=1"]
article_pattern = 'sub_read\\.html\\?uid=\\d+'
max_pages = 5
max_articles = 50
"""


def source(body: str, source_id: str = "abc") -> str:
    """One [[sources]] table with id source_id and the given extra lines."""
    return f'[[sources]]\nid = "{source_id}"\nname = "테스트"\n{body}\n'


def test_parse_full_config() -> None:
    config = parse_config(FULL, origin="full.toml", base_dir="/srv/medradar")
    assert config.origin == "full.toml"
    assert config.crawl.delay == 0.5
    assert config.crawl.obey_robots is False
    assert config.crawl.extract_workers == 1
    assert [s.id for s in config.sources] == ["bosa", "kormedi", "agency_site", "some-board"]
    assert [s.kind for s in config.sources] == ["ndsoft", "rss", "sitemap", "listing"]
    assert config.source("kormedi").interval == timedelta(hours=2)
    assert config.source("bosa").max_pages == 3, "defaults apply to omitted keys"
    assert config.source("agency_site").enabled is False
    board = config.source("some-board")
    assert board.article_pattern == r"sub_read\.html\?uid=\d+"
    assert board.max_articles == 50
    assert config.archive_path == Path("/srv/medradar/data/archive.db")


def test_parse_empty_config_uses_defaults() -> None:
    config = parse_config("")
    assert config.sources == []
    assert config.crawl.obey_robots is True
    assert config.archive.path == "medradar.db"


def test_unknown_source_id_lookup() -> None:
    config = parse_config(FULL)
    with pytest.raises(ConfigError, match="nope") as info:
        config.source("nope")
    assert "bosa" in str(info.value), "the message lists the known ids"


# -- errors name the key and the source id ---------------------------------------------------

ERRORS = [
    ('colour = "red"\n', ["colour", "unknown key"]),
    ('[archive]\npaht = "x.db"\n', ["archive.paht", "unknown key"]),
    ("[crawl]\ndelai = 1\n", ["crawl.delai", "unknown key"]),
    ("[crawl]\ndelay = -1\n", ["crawl.delay"]),
    (source('kind = "rss"\nfeeds = ["https://a.kr/f"]\nfeed = "x"'),
     ["feed", "unknown key", "'abc'"]),
    (source('kind = "listing"\nstart_urls = ["https://a.kr/"]\narticle_pattern = "(["'),
     ["article_pattern", "bad regex", "'abc'"]),
    (source('kind = "rss"\nfeeds = ["https://a.kr/f"]')
     + source('kind = "rss"\nfeeds = ["https://b.kr/f"]'),
     ["duplicate", "id", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "ftp://a.kr"'), ["url", "ftp://a.kr", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "bosa.co.kr"'), ["url", "bosa.co.kr", "'abc'"]),
    (source('kind = "rss"\nfeeds = ["https://ok.kr/f", "not a url"]'),
     ["feeds", "not a url", "'abc'"]),
    (source('kind = "listing"\nstart_urls = ["a.kr/list"]\narticle_pattern = "x"'),
     ["start_urls", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"', "Bosa"), ["id", "'Bosa'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"', "my source"), ["id", "'my source'"]),
    (source('kind = "atom"\nurl = "https://a.kr"'), ["kind", "'abc'"]),
    (source('kind = "listing"\nstart_urls = ["https://a.kr/"]'),
     ["article_pattern", "'abc'"]),
    (source('kind = "rss"\nurl = "https://a.kr"'), ["feeds", "'abc'"]),
    (source('kind = "ndsoft"'), ["url", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"\nevery = "soon"'), ["every", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"\nevery = "15"'), ["every", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"\nmax_pages = 0'), ["max_pages", "'abc'"]),
    ('[[sources]]\nid = "abc"\nkind = "ndsoft"\nurl = "https://a.kr"\n', ["name", "'abc'"]),
    (source('kind = "ndsoft"\nurl = "https://a.kr"', "good")
     + source('kind = "ndsoft"\nurl = "https://a.kr"\nevery = "1x"', "bad-one"),
     ["sources[1]", "every", "'bad-one'"]),
    ("[[sources]\n", ["not valid TOML"]),
    ('[daemon]\ntime_limit = "0.5s"\n', ["daemon.time_limit", "shorter than 1s"]),
    ("[daemon]\nmax_crawls = 0\n", ["daemon.max_crawls"]),
    ('[daemon]\ngrace = "soon"\n', ["daemon.grace", "not a duration"]),
    ('[health]\nchannels = ["ops"]\n', ["health.channels", "unknown channel 'ops'"]),
    ("[health]\nfailing_after = 0\n", ["health.failing_after"]),
    ('origin = "x"\n', ["origin", "unknown key"]),
]
ERROR_IDS = [
    "unknown_top_level_key", "unknown_archive_key", "unknown_crawl_key", "negative_delay",
    "unknown_source_key", "bad_regex", "duplicate_id", "url_not_http", "url_no_scheme",
    "bad_feed_url", "bad_start_url", "id_uppercase", "id_with_space", "unknown_kind",
    "listing_without_pattern", "rss_without_feeds", "ndsoft_without_url", "bad_every",
    "every_without_unit", "max_pages_zero", "missing_name", "second_source_named",
    "invalid_toml", "daemon_time_limit_too_short", "daemon_no_crawls", "daemon_bad_grace",
    "health_unknown_channel", "health_failing_after_zero", "reserved_key_origin",
]


@pytest.mark.parametrize(("text", "needles"), ERRORS, ids=ERROR_IDS)
def test_config_error_names_key_and_source(text: str, needles: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="test.toml")
    message = str(info.value)
    assert message.startswith("test.toml"), f"the message names the file: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} missing from: {message}"


def test_config_error_reports_every_problem() -> None:
    text = source('kind = "ndsoft"\nurl = "ftp://a.kr"\nevery = "soon"\ncolour = "red"')
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="test.toml")
    for key in ("url", "every", "colour"):
        assert key in str(info.value)


# -- ${NAME} expansion -----------------------------------------------------------------------


def test_env_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDRADAR_TEST_HOST", "www.bosa.co.kr")
    monkeypatch.setenv("MEDRADAR_TEST_CONTACT", "ops@example.org")
    text = (
        '[crawl]\nuser_agent = "medradar (+mailto:${MEDRADAR_TEST_CONTACT})"\n'
        + source('kind = "rss"\nfeeds = ["https://${MEDRADAR_TEST_HOST}/rss/allArticle.xml"]')
    )
    config = parse_config(text)
    assert config.crawl.user_agent == "medradar (+mailto:ops@example.org)"
    assert config.sources[0].feeds == ["https://www.bosa.co.kr/rss/allArticle.xml"]


def test_env_expansion_result_is_validated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDRADAR_TEST_URL", "not a url")
    with pytest.raises(ConfigError, match="url"):
        parse_config(source('kind = "ndsoft"\nurl = "${MEDRADAR_TEST_URL}"'))


def test_env_unset_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDRADAR_TEST_UNSET", raising=False)
    with pytest.raises(ConfigError, match=r"MEDRADAR_TEST_UNSET") as info:
        parse_config(source('kind = "ndsoft"\nurl = "https://${MEDRADAR_TEST_UNSET}"'))
    assert "url" in str(info.value)


# Regression: expand_env raises its ConfigError before validation, so the message has neither the
# file (origin) nor the source id that the other errors carry
def test_env_unset_variable_names_file_and_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDRADAR_TEST_UNSET", raising=False)
    with pytest.raises(ConfigError) as info:
        parse_config(source('kind = "ndsoft"\nurl = "https://${MEDRADAR_TEST_UNSET}"'),
                     origin="test.toml")
    message = str(info.value)
    assert message.startswith("test.toml"), message
    assert "'abc'" in message, message


# -- paths and lookup order ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("archive", "expected"),
    [
        ("medradar.db", "/srv/medradar/medradar.db"),
        ("data/archive.db", "/srv/medradar/data/archive.db"),
        ("/var/lib/medradar/a.db", "/var/lib/medradar/a.db"),
    ],
    ids=["bare_name", "subfolder", "absolute"],
)
def test_archive_path_resolves_against_base_dir(archive: str, expected: str) -> None:
    config = parse_config(f'[archive]\npath = "{archive}"\n', base_dir="/srv/medradar")
    assert config.archive_path == Path(expected)


def _write(path: Path, source_id: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source('kind = "ndsoft"\nurl = "https://a.kr"', source_id), encoding="utf-8")
    return path


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A config in each place load_config looks; cwd is tmp_path, $MEDRADAR_CONFIG unset."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    return {
        "explicit": _write(tmp_path / "explicit" / "given.toml", "explicit"),
        "env": _write(tmp_path / "env" / "from-env.toml", "from-env"),
        "local": _write(tmp_path / "medradar.toml", "local"),
    }


def test_load_config_explicit_path_wins(places: dict[str, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(places["env"]))
    config = load_config(str(places["explicit"]))
    assert [s.id for s in config.sources] == ["explicit"]
    assert config.archive_path == places["explicit"].parent / "medradar.db"


def test_load_config_env_beats_local_file(places: dict[str, Path],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, str(places["env"]))
    config = load_config()
    assert [s.id for s in config.sources] == ["from-env"]
    assert config.origin == str(places["env"])


def test_load_config_local_file(places: dict[str, Path]) -> None:
    config = load_config()
    assert [s.id for s in config.sources] == ["local"]
    assert config.archive_path == places["local"].parent / "medradar.db"


def test_load_config_builtin_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert "bosa" in [s.id for s in config.sources]
    assert config.archive_path == tmp_path / "medradar.db", "the default archive is in cwd"


def test_load_config_missing_explicit_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=r"nowhere\.toml"):
        load_config(str(missing))


# -- shipped files ---------------------------------------------------------------------------

DEFAULT_IDS = ["bosa", "monews", "docdocdoc", "hitnews", "medipana", "thebionews", "kmdianews",
               "hkn24", "kormedi", "mfds", "mohw", "khidi"]


def test_default_config_parses() -> None:
    config = parse_config(default_config_text(), "<built-in default>")
    ids = [s.id for s in config.sources]
    assert len(ids) == len(set(ids)), "ids are unique"
    missing = set(DEFAULT_IDS) - set(ids)
    assert not missing, f"missing from the default: {missing}"


@pytest.mark.parametrize(
    "source_id", ["bosa", "monews", "docdocdoc", "hitnews", "medipana", "thebionews",
                  "kmdianews", "hkn24"],
)
def test_default_trade_papers_are_ndsoft(source_id: str) -> None:
    config = parse_config(default_config_text())
    paper = config.source(source_id)
    assert paper.kind == "ndsoft"
    assert paper.url.startswith("https://")


@pytest.mark.parametrize("source_id", ["kormedi", "mfds", "mohw", "khidi"])
def test_default_feed_sources_are_rss(source_id: str) -> None:
    feed = parse_config(default_config_text()).source(source_id)
    assert feed.kind == "rss"
    assert feed.feeds


def test_every_default_source_has_its_evidence_in_sources_md() -> None:
    docs = (Path(__file__).resolve().parent.parent / "docs/sources.md").read_text("utf-8")
    for source in parse_config(default_config_text()).sources:
        assert f"\n### {source.id} — " in docs, f"{source.id} has no evidence section"


def test_default_disables_the_outlets_the_evidence_speaks_against() -> None:
    config = parse_config(default_config_text())
    assert [s.id for s in config.sources if not s.enabled] == ["idaegu", "imaeil"]
    assert len(config.sources) == 29, \
        "25 of before, plus dailymedi, medigatenews, yakup and biospectator"


@pytest.mark.parametrize(("source_id", "article", "not_article"), [
    ("dailymedi", "https://www.dailymedi.com/news/news_view.php?ca_id=2206&wr_id=922065&page=12",
     "https://www.dailymedi.com/news/news_list.php?ca_id=22&page=12"),
    ("dailymedi", "https://dailymedi.com/news/news_view.php?ca_id=2206&wr_id=920185",
     "https://www.dailymedi.com/news/news_list.php?ca_id=22"),
    ("medigatenews", "https://medigatenews.com/news/1845984294",
     "https://www.medigatenews.com/reporter/dissimilarNews/list/11?page_no=1&page_size=10"),
    ("yakup", "https://www.yakup.com/news/index.html?cat=12&mode=view&nid=333469",
     "https://www.yakup.com/news/index.html?cat=12&cat2=121"),
    ("yakup", "https://www.yakup.com/news/index.html?mode=view&cat=16&nid=330043",
     "https://www.yakup.com/news/index.html?cat=all"),
    ("biospectator", "https://www.biospectator.com/news/view/29073",
     "https://www.biospectator.com/section/section_list?MID=10000"),
], ids=["dailymedi-www", "dailymedi-bare-host", "medigatenews", "yakup-cat-first",
        "yakup-mode-first", "biospectator"])
def test_added_list_sources_match_the_urls_seen_as_evidence(source_id: str, article: str,
                                                            not_article: str) -> None:
    import re

    source = parse_config(default_config_text()).source(source_id)
    assert source.kind == "listing" and source.enabled
    assert re.search(source.article_pattern, article), "an article URL seen as evidence"
    assert not re.search(source.article_pattern, not_article), "its list page is no article"
    assert not re.search(source.article_pattern, source.start_urls[0])


def test_starter_config_parses() -> None:
    config = parse_config(starter_config_text(), "starter.toml")
    assert [s.id for s in config.sources] == ["bosa", "kormedi"]


# -- parse_duration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("7d", timedelta(days=7)),
        ("1.5h", timedelta(minutes=90)),
        (" 15m ", timedelta(minutes=15)),
        ("15 m", timedelta(minutes=15)),
    ],
    ids=["seconds", "minutes", "hours", "days", "fraction", "surrounding_space", "inner_space"],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "15", "15M", "-5m", "1w", "soon", "m15"],
    ids=["empty", "no_unit", "upper_unit", "negative", "weeks", "word", "unit_first"],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_bad_webhook_url_error_does_not_echo_the_secret() -> None:
    text = '[[channels]]\nid = "s"\nkind = "slack"\nurl = "hooks.slack.com/services/T/B/sekrit"\n'
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="test.toml")
    assert "channels[0] (id 's')" in str(info.value) and "sekrit" not in str(info.value)
