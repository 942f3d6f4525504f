"""A real HTTP server on 127.0.0.1 that plays one fixture outlet (see tests/fixtures/README.md).

Files come from ``tests/fixtures/outlets/<outlet>/site``; a test can override any path at run
time (status, body, headers, a delay, a redirect loop) and read how often each path was asked.
Feeds get an ETag and honour If-None-Match, like real NDSoft and WordPress servers.
"""

from __future__ import annotations

import hashlib
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.support.clock import days_until, shift_bytes

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OUTLETS = FIXTURES / "outlets"


@dataclass
class Override:
    """What to answer for one path instead of the file."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    redirect_loop: bool = False
    fail_first: int = 0  # answer 500 to the first N requests, then serve the file


def file_key(path_and_query: str) -> str:
    """Map a request path (with query) to the file key under site/."""
    path, _, query = path_and_query.partition("?")
    path = path.lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return f"{path}@{query}" if query else path


def content_type_for(key: str) -> str:
    """Guess a Content-Type from a file key's extension."""
    name = key.split("@", 1)[0]
    if name.endswith(".xml"):
        return "application/xml"
    if name.endswith(".txt"):
        return "text/plain"
    return "text/html"


class _Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a crawler opening connections in a burst overflows
    # it, and each dropped SYN costs the client a 1 s retransmit.
    request_queue_size = 128


class OutletServer:
    """Serve one outlet directory; use as a context manager or start()/stop()."""

    def __init__(self, outlet: str | Path, dynamic: Callable[[str], bytes | None] | None = None,
                 newest: date | None = None):
        """Serve outlet; with ``newest``, its dates move so the newest fixture day is that day."""
        self.root = Path(outlet) if isinstance(outlet, Path) else OUTLETS / outlet
        meta = self.root / "outlet.toml"
        self.meta: dict[str, Any] = tomllib.loads(meta.read_text("utf-8")) if meta.exists() else {}
        headers = self.root / "headers.toml"
        self.file_headers: dict[str, dict[str, str]] = (
            tomllib.loads(headers.read_text("utf-8")) if headers.exists() else {})
        self.overrides: dict[str, Override] = {}
        self.dynamic = dynamic
        self.shift_days = days_until(newest) if newest else 0
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.user_agents: Counter[str] = Counter()
        self.served_at: dict[str, float] = {}  # path -> time.time() its last answer was sent
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.origin + path

    def start(self) -> OutletServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> OutletServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set(self, path: str, **kwargs: Any) -> None:
        """Override what a path answers (see Override)."""
        self.overrides[path] = Override(**kwargs)

    def clear(self, path: str) -> None:
        """Remove an override."""
        self.overrides.pop(path, None)

    def count(self, predicate: Callable[[str], bool]) -> int:
        """How many requests matched predicate(path_and_query)."""
        with self._lock:
            return sum(n for path, n in self.hits.items() if predicate(path))

    def read(self, key: str) -> bytes | None:
        """The bytes of a file key with {{ORIGIN}} filled in and dates moved, or None."""
        path = self.root / "site" / key
        if not path.is_file():
            return None
        data = path.read_bytes().replace(b"{{ORIGIN}}", self.origin.encode("ascii"))
        return shift_bytes(data, self.shift_days, self.meta.get("charset", "utf-8"))

    def _content_type(self, key: str) -> str:
        declared = self.file_headers.get(key, {})
        for name, value in declared.items():
            if name.lower() == "content-type":
                return value
        ctype = content_type_for(key)
        if self.meta.get("charset_in_header", True) and ctype != "application/octet-stream":
            ctype += f"; charset={self.meta.get('charset', 'utf-8')}"
        return ctype

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # see tests/support/receiver.py

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                with server._lock:
                    server.hits[self.path] += 1
                    server.user_agents[self.headers.get("User-Agent", "")] += 1
                    hits = server.hits[self.path]
                override = server.overrides.get(self.path)
                if override and override.fail_first:
                    if hits <= override.fail_first:
                        self._send(500, b"temporarily broken", {"Content-Type": "text/plain"})
                        return
                    override = None
                if override:
                    self._answer_override(override)
                    return
                key = file_key(self.path)
                body = server.dynamic(self.path) if server.dynamic else None
                if body is None:
                    body = server.read(key)
                if body is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>",
                               {"Content-Type": "text/html"})
                    return
                etag = '"' + hashlib.md5(body).hexdigest() + '"'
                headers = {"Content-Type": server._content_type(key), "ETag": etag}
                headers.update({k: v for k, v in server.file_headers.get(key, {}).items()
                                if k.lower() != "content-type"})
                if self.headers.get("If-None-Match") == etag:
                    with server._lock:
                        server.not_modified[self.path] += 1
                    self._send(304, b"", {"ETag": etag})
                    return
                self._send(200, body, headers)

            def _answer_override(self, override: Override) -> None:
                if override.delay:
                    time.sleep(override.delay)
                if override.redirect_loop:
                    self._send(302, b"", {"Location": self.path})
                    return
                body = override.body if override.body is not None else b""
                headers = {"Content-Type": "text/html; charset=utf-8", **override.headers}
                self._send(override.status, body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    # Headers and body in one send(): in two, the body segment waits for the
                    # client's delayed ACK of the headers (~40 ms a response on loopback).
                    if body and self.command != "HEAD":
                        self._headers_buffer.append(b"\r\n" + body)  # type: ignore[attr-defined]
                        self.wfile.write(b"".join(self._headers_buffer))  # type: ignore[attr-defined]
                        self._headers_buffer = []
                    else:
                        self.end_headers()
                    server.served_at[self.path] = time.time()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up on this response (size cap, timeout)

            do_HEAD = do_GET

        return Handler
