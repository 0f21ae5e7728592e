"""From a feed entry to the article text the reader analyses.

The page behind an entry's link is fetched and cleaned when possible; when it is not (a
refused address, a dead link, a page that is not an article), the entry's own title and
summary still make an article, and the note says why the page was not used, so a flaky
site degrades the reading rather than losing the story.

Links come from feed publishers, i.e. strangers: a remote feed must not make us request
our own network (cloud metadata at 169.254.169.254, admin panels on 10.x) or read local
files. Feeds the operator runs locally (file://, loopback, private hosts) are trusted to
link to local pages, which is how intranets and the tests work.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from extract.clean import CleanedArticle, NotAnArticle, clean_html, clean_plain_text
from extract.feeds import FeedEntry
from extract.fetch import (
    BadContent,
    Fetched,
    FetchError,
    FetchPolicy,
    NotModified,
    RefusedAddress,
    address_kind,
    decode_text,
    fetch,
)
from extract.models import ArticleText

Resolver = Callable[[str], list[str]]


@dataclass(frozen=True)
class ArticleOutcome:
    article: ArticleText | None
    note: str | None  # why the page itself was not used; None when it was


def get_article(
    entry: FeedEntry,
    policy: FetchPolicy,
    *,
    feed_url: str,
    client: httpx.Client | None = None,
) -> ArticleOutcome:
    """The cleaned page of ``entry``, else its feed summary with a note saying why."""
    if not entry.link:
        return _fallback(entry, "the entry has no link")
    guard = not policy.allow_private_addresses and feed_is_remote(feed_url)
    try:
        scheme = urlsplit(entry.link).scheme.lower()
    except ValueError as exc:
        return _fallback(entry, f"page fetch failed: invalid link: {exc}")
    if guard and scheme not in ("http", "https"):
        return _fallback(
            entry, f"page fetch refused: a remote feed may only link to http(s), not {scheme}:"
        )
    try:
        fetched = fetch(entry.link, policy, client=client, check_address=guard)
    except RefusedAddress as exc:
        return _fallback(entry, f"page fetch refused: {exc.reason}")
    except FetchError as exc:
        return _fallback(entry, f"page fetch failed ({type(exc).__name__}): {exc.reason}")
    if isinstance(fetched, NotModified):  # we sent no validators; a broken server did anyway
        return _fallback(entry, "page fetch answered 304 Not Modified to an unconditional GET")
    try:
        outcome = _clean(fetched, entry.link)
    except BadContent as exc:
        return _fallback(entry, f"page fetch failed (BadContent): {exc.reason}")
    if isinstance(outcome, NotAnArticle):
        return _fallback(entry, f"page is not an article: {outcome.reason}")
    page = outcome.article
    article = page.model_copy(
        update={
            "source": entry.link,
            "title": page.title or entry.title,
            "published": page.published or _date_part(entry.published),
        }
    )
    return ArticleOutcome(article, None)


def _clean(fetched: Fetched, link: str) -> CleanedArticle | NotAnArticle:
    """Plain text by media type or a .txt link; everything else is treated as HTML."""
    is_text = fetched.content_type == "text/plain" or (
        urlsplit(link).path.lower().endswith(".txt") and not _looks_like_html(fetched)
    )
    if is_text:
        return clean_plain_text(decode_text(fetched), link)
    # trafilatura sniffs the charset of bytes itself, but ignores the HTTP header; when the
    # header's charset really decodes the page, that is the better evidence.
    html: str | bytes = fetched.content
    if fetched.charset:
        try:
            html = fetched.content.decode(fetched.charset)
        except (LookupError, UnicodeDecodeError):
            html = fetched.content
    return clean_html(html, link)


def _looks_like_html(fetched: Fetched) -> bool:
    head = fetched.content.lstrip()[:64].lower()
    return fetched.content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html")
    )


def _fallback(entry: FeedEntry, note: str) -> ArticleOutcome:
    text = entry.summary or entry.title
    if not text:
        return ArticleOutcome(None, note)
    article = ArticleText(
        source=entry.link or entry.guid,
        text=text,
        title=entry.title,
        published=_date_part(entry.published),
    )
    return ArticleOutcome(article, note)


def _date_part(iso_datetime: str | None) -> str | None:
    """ArticleText.published is a date (the contract's YYYY-MM-DD), entries carry datetimes."""
    return iso_datetime[:10] if iso_datetime else None


def feed_is_remote(feed_url: str, *, resolve: Resolver | None = None) -> bool:
    """Whether a feed comes from outside our network, so its links must be checked.

    file:// and hosts that are (or resolve to) loopback/private addresses are local. A name
    that does not resolve counts as remote: the safe side, since its links get checked.
    ``resolve`` (host -> IP strings) lets tests decide without DNS.
    """
    try:
        parts = urlsplit(feed_url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return True
    if parts.scheme.lower() not in ("http", "https"):
        return parts.scheme.lower() != "file"
    if not host:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return address_kind(ipaddress.ip_address(host)) is None
    except ValueError:
        pass
    try:
        addresses = (resolve or _resolve)(host)
    except (OSError, UnicodeError):
        return True
    kinds = [address_kind(ipaddress.ip_address(address.split("%")[0])) for address in addresses]
    return not kinds or any(kind is None for kind in kinds)


def _resolve(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]
