"""Article versions: an edit announced by the sitemap's lastmod or the feed's Atom <updated> is
fetched, kept, and alerts only for the rules that the new version matches and the old one did
not."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import make_config, run_cli
from tests.support.clock import KST, today
from tests.support.outlet_server import OutletServer
from tests.support.receiver import Receiver
from tests.test_crawl import archive_rows

PAGE = "/news/articleView.html?idxno=2001"
RULES = """
[alerts]
timeout = 2

[[channels]]
id = "hook"
kind = "webhook"
url = "{hook}"

[[rules]]
id = "ai-devices"
query = "인공지능 의료기기"
channels = ["hook"]
max_age = "30d"

[[rules]]
id = "deadline"
query = '"기한을 연장"'
channels = ["hook"]
max_age = "30d"
"""
CORRECTION = ("<p>식약처는 22일 보도 참고자료를 내고 업계 요청에 따라 의견 수렴 기한을 연장한다고 "
              "밝혔다. 의견은 다음 달 25일까지 받는다.</p>\n")


@pytest.fixture
def wire_a() -> Iterator[OutletServer]:
    """wire_a, its newest article published today."""
    server = OutletServer("wire_a", newest=today()).start()
    yield server
    server.stop()


def sent(receiver: Receiver) -> Counter[str]:
    """Alerts received, per rule."""
    return Counter(a["rule"]["id"] for got in receiver.received for a in got.json()["alerts"])


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>메디와이어</title>
<id>{origin}/</id><updated>{now}</updated>
<entry><title>{title}</title><link href="{origin}{page}"/><id>{origin}{page}</id>
<published>{published}</published><updated>{now}</updated></entry>
</feed>
"""


def announce_edit(server: OutletServer, how: str) -> None:
    """Edit article 2001 (a new title and a paragraph) and say so in the sitemap's lastmod
    or in the Atom feed's <updated>, set to now."""
    page = (server.read("news/articleView.html@idxno=2001") or b"").decode("utf-8")
    page = page.replace("<p>사이버보안 요건도", CORRECTION + "<p>사이버보안 요건도", 1)
    page = page.replace("가이드라인 개정", "가이드라인 개정…의견 기한 연장")
    server.set(PAGE, body=page.encode("utf-8"))
    now = datetime.now(KST).isoformat(timespec="seconds")
    if how == "atom":
        published = page.split('article:published_time" content="', 1)[1].split('"', 1)[0]
        feed = ATOM.format(origin=server.origin, page=PAGE, now=now, published=published,
                           title="AI 의료기기 가이드라인 개정…의견 기한 연장")
        server.set("/rss/allArticle.xml", body=feed.encode("utf-8"),
                   headers={"Content-Type": "application/atom+xml"})
        return
    sitemap = (server.read("sitemap.xml") or b"").decode("utf-8")
    start = sitemap.index("<lastmod>", sitemap.index("idxno=2001")) + len("<lastmod>")
    end = sitemap.index("</lastmod>", start)
    server.set("/sitemap.xml", body=(sitemap[:start] + now + sitemap[end:]).encode("utf-8"),
               headers={"Content-Type": "application/xml"})


@pytest.mark.parametrize("how", ["sitemap", "atom"])
def test_announced_edit_is_kept_as_a_version_and_alerts_only_new_matches(
    tmp_path: Path, wire_a: OutletServer, how: str
) -> None:
    with Receiver() as receiver:
        family = {"kind": "sitemap", "sitemaps": ["/sitemap.xml"]} if how == "sitemap" else {}
        config = make_config(tmp_path, {"wire_a": wire_a}, wire_a=family)
        config.write_text(config.read_text("utf-8") + RULES.format(hook=receiver.url()),
                          "utf-8")
        assert run_cli("--config", str(config), "crawl").returncode == 0
        assert sent(receiver) == {"ai-devices": 1}
        first = archive_rows(config, "SELECT id, title, fetched_at FROM articles "
                                     "WHERE url LIKE '%idxno=2001'")[0]
        time.sleep(1.1)  # the edit is announced after the fetch, to the second
        announce_edit(wire_a, how)
        assert run_cli("--config", str(config), "crawl").returncode == 0
        assert wire_a.count(lambda p: p == PAGE) == 2
        article = archive_rows(config, "SELECT * FROM articles WHERE id = ?", [first["id"]])[0]
        assert "의견 기한 연장" in article["title"] and "기한을 연장" in article["body"]
        assert article["updated_at"] > first["fetched_at"]
        versions = archive_rows(config, "SELECT * FROM article_versions")
        assert [(v["article_id"], v["title"]) for v in versions] == [(first["id"], first["title"])]
        assert "기한을 연장" not in versions[0]["body"]
        assert sent(receiver) == {"ai-devices": 1, "deadline": 1}
        found = run_cli("--config", str(config), "search", "기한을 연장", "--format", "json")
        assert f'"id": {first["id"]}' in found.stdout, "the search index holds the new text"
        assert run_cli("--config", str(config), "crawl").returncode == 0
        assert wire_a.count(lambda p: p == PAGE) == 2, "an announced edit is fetched once"
        assert len(archive_rows(config, "SELECT * FROM article_versions")) == 1
        assert sent(receiver) == {"ai-devices": 1, "deadline": 1}
