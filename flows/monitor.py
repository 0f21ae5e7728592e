"""One monitoring pass as plain functions: poll → fetch and clean → extract → store → alert.

The Prefect flow in `flows.prefect_flows` calls these one by one; tests and `parley run`
without Prefect can too. Every stage records its failures and goes on with the rest.
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import httpx
from spacy.language import Language
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from extract.articles import get_article
from extract.dedupe import canonical_url, is_near_duplicate, text_fingerprint
from extract.feeds import FeedEntry, next_poll_delay, poll_feed
from extract.fetch import FetchError, FetchPolicy, HTTPStatusError, RetryLater, make_client
from extract.models import ArticleText
from extract.pipeline import load_pipeline, read_articles
from flows.channels import build_channels
from flows.dispatch import DispatchSummary, dispatch_pending
from flows.records import story_record
from flows.settings import Settings
from storage import feeds as feed_store
from storage import inbox, outbox
from storage import tracks as track_store
from storage.db import open_database, session_scope
from storage.records import AlertRule, SourceRecord, StoryRecord
from storage.tracks import RecordedStory

log = logging.getLogger("parley.monitor")

# An entry whose page cannot be read (and has no summary), or whose story cannot be
# stored, is tried again on the next passes, then given up with a logged reason.
MAX_ENTRY_ATTEMPTS = 5


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


@dataclass(frozen=True)
class FetchedEntry:
    feed_url: str
    entry: FeedEntry
    article: ArticleText | None
    note: str | None


@dataclass
class StoreSummary:
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    relevant: int = 0
    transitions: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RunSummary:
    feeds: list[FeedOutcome]
    fetched: int
    store: StoreSummary
    dispatch: DispatchSummary


def fetch_policy(settings: Settings) -> FetchPolicy:
    f = settings.fetch
    return FetchPolicy(
        timeout_s=f.timeout_s,
        max_bytes=f.max_bytes,
        max_redirects=f.max_redirects,
        user_agent=f.user_agent,
        allow_private_addresses=f.allow_private_addresses,
    )


def alert_rules(settings: Settings) -> list[AlertRule]:
    return [
        AlertRule(
            to=frozenset(rule.to),
            channels=frozenset(rule.channels),
            parties=frozenset(rule.parties),
            min_confidence=rule.min_confidence,
            min_sources=rule.min_sources,
        )
        for rule in settings.rules
    ]


@lru_cache(maxsize=2)
def shared_pipeline(model: str | None) -> Language:
    """The spaCy pipeline, loaded once per process however many runs it serves."""
    return load_pipeline(model)


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


class HostPacer:
    """At most one request per `interval_s` to any one host: news sites list dozens of
    articles per feed and do not like being crawled in a burst. Our own machine (files,
    loopback) is not paced."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.last: dict[str, float] = {}

    def wait(self, url: str | None) -> None:
        if self.interval_s <= 0 or not url:
            return
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return
        if not host or host == "localhost" or host.startswith("127.") or host == "::1":
            return
        now = time.monotonic()
        due = self.last.get(host, 0.0) + self.interval_s
        if now < due:
            time.sleep(due - now)
        self.last[host] = time.monotonic()


def fetch_entries(entries: list[NewEntry], settings: Settings) -> list[FetchedEntry]:
    """Fetch and clean each new entry's page; fall back to the feed summary with a note."""
    policy = fetch_policy(settings)
    fetched = []
    polite = HostPacer(settings.fetch.min_host_interval_s)
    with make_client(policy) as client:  # one client: see poll_feeds
        for item in entries:
            polite.wait(item.entry.link)
            try:
                outcome = get_article(item.entry, policy, feed_url=item.feed_url, client=client)
                fetched.append(
                    FetchedEntry(item.feed_url, item.entry, outcome.article, outcome.note)
                )
            except Exception as exc:  # one bad page must not stop the run; the note says why
                log.exception("article %s could not be read", item.entry.link)
                fetched.append(
                    FetchedEntry(item.feed_url, item.entry, None, f"{type(exc).__name__}: {exc}")
                )
    return fetched


def store_articles(
    engine: Engine,
    settings: Settings,
    fetched: list[FetchedEntry],
    nlp: Language,
    *,
    on_commit: Callable[[RecordedStory], None] | None = None,
) -> StoreSummary:
    """Drop repeats, read the rest with spaCy, and store each story in its own transaction.

    ``on_commit`` runs after each story's transaction commits (see `dispatch_on_commit`):
    alerts must leave as soon as their transition is committed, not at the end of the pass.
    """
    summary = StoreSummary()
    to_read: list[tuple[FetchedEntry, SourceRecord, int | None]] = []
    also_from: dict[int, list[SourceRecord]] = {}
    with session_scope(engine) as session:
        for item in fetched:
            if item.article is None:
                summary.skipped += 1
                reason = item.note or "nothing to read"
                if inbox.failed(
                    session,
                    item.feed_url,
                    item.entry.guid,
                    error=reason,
                    max_attempts=MAX_ENTRY_ATTEMPTS,
                ):
                    reason += f" (given up after {MAX_ENTRY_ATTEMPTS} tries)"
                summary.notes.append(f"{item.entry.link}: {reason}")
                continue
            link = item.entry.link or item.article.source
            source = SourceRecord(
                feed_url=item.feed_url,
                guid=item.entry.guid,
                url=link,
                canonical_url=canonical_url(link),
                site=item.article.site,
            )
            # Short texts and feed summaries look alike across different stories of one
            # negotiation ("talks collapse" / "talks resume"): only full articles are
            # compared by their text.
            full_article = item.note is None and len(item.article.text.split()) >= 150
            fingerprint = text_fingerprint(item.article.text) if full_article else None
            existing = track_store.find_story(
                session,
                canonical_url=source.canonical_url,
                fingerprint=fingerprint,
                near=is_near_duplicate,
            )
            if existing is not None:
                track_store.add_source_once(session, existing, source, now=datetime.now(UTC))
                inbox.done(session, item.feed_url, item.entry.guid)
                summary.duplicates += 1
                continue
            # The same story twice in this batch (two feeds, a syndicated copy): read it
            # once and store the others as its extra sources.
            twin = _batch_twin(to_read, source.canonical_url, fingerprint)
            if twin is not None:
                also_from.setdefault(twin, []).append(source)
                summary.duplicates += 1
                continue
            to_read.append((item, source, fingerprint))
    results = read_articles(nlp, [item.article for item, _, _ in to_read if item.article])
    records = [
        (
            index,
            story_record(
                item.article,
                result,
                source=source,
                fingerprint=fingerprint,
                entry_published=item.entry.published,
                note=item.note,
            ),
        )
        for index, ((item, source, fingerprint), result) in enumerate(
            zip(to_read, results, strict=True)
        )
        if item.article is not None
    ]
    # Publication order, so a track moves through its statuses as the news did; an undated
    # story counts as published now, which is also the time it is stored under.
    started = datetime.now(UTC)
    records.sort(key=lambda pair: pair[1].published_at or started)
    rules = alert_rules(settings)
    channel_names = [c.name for c in settings.channels]
    for index, record in records:
        try:
            recorded = _record_with_retry(
                engine, record, also_from.get(index, []), rules, channel_names
            )
        except Exception as exc:  # one bad story must not cost the rest of the batch
            log.exception("could not store %s", record.source.url)
            summary.failed += 1
            summary.notes.append(f"{record.source.url}: not stored: {type(exc).__name__}: {exc}")
            with session_scope(engine) as session:
                inbox.failed(
                    session,
                    record.source.feed_url,
                    record.source.guid,
                    error=f"{type(exc).__name__}: {exc}",
                    max_attempts=MAX_ENTRY_ATTEMPTS,
                )
            continue
        if recorded is None:
            summary.duplicates += 1
            continue
        summary.stored += 1
        summary.relevant += record.relevant
        if on_commit is not None:
            on_commit(recorded)
        summary.transitions += [
            {"story": record.source.url, "transition_id": t} for t in recorded.transition_ids
        ]
    return summary


def _record_with_retry(
    engine: Engine,
    record: StoryRecord,
    extra_sources: list[SourceRecord],
    rules: list[AlertRule],
    channels: list[str],
    attempts: int = 3,
) -> RecordedStory | None:
    """Store one story; None when another worker stored this entry first.

    A unique-key clash is either that (the entry is now seen: a duplicate, not a failure)
    or two workers creating the same new track at once (retrying finds the track).
    """
    for attempt in range(attempts):
        try:
            with session_scope(engine) as session:
                now = datetime.now(UTC)
                recorded = track_store.record_story(
                    session, record, rules=rules, channels=channels, now=now
                )
                inbox.done(session, record.source.feed_url, record.source.guid)
                for extra in extra_sources:
                    track_store.add_source_once(session, recorded.story_id, extra, now=now)
                    inbox.done(session, extra.feed_url, extra.guid)
                return recorded
        except IntegrityError:
            with session_scope(engine) as session:
                seen = track_store.source_seen(
                    session, feed_url=record.source.feed_url, guid=record.source.guid
                )
                if seen:
                    inbox.done(session, record.source.feed_url, record.source.guid)
            if seen:
                return None
            if attempt == attempts - 1:
                raise
    return None


def _batch_twin(
    pending: list[tuple[FetchedEntry, SourceRecord, int | None]],
    url: str,
    fingerprint: int | None,
) -> int | None:
    for index, (_, source, other) in enumerate(pending):
        if source.canonical_url == url:
            return index
        if fingerprint is not None and other is not None and is_near_duplicate(fingerprint, other):
            return index
    return None


def dispatch(engine: Engine, settings: Settings) -> DispatchSummary:
    channels = build_channels(settings.channels, timeout_s=settings.delivery.timeout_s)
    return dispatch_pending(engine, channels, settings.delivery)


def dispatch_on_commit(
    engine: Engine, settings: Settings, *, into: DispatchSummary | None = None
) -> Callable[[RecordedStory], None]:
    """A `store_articles` hook delivering a story's alerts right after its commit.

    Failures stay in the outbox with their backoff, exactly as in `dispatch`; what was
    delivered is added to `into`, so the pass can report it.
    """
    channels = build_channels(settings.channels, timeout_s=settings.delivery.timeout_s)

    def deliver(recorded: RecordedStory) -> None:
        if not recorded.alert_ids:
            return
        try:
            sent = dispatch_pending(engine, channels, settings.delivery)
        except Exception:  # the story is stored; the end-of-pass dispatch tries again
            log.exception("dispatch after storing story %s failed", recorded.story_id)
            return
        if into is not None:
            into.add(sent)

    return deliver


def run_once(
    settings: Settings, *, only_due: bool = False, shard: Shard | None = None
) -> RunSummary:
    """The whole pass without Prefect."""
    engine = open_database(settings.database_url)
    sync_feeds(engine, settings)
    outcomes, entries = poll_feeds(engine, settings, only_due=only_due, shard=shard)
    fetched = fetch_entries(entries, settings)
    sent = DispatchSummary()
    store = store_articles(
        engine,
        settings,
        fetched,
        shared_pipeline(settings.model),
        on_commit=dispatch_on_commit(engine, settings, into=sent),
    )
    sent.add(dispatch(engine, settings))  # retries due now, and anything the hook missed
    return RunSummary(outcomes, len(fetched), store, sent)
