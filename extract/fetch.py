"""Getting bytes from a URL without letting a hostile or broken server hurt the poller.

Every failure is mapped once, here, onto one exception tree, so callers (the feed poller,
the article fetcher, Prefect retry conditions) decide on types and show ``.reason`` to a
human without knowing httpx::

    FetchError                      .url, .reason (readable, says what to do)
    ├── HTTPStatusError             .status: a 4xx/5xx other than 429/503; retrying won't help soon
    ├── RetryLater                  .status (429/503), .retry_after_s from Retry-After (or None)
    ├── FetchTimeout                connect/read took longer than FetchPolicy.timeout_s in total
    ├── TooLarge                    Content-Length or the streamed body exceeded max_bytes
    ├── TooManyRedirects            more than max_redirects hops (or a loop)
    ├── RefusedAddress              the host resolves to loopback/private/link-local/metadata
    ├── ConnectionFailed            DNS, refused connection, TLS, reset: the server was not reached
    ├── FileUnreadable              a file:// URL whose file is missing or unreadable
    └── BadContent                  undecodable body: broken gzip; text in no discernible charset

Redirects are followed by hand so that the hop limit and the address check apply to every
hop: httpx's own redirect following would let a public URL bounce to 169.254.169.254.
The address check resolves names before connecting; a DNS answer that changes between the
check and the connect (rebinding) is not covered, which is acceptable for a news poller
whose feed list is chosen by its operator.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 503})
_METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "parley/0.1"
    allow_private_addresses: bool = False


class FetchError(Exception):
    """A URL could not be turned into content; ``reason`` is meant for the operator."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class HTTPStatusError(FetchError):
    def __init__(self, url: str, status: int, reason: str | None = None) -> None:
        super().__init__(url, reason or _status_reason(status))
        self.status = status


class RetryLater(FetchError):
    def __init__(self, url: str, status: int, retry_after_s: float | None) -> None:
        wait = f"in {retry_after_s:.0f} s" if retry_after_s is not None else "later"
        super().__init__(url, f"the server is busy or rate-limiting (HTTP {status}); retry {wait}")
        self.status = status
        self.retry_after_s = retry_after_s


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class RefusedAddress(FetchError):
    pass


class ConnectionFailed(FetchError):
    pass


class FileUnreadable(FetchError):
    pass


class BadContent(FetchError):
    pass


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int | None
    content: bytes
    content_type: str | None  # media type only, lower case ("text/html")
    charset: str | None
    etag: str | None
    last_modified: str | None
    # The raw response headers (lower-case names): feedparser wants Content-Type and
    # Content-Location exactly as sent, odd parameters included.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class NotModified:
    url: str
    etag: str | None
    last_modified: str | None


def make_client(policy: FetchPolicy) -> httpx.Client:
    """One client per batch: connection reuse matters more than anything else here."""
    return httpx.Client(
        timeout=policy.timeout_s,
        headers={"User-Agent": policy.user_agent},
        follow_redirects=False,
    )


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
    check_address: bool = False,
) -> Fetched | NotModified:
    """GET ``url`` conditionally, within the policy's limits; raise a `FetchError` otherwise."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError as exc:
        raise FetchError(url, f"invalid URL: {exc}") from exc
    if scheme == "file":
        return _fetch_file(url, policy)
    if scheme not in ("http", "https"):
        raise FetchError(url, f"unsupported URL scheme {scheme!r}: only http, https and file")
    own_client = client is None
    active = client or make_client(policy)
    deadline = time.monotonic() + policy.timeout_s
    current = url
    try:
        for _hop in range(policy.max_redirects + 1):
            if check_address and not policy.allow_private_addresses:
                check_public_address(current)
            response = _send(active, current, policy, etag, last_modified)
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_STATUSES and location:
                    current = urljoin(str(response.url), location.strip())
                    if urlsplit(current).scheme.lower() not in ("http", "https"):
                        raise FetchError(url, f"redirected to a non-HTTP URL: {current}")
                    continue
                return _finish(url, response, policy, etag, last_modified, deadline)
            finally:
                response.close()
        raise TooManyRedirects(
            url,
            f"more than {policy.max_redirects} redirects (last hop {current}); "
            "the server may be in a redirect loop",
        )
    except httpx.TimeoutException as exc:
        raise FetchTimeout(
            url, f"no complete answer within {policy.timeout_s:g} s ({type(exc).__name__})"
        ) from exc
    except httpx.DecodingError as exc:
        raise BadContent(url, f"the body could not be decoded: {exc}") from exc
    except httpx.TransportError as exc:
        raise ConnectionFailed(
            url, f"could not reach the server: {type(exc).__name__}: {exc}"
        ) from exc
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        # urlsplit (bad IPv6 brackets) and the IDNA codec raise these for malformed hosts
        raise FetchError(url, f"invalid URL: {type(exc).__name__}: {exc}") from exc
    finally:
        if own_client:
            active.close()


def _send(
    client: httpx.Client,
    url: str,
    policy: FetchPolicy,
    etag: str | None,
    last_modified: str | None,
) -> httpx.Response:
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = client.build_request(
        "GET", url, headers=headers, timeout=httpx.Timeout(policy.timeout_s)
    )
    return client.send(request, stream=True, follow_redirects=False)


def _finish(
    original_url: str,
    response: httpx.Response,
    policy: FetchPolicy,
    etag: str | None,
    last_modified: str | None,
    deadline: float,
) -> Fetched | NotModified:
    final_url = str(response.url)
    status = response.status_code
    new_etag = response.headers.get("etag") or None
    new_modified = response.headers.get("last-modified") or None
    if status == 304:
        # A 304 may omit the validators; keep the ones we sent so the next poll is conditional.
        return NotModified(final_url, new_etag or etag, new_modified or last_modified)
    if status in _RETRY_STATUSES:
        raise RetryLater(final_url, status, parse_retry_after(response.headers.get("retry-after")))
    if status >= 400:
        raise HTTPStatusError(final_url, status)
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > policy.max_bytes:
        raise TooLarge(
            final_url,
            f"the server announces {int(declared):,} bytes, over the {policy.max_bytes:,} cap",
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > policy.max_bytes:
            raise TooLarge(final_url, f"the body exceeds the {policy.max_bytes:,}-byte cap")
        if time.monotonic() > deadline:
            raise FetchTimeout(
                final_url, f"the body was still arriving after {policy.timeout_s:g} s"
            )
        chunks.append(chunk)
    content_type, charset = split_content_type(response.headers.get("content-type"))
    return Fetched(
        url=final_url,
        status=status,
        content=b"".join(chunks),
        content_type=content_type,
        charset=charset,
        etag=new_etag,
        last_modified=new_modified,
        headers={name.lower(): value for name, value in response.headers.items()},
    )


def _fetch_file(url: str, policy: FetchPolicy) -> Fetched:
    """Local files let the default config poll its seed feed offline; no validators apply."""
    parts = urlsplit(url)
    path = Path(unquote(parts.path))
    try:
        with path.open("rb") as handle:
            content = handle.read(policy.max_bytes + 1)
    except OSError as exc:
        raise FileUnreadable(url, f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(content) > policy.max_bytes:
        raise TooLarge(url, f"the file exceeds the {policy.max_bytes:,}-byte cap")
    guessed, _ = mimetypes.guess_type(path.name)
    return Fetched(
        url=url,
        status=None,
        content=content,
        content_type=guessed,
        charset=None,
        etag=None,
        last_modified=None,
        headers={"content-type": guessed} if guessed else {},
    )


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Media type and charset from a Content-Type header, tolerant of sloppy quoting."""
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, sep, raw = param.partition("=")
        if sep and name.strip().lower() == "charset":
            charset = raw.strip().strip("'\"").strip().lower() or None
    return media.strip().lower() or None, charset


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date; anything else is ignored."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def check_public_address(url: str) -> None:
    """Refuse a URL whose host is, or resolves to, an address inside our own network."""
    try:
        host = urlsplit(url).hostname
    except ValueError as exc:
        raise FetchError(url, f"invalid URL: {exc}") from exc
    if not host:
        raise FetchError(url, "the URL has no host")
    literal = literal_ip(host)
    if literal is not None:
        kind = address_kind(literal)
        if kind:
            raise RefusedAddress(url, f"{host} is {kind}")
        return
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ConnectionFailed(url, f"cannot resolve host {host}: {exc}") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        kind = address_kind(address)
        if kind:
            raise RefusedAddress(url, f"{host} resolves to {address}, {kind}")


def address_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address must not be fetched from a remote feed's links, or None if public."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_private, "a private address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "a non-public address"),
    )
    return next((label for flag, label in checks if flag), None)


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


def _status_reason(status: int) -> str:
    hints = {
        401: "the feed needs credentials",
        403: "the server refuses us; check the URL or the User-Agent policy",
        404: "the URL does not exist (any more); check it or remove the feed",
        410: "the resource is gone for good; remove the feed",
    }
    hint = hints.get(status) or (
        "a server error; it may clear up" if status >= 500 else "the request was rejected"
    )
    return f"HTTP {status}: {hint}"
