"""The store stage of a monitor pass: drop repeats, read with spaCy, store each story.

Each story is stored in its own transaction together with its transitions, its outbox
rows and the removal of its entry from the inbox, so a crash loses all of that or none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from spacy.language import Language
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from extract.dedupe import canonical_url, is_near_duplicate, text_fingerprint
from extract.pipeline import read_articles
from flows.fetching import FetchedEntry
from flows.records import story_record
from flows.settings import Settings
from storage import inbox
from storage import tracks as track_store
from storage.db import session_scope
from storage.records import AlertRule, SourceRecord, StoryRecord
from storage.tracks import RecordedStory

log = logging.getLogger("parley.monitor")

# An entry whose page cannot be read (and has no summary), or whose story cannot be
# stored, is tried again on the next passes, then given up with a logged reason.
MAX_ENTRY_ATTEMPTS = 5


@dataclass
class StoreSummary:
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    relevant: int = 0
    transitions: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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
        recent = track_store.recent_fingerprints(session)
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
                recent=recent,
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
