"""A real HTTP webhook receiver on 127.0.0.1 that records requests and can misbehave."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class Receiver:
    """Answers 200 by default; set ``mode`` to "500", "429", "400" or "hang"."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.arrivals: list[float] = []  # time.time() of each recorded request
        self.mode = "ok"
        self.retry_after = "120"
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        """Absolute URL on this receiver."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: with Nagle's algorithm on, the body
            # waits for the client's delayed ACK (40 ms a request on Linux).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                mode = receiver.mode
                if mode == "hang":
                    time.sleep(5)
                status = {"ok": 200, "500": 500, "429": 429, "400": 400, "hang": 200}[mode]
                if status == 200:
                    with receiver._lock:
                        receiver.received.append(Received(self.path, dict(self.headers), body))
                        receiver.arrivals.append(time.time())
                answer = {"400": b"invalid_payload", "500": b"oops"}.get(mode, b"ok")
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", receiver.retry_after)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        return Handler
