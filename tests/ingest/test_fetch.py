"""fetch() and poll_feed() against a real local server: the failure modes of issue #1."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from extract.feeds import FeedError, FeedPoll, entry_from_parsed, poll_feed
from extract.fetch import (
    Fetched,
    FetchError,
    FetchPolicy,
    FetchTimeout,
    FileUnreadable,
    HTTPStatusError,
    NotModified,
    RefusedAddress,
    RetryLater,
    TooLarge,
    TooManyRedirects,
    fetch,
    parse_retry_after,
)
from tests.http_server import LocalHTTPServer
from tests.ingest.feeds_helpers import RSS_HEADERS, rss

LAST_MODIFIED = "Mon, 03 Apr 2023 01:02:03 GMT"
FEED = rss(("Talks resume", "/a/1", "Envoys met <b>again</b>."), ("Deal", "/a/2", "Signed."))


def test_second_poll_of_unchanged_feed_is_conditional_and_gets_304(
    server: LocalHTTPServer, policy: FetchPolicy, client: httpx.Client
) -> None:
    url = server.route(
        "/feed.xml", FEED, headers=RSS_HEADERS, etag='"v1"', last_modified=LAST_MODIFIED
    )
    first = poll_feed(url, policy, client=client)
    assert (first.status, first.not_modified, len(first.entries)) == (200, False, 2)
    assert (first.etag, first.last_modified) == ('"v1"', LAST_MODIFIED)

    second = poll_feed(
        url, policy, etag=first.etag, last_modified=first.last_modified, client=client
    )
    assert second.not_modified and second.entries == [] and second.status == 304
    assert (second.etag, second.last_modified) == ('"v1"', LAST_MODIFIED)
    sent = server.requests[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == LAST_MODIFIED
    assert "if-none-match" not in server.requests[0].headers


def test_entries_have_absolute_links_plain_summaries_and_utc_dates(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    url = server.route("/feeds/world.xml", FEED, headers=RSS_HEADERS)
    entry = poll_feed(url, policy).entries[0]
    assert entry.link == server.url("/a/1") and entry.guid == server.url("/a/1")
    assert entry.summary == "Envoys met again."
    assert entry.published == "2025-06-10T12:30:00+00:00"


def test_guid_falls_back_to_a_hash_of_title_and_summary(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    feed = (
        '<rss version="2.0"><channel><title>t</title><item><title>No link</title>'
        "<description>Only text.</description></item></channel></rss>"
    )
    url = server.route("/nolink.xml", feed, headers=RSS_HEADERS)
    first = poll_feed(url, policy).entries[0]
    again = poll_feed(url, policy).entries[0]
    assert first.link is None and first.guid.startswith("sha256:") and first.guid == again.guid


def test_redirects_are_followed_to_the_final_url(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    server.route("/new.xml", FEED, headers=RSS_HEADERS)
    server.redirect("/old.xml", "/new.xml", status=301)
    result = poll_feed(server.url("/old.xml"), policy)
    assert result.url == server.url("/new.xml") and len(result.entries) == 2


def test_gzip_bodies_are_decoded(server: LocalHTTPServer, policy: FetchPolicy) -> None:
    url = server.route("/gz.xml", FEED, headers=RSS_HEADERS, gzip=True)
    result = fetch(url, policy)
    assert isinstance(result, Fetched) and result.content == FEED.encode()


def test_streamed_body_over_the_cap_is_cut_off_even_without_content_length(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    url = server.route("/stream", b"x" * (policy.max_bytes + 10), chunked=True)
    with pytest.raises(TooLarge, match="exceeds"):
        fetch(url, policy)
    small = server.route("/small-stream", b"y" * 50_000, chunked=True)
    assert fetch(small, policy).content == b"y" * 50_000  # type: ignore[union-attr]


def test_retry_after_is_parsed_from_seconds_and_from_http_dates(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    url = server.route("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(RetryLater) as caught:
        fetch(url, policy)
    assert caught.value.retry_after_s == 120 and caught.value.status == 429
    now = datetime(2025, 1, 1, tzinfo=UTC)
    when = format_datetime(now + timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(when, now=now) == 300
    assert parse_retry_after("soon") is None


def test_file_urls_are_read_from_disk_without_status(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(FEED)
    result = fetch(path.as_uri(), FetchPolicy())
    assert isinstance(result, Fetched) and result.status is None and result.content
    with pytest.raises(FileUnreadable, match="cannot read"):
        fetch((tmp_path / "missing.xml").as_uri(), FetchPolicy())


def test_check_address_refuses_private_targets_on_every_hop(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    server.route("/page", "hello")
    with pytest.raises(RefusedAddress, match="loopback"):
        fetch(server.url("/page"), policy, check_address=True)
    allowed = FetchPolicy(timeout_s=1, allow_private_addresses=True)
    assert isinstance(fetch(server.url("/page"), allowed, check_address=True), Fetched)
    assert server.count("/page") == 1


def _poll_all(urls: list[str], policy: FetchPolicy, client: httpx.Client) -> dict[str, object]:
    """What a batch runner does: record each feed's outcome and carry on."""
    outcomes: dict[str, object] = {}
    for url in urls:
        try:
            outcomes[url] = poll_feed(url, policy, client=client)
        except FetchError as exc:
            outcomes[url] = exc
    return outcomes


def test_a_batch_records_a_readable_reason_for_each_failure_and_continues(
    server: LocalHTTPServer, policy: FetchPolicy, client: httpx.Client
) -> None:
    latin_feed = rss(("Café talks", "/c", "Résumé of the talks")).encode("latin-1")
    urls = {
        "missing": server.url("/does-not-exist.xml"),
        "error": server.route("/500.xml", "boom", status=500),
        "slow": server.route("/slow.xml", FEED, headers=RSS_HEADERS, delay=policy.timeout_s + 0.2),
        "huge": server.route("/huge.xml", b"<rss>" + b" " * policy.max_bytes, headers=RSS_HEADERS),
        "loop": server.redirect("/loop-a", "/loop-b"),
        "charset": server.route("/latin.xml", latin_feed, headers=RSS_HEADERS),
        "not a feed": server.route("/page.html", "<html><body>hi</body></html>"),
        "good": server.route("/good.xml", FEED, headers=RSS_HEADERS),
    }
    server.redirect("/loop-b", "/loop-a")
    started = time.monotonic()
    outcomes = _poll_all(list(urls.values()), policy, client)
    assert time.monotonic() - started < 5

    expected = {
        "missing": HTTPStatusError,
        "error": HTTPStatusError,
        "slow": FetchTimeout,
        "huge": TooLarge,
        "loop": TooManyRedirects,
        "not a feed": FeedError,
    }
    for name, kind in expected.items():
        outcome = outcomes[urls[name]]
        assert isinstance(outcome, kind), (name, outcome)
        assert outcome.reason and outcome.url
    assert outcomes[urls["missing"]].status == 404  # type: ignore[union-attr]
    assert "404" in outcomes[urls["missing"]].reason  # type: ignore[union-attr]
    assert outcomes[urls["error"]].status == 500  # type: ignore[union-attr]
    assert "redirect" in outcomes[urls["loop"]].reason  # type: ignore[union-attr]

    mislabelled = outcomes[urls["charset"]]
    assert isinstance(mislabelled, FeedPoll) and mislabelled.parse_warning
    assert "utf-8" in mislabelled.parse_warning.lower()
    assert mislabelled.entries[0].title == "Café talks"  # parsed anyway, as windows-1252

    good = outcomes[urls["good"]]
    assert isinstance(good, FeedPoll) and len(good.entries) == 2
    for name, outcome in outcomes.items():
        print(f"{name}: {type(outcome).__name__}: {getattr(outcome, 'reason', '')}")


def test_not_modified_without_validators_keeps_the_ones_sent(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    from tests.http_server import Reply

    url = server.route("/bare304", handler=lambda _request: Reply(304))
    result = fetch(url, policy, etag='"old"', last_modified=LAST_MODIFIED)
    assert result == NotModified(url, '"old"', LAST_MODIFIED)


def test_a_feed_body_that_names_a_local_file_is_not_read_from_disk(
    server: LocalHTTPServer, policy: FetchPolicy, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_text(FEED)  # a real feed: if feedparser opened the path, it would parse
    url = server.route("/evil", str(secret), headers={"Content-Type": "application/xml"})
    with pytest.raises(FeedError, match="not a readable feed"):
        poll_feed(url, policy)


def test_malformed_links_in_a_feed_do_not_break_the_poll(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    url = server.route("/odd.xml", rss(("Odd", "http://[bad/x", "s")), headers=RSS_HEADERS)
    (entry,) = poll_feed(url, policy).entries
    assert entry.title == "Odd" and entry.link is None  # feedparser drops it; so do we
    assert entry_from_parsed({"link": "http://[bad/x"}, url).link == "http://[bad/x"
    with pytest.raises(FetchError, match="invalid URL"):
        fetch("http://[bad/x", policy)
