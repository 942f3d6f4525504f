"""Alert benchmarks: matching cost by number of rules, delivery throughput, store-to-webhook time.

    .venv/bin/python -m benchmarks.alerts            # 10,000 articles; 10 / 100 / 1,000 rules
    .venv/bin/python -m benchmarks.alerts --quick    # 2,000 articles

1. Matching: the same generated articles (benchmarks.textgen) are prepared once, then matched
   against N generated rules with the RuleSet (one Aho-Corasick scan, then candidate rules) and,
   as the baseline, rule by rule. Reported: microseconds per article for each N.
2. Delivery: M pending immediate deliveries in a fresh archive, sent by deliver_due to a real
   local webhook receiver (tests.support.receiver) with retries off: alerts per second.
3. Store to webhook: articles stored through store_articles with a matching rule, then one
   deliver_due (what `medradar crawl` runs after storing): seconds from the commit to the
   receiver's arrival time, median and max over 20 articles.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from random import Random

from alerts.match import CompiledRule, Document, RuleSet, match_rule, prepare
from alerts.outbox import deliver_due
from alerts.rules import parse_rule
from benchmarks.textgen import (
    COMPANIES,
    DISEASES,
    INSTITUTIONS,
    PLACES,
    PRODUCTS,
    Writer,
    draw_flags,
)
from monitor.config import parse_config
from storage import open_archive
from storage.articles import NewArticle, store_articles
from storage.normalize import content_hash
from tests.support.receiver import Receiver

TERMS = ["의료기기", "클러스터", "첨단의료복합단지", "케이메디허브", "오송", "원주", "혁신파크",
         "바이오헬스", "디지털헬스", "인허가", "임상", "수출", "식약처", "AI"]


def articles(n: int) -> list[tuple[str, str]]:
    """n generated (title, body) pairs."""
    out = []
    for i in range(n):
        rng = Random(f"alerts-bench:{i}")
        writer = Writer(rng, draw_flags(rng))
        out.append((writer.title(), "\n".join(writer.paragraphs(800, 2000))))
    return out


def rule_queries(n: int) -> list[str]:
    """n generated rule queries: plain terms, AND pairs, OR pairs, some with exclusions.

    As with real subscribers, most rules watch one particular name (a company or product of
    their own, here invented and mostly absent from the text); one in five uses the shared
    field vocabulary that appears in many articles.
    """
    rng = Random(f"alerts-rules:{n}")
    shared = [w for w in TERMS + COMPANIES + PRODUCTS + PLACES + INSTITUTIONS + DISEASES
              if len(w) >= 2]
    queries = []
    for i in range(n):
        own = f"메디{chr(0xAC00 + (i * 7919) % 11172)}{chr(0xAC00 + (i * 104729) % 11172)}"
        vocabulary = shared if rng.random() < 0.2 else [own, *rng.sample(shared, 3)]
        a, b = (vocabulary[0], rng.choice(vocabulary[1:])) if vocabulary[0] == own \
            else rng.sample(vocabulary, 2)
        shape = rng.random()
        queries.append(a if shape < 0.5 else f"{a} {b}" if shape < 0.75 else
                       f"{a} OR {b}" if shape < 0.95 else f"{a} -{b}")
    return queries


def time_matching(docs: list[Document], queries: list[str]) -> tuple[float, float, int]:
    """(µs/article with RuleSet, µs/article rule by rule, matches) for these rules."""
    rules = [CompiledRule(f"r{i}", parse_rule(q), ("title", "body"))
             for i, q in enumerate(queries)]
    ruleset = RuleSet(rules)
    started = time.perf_counter()
    found = sum(len(ruleset.match(doc)) for doc in docs)
    fast = (time.perf_counter() - started) / len(docs) * 1e6
    started = time.perf_counter()
    naive_found = sum(match_rule(r.tree, doc, r.fields) is not None
                      for doc in docs for r in rules)
    naive = (time.perf_counter() - started) / len(docs) * 1e6
    assert naive_found == found, "RuleSet and rule-by-rule matching disagree"
    return fast, naive, found


def config_for(folder: Path, url: str) -> str:
    """A config with one catch-all rule sending to the receiver, retries off."""
    return (f'[archive]\npath = "{folder / "a.db"}"\n[alerts]\nretry_base = 0\n'
            f'[[channels]]\nid = "hook"\nkind = "webhook"\nurl = "{url}"\n'
            '[[rules]]\nid = "all"\nquery = "의료기기 OR 클러스터 OR 수출 OR 임상"\n'
            'channels = ["hook"]\nmax_age = "3650d"\n')


def store(folder: Path, texts: list[tuple[str, str]], offset: int, config_text: str) -> None:
    """Store articles through the storage API with the matching hook of config_text."""
    from alerts.hook import matching_hook

    config = parse_config(config_text)
    archive = open_archive(config.archive_path)
    batch = []
    for i, (title, body) in enumerate(texts):
        url = f"https://bench.example/news/articleView.html?idxno={offset + i}"
        digest = content_hash(body + str(offset + i))
        batch.append(NewArticle("bench", url, url, title, body,
                                time.strftime("%Y-%m-%dT%H:%M:%S+09:00"), "meta", None, None,
                                digest, digest[:16], (url,)))
    store_articles(archive, batch, [matching_hook(config.rules)])
    archive.close()


def crawl_latency() -> str:
    """Crawl medinews (12 articles, 0.5 s each) with a catch-all rule to a local receiver and
    measure, per article, the time from its page being served to its webhook arriving:
    extraction, the storing batch (up to 0.25 s) and delivery; an upper bound of
    store-to-webhook."""
    import subprocess
    import sys

    from tests.conftest import REPO, make_config
    from tests.support.outlet_server import OutletServer

    with OutletServer("medinews") as outlet, Receiver() as receiver, \
            tempfile.TemporaryDirectory() as tmp:
        for n in range(1001, 1013):
            path = f"/news/articleView.html?idxno={n}"
            outlet.set(path, body=outlet.read(f"news/articleView.html@idxno={n}"), delay=0.5)
        config = make_config(Path(tmp), {"medinews": outlet}, crawl="per_host = 1\n")
        config.write_text(config.read_text("utf-8") + (
            f'\n[[channels]]\nid = "hook"\nkind = "webhook"\nurl = "{receiver.url()}"\n'
            '[[rules]]\nid = "all"\nquery = "-zzzz"\nchannels = ["hook"]\n'
            'max_age = "3650d"\n'), "utf-8")
        subprocess.run([sys.executable, "-m", "monitor", "--config", str(config), "crawl"],
                       cwd=REPO, capture_output=True, check=True)
        waits = []
        for got, arrived in zip(receiver.received, receiver.arrivals, strict=True):
            for alert in got.json()["alerts"]:
                idxno = alert["article"]["url"].rsplit("=", 1)[1]
                waits.append(arrived - outlet.served_at[f"/news/articleView.html?idxno={idxno}"])
    return (f"median {statistics.median(waits):.2f} s, max {max(waits):.2f} s "
            f"over {len(waits)} articles")


def main() -> None:
    """Run the alert benchmarks and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.alerts")
    parser.add_argument("--quick", action="store_true", help="2,000 articles instead of 10,000")
    args = parser.parse_args()
    n_articles = 2_000 if args.quick else 10_000
    print(f"medradar alert benchmarks ({'quick' if args.quick else 'full'})")
    texts = articles(n_articles)
    docs = [prepare(title=t, body=b) for t, b in texts]
    print(f"\n1. MATCHING {n_articles:,} generated articles (prepared once)")
    print(f"   {'rules':>6} {'RuleSet µs/article':>20} {'rule by rule':>14} {'matches':>9}")
    for n in (10, 100, 1000):
        fast, naive, found = time_matching(docs, rule_queries(n))
        print(f"   {n:>6} {fast:>20.1f} {naive:>14.1f} {found:>9,}")
    with Receiver() as receiver, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = config_for(folder, receiver.url())
        config = parse_config(text)
        store(folder, texts[:1000], 0, text)
        archive = open_archive(config.archive_path)
        started = time.perf_counter()
        report = deliver_due(archive, config)
        took = time.perf_counter() - started
        print(f"\n2. DELIVERY to a local webhook receiver, retries off: {report.sent:,} alerts "
              f"in {took:.2f} s = {report.sent / took:,.0f} alerts/s "
              f"({report.retried + report.failed} not sent)")
        archive.close()
    print(f"\n3. ARTICLE FETCHED TO WEBHOOK RECEIVED during `medradar crawl` of a fixture outlet "
          f"whose article pages each take 0.5 s: {crawl_latency()}   target < 1 s")


if __name__ == "__main__":
    main()
