"""Building storage inputs in tests without repeating every field."""

from __future__ import annotations

from datetime import datetime

from extract.models import STATUSES
from storage.records import AlertRule, EventRecord, SourceRecord, StoryRecord, TrackReport

ALL_STATUSES = frozenset(STATUSES)
EVERY_TRANSITION = [AlertRule(to=ALL_STATUSES, channels=frozenset())]


def story(
    url: str,
    status: str | None,
    published: datetime,
    *,
    parties: tuple[str, ...] = ("Afghanistan", "Pakistan"),
    feed: str = "https://feeds.example/world.xml",
    background: tuple[str, ...] = (),
    confidence: float = 0.8,
) -> StoryRecord:
    events = tuple(
        [EventRecord(status, True, f"Talks {status}, officials said.", confidence)]
        if status
        else []
    ) + tuple(EventRecord(kind, False, f"Earlier, a {kind}.", 0.6) for kind in background)
    return StoryRecord(
        source=SourceRecord(feed_url=feed, guid=url, url=url, canonical_url=url),
        title=f"Story at {url}",
        published_at=published,
        text="Body.",
        relevant=True,
        tracks=(TrackReport(parties=parties, status=status, confidence=confidence, events=events),),
    )
