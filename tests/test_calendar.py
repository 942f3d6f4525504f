"""The suite does not depend on the calendar: the tests that read article ages pass with the
whole machine's clock a year ahead.

Each case runs those tests again in a child pytest under libfaketime (LD_PRELOAD), which moves
the clock of every process the tests start (daemons, crawl processes, extraction workers) and
SQLite's own ``now``. A fixture date that ages, or a test that reads today, fails here loudly:
the child's failures are quoted in this test's failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from tests.conftest import REPO

# The tests whose outcome depends on how old an article is or on "now": alert matching
# (max_age), delivery and digests, the daemon's alerts, status windows, CLI date filters,
# Datasette's "new today" and "last 7 days", stories and article versions, and discovery's
# window, quota day and backoff until midnight.
AGE_SENSITIVE = [
    "tests/test_discovery_units.py",
    "tests/test_discovery.py::test_naver_pages_newest_first_and_stores_each_outlets_article",
    "tests/test_discovery.py::test_a_429_backs_off_until_the_quota_resets_and_resumes_at_the_"
    "same_place",
    "tests/test_discovery.py::test_the_daily_budget_is_never_exceeded_and_status_says_what_is_"
    "left",
    "tests/test_daemon.py::test_new_article_reaches_the_webhook_within_two_intervals",
    "tests/test_alert_matching.py",
    "tests/test_alert_delivery.py",
    "tests/test_status.py",
    "tests/test_cli.py",
    "tests/test_datasette.py",
    "tests/test_crawl.py::test_second_crawl_fetches_no_article_page",  # sitemap lastmod
    "tests/test_stories.py",  # per-story alerts, the story window, `stories --since`
    "tests/test_versions.py",  # lastmod against the time an article was stored
]


def faketime_env(offset: str) -> dict[str, str]:
    """The environment that runs a process (and its children) with the clock moved by offset."""
    libfaketime = pytest.importorskip("libfaketime")
    _, preload = libfaketime.get_reload_information()
    return {**os.environ, **preload, "FAKETIME": offset, "PYTHONPATH": str(REPO)}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="libfaketime is Linux-only")
@pytest.mark.skipif(bool(os.environ.get("FAKETIME")),
                    reason="the whole suite already runs on a moved clock (FAKETIME is set)")
# A year ahead in every run (about 80 s); a year back, and the whole suite both ways, by hand
# (README, "Development"): the suite's 10-minute budget on 2 cores does not hold all three.
@pytest.mark.parametrize(("offset", "years"), [("+365d", 1)])
def test_age_sensitive_tests_pass_a_year_ahead(offset: str, years: int) -> None:
    env = faketime_env(offset)
    seen = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                          env=env, capture_output=True, text=True, check=True).stdout.strip()
    moved = date.fromisoformat(seen)
    assert abs((moved - date.today()).days - 365 * years) <= 1, (
        f"libfaketime did not move the clock: the child saw {seen}")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *AGE_SENSITIVE],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (
        f"with the clock at {seen}, a test depends on the calendar:\n{done.stdout[-4000:]}")
