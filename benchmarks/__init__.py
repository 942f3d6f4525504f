"""Benchmarks of medradar: crawl throughput against plain trafilatura, re-crawl cost, search.

Run everything with ``.venv/bin/python -m benchmarks`` (``--quick`` for a smoke run); see
benchmarks/README.md for what each figure means.
"""
