"""/healthz and /metrics, served on 127.0.0.1 from a real archive and read with httpx."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from monitor.health import STATES
from monitor.web import HttpServer, parse_address, start_http
from tests.conftest import run_cli
from tests.support.sample_archive import build

Serve = Callable[..., HttpServer]
RUNNING = {"scheduler_running": 1.0, "crawls_running": 2.0, "crawls_queued": 1.0,
           "probes_total": 7.0, "probes_unchanged_total": 5.0, "reloads_total": 0.0}


@pytest.fixture
def serve() -> Iterator[Serve]:
    """start_http on 127.0.0.1:0; every server is closed after the test."""
    started: list[HttpServer] = []

    def start(archive: Path, stats: dict[str, float] | None = None, **options: float
              ) -> HttpServer:
        server = start_http("127.0.0.1:0", archive, lambda: stats or RUNNING, **options)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Parse Prometheus text into {(sample name, sorted labels): value}."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_the_archive_and_the_daemon(tmp_path: Path, serve: Serve) -> None:
    archive = build(tmp_path / "archive.db")
    server = serve(archive)
    response = httpx.get(f"{server.url}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    values = samples(response.text)

    def value(name: str, **labels: str) -> float:
        return values[(name, tuple(sorted(labels.items())))]

    assert value("medradar_crawls_total", source="bosa", status="ok") == 1
    assert value("medradar_crawls_total", source="kormedi", status="failed") == 1
    assert value("medradar_articles_total", source="bosa") == 2
    assert value("medradar_crawl_errors_total", source="kormedi", kind="network") == 1
    assert value("medradar_deliveries_total", channel="slack", status="pending") == 1
    assert value("medradar_deliveries_total", channel="slack", status="failed") == 1
    assert value("medradar_notices_total", channel="ops", status="pending") == 1
    assert value("medradar_outbox_pending") == 1
    assert value("medradar_archive_bytes") == archive.stat().st_size + (
        (tmp_path / "archive.db-wal").stat().st_size
        if (tmp_path / "archive.db-wal").exists() else 0)
    for state in STATES:
        assert value("medradar_source_state", source="kormedi", state=state) == (
            state == "failing")
        assert value("medradar_source_state", source="bosa", state=state) == (state == "ok")
    assert value("medradar_last_crawl_timestamp_seconds", source="bosa") > 1.7e9
    for key, expected in RUNNING.items():
        assert value(f"medradar_daemon_{key}") == expected


def test_daemon_counters_are_counters(tmp_path: Path, serve: Serve) -> None:
    server = serve(build(tmp_path / "archive.db"))
    families = {f.name: f.type for f in
                text_string_to_metric_families(httpx.get(f"{server.url}/metrics").text)}
    assert families["medradar_daemon_probes"] == "counter"  # probes_total
    assert families["medradar_daemon_crawls_running"] == "gauge"
    assert families["medradar_crawls"] == "counter"
    assert families["medradar_outbox_pending"] == "gauge"


def test_healthz_follows_the_scheduler(tmp_path: Path, serve: Serve) -> None:
    archive = build(tmp_path / "archive.db")
    running = serve(archive)
    stopped = serve(archive, {"scheduler_running": 0.0})
    answer = httpx.get(f"{running.url}/healthz")
    assert (answer.status_code, answer.text) == (200, "ok\n")
    answer = httpx.get(f"{stopped.url}/healthz")
    assert (answer.status_code, answer.text) == (503, "stopped\n")


def test_other_paths_are_404(tmp_path: Path, serve: Serve) -> None:
    server = serve(build(tmp_path / "archive.db"))
    assert httpx.get(f"{server.url}/").status_code == 404
    assert httpx.get(f"{server.url}/metrics/extra").status_code == 404
    assert httpx.get(f"{server.url}/metrics?name[]=x").status_code == 200


def test_missing_or_broken_archive_is_a_500_and_the_server_goes_on(tmp_path: Path,
                                                                  serve: Serve) -> None:
    archive = tmp_path / "archive.db"
    server = serve(archive)
    answer = httpx.get(f"{server.url}/metrics")
    assert answer.status_code == 500
    assert answer.text == f"cannot read metrics: no archive at {archive}\n"
    assert not archive.exists(), "a scrape must not create an archive"
    archive.write_bytes(b"not a database at all" * 100)
    answer = httpx.get(f"{server.url}/metrics")
    assert answer.status_code == 500 and answer.text.count("\n") == 1
    assert "not a database" in answer.text
    archive.unlink()
    build(archive)
    assert httpx.get(f"{server.url}/metrics").status_code == 200
    assert httpx.get(f"{server.url}/healthz").status_code == 200


def test_locked_archive_is_a_500_within_the_lock_timeout(tmp_path: Path, serve: Serve) -> None:
    archive = build(tmp_path / "archive.db")
    server = serve(archive, lock_timeout=0.3)
    holder = sqlite3.connect(archive, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # shuts readers out, even in WAL
        holder.execute("BEGIN EXCLUSIVE")
        answer = httpx.get(f"{server.url}/metrics", timeout=10)
        assert answer.status_code == 500 and "database is locked" in answer.text
    finally:
        holder.close()
    assert httpx.get(f"{server.url}/metrics").status_code == 200


def test_close_releases_the_port(tmp_path: Path) -> None:
    archive = build(tmp_path / "archive.db")
    server = start_http("127.0.0.1:0", archive, lambda: RUNNING)
    port = server.port
    assert server.url == f"http://127.0.0.1:{port}"
    server.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/healthz")
    again = start_http(f"127.0.0.1:{port}", archive, lambda: RUNNING)
    try:
        assert httpx.get(f"{again.url}/healthz").status_code == 200
    finally:
        again.close()


@pytest.mark.parametrize("address", ["9464", "localhost", ":9464", "127.0.0.1:http",
                                     "127.0.0.1:70000", ""])
def test_bad_address_is_a_clear_error(address: str) -> None:
    with pytest.raises(ValueError, match="is not HOST:PORT"):
        parse_address(address)


def test_addresses() -> None:
    assert parse_address("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_address("[::1]:0") == ("::1", 0)
    assert parse_address("localhost:0") == ("localhost", 0)


def test_run_refuses_a_bad_http_address_before_starting(tmp_path: Path) -> None:
    config = tmp_path / "medradar.toml"
    config.write_text('[archive]\npath = "archive.db"\n', "utf-8")
    done = run_cli("--config", str(config), "run", "--http", "9464")
    assert done.returncode == 2
    assert "'9464' is not HOST:PORT" in done.stderr
    assert not (tmp_path / "archive.db").exists()
