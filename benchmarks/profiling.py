"""``--profile``: one more crawl with its main process profiled; the hottest functions printed.

With py-spy installed in the virtualenv (``pip install py-spy``) the crawl runs under
``py-spy record`` (sampling at 100 Hz, little distortion; the speedscope file is kept in
benchmarks/.cache/); otherwise under cProfile (exact call counts, but it slows Python code
several-fold, so shares are skewed towards Python-heavy functions).
"""

from __future__ import annotations

import json
import pstats
import subprocess
from collections import Counter
from io import StringIO
from pathlib import Path

from benchmarks.crawlbench import REPO, Servers, child_env, medradar_command, write_config

CACHE = REPO / "benchmarks" / ".cache"


def _short(path: str) -> str:
    return path.split("site-packages/")[-1].replace(str(REPO) + "/", "")


def summarize_speedscope(path: Path, top: int = 25) -> str:
    """Self and inclusive shares of the busiest thread's samples in a py-spy speedscope file."""
    data = json.loads(path.read_text())
    frames = data["shared"]["frames"]
    profile = max(data["profiles"], key=lambda p: len(p["samples"]))
    samples = [s for s in profile["samples"] if s]
    total = len(samples) or 1
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack in samples:
        leaf = frames[stack[-1]]
        own[f"{leaf['name']}  {_short(leaf.get('file', ''))}:{leaf.get('line')}"] += 1
        seen = set()
        for index in stack:
            frame = frames[index]
            key = f"{frame['name']}  {_short(frame.get('file', ''))}"
            if key not in seen:
                seen.add(key)
                inclusive[key] += 1
    lines = [f"py-spy, {profile['name']}: {len(samples)} non-idle samples at 100 Hz "
             f"(file: {path})", "  self time (leaf frame):"]
    lines += [f"    {n / total:6.1%}  {name}" for name, n in own.most_common(top)]
    lines.append("  inclusive (frame anywhere on the stack):")
    lines += [f"    {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top * 2)]
    return "\n".join(lines)


def profile_crawl(servers: Servers, workdir: Path) -> str:
    """Crawl the outlets into a fresh archive with the main process profiled; return a summary."""
    profdir = workdir / "profile"
    profdir.mkdir()
    config = write_config(profdir, servers.outlets)
    CACHE.mkdir(parents=True, exist_ok=True)
    bindir = Path(medradar_command()[0]).parent
    crawl = [*medradar_command(), "--config", str(config), "crawl"]
    py_spy = bindir / "py-spy"
    if py_spy.exists():
        out = CACHE / "crawl-main.speedscope.json"
        done = subprocess.run([str(py_spy), "record", "-r", "100", "--format", "speedscope",
                               "-o", str(out), "--", *crawl], cwd=profdir, env=child_env(),
                              capture_output=True, text=True, check=False)
        if done.returncode == 0 and out.exists():
            return summarize_speedscope(out)
        note = f"(py-spy failed: {done.stderr.strip()[-300:]}; falling back to cProfile)\n"
    else:
        note = "(py-spy not installed in the venv; using cProfile)\n"
    prof = CACHE / "crawl-main.prof"
    subprocess.run([str(bindir / "python"), "-m", "cProfile", "-o", str(prof), "-m", "monitor",
                    "--config", str(config), "crawl"], cwd=profdir, env=child_env(),
                   capture_output=True, check=True)
    text = StringIO()
    stats = pstats.Stats(str(prof), stream=text)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return f"{note}cProfile of the crawl's main process ({prof}):\n{text.getvalue()}"
