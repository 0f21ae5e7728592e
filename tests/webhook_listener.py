"""A real webhook receiver on 127.0.0.1 that can be told to fail, for delivery tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Delivery:
    headers: dict[str, str]
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookListener:
    """Answers POSTs with `status_for(n)` (n = 1-based request count); records each one."""

    status_for: Callable[[int], int] = lambda n: 200
    delay_s: float = 0.0
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def accepted(self) -> list[Delivery]:
        with self._lock:
            return [d for d, ok in zip(self.deliveries, self._ok, strict=True) if ok]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self
        owner._ok: list[bool] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                with owner._lock:
                    owner.deliveries.append(
                        Delivery({k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = owner.status_for(len(owner.deliveries))
                    owner._ok.append(status < 300)
                if owner.delay_s:
                    time.sleep(owner.delay_s)
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        return Handler

    def __enter__(self) -> WebhookListener:
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
