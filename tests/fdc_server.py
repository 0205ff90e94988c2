"""A real HTTP server on 127.0.0.1 for the FDC client and downloader tests.

Routes map a path to a list of scripted replies (consumed in order, the last one repeats) or to
a function of the request. Replies can be slow (to trip client timeouts) or cut off midway (to
imitate a dropped connection). Every request is recorded so tests can check what was sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    cut_after: int | None = None  # announce the full length, send this many bytes, hang up

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_path: str

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


Route = list[Reply] | Callable[[Request], Reply]


class LocalServer:
    """`with LocalServer() as server:` serves `server.url` until the block ends."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                owner._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, *replies: Reply, handler: Callable[[Request], Reply] | None = None):
        self.routes[path] = handler if handler is not None else list(replies)
        return self

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _next_reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if route is None:
                return Reply(404, b"")
            if callable(route):
                return route(request)
            return route.pop(0) if len(route) > 1 else route[0]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        request = Request(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in handler.headers.items()},
            raw_path=handler.path,
        )
        reply = self._next_reply(request)
        body = reply.payload()
        try:
            if reply.delay:
                time.sleep(reply.delay)
            handler.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            headers.setdefault("Content-Length", str(len(body)))
            for name, value in headers.items():
                handler.send_header(name, value)
            if reply.cut_after is not None:
                handler.send_header("Connection", "close")
            handler.end_headers()
            if reply.cut_after is not None:
                handler.wfile.write(body[: reply.cut_after])
                handler.wfile.flush()
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, OSError):
            handler.close_connection = True  # the client gave up (e.g. after its timeout)


def free_port() -> int:
    """A port nothing listens on (bound, then released), for "connection refused" tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def range_handler(
    data: bytes,
    *,
    supports_range: bool = True,
    cut_first_at: int | None = None,
    content_type: str = "application/zip",
) -> Callable[[Request], Reply]:
    """Serve `data` like a static file server; optionally drop the first response midway."""
    state = {"served": 0}

    def handle(request: Request) -> Reply:
        state["served"] += 1
        first = state["served"] == 1
        headers = {"Content-Type": content_type, "Accept-Ranges": "bytes"}
        range_header = request.headers.get("range")
        if supports_range and range_header and range_header.startswith("bytes="):
            start = int(range_header[len("bytes=") :].split("-")[0])
            if start >= len(data):
                headers["Content-Range"] = f"bytes */{len(data)}"
                return Reply(416, b"", headers)
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            return Reply(206, data[start:], headers)
        if not supports_range:
            headers.pop("Accept-Ranges")
        cut = cut_first_at if first else None
        return Reply(200, data, headers, cut_after=cut)

    return handle
