"""Loopback servers for `parley bench`: a static site with conditional GET, a webhook sink,
the feeds they serve and the settings that point parley at them.

The benchmark must exercise the real wire path (HTTP, ETag/Last-Modified, 304s, a webhook
POST), not mocks, yet production code may not import `tests/`; so this module is a small,
self-contained version of the test servers. Both listen on 127.0.0.1, port 0, one thread
per request, and live only for one `with` block.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from xml.sax.saxutils import escape

from flows.settings import ChannelConfig, FeedConfig, RuleConfig, Settings


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 500 feeds polled back to back must not hit a full backlog

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up is not the benchmark's business; keep stderr clean."""


class _Loopback:
    """Start/stop plumbing shared by both servers."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = _Server(("127.0.0.1", 0), handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    # Headers and body go out in two writes; with Nagle on, the body waits for the
    # client's delayed ACK (~40 ms per response), which real servers do not cost.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence the per-request access log."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        site: StaticSite = self.server.owner  # type: ignore[attr-defined]
        page = site.pages.get(self.path)
        if page is None:
            self._answer(404, b"not found", {"Content-Type": "text/plain"})
            return
        validators = {}
        if page.etag:
            validators["ETag"] = page.etag
        if page.last_modified:
            validators["Last-Modified"] = page.last_modified
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (page.etag and inm == page.etag) or (
            inm is None and page.last_modified and ims == page.last_modified
        ):
            site.not_modified += 1
            self._answer(304, b"", validators)
            return
        site.served += 1
        self._answer(200, page.body, {"Content-Type": page.content_type, **validators})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


class StaticSite(_Loopback):
    """Serves fixed pages by exact path; answers 304 when the validators match."""

    def __init__(self) -> None:
        super().__init__(_SiteHandler)
        self.pages: dict[str, Page] = {}
        self.served = 0
        self.not_modified = 0

    def add(self, path: str, page: Page) -> str:
        self.pages[path] = page
        return self.url(path)


class _HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # see _SiteHandler

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence the per-request access log."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        received = time.time()  # before reading: the alert has arrived
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        hook: WebhookRecorder = self.server.owner  # type: ignore[attr-defined]
        try:
            payload = json.loads(body)
            transition_id = payload.get("transition", {}).get("id")
        except (ValueError, AttributeError):
            transition_id = None
        with hook.lock:
            hook.received.append((received, transition_id))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


class WebhookRecorder(_Loopback):
    """Records when each webhook POST arrived (wall clock) and which transition it carried."""

    def __init__(self) -> None:
        super().__init__(_HookHandler)
        self.lock = threading.Lock()
        self.received: list[tuple[float, int | None]] = []


def rss(entries: list[tuple[str, str, str]], *, title: str = "parley bench") -> bytes:
    """A minimal RSS 2.0 document; entries are (guid, link, title)."""
    pub = format_datetime(datetime.now(UTC).replace(microsecond=0), usegmt=True)
    items = "".join(
        f"<item><guid isPermaLink='false'>{escape(guid)}</guid><link>{escape(link)}</link>"
        f"<title>{escape(name)}</title><pubDate>{pub}</pubDate></item>"
        for guid, link, name in entries
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>http://127.0.0.1/</link>"
        f"<description>bench</description>{items}</channel></rss>"
    ).encode()


def bench_settings(settings: Settings, database_url: str, feeds: list[str], hook: str) -> Settings:
    """The caller's settings (model, delivery) with the bench's feeds, DB and one webhook.

    Loopback pages need `allow_private_addresses`; every status alerts on the webhook.
    """
    return settings.model_copy(
        update={
            "database_url": database_url,
            "feeds": [FeedConfig(url=url, interval_minutes=1) for url in feeds],
            "channels": [ChannelConfig(name="hook", kind="webhook", url=hook)],
            "rules": [RuleConfig()],
            "fetch": settings.fetch.model_copy(update={"allow_private_addresses": True}),
        }
    )
