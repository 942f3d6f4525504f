"""Discovery measured: a simulated day found through Naver's news search, against crawling the
outlets directly.

    python -m benchmarks.discovery            # 24 hourly crawls (~4 min on 2 cores)
    python -m benchmarks.discovery --quick    # 6 crawls, every 4 hours (~1 min)

The day: 50 generated NDSoft-style outlets on 127.0.0.1 (tests/support/search_servers.py)
publish 300 articles about the terms of 10 rules (6 per outlet) and, beside them, articles
about nothing the rules watch (``--background``, 20 per outlet by default), at random times
(seeded) over 24 hours. A Naver news API on 127.0.0.1 searches what has been published by the
simulated clock. At each tick the clock moves on and both setups crawl once with the real CLI
into their own archive:

* **discovery**: one ``naver_news`` source, one query per rule (built from the rules),
  ``page_size = 100``: each crawl calls the API once per query (more pages only when a page
  is all new), then fetches the outlet pages of the new results;
* **direct**: the 50 outlets as ``ndsoft`` sources (feed with conditional GET + list page 1,
  more list pages while they hold new links), every article fetched, the rules filtering after.

Reported side by side: relevant articles found (of 300), search-API calls, requests to the
outlets (robots.txt included), requests per relevant article, relevant articles per simulated
hour and per hour of crawling (wall time of the crawl commands).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils

from tests.support.search_servers import KST, NaverApi, NewsWorld

REPO = Path(__file__).resolve().parent.parent
TOPICS = ["오송 첨단의료복합단지", "케이메디허브", "원주 의료기기", "송도 바이오클러스터",
          "판교 헬스케어혁신파크", "대구 의료기기 클러스터", "혁신의료기기 지정",
          "디지털헬스케어 규제자유특구", "의료기기 임상시험 지원", "바이오헬스 창업"]
BACKGROUND = ["지역 축제", "부동산 시장", "도로 공사", "학교 급식", "문화 공연", "날씨 전망"]
ENV = {"NAVER_CLIENT_ID": "bench-client-id", "NAVER_CLIENT_SECRET": "bench-client-secret"}


@dataclass
class Tally:
    """What one setup did over the day."""

    label: str
    seconds: float = 0.0
    crawls: int = 0
    api_calls: int = 0
    outlet_requests: int = 0
    relevant: int = 0
    stored: int = 0
    notes: list[str] = field(default_factory=list)


def build_world(folder: Path, outlets: int, relevant: int, background: int, start: datetime,
                clock: Callable[[], datetime], seed: int = 15) -> NewsWorld:
    """The outlets and their day of news (publication times seeded)."""
    rng = random.Random(seed)
    world = NewsWorld(folder, clock=clock)
    for n in range(outlets):
        world.outlet(f"지역일보{n + 1:02d}")
    for i in range(relevant):
        outlet = world.outlets[i % outlets]
        topic = TOPICS[i % len(TOPICS)]
        outlet.add(f"{topic} 소식 제{i + 1}호", _body(topic, i, outlet.name),
                   start + timedelta(seconds=rng.uniform(60, 86_340)))
    for i in range(background * outlets):
        outlet = world.outlets[i % outlets]
        topic = BACKGROUND[i % len(BACKGROUND)]
        outlet.add(f"{topic} 안내 제{i + 1}호", _body(topic, 10_000 + i, outlet.name),
                   start + timedelta(seconds=rng.uniform(60, 86_340)))
    return world


def _body(topic: str, number: int, outlet: str) -> str:
    return (f"{topic}와 관련해 {outlet}이 {number}번째 소식을 전했다. 관계 기관은 참여 기업 "
            f"{number % 37 + 3}곳과 함께 후속 사업을 검토하고 있다고 밝혔다.\n"
            f"담당자는 \"{topic} 사업의 성과를 지역 산업과 연결하겠다\"고 설명했다. "
            f"자세한 일정은 다음 달 공개될 예정이다. 기사 번호 {number}.")


def write_config(folder: Path, sources: str) -> Path:
    """A config with the 10 rules and the given sources; politeness delay off, like the
    other benchmarks (robots.txt is obeyed)."""
    rules = "".join(f'[[rules]]\nid = "r{i}"\nquery = "{topic}"\n\n'
                    for i, topic in enumerate(TOPICS))
    text = ('[archive]\npath = "archive.db"\n\n[crawl]\ndelay = 0\ntimeout = 10\n'
            "allow_private_networks = true\nextract_workers = 1\nconcurrency = 16\n"
            f"per_host = 4\n\n{rules}{sources}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "medradar.toml").write_text(text, "utf-8")
    return folder / "medradar.toml"


def crawl(config: Path) -> float:
    """One `medradar crawl --no-alerts`; returns its wall time."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "crawl",
                           "--no-alerts"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, **ENV, "PYTHONPATH": str(REPO)})
    if done.returncode != 0:
        raise SystemExit(f"crawl failed: {done.stderr[-2000:]}")
    return time.perf_counter() - started


def count_relevant(config: Path) -> tuple[int, int]:
    """(articles about a rule's topic, all articles) in the archive."""
    db = sqlite_utils.Database(config.parent / "archive.db")
    try:
        titles = [row[0] for row in db.execute("SELECT title FROM articles").fetchall()]
    finally:
        db.close()
    return sum(1 for t in titles if any(t.startswith(topic) for topic in TOPICS)), len(titles)


def run(args: argparse.Namespace) -> tuple[Tally, Tally, int]:
    """Simulate the day; return (discovery, direct, relevant articles published)."""
    work = Path(tempfile.mkdtemp(prefix="medradar-discovery-"))
    start = datetime.now(KST).replace(microsecond=0) - timedelta(days=1)
    now = [start]
    world = build_world(work / "world", args.outlets, args.relevant, args.background, start,
                        lambda: now[0])
    api = NaverApi(world, ENV["NAVER_CLIENT_ID"], ENV["NAVER_CLIENT_SECRET"])
    every = 24 // args.crawls
    naver = write_config(work / "discovery", (
        '[[sources]]\nid = "naver"\nname = "네이버 뉴스"\nkind = "naver_news"\n'
        f'api_url = "{api.origin}"\nclient_id = "${{NAVER_CLIENT_ID}}"\n'
        f'client_secret = "${{NAVER_CLIENT_SECRET}}"\nevery = "{every}h"\n'
        "max_articles = 1000\n"))
    direct = write_config(work / "direct", "".join(
        f'[[sources]]\nid = "o{n}"\nname = "{o.name}"\nkind = "ndsoft"\n'
        f'url = "{o.server.origin}"\nevery = "{every}h"\nmax_articles = 1000\n\n'
        for n, o in enumerate(world.outlets)))
    tallies = Tally("discovery (naver_news)"), Tally("direct (50 ndsoft outlets)")
    try:
        for tick in range(1, args.crawls + 1):
            now[0] = start + timedelta(hours=tick * every)
            for tally, config in zip(tallies, (naver, direct), strict=True):
                before = _outlet_requests(world)
                tally.seconds += crawl(config)
                tally.crawls += 1
                tally.outlet_requests += _outlet_requests(world) - before
            print(f"tick {tick}/{args.crawls}: simulated {now[0]:%H:%M}", file=sys.stderr)
        tallies[0].api_calls = len(api.search_calls())
        for tally, config in zip(tallies, (naver, direct), strict=True):
            tally.relevant, tally.stored = count_relevant(config)
    finally:
        api.stop()
        world.stop()
    return tallies[0], tallies[1], args.relevant


def _outlet_requests(world: NewsWorld) -> int:
    return sum(sum(o.server.hits.values()) for o in world.outlets)


def report(discovery: Tally, direct: Tally, published: int, hours: int) -> None:
    """Print both setups side by side."""
    def per(n: float, d: float, digits: int = 2) -> str:
        return f"{n / d:,.{digits}f}" if d else "-"

    rows = [
        ("crawls", str(discovery.crawls), str(direct.crawls)),
        (f"relevant articles found (of {published})", str(discovery.relevant),
         str(direct.relevant)),
        ("articles stored (all)", str(discovery.stored), str(direct.stored)),
        ("search API calls", str(discovery.api_calls), "0"),
        ("requests to the outlets", str(discovery.outlet_requests),
         str(direct.outlet_requests)),
        ("API calls per new relevant article", per(discovery.api_calls, discovery.relevant),
         "-"),
        ("requests per new relevant article (API + outlets)",
         per(discovery.api_calls + discovery.outlet_requests, discovery.relevant),
         per(direct.outlet_requests, direct.relevant)),
        ("new relevant articles per simulated hour", per(discovery.relevant, hours),
         per(direct.relevant, hours)),
        ("crawl wall time, s", f"{discovery.seconds:.1f}", f"{direct.seconds:.1f}"),
        ("new relevant articles per hour of crawling",
         per(discovery.relevant * 3600, discovery.seconds, 0),
         per(direct.relevant * 3600, direct.seconds, 0)),
        ("API calls a day (Naver allows 25,000)", str(discovery.api_calls * 24 // hours), "-"),
    ]
    print(f"{'figure':52} {discovery.label:>24} {direct.label:>28}")
    for label, left, right in rows:
        print(f"{label:52} {left:>24} {right:>28}")


def main(argv: list[str] | None = None) -> int:
    """Run the simulated day and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="6 crawls, every 4 hours")
    parser.add_argument("--outlets", type=int, default=50)
    parser.add_argument("--relevant", type=int, default=300)
    parser.add_argument("--background", type=int, default=20,
                        help="articles per outlet about nothing the rules watch")
    args = parser.parse_args(argv)
    args.crawls = 6 if args.quick else 24
    discovery, direct, published = run(args)
    report(discovery, direct, published, 24)
    return 0


if __name__ == "__main__":
    sys.exit(main())
