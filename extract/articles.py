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
import re
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
    fetch,
)
from extract.models import ArticleText

Resolver = Callable[[str], list[str]]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_HIGH_BYTE_RUN = re.compile(rb"[\x80-\xff]+")


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
        feed_scheme = urlsplit(feed_url).scheme.lower()
    except ValueError as exc:
        return _fallback(entry, f"page fetch failed: invalid link: {exc}")
    # Reading local files is for a local feed only, whatever allow_private_addresses says:
    # that setting opens private networks, not this machine's disk.
    if scheme not in ("http", "https") and not (scheme == "file" and feed_scheme == "file"):
        return _fallback(
            entry,
            f"page fetch refused: links must be http(s), not {scheme}: "
            "(only a file:// feed may link to files)",
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
        outcome = clean_fetched(fetched, entry.link)
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


def clean_fetched(fetched: Fetched, link: str) -> CleanedArticle | NotAnArticle:
    """Plain text by media type or a .txt link; everything else is treated as HTML."""
    is_text = fetched.content_type == "text/plain" or (
        urlsplit(link).path.lower().endswith(".txt") and not _looks_like_html(fetched)
    )
    if is_text:
        return clean_plain_text(decode_text(fetched), link)
    try:
        html: str | bytes = decode_text(fetched)
    except BadContent:
        html = fetched.content  # trafilatura's own sniffing is the best guess left
    return clean_html(html, link)


def decode_text(fetched: Fetched) -> str:
    """The body as text, even when the server names the wrong charset.

    Mislabelled pages are common (latin-1 served as UTF-8 and the reverse), and both
    trafilatura's guesses and a blind decode turn them into mojibake, so the evidence is
    weighed in order: a BOM; bytes that are valid UTF-8 (which latin-1 text with accents
    almost never is); the charset of the header, then of the document (meta/XML
    declaration), if the bytes decode with it; and for a body whose non-ASCII bytes stand
    alone (a single-byte Western encoding, not CJK), windows-1252. Otherwise `BadContent`.
    """
    data = fetched.content
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [c for c in (fetched.charset, _document_charset(data)) if c]
    for charset in declared:
        if charset.replace("_", "-").lower() in ("utf-8", "utf8"):
            continue  # already failed above
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    runs = _HIGH_BYTE_RUN.findall(data)
    if sum(len(run) == 1 for run in runs) >= 0.8 * len(runs):
        return data.decode("cp1252", errors="replace")
    raise BadContent(
        fetched.url,
        f"the body is not valid {' or '.join(declared) or 'UTF-8'} and its charset could not "
        "be determined; the server mislabels its content",
    )


def _document_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


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
