"""A real HTTP server on 127.0.0.1 answering as Meilisearch, from the transcribed fixtures.

`tests/meili_http.py` routes the SDK's requests in-process; a separate `langso` process needs
a socket to talk to. This serves the same documented answers (tests/marketplace/search/
meilisearch_api/) and records what it was sent. `stop()` closes the socket — connections are
then refused, as when Meilisearch is down — and `start()` brings it back on the same port.
"""

# The shared test helpers (tests/meili_http.py, tests/batch_support.py) are not annotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.meili_http import fixture
from tests.reliability.server import free_port

_ROUTES: list[tuple[str, re.Pattern[str], int, str]] = [
    ("PATCH", re.compile(r"/indexes/[^/]+/settings"), 202, "task_enqueued_settings.json"),
    (
        "POST",
        re.compile(r"/indexes/[^/]+/documents/delete-batch"),
        202,
        "task_enqueued_deletion.json",
    ),
    ("POST", re.compile(r"/indexes/[^/]+/documents"), 202, "task_enqueued_documents.json"),
    ("GET", re.compile(r"/tasks/\d+"), 200, "task_succeeded.json"),
    ("GET", re.compile(r"/health"), 200, "health.json"),
]


class FakeMeilisearch:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.received: list[tuple[str, str, Any]] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def documents(self) -> dict[int, dict[str, Any]]:
        """The last version of every document it was sent, by product id."""
        latest: dict[int, dict[str, Any]] = {}
        for method, path, body in self.received:
            if method == "POST" and path.endswith("/documents"):
                for document in body:
                    latest[int(document["product_id"])] = document
        return latest

    def deleted(self) -> set[int]:
        return {
            int(uid)
            for method, path, body in self.received
            if method == "POST" and path.endswith("/delete-batch")
            for uid in body
        }

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                owner.received.append((self.command, path, body))
                for method, pattern, status, name in _ROUTES:
                    if method == self.command and pattern.fullmatch(path):
                        self._send(status, fixture(name))
                        return
                self._send(404, {"message": "not found", "code": "not_found"})

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
