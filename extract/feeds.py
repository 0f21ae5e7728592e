"""Polling one RSS/Atom feed: our fetch, feedparser's parsing, entries in a stable shape.

feedparser never touches the network here. It gets the body as a stream (a bare ``bytes``
argument would first be tried as a *file name*, so a hostile feed body such as
``/etc/passwd`` would be read from our disk) and the response headers, so that the charset
of the Content-Type header and the Content-Location base apply as they would for its own
fetcher.

A feed that feedparser flags as ``bozo`` but still yields entries is used, with the message
kept in `FeedPoll.parse_warning`: real feeds are often slightly broken and dropping them
would lose news. Only a body with no entries that is not a feed at all, or so broken that
not even the channel's title or link was read, is a `FeedError`; a sloppy feed that is
merely empty right now is a successful poll with a warning, not a broken feed.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser
import httpx

from extract.fetch import FetchError, FetchPolicy, NotModified, fetch

FeedPolicy = FetchPolicy  # feeds need nothing beyond the fetch limits

MAX_POLL_DELAY_S = 24 * 3600.0
MAX_RETRY_AFTER_S = 7 * 24 * 3600.0
_BLOCK_TAGS = frozenset(
    {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}
)


class FeedError(FetchError):
    """The body was fetched but is not a feed we can read (no entries, and broken)."""


@dataclass(frozen=True)
class FeedEntry:
    guid: str
    link: str | None
    title: str | None
    summary: str | None
    published: str | None  # ISO 8601 datetime in UTC


@dataclass(frozen=True)
class FeedPoll:
    url: str
    status: int | None
    not_modified: bool
    etag: str | None
    last_modified: str | None
    entries: list[FeedEntry]
    parse_warning: str | None


def poll_feed(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
) -> FeedPoll:
    """Fetch and parse a feed conditionally; raise a `FetchError` subclass when unusable."""
    result = fetch(url, policy, etag=etag, last_modified=last_modified, client=client)
    if isinstance(result, NotModified):
        return FeedPoll(result.url, 304, True, result.etag, result.last_modified, [], None)
    headers = feed_headers(result.url, result.headers)
    parsed = parse_feed_bytes(result.content, headers)
    base = headers.get("content-location", result.url)
    entries = [entry_from_parsed(raw, base) for raw in parsed.entries]
    warning = _bozo_message(parsed) if parsed.get("bozo") else None
    feed_level = parsed.get("feed") or {}
    recognised = parsed.get("version") and (feed_level.get("title") or feed_level.get("link"))
    if not entries and (not parsed.get("version") or (parsed.get("bozo") and not recognised)):
        raise FeedError(
            result.url,
            f"not a readable feed: {warning or 'no RSS/Atom structure found'}; "
            "check that the URL points at the feed itself, not a web page",
        )
    return FeedPoll(
        url=result.url,
        status=result.status,
        not_modified=False,
        etag=result.etag,
        last_modified=result.last_modified,
        entries=entries,
        parse_warning=warning,
    )


def feed_headers(final_url: str, response_headers: dict[str, str]) -> dict[str, str]:
    """Headers feedparser should see; Content-Location defaults to the URL we ended at.

    feedparser resolves relative links against Content-Location only (it has no URL when
    given bytes), so without this, relative links in a feed would stay relative.
    """
    headers = {name.lower(): value for name, value in response_headers.items()}
    if final_url.startswith("file:"):
        # feedparser mangles file:/// bases into file://host/...; we resolve those links.
        headers.pop("content-location", None)
        return headers
    location = headers.get("content-location")
    headers["content-location"] = (location and _absolute(location, final_url)) or final_url
    return headers


def parse_feed_bytes(content: bytes, headers: dict[str, str]) -> Any:
    """feedparser on bytes, never letting it open files or URLs itself."""
    return feedparser.parse(io.BytesIO(content), response_headers=headers)


def entry_from_parsed(raw: Any, base_url: str) -> FeedEntry:
    """One feedparser entry in our shape; the GUID falls back so it is always stable."""
    link = _absolute((raw.get("link") or "").strip(), base_url)
    title = text_value(raw.get("title"), raw.get("title_detail"))
    summary = text_value(raw.get("summary"), raw.get("summary_detail"))
    guid = (raw.get("id") or "").strip() or link
    if not guid:
        digest = hashlib.sha256(f"{title or ''}\n{summary or ''}".encode()).hexdigest()
        guid = f"sha256:{digest[:32]}"
    return FeedEntry(
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        published=_iso_utc(raw.get("published_parsed") or raw.get("updated_parsed")),
    )


def _absolute(link: str, base_url: str) -> str | None:
    """Resolve against the feed; a malformed link (bad IPv6 brackets) stays as published."""
    if not link:
        return None
    try:
        return urljoin(base_url, link)
    except ValueError:
        return link


def text_value(value: str | None, detail: Any = None) -> str | None:
    """Plain text from a feed text construct, which may be HTML (already sanitised)."""
    if not value:
        return None
    kind = str(detail.get("type", "")) if isinstance(detail, dict) else ""
    if "html" in kind or ("<" in value and ">" in value):
        value = html_to_text(value)
    value = re.sub(r"[ \t\r\f\v]+", " ", value)
    value = re.sub(r" *\n\s*", "\n", value).strip()
    return value or None


def html_to_text(markup: str) -> str:
    """Tag soup to text with paragraph breaks; stdlib so no parser error can escape."""
    parser = _TextCollector()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient, but asserts on some garbage declarations
        return re.sub(r"<[^>]*>", " ", markup)
    return "".join(parser.parts)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def next_poll_delay(
    interval_s: float, consecutive_failures: int, retry_after_s: float | None = None
) -> float:
    """Seconds until the next poll: doubling per failure, capped, never before Retry-After.

    A dead feed still gets looked at once a day, so it recovers without an operator; a
    server's explicit Retry-After wins over our schedule (capped at a week against typos).
    """
    base = interval_s if math.isfinite(interval_s) and interval_s > 0 else 0.0
    failures = max(0, consecutive_failures)
    delay = base * (2 ** min(failures, 32))
    if failures:
        delay = min(delay, max(MAX_POLL_DELAY_S, base))
    if retry_after_s is not None and math.isfinite(retry_after_s) and retry_after_s > 0:
        delay = max(delay, min(retry_after_s, MAX_RETRY_AFTER_S))
    return delay


def _iso_utc(parsed_time: Any) -> str | None:
    """feedparser's struct_time is UTC already; out-of-range dates become None, not errors."""
    if not parsed_time:
        return None
    try:
        seconds = calendar.timegm(parsed_time)
        return datetime.fromtimestamp(seconds, UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _bozo_message(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    if exc is None:
        return "the feed is malformed"
    return f"{type(exc).__name__}: {exc}"
