"""Source health from crawl runs (monitor/health.py): one case per kind of run."""

from __future__ import annotations

from typing import Any

import pytest

from monitor.health import assess_run, needs_notice, next_state, notice_text


def run(status: str = "ok", links: int = 10, not_modified: int = 0, errors: int = 0,
        blocked: int = 0, last_error: str | None = None) -> dict[str, Any]:
    """A crawl_runs row with the columns health looks at."""
    return {"status": status, "links_found": links, "not_modified": not_modified,
            "errors": errors, "blocked": blocked, "last_error": last_error}


RUNS = {
    "clean run": (run(), "ok"),
    "nothing new: feed answered 304": (run(links=0, not_modified=1), "ok"),
    "nothing new: every listed article known": (run(links=12), "ok"),
    "an article page failed": (run("partial", errors=1, last_error="article: HTTP 404"),
                               "degraded"),
    "list page lost its links": (run("partial", links=0, errors=1,
                                     last_error="list page has no article links"), "failing"),
    "no links and no error": (run(links=0), "failing"),
    "every entry page 500": (run("failed", links=0, errors=2, last_error="list: HTTP 500"),
                             "failing"),
    "timed out": (run("timed_out", links=0, errors=1, last_error="killed after 4s"), "failing"),
    "403 everywhere": (run("failed", links=0, errors=2, blocked=2, last_error="HTTP 403"),
                       "blocked"),
    "robots refuses the list": (run("partial", links=0, errors=1, blocked=1), "blocked"),
    "one article 429 but links found": (run("partial", errors=1, blocked=1), "degraded"),
}


@pytest.mark.parametrize("case", RUNS, ids=list(RUNS))
def test_each_kind_of_run_points_to_its_state(case: str) -> None:
    row, state = RUNS[case]
    assessment = assess_run(row)
    assert assessment is not None and assessment.state == state, (
        f"{case}: expected {state}, got {assessment}")


def test_a_run_stopped_on_purpose_says_nothing() -> None:
    assert assess_run(run("interrupted", links=0)) is None
    older_ok = next_state("ok", [run("interrupted", links=0), run()], 2)
    assert older_ok is not None and older_ok.state == "ok", older_ok


def test_failing_needs_consecutive_bad_runs_and_recovery_one_good_run() -> None:
    bad = run("failed", links=0, errors=1, last_error="list: HTTP 500")
    first = next_state("ok", [bad, run()], 2)
    assert first is not None and first.state == "degraded" and "1 of 2" in first.reason, first
    second = next_state("degraded", [bad, bad, run()], 2)
    assert second is not None and second.state == "failing", second
    still = next_state("failing", [bad], 2)
    assert still is not None and still.state == "failing", "a failing source stays failing"
    back = next_state("failing", [run(), bad, bad], 2)
    assert back is not None and back.state == "ok", back


@pytest.mark.parametrize(("previous", "state", "news"), [
    ("ok", "failing", True), ("degraded", "blocked", True), ("unknown", "failing", True),
    ("failing", "ok", True), ("blocked", "degraded", True), ("failing", "blocked", True),
    ("failing", "failing", False), ("ok", "degraded", False), ("degraded", "ok", False),
])
def test_only_changes_into_or_out_of_an_alarm_are_news(previous: str, state: str,
                                                      news: bool) -> None:
    assert needs_notice(previous, state) is news, f"{previous} → {state}"


def test_notice_text_names_the_source_and_the_reason() -> None:
    assert notice_text("메디인뉴스", "degraded", "failing", "list: HTTP 500") == (
        "medradar: 메디인뉴스 is failing: list: HTTP 500")
    assert notice_text("메디인뉴스", "failing", "ok", "") == (
        "medradar: 메디인뉴스 recovered (failing → ok)")
