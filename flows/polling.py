"""The poll stage of a monitor pass: which feeds, fetched conditionally, entries queued.

A feed's new validators (ETag, Last-Modified) and the entries they cover are committed in
one transaction; the entries then wait in the inbox until their stories are stored.
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from extract.feeds import FeedEntry, next_poll_delay, poll_feed
from extract.fetch import FetchError, FetchPolicy, HTTPStatusError, RetryLater, make_client
from flows.settings import Settings
from storage import feeds as feed_store
from storage import inbox, outbox
from storage.db import session_scope

log = logging.getLogger("parley.monitor")


@dataclass(frozen=True)
class FeedOutcome:
    url: str
    status: int | None
    new_entries: int
    not_modified: bool = False
    error: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class NewEntry:
    feed_url: str
    entry: FeedEntry


def fetch_policy(settings: Settings) -> FetchPolicy:
    f = settings.fetch
    return FetchPolicy(
        timeout_s=f.timeout_s,
        max_bytes=f.max_bytes,
        max_redirects=f.max_redirects,
        user_agent=f.user_agent,
        allow_private_addresses=f.allow_private_addresses,
    )


def sync_feeds(engine: Engine, settings: Settings) -> None:
    """Make the configured feeds subscriptions (feeds added with the CLI stay too).

    Workers starting together may insert the same new feed at once: the loser of that race
    finds the row on its second try.
    """
    for feed in settings.feeds:
        for attempt in range(2):
            try:
                with session_scope(engine) as session:
                    feed_store.ensure_feed(
                        session, feed.url, interval_minutes=feed.interval_minutes, name=feed.name
                    )
                break
            except IntegrityError:
                if attempt:
                    raise


@dataclass(frozen=True)
class Shard:
    """One of `count` disjoint parts of the feed list, so workers can split the polling
    (and the spaCy work behind it) instead of all doing the same feeds."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """'0/2' -> Shard(0, 2)."""
        try:
            index, count = (int(part) for part in text.split("/"))
        except ValueError as exc:
            raise ValueError(f"a shard is written INDEX/COUNT, like 0/2, not {text!r}") from exc
        if not 0 <= index < count:
            raise ValueError(f"shard {text!r}: the index must be from 0 to {count - 1}")
        return cls(index, count)

    def owns(self, feed_url: str) -> bool:
        # crc32, not hash(): the split must agree between processes and restarts.
        return zlib.crc32(feed_url.encode()) % self.count == self.index


def poll_feeds(
    engine: Engine, settings: Settings, *, only_due: bool = False, shard: Shard | None = None
) -> tuple[list[FeedOutcome], list[NewEntry]]:
    """Poll every (due) feed of the shard; return what happened to each and the entries
    never seen."""
    policy = fetch_policy(settings)
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        feeds = (
            feed_store.due_feeds(session, now=now) if only_due else feed_store.list_feeds(session)
        )
        targets = [
            _FeedTarget(f.url, f.etag, f.last_modified, f.interval_minutes)
            for f in feeds
            if shard is None or shard.owns(f.url)
        ]
    outcomes: list[FeedOutcome] = []
    # One client for the whole pass: a new httpx.Client loads the CA bundle (~20 ms), which
    # was 2/3 of an all-304 poll of 500 feeds (`parley bench`).
    with make_client(policy) as client:
        for target in targets:
            outcomes.append(_poll_one(engine, settings, policy, target, client))
    # Everything waiting in the inbox for these feeds: this poll's new entries and any a
    # failed or interrupted pass left behind.
    with session_scope(engine) as session:
        queued = inbox.pending(session, [t.url for t in targets])
    return outcomes, [
        NewEntry(q.feed_url, FeedEntry(q.guid, q.link, q.title, q.summary, q.published))
        for q in queued
    ]


@dataclass(frozen=True)
class _FeedTarget:
    url: str
    etag: str | None
    last_modified: str | None
    interval_minutes: float


def _poll_one(
    engine: Engine,
    settings: Settings,
    policy: FetchPolicy,
    target: _FeedTarget,
    client: httpx.Client | None = None,
) -> FeedOutcome:
    url = target.url
    now = datetime.now(UTC)
    try:
        poll = poll_feed(
            url, policy, etag=target.etag, last_modified=target.last_modified, client=client
        )
    except FetchError as exc:
        error = f"{type(exc).__name__}: {exc.reason}"
        status = exc.status if isinstance(exc, HTTPStatusError | RetryLater) else None
        retry_after = exc.retry_after_s if isinstance(exc, RetryLater) else None
        log.warning("feed %s failed: %s", url, error)
        with session_scope(engine) as session:
            feed = feed_store.record_failure(session, url, status=status, error=error, now=now)
            feed_store.schedule_retry(
                session,
                url,
                now=now,
                delay_s=next_poll_delay(
                    target.interval_minutes * 60, feed.consecutive_failures, retry_after
                ),
            )
            if feed.consecutive_failures >= settings.feed_failure_alert_after and not (
                feed.health_alerted
            ):
                outbox.enqueue_feed_health_alert(
                    session,
                    feed_url=url,
                    failures=feed.consecutive_failures,
                    error=error,
                    channels=_feed_health_channels(settings),
                    now=now,
                )
                feed_store.mark_health_alerted(session, url)
        return FeedOutcome(url, status, 0, error=error)
    with session_scope(engine) as session:
        # New validators and the entries they cover are committed together.
        fresh = inbox.queue(
            session,
            [
                inbox.QueuedEntry(url, e.guid, e.link, e.title, e.summary, e.published)
                for e in poll.entries
            ],
            now=now,
        )
        feed_store.record_success(
            session,
            url,
            status=poll.status,
            etag=poll.etag,
            last_modified=poll.last_modified,
            new_entries=fresh,
            warning=poll.parse_warning,
            now=now,
        )
    return FeedOutcome(url, poll.status, fresh, poll.not_modified, warning=poll.parse_warning)


def _feed_health_channels(settings: Settings) -> list[str]:
    names = [c.name for c in settings.channels]
    wanted: list[str] = []
    for rule in settings.rules:
        if rule.feed_health:
            wanted += [n for n in (rule.channels or names) if n not in wanted]
    return wanted
