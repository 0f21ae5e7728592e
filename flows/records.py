"""Turning what `extract` found into what `storage` keeps."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil import parser as date_parser

from extract.models import ArticleResult, ArticleText
from storage.records import ConditionRecord, EventRecord, SourceRecord, StoryRecord, TrackReport


def parse_time(value: str | None) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(value)
        except (ValueError, OverflowError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def story_record(
    article: ArticleText,
    result: ArticleResult,
    *,
    source: SourceRecord,
    fingerprint: int | None,
    entry_published: str | None,
    note: str | None,
) -> StoryRecord:
    # The feed's date is the publisher's claim about this item; the page's own date may be
    # a bare day, so prefer the feed's full timestamp when both exist.
    published = parse_time(entry_published) or parse_time(result.published or article.published)
    return StoryRecord(
        source=source,
        title=result.title or article.title,
        published_at=published,
        text=article.text,
        relevant=result.relevant,
        fingerprint=fingerprint,
        note=note or result.error,
        tracks=tuple(
            TrackReport(
                parties=tuple(track.parties),
                status=track.status,
                confidence=track.confidence,
                mediators=tuple(track.mediators),
                venue=track.venue,
                round=track.round,
                events=tuple(
                    EventRecord(e.kind, e.current, e.sentence, e.confidence) for e in track.events
                ),
                conditions=tuple(
                    ConditionRecord(c.party, c.kind, c.text, c.sentence) for c in track.conditions
                ),
                denials=tuple(
                    EventRecord(d.kind, d.current, d.sentence, d.confidence) for d in track.denials
                ),
            )
            for track in result.tracks
            if result.relevant
        ),
    )
