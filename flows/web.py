"""The read-only timeline pages: served by ``parley web``, or written by ``parley report``.

Both shells render the same Jinja2 templates from the same views, so the report file is the
web page frozen: CSS and SVG inline, anchors instead of routes, no script anywhere.

Errors::

    WebConfigError   the server would be exposed without a token (raised before binding)
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from flows.settings import Settings
from flows.timeline import STATUS_COLOURS, colour, condition_reports, timeline
from storage.db import open_database, session_scope
from storage.views import alerts_view, feeds_view, track_sources_view, tracks_view

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOKEN_COOKIE = "parley_token"


class WebConfigError(Exception):
    """The web server cannot start as configured; the message says what to change."""


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(colour=colour, statuses=list(STATUS_COLOURS), short_time=_short_time)
    env.filters["safe_href"] = safe_href
    return env


def safe_href(url: str | None) -> str | None:
    """Links from feeds go into href only as http(s) or file: a "javascript:" link from a
    hostile feed would otherwise run in the reader's browser, on this page's origin."""
    if not url:
        return None
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in {"http", "https", "file"} else None


def _short_time(value: str | None) -> str:
    """Minutes are the finest grain a reader of news needs; seconds and zones are noise."""
    if not value:
        return "—"
    return value[:16].replace("T", " ")


@dataclass(frozen=True)
class Links:
    """Where each view lives: routes on the server, anchors in the one-file report."""

    index: str
    alerts: str
    feeds: str
    track: Callable[[int], str]


SERVER_LINKS = Links("/", "/alerts", "/feeds", lambda i: f"/tracks/{i}")
REPORT_LINKS = Links("#tracks", "#alerts", "#feeds", lambda i: f"#track-{i}")


def _track_pages(engine: Engine, track_id: int | None = None) -> list[dict]:
    """Tracks as `tracks_view` gives them, plus what the track page draws from them."""
    with session_scope(engine) as session:
        tracks = tracks_view(session)
        if track_id is not None:
            tracks = [t for t in tracks if t["id"] == track_id]
        for track in tracks:
            extra = track_sources_view(session, track["id"])
            titles = {s["url"]: s["title"] for s in extra["stories"]}
            track["last_change"] = (
                track["transitions"][-1]["at"] if track["transitions"] else track["updated_at"]
            )
            track["titles"] = titles
            track["timeline"] = timeline(track, anchor_prefix=f"ev-{track['id']}-")
            track["condition_reports"] = condition_reports(extra["conditions"], extra["stories"])
    return tracks


def _feeds(engine: Engine) -> list[dict]:
    with session_scope(engine) as session:
        feeds = feeds_view(session)
    for feed in feeds:
        feed["health"] = _health(feed["consecutive_failures"], feed["last_status"])
    return feeds


def _health(failures: int, status: int | None) -> str:
    if failures:
        return "failing"
    return "unknown" if status is None else "ok"


def _alerts(engine: Engine) -> list[dict]:
    with session_scope(engine) as session:
        return alerts_view(session)


def _render(env: Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)


# -- the server ---------------------------------------------------------------------------


class TokenGate:
    """Asks for the token on every request when one is set.

    A valid ``?token=`` also sets a cookie, so the links on the page keep working without
    carrying the secret in every URL a reader might copy.
    """

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        from_query = request.query_params.get("token")
        header = request.headers.get("authorization", "")
        bearer = header[7:] if header.lower().startswith("bearer ") else None
        offered = [from_query, bearer, request.cookies.get(TOKEN_COOKIE)]
        if not any(o and hmac.compare_digest(o.encode(), self.token.encode()) for o in offered):
            response: Response = PlainTextResponse(
                "a token is required: ?token=… or Authorization: Bearer …",
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        if from_query:

            async def send_with_cookie(message: dict) -> None:
                if message["type"] == "http.response.start":
                    cookie = f"{TOKEN_COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/"
                    message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
                await send(message)

            await self.app(scope, receive, send_with_cookie)  # type: ignore[arg-type]
            return
        await self.app(scope, receive, send)


def create_app(settings: Settings, *, token: str | None = None) -> Starlette:
    """The read-only app; the database is opened (and migrated) here, not at import."""
    engine = open_database(settings.database_url)
    env = _environment()

    def page(template: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(
            _render(env, template, links=SERVER_LINKS, report=False, **context),
            # No script of any kind runs on these pages; a defence behind escaping.
            headers={"Content-Security-Policy": "script-src 'none'; object-src 'none'"},
        )

    def index(request: Request) -> Response:
        return page("index.html", tracks=_track_pages(engine), title="Negotiations")

    def track(request: Request) -> Response:
        tracks = _track_pages(engine, request.path_params["track_id"])
        if not tracks:
            return PlainTextResponse("no such track", status_code=404)
        return page("track_page.html", track=tracks[0], title=" – ".join(tracks[0]["parties"]))

    def alerts(request: Request) -> Response:
        return page("alerts_page.html", alerts=_alerts(engine), title="Alerts")

    def feeds(request: Request) -> Response:
        return page("feeds_page.html", feeds=_feeds(engine), title="Feeds")

    routes = [
        Route("/", index),
        Route("/tracks/{track_id:int}", track),
        Route("/alerts", alerts),
        Route("/feeds", feeds),
    ]
    return Starlette(routes=routes, middleware=[Middleware(TokenGate, token=token)])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_web(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 8080, token: str | None = None
) -> None:
    """Serve until interrupted. Anyone who can reach a non-loopback address could read the
    tracks and the feeds' errors, so binding one without a token is refused up front."""
    if not is_loopback(host) and not token:
        raise WebConfigError(
            f"refusing to listen on {host} without a token: the pages would be open to "
            "anyone who can reach it; bind 127.0.0.1 or set a token"
        )
    import uvicorn

    # No access log: a `?token=` in a request line would be written out with it.
    uvicorn.run(
        create_app(settings, token=token), host=host, port=port, log_level="info", access_log=False
    )


# -- the report ---------------------------------------------------------------------------


def render_report(settings: Settings) -> str:
    engine = open_database(settings.database_url)
    return _render(
        _environment(),
        "report.html",
        links=REPORT_LINKS,
        report=True,
        title="parley report",
        tracks=_track_pages(engine),
        alerts=_alerts(engine),
        feeds=_feeds(engine),
        generated_at=datetime.now(UTC).isoformat(timespec="minutes"),
    )


def write_report(settings: Settings, out: Path) -> Path:
    """One file a reader can open anywhere, offline, with nothing to run."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(settings), encoding="utf-8")
    return out
