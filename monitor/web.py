"""``medradar run --http HOST:PORT``: /healthz and Prometheus /metrics from a daemon thread.

The endpoint has no authentication: bind it to 127.0.0.1 (the default in the docs) and let
Prometheus or a reverse proxy on the same host reach it. Each scrape reads the archive with
its own short-lived read-only connection, so the scraper never holds the crawls up.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitor.health import STATES
from storage.db import open_reader
from storage.health import metric_rows

logger = logging.getLogger("medradar.http")
SCRAPE_LOCK_TIMEOUT = 5.0  # seconds a scrape waits on a locked archive before answering 500
# The text format generate_latest writes; every Prometheus version reads it.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
Stats = Callable[[], Mapping[str, float]]


def parse_address(address: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[::1]:9464`` for IPv6) into host and port, or raise ValueError."""
    host, sep, port = address.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise ValueError(f"{address!r} is not HOST:PORT (for example 127.0.0.1:9464; "
                         "port 0 picks a free port)")
    return host, int(port)


class ArchiveCollector(Collector):
    """The archive's counts and the daemon's own gauges, read fresh at each scrape."""

    def __init__(self, archive_path: Path, stats: Stats, lock_timeout: float) -> None:
        self.archive_path = archive_path
        self.stats = stats
        self.lock_timeout = lock_timeout

    def collect(self) -> Iterator[Metric]:
        """Yield every metric family (raises when the archive cannot be read)."""
        archive = open_reader(self.archive_path, self.lock_timeout)
        try:
            rows = metric_rows(archive)
            size = archive.size_bytes()
        finally:
            archive.close()
        yield from archive_metrics(rows, size)
        yield from daemon_metrics(self.stats())


def daemon_metrics(stats: Mapping[str, float]) -> list[Metric]:
    """Turn the daemon's numbers into medradar_daemon_<key> (counters for keys in _total)."""
    families: list[Metric] = []
    for key, value in sorted(stats.items()):
        name = "medradar_daemon_" + re.sub(r"[^a-zA-Z0-9_]", "_", key)
        kind = CounterMetricFamily if name.endswith("_total") else GaugeMetricFamily
        families.append(kind(name, f"daemon: {key}", value=float(value)))
    return families


def archive_metrics(rows: Mapping[str, list[tuple[Any, ...]]], size: int) -> list[Metric]:
    """Turn storage.health.metric_rows (and the archive size) into metric families."""
    crawls = _family(CounterMetricFamily, "medradar_crawls_total",
                     "Finished crawl runs by source and status.", ["source", "status"],
                     [r for r in rows["crawls"] if r[1] != "running"])
    articles = _family(CounterMetricFamily, "medradar_articles_total",
                       "Articles archived, by source.", ["source"], rows["articles"])
    errors = _family(CounterMetricFamily, "medradar_crawl_errors_total",
                     "Crawl errors recorded, by source and kind.", ["source", "kind"],
                     rows["errors"])
    # Rows by their current status: a delivery moves from pending to sent, so these go down
    # as well as up (gauges); only status="sent" only grows.
    deliveries = _family(GaugeMetricFamily, "medradar_deliveries_total",
                         "Alert deliveries in the outbox, by channel and current status.",
                         ["channel", "status"], rows["deliveries"])
    notices = _family(GaugeMetricFamily, "medradar_notices_total",
                      "Ops notices, by channel and current status.", ["channel", "status"],
                      rows["notices"])
    state = GaugeMetricFamily("medradar_source_state",
                              "1 for the source's current health state, 0 for the others.",
                              labels=["source", "state"])
    for source_id, current in rows["health"]:
        for name in STATES:
            state.add_metric([source_id, name], 1.0 if name == current else 0.0)
    last = GaugeMetricFamily("medradar_last_crawl_timestamp_seconds",
                             "When the source's last crawl run finished (Unix time).",
                             labels=["source"])
    for source_id, finished_at in rows["last_crawl"]:
        last.add_metric([source_id], datetime.fromisoformat(finished_at).timestamp())
    backlog = _family(GaugeMetricFamily, "medradar_source_backlog_links",
                      "Article links a source's crawls left for later crawls (estimated); "
                      "absent when its archive is complete.", ["source"], rows["backlog"])
    calls = _family(CounterMetricFamily, "medradar_search_api_calls_total",
                    "Calls discovery sources made to their search API (Naver, Google News).",
                    ["source"], rows.get("api_calls", []))
    pending = sum(n for _, status, n in rows["deliveries"] if status == "pending")
    return [crawls, articles, errors, deliveries, notices, state, last, backlog, calls,
            GaugeMetricFamily("medradar_outbox_pending", "Alert deliveries waiting to be sent.",
                              value=float(pending)),
            GaugeMetricFamily("medradar_archive_bytes", "Size of the archive file and its WAL.",
                              value=float(size))]


def _family(kind: type[CounterMetricFamily] | type[GaugeMetricFamily], name: str, doc: str,
            labels: list[str], rows: list[tuple[Any, ...]]) -> Metric:
    """Return a labelled family with one sample per row of (labels..., value)."""
    family = kind(name, doc, labels=labels)
    for *values, count in rows:
        family.add_metric([str(v) for v in values], float(count))
    return family


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    registry: CollectorRegistry
    stats: Stats


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        """Answer /healthz, /metrics, or 404."""
        path = self.path.partition("?")[0]
        if path == "/healthz":
            running = self.server.stats().get("scheduler_running") == 1
            self._answer(200 if running else 503, "ok\n" if running else "stopped\n")
        elif path == "/metrics":
            self._metrics()
        else:
            self._answer(404, "not found\n")

    def _metrics(self) -> None:
        try:
            body = generate_latest(self.server.registry)
        except Exception as exc:  # a scrape must get an answer, whatever went wrong
            logger.exception("/metrics failed")
            self._answer(500, " ".join(f"cannot read metrics: {exc}".split()) + "\n")
            return
        self._answer(200, body, METRICS_CONTENT_TYPE)

    def _answer(self, status: int, body: str | bytes,
                content_type: str = "text/plain; charset=utf-8") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests at debug level only (Prometheus scrapes every few seconds)."""
        logger.debug("%s " + format, self.address_string(), *args)


class HttpServer:
    """The running endpoint: ``port``, ``url``, and ``close()``."""

    def __init__(self, server: _Server, host: str) -> None:
        self._server = server
        self.host = host
        self.port: int = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="medradar-http", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """Return the base URL, such as ``http://127.0.0.1:9464``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def start_http(address: str, archive_path: Path, stats: Stats, *,
               lock_timeout: float = SCRAPE_LOCK_TIMEOUT) -> HttpServer:
    """Serve /healthz and /metrics on ``HOST:PORT`` from a daemon thread (OSError if taken)."""
    host, port = parse_address(address)
    server = (_Server6 if ":" in host else _Server)((host, port), _Handler)
    server.registry = CollectorRegistry(auto_describe=False)
    server.registry.register(ArchiveCollector(Path(archive_path), stats, lock_timeout))
    server.stats = stats
    return HttpServer(server, host)
