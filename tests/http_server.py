"""A real HTTP server on 127.0.0.1 for tests: feeds and pages served over the wire.

Mocks of httpx would not exercise what breaks in production (conditional GET, redirects,
gzip, slow bodies, size caps), so tests talk to this server instead::

    with LocalHTTPServer() as server:
        server.route("/feed.xml", body=xml, headers={"Content-Type": "application/rss+xml"},
                     etag='"v1"', last_modified="Mon, 03 Apr 2023 01:02:03 GMT")
        server.redirect("/old", "/feed.xml")
        server.route("/slow", body=b"...", delay=0.5)
        server.route("/dyn", handler=lambda req: Reply(200, b"hi"))
        fetch(server.url("/feed.xml"), ...)
        assert server.count("/feed.xml") == 1
        assert server.requests[-1].headers.get("if-none-match") == '"v1"'

A route with an ``etag`` or ``last_modified`` answers 304 when the request's
If-None-Match / If-Modified-Since matches. ``gzip=True`` compresses the body and sets
Content-Encoding; ``chunked=True`` streams it without Content-Length. Unknown paths answer
404. Port 0, one thread per request, no state shared between instances. As a fixture::

    @pytest.fixture
    def server() -> Iterator[LocalHTTPServer]:
        with LocalHTTPServer() as running:
            yield running

(tests/ingest/conftest.py has exactly this one, named ``server``.)
"""

from __future__ import annotations

import gzip as gzip_module
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # with query string
    headers: dict[str, str]  # lower-case names


@dataclass
class Reply:
    """What a callable route returns."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    chunked: bool = False
    handler: Callable[[RecordedRequest], Reply] | None = None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer is what timeout and size-cap tests provoke."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LocalHTTPServer:
    """Start with ``with`` (or `start`/`stop`); routes may be added while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _make_handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        chunked: bool = False,
        handler: Callable[[RecordedRequest], Reply] | None = None,
    ) -> str:
        """Serve ``path`` (exact match, query string included if given); return its URL.

        ``chunked`` sends the body without Content-Length, as servers that stream do.
        """
        payload = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(
            payload, status, dict(headers or {}), delay, etag, last_modified, gzip, chunked, handler
        )
        return self.url(path)

    def redirect(self, path: str, to: str, *, status: int = 302) -> str:
        """``to`` may be a path on this server or an absolute URL (e.g. a private address)."""
        return self.route(path, status=status, headers={"Location": to})

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for request in self.requests if request.path == path)

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)


def _make_handler(owner: LocalHTTPServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each keep-alive answer waits ~40 ms for an ACK

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            request = RecordedRequest(
                "GET", self.path, {k.lower(): v for k, v in self.headers.items()}
            )
            owner._record(request)
            route = owner.routes.get(self.path) or owner.routes.get(urlsplit(self.path).path)
            if route is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if route.delay:
                time.sleep(route.delay)
            if route.handler is not None:
                reply = route.handler(request)
                self._send(reply.status, reply.body, reply.headers, chunked=reply.chunked)
                return
            validators = {}
            if route.etag:
                validators["ETag"] = route.etag
            if route.last_modified:
                validators["Last-Modified"] = route.last_modified
            if _not_modified(route, request.headers):
                self._send(304, b"", validators)
                return
            body, headers = route.body, {**route.headers, **validators}
            if route.gzip:
                body = gzip_module.compress(body)
                headers["Content-Encoding"] = "gzip"
            self._send(route.status, body, headers, chunked=route.chunked)

        def _send(
            self, status: int, body: bytes, headers: Mapping[str, str], *, chunked: bool = False
        ) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                elif not any(name.lower() == "content-length" for name in headers):
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status == 304:
                    return
                if not chunked:
                    self.wfile.write(body)
                    return
                for start in range(0, len(body), 16_384):
                    piece = body[start : start + 16_384]
                    self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeouts, size caps): that is the point of the test

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # keep pytest output readable

    return Handler


def _not_modified(route: Route, headers: Mapping[str, str]) -> bool:
    """Either validator matching is enough, as in most real servers."""
    if route.etag and headers.get("if-none-match") == route.etag:
        return True
    return bool(route.last_modified and headers.get("if-modified-since") == route.last_modified)
