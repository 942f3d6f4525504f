"""Real-page extraction evaluation: medradar against plain trafilatura on pages with outside gold.

``python -m benchmarks.realpages [DIR]`` (default ``benchmarks/.realpages``) scores the article
body of every ``<slug>.html`` in DIR against the gold in ``<slug>.json``. The pages and their gold
come from public repositories' test data (see ``benchmarks/realpages_sources.toml``); they are the
publishers' text and are never committed. ``--fetch`` downloads the manifest's files into DIR when
the machine is online.

Score: character-bigram precision, recall and F1 after removing all whitespace and every
character whose Unicode category is P* or S*, on both sides. Pages whose gold is only snippets
(``with`` / ``without`` lists) report the share of ``with`` snippets found and of ``without``
snippets absent, and stay out of the F1 means.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
import unicodedata
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from crawler.errors import ExtractError
from crawler.extract import extract_article

DEFAULT_DIR = Path("benchmarks/.realpages")
MANIFEST = Path(__file__).with_name("realpages_sources.toml")
PASSES = 3
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt")


@dataclass
class Page:
    """One stored page and its gold."""

    slug: str
    html: bytes
    url: str
    lang: str
    outlet: str
    kind: str
    gold: str | None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Score:
    """Precision, recall and F1 of one extraction, or snippet shares for snippet-only gold."""

    p: float = 0.0
    r: float = 0.0
    f1: float = 0.0
    with_share: float | None = None
    without_share: float | None = None


# --- scoring -----------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """Drop all whitespace and every punctuation or symbol character (Unicode P* and S*)."""
    return "".join(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] not in "PS"
    )


def bigrams(text: str) -> Counter[str]:
    """Character bigrams of the normalized text (a one-character text counts as itself)."""
    s = normalize(text)
    if len(s) == 1:
        return Counter([s])
    return Counter(s[i:i + 2] for i in range(len(s) - 1))


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    """Bigram precision, recall and F1 of ``pred`` against ``gold``."""
    pc, gc = bigrams(pred), bigrams(gold)
    overlap = sum((pc & gc).values())
    p = overlap / sum(pc.values()) if pc else 0.0
    r = overlap / sum(gc.values()) if gc else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1


def score_page(page: Page, pred: str) -> Score:
    """Score one extraction against the page's gold body or snippets."""
    if page.gold is not None:
        return Score(*prf(pred, page.gold))
    flat = normalize(pred)
    found = [normalize(s) in flat for s in page.with_ if normalize(s)]
    absent = [normalize(s) not in flat for s in page.without if normalize(s)]
    return Score(
        with_share=sum(found) / len(found) if found else None,
        without_share=sum(absent) / len(absent) if absent else None,
    )


# --- loading and extraction ---------------------------------------------------------------------


def load_pages(folder: Path, only: str | None = None) -> list[Page]:
    """Read every ``<slug>.json`` with its ``<slug>.html`` from ``folder``."""
    pages = []
    for meta_path in sorted(folder.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        html_path = meta_path.with_suffix(".html")
        if "lang" not in meta or not html_path.exists():
            continue
        if only and meta["lang"] != only:
            continue
        pages.append(Page(
            slug=meta_path.stem, html=html_path.read_bytes(), url=meta["url"],
            lang=meta["lang"], outlet=meta.get("outlet", ""), kind=meta.get("kind", "html"),
            gold=meta.get("gold"), with_=list(meta.get("with") or []),
            without=list(meta.get("without") or []), meta=meta,
        ))
    return pages


def medradar_body(page: Page) -> tuple[str, str | None]:
    """medradar's body for the page, and the error text when it found none."""
    try:
        return extract_article(page.html, page.url).body, None
    except ExtractError as exc:
        return "", f"ExtractError: {exc}"
    except Exception as exc:  # noqa: BLE001 - a crash counts as an empty body and is shown
        return "", f"crash: {type(exc).__name__}: {exc}"


def plain_body(page: Page) -> tuple[str, str | None]:
    """Plain trafilatura's body for the page with default settings (None counts as empty)."""
    text = trafilatura.extract(page.html.decode("utf-8", errors="replace"))
    return (text or ""), (None if text else "trafilatura returned None")


EXTRACTORS: dict[str, Callable[[Page], tuple[str, str | None]]] = {
    "medradar": medradar_body,
    "plain": plain_body,
}


def run_extractor(
    name: str, pages: list[Page], passes: int = PASSES,
) -> tuple[list[tuple[str, str | None]], float]:
    """Run one extractor over all pages ``passes`` times; return outputs and the best time."""
    fn = EXTRACTORS[name]
    outputs: list[tuple[str, str | None]] = []
    best = float("inf")
    for k in range(passes):
        results = []
        elapsed = 0.0
        for page in pages:
            t0 = time.perf_counter()
            out = fn(page)
            elapsed += time.perf_counter() - t0
            results.append(out)
        best = min(best, elapsed)
        if k == 0:
            outputs = results
    return outputs, best


# --- reporting ----------------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def _cell(score: Score) -> str:
    if score.with_share is not None or score.without_share is not None:
        return f"with {_fmt(score.with_share)} without {_fmt(score.without_share)}".ljust(17)
    return f"{score.p:5.3f} {score.r:5.3f} {score.f1:5.3f}"


def diff_hint(page: Page, pred: str, limit: int = 3) -> list[str]:
    """Gold text the extraction lost and extracted text the gold does not have (normalized)."""
    gold, got = normalize(page.gold or ""), normalize(pred)
    lines: list[str] = []
    for sign, label, spans in (("-", "lost ", _unmatched(gold, got)),
                               ("+", "extra", _unmatched(got, gold))):
        for span in spans[:limit]:
            lines.append(f"    {sign} {label}: {span[:80]}" + ("..." if len(span) > 80 else ""))
        if len(spans) > limit:
            lines.append(f"    {sign} {label}: ... {len(spans) - limit} more spans")
    return lines


def _unmatched(a: str, b: str, min_len: int = 12) -> list[str]:
    """Stretches of ``a`` (at least ``min_len`` characters) that do not occur in ``b``."""
    spans, pos = [], 0
    for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        if block.a - pos >= min_len:
            spans.append(a[pos:block.a])
        pos = block.a + block.size
    return spans


def summarize(pages: list[Page], scores: dict[str, list[Score]],
              rates: dict[str, float]) -> dict[str, Any]:
    """Summary figures for both extractors."""
    med, plain = scores["medradar"], scores["plain"]
    gold = [i for i, p in enumerate(pages) if p.gold is not None]

    def mean_of(idx: list[int], which: list[Score], attr: str) -> float | None:
        return _mean([getattr(which[i], attr) for i in idx])

    ko = [i for i in gold if pages[i].lang == "ko"]
    en = [i for i in gold if pages[i].lang == "en"]
    script = [i for i in gold if pages[i].kind == "script"]
    snip = [i for i, p in enumerate(pages) if p.gold is None]
    lost = [pages[i].slug for i in gold if plain[i].f1 >= 0.9 and med[i].f1 < 0.5]
    worse = [pages[i].slug for i in gold if med[i].r < plain[i].r - 0.05]
    out: dict[str, Any] = {
        "pages": len(pages), "gold_pages": len(gold), "snippet_pages": len(snip),
        "lost": lost, "recall_worse": worse, "rates": rates,
    }
    for name, which in (("medradar", med), ("plain", plain)):
        out[name] = {
            "ko_f1": mean_of(ko, which, "f1"), "ko_recall": mean_of(ko, which, "r"),
            "en_f1": mean_of(en, which, "f1"), "script_f1": mean_of(script, which, "f1"),
            "snippet_with": _mean([s for i in snip if (s := which[i].with_share) is not None]),
            "snippet_without": _mean(
                [s for i in snip if (s := which[i].without_share) is not None]),
            "pages_per_s": rates[name],
        }
    return out


def gates(summary: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The targets as (status, name, detail) with status PASS, FAIL or SKIP (nothing to measure)."""
    m, p = summary["medradar"], summary["plain"]
    result: list[tuple[str, str, str]] = []

    def check(name: str, ok: bool | None, detail: str) -> None:
        result.append(("SKIP" if ok is None else "PASS" if ok else "FAIL", name, detail))

    check("no page lost (plain F1 >= 0.9, medradar F1 < 0.5)", not summary["lost"],
          f"{len(summary['lost'])} lost")

    def both(key: str) -> bool:
        return m[key] is not None and p[key] is not None

    check("Korean mean recall >= plain's", m["ko_recall"] >= p["ko_recall"]
          if both("ko_recall") else None, f"{_fmt(m['ko_recall'])} vs {_fmt(p['ko_recall'])}")
    check("Korean mean F1 >= plain + 0.02", m["ko_f1"] >= p["ko_f1"] + 0.02
          if both("ko_f1") else None, f"{_fmt(m['ko_f1'])} vs {_fmt(p['ko_f1'])}")
    check("script-only mean F1 >= 0.80", m["script_f1"] >= 0.80
          if m["script_f1"] is not None else None, f"{_fmt(m['script_f1'])}")
    check("English mean F1 >= plain - 0.01", m["en_f1"] >= p["en_f1"] - 0.01
          if both("en_f1") else None, f"{_fmt(m['en_f1'])} vs {_fmt(p['en_f1'])}")
    check("medradar pages/s >= 1.0x plain's", m["pages_per_s"] >= p["pages_per_s"],
          f"{m['pages_per_s']:.1f} vs {p['pages_per_s']:.1f}")
    return result


def report(pages: list[Page], outputs: dict[str, list[tuple[str, str | None]]],
           scores: dict[str, list[Score]], summary: dict[str, Any], show: int) -> list[str]:
    """The printed report: per-page table, summary rows, worst pages and gate lines."""
    lines = []
    langs = Counter(p.lang for p in pages)
    outlets = sorted({p.outlet for p in pages})
    lines.append(f"pages: {len(pages)} ({', '.join(f'{k} {v}' for k, v in sorted(langs.items()))})"
                 f", outlets: {len(outlets)}, snippet-only: {summary['snippet_pages']}")
    lines.append(f"{'page':30} {'outlet':20} lg kind   {'medradar P/R/F1':17}  "
                 f"{'plain P/R/F1':17}")
    for i, page in enumerate(pages):
        err = outputs["medradar"][i][1]
        lines.append(f"{page.slug[:30]:30} {page.outlet[:20]:20} {page.lang} {page.kind:6} "
                     f"{_cell(scores['medradar'][i])}  {_cell(scores['plain'][i])}"
                     + (f"  [{err[:40]}]" if err else ""))
    m, p = summary["medradar"], summary["plain"]
    lines.append("")
    lines.append(f"{'summary':44} {'medradar':>9} {'plain':>9}")
    rows = [
        ("Korean mean F1", m["ko_f1"], p["ko_f1"]),
        ("Korean mean recall", m["ko_recall"], p["ko_recall"]),
        ("script-only mean F1", m["script_f1"], p["script_f1"]),
        ("English mean F1", m["en_f1"], p["en_f1"]),
        ("snippet pages: share of 'with' found", m["snippet_with"], p["snippet_with"]),
        ("snippet pages: share of 'without' absent", m["snippet_without"], p["snippet_without"]),
    ]
    for label, a, b in rows:
        lines.append(f"{label:44} {_fmt(a):>9} {_fmt(b):>9}")
    lines.append(f"{'pages/s (in-process, best of 3)':44} {m['pages_per_s']:9.1f} "
                 f"{p['pages_per_s']:9.1f}")
    lines.append(f"lost (plain F1 >= 0.9, medradar F1 < 0.5): {len(summary['lost'])}"
                 + (f"  {', '.join(summary['lost'])}" if summary["lost"] else ""))
    lines.append(f"medradar recall > 0.05 below plain's: {len(summary['recall_worse'])}"
                 + (f"  {', '.join(summary['recall_worse'])}" if summary["recall_worse"] else ""))
    if show:
        ranked = sorted((i for i, pg in enumerate(pages) if pg.gold is not None),
                        key=lambda i: scores["medradar"][i].f1)[:show]
        lines.append("")
        lines.append(f"worst {len(ranked)} pages for medradar:")
        for i in ranked:
            body, err = outputs["medradar"][i]
            s = scores["medradar"][i]
            lines.append(f"  {pages[i].slug} ({pages[i].outlet}, {pages[i].kind}) "
                         f"F1 {s.f1:.3f} P {s.p:.3f} R {s.r:.3f}"
                         f" | plain F1 {scores['plain'][i].f1:.3f}"
                         + (f" | {err}" if err else ""))
            lines.extend(diff_hint(pages[i], body))
    lines.append("")
    for status, name, detail in gates(summary):
        lines.append(f"{status} {name}: {detail}")
    return lines


# --- fetching -----------------------------------------------------------------------------------


def html_to_text(html: str) -> str:
    """Plain text of an expected-output HTML fragment, one block element per line."""
    tree = lxml.html.fromstring(html)
    blocks = [el for el in tree.iter(*_BLOCKS)
              if not any(anc.tag in _BLOCKS for anc in el.iterancestors())]
    texts = [" ".join(el.text_content().split()) for el in blocks] or [
        " ".join(line.split()) for line in tree.text_content().splitlines()]
    return "\n".join(t for t in texts if t)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as resp:
        return bytes(resp.read())


def fetch(folder: Path, manifest: Path = MANIFEST) -> int:
    """Download the manifest's pages and gold into ``folder``; 2 with one line when offline."""
    sources = tomllib.loads(manifest.read_text(encoding="utf-8"))["source"]
    folder.mkdir(parents=True, exist_ok=True)
    done = 0
    try:
        for src in sources:
            for entry in src.get("files", []):
                url = src["raw_url"].format(repo=src["repo"], commit=entry["commit"],
                                            path=entry["path"])
                raw = _get(url)
                gold_raw = None
                if entry.get("gold_path"):
                    gold_raw = _get(src["raw_url"].format(
                        repo=src["repo"], commit=entry.get("gold_commit", entry["commit"]),
                        path=entry["gold_path"]))
                html, meta = convert(src, entry, raw, gold_raw)
                (folder / f"{entry['slug']}.html").write_text(html, encoding="utf-8")
                (folder / f"{entry['slug']}.json").write_text(
                    json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
                done += 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"realpages: --fetch failed after {done} pages, cannot download ({exc}); "
              f"offline? use a pre-assembled {folder}", file=sys.stderr)
        return 2
    print(f"realpages: fetched {done} pages into {folder}", file=sys.stderr)
    return 0


def from_raw(folder: Path, manifest: Path = MANIFEST) -> int:
    """Convert files copied by hand into ``folder/_raw`` (``<slug>.src``, ``<slug>.gold``)."""
    sources = tomllib.loads(manifest.read_text(encoding="utf-8"))["source"]
    done = 0
    for src in sources:
        for entry in src.get("files", []):
            raw = folder / "_raw" / f"{entry['slug']}.src"
            if not raw.exists():
                continue
            gold = folder / "_raw" / f"{entry['slug']}.gold"
            try:
                html, meta = convert(src, entry, raw.read_bytes(),
                                     gold.read_bytes() if gold.exists() else None)
            except (ValueError, KeyError, IndexError) as exc:
                print(f"realpages: {raw.name}: cannot convert ({exc})", file=sys.stderr)
                continue
            (folder / f"{entry['slug']}.html").write_text(html, encoding="utf-8")
            (folder / f"{entry['slug']}.json").write_text(
                json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
            done += 1
    print(f"realpages: converted {done} hand-copied pages in {folder}", file=sys.stderr)
    return 0


def convert(src: dict[str, Any], entry: dict[str, Any], raw: bytes,
            gold_raw: bytes | None) -> tuple[str, dict[str, Any]]:
    """Turn one downloaded file (and its gold file) into page HTML and page metadata."""
    fmt = src["format"]
    meta: dict[str, Any] = {k: entry[k] for k in ("url", "lang", "outlet", "kind") if k in entry}
    meta.update(repo=src["repo"], path=entry["path"], commit=entry["commit"],
                license=src["license"])
    if fmt == "scrapping-webs-json":
        item = json.loads(raw.decode("utf-8"))[0]
        html = item["raw_response"]["content"]
        meta["gold"] = "\n".join(" ".join(t.split()) for t in item["parsed_data"]["text"])
    elif fmt in ("text-pair", "readability"):
        html = raw.decode("utf-8", errors="replace")
        gold = (gold_raw or b"").decode("utf-8", errors="replace")
        meta["gold"] = html_to_text(gold) if fmt == "readability" else gold.strip()
    elif fmt == "snippets":
        html = raw.decode(entry.get("charset", "utf-8"), errors="replace")
        meta["gold"] = None
        meta["with"] = entry.get("with", [])
        meta["without"] = entry.get("without", [])
    else:
        raise ValueError(f"unknown format {fmt!r}")
    meta.setdefault("url", page_url(html) or f"https://{entry['outlet']}/{entry['slug']}")
    return html, meta


def page_url(html: str) -> str | None:
    """The page's own canonical or og:url address, if it declares one."""
    try:
        tree = lxml.html.fromstring(html.encode("utf-8"))
    except (lxml.etree.ParserError, ValueError):
        return None
    for xp in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"):
        found = [str(v).strip() for v in tree.xpath(xp) if str(v).strip().startswith("http")]
        if found:
            return found[0]
    return None


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the real-page evaluation and print the table, summary and gates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--fetch", action="store_true", help="download the manifest's pages")
    parser.add_argument("--from-raw", action="store_true",
                        help="convert pages copied by hand into DIR/_raw first")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON")
    parser.add_argument("--only", choices=("ko", "en"))
    parser.add_argument("--show", type=int, default=0, help="print the N worst pages")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a gate fails")
    args = parser.parse_args(argv)
    if args.fetch:
        status = fetch(args.dir)
        if status:
            return status
    if args.from_raw:
        from_raw(args.dir)
    pages = load_pages(args.dir, args.only)
    if not pages:
        print(f"realpages: no pages in {args.dir} (see benchmarks/README.md)", file=sys.stderr)
        return 2
    outputs: dict[str, list[tuple[str, str | None]]] = {}
    rates: dict[str, float] = {}
    for name in EXTRACTORS:
        outputs[name], best = run_extractor(name, pages)
        rates[name] = len(pages) / best if best > 0 else float("inf")
    scores = {name: [score_page(pg, out[0]) for pg, out in zip(pages, outs, strict=True)]
              for name, outs in outputs.items()}
    summary = summarize(pages, scores, rates)
    print("\n".join(report(pages, outputs, scores, summary, args.show)))
    gate_rows = gates(summary)
    if args.json:
        args.json.write_text(json.dumps({
            "summary": summary,
            "gates": [{"status": s, "gate": n, "detail": d} for s, n, d in gate_rows],
            "pages": [{
                "slug": pg.slug, "outlet": pg.outlet, "lang": pg.lang, "kind": pg.kind,
                **{name: {**vars(scores[name][i]), "error": outputs[name][i][1]}
                   for name in EXTRACTORS},
            } for i, pg in enumerate(pages)],
        }, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.strict and any(s == "FAIL" for s, _, _ in gate_rows):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
