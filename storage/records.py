"""Plain data handed to storage by its callers, and handed back by its queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SourceRecord:
    feed_url: str
    guid: str
    url: str
    canonical_url: str
    site: str | None = None


@dataclass(frozen=True)
class EventRecord:
    kind: str
    current: bool
    sentence: str
    confidence: float


@dataclass(frozen=True)
class ConditionRecord:
    party: str
    kind: str
    text: str
    sentence: str


@dataclass(frozen=True)
class TrackReport:
    """What one article says about one negotiation track."""

    parties: tuple[str, ...]
    status: str | None
    confidence: float
    mediators: tuple[str, ...] = ()
    venue: str | None = None
    round: str | None = None
    events: tuple[EventRecord, ...] = ()
    conditions: tuple[ConditionRecord, ...] = ()
    # Statuses the article denies or corrects ("talks have not collapsed, the ministry
    # said"), each with its sentence: a current status among them is reverted.
    denials: tuple[EventRecord, ...] = ()

    @property
    def key(self) -> str:
        return track_key(self.parties)

    def evidence(self) -> EventRecord | None:
        """The current event behind `status`, the strongest one when several say it."""
        matching = [e for e in self.events if e.current and e.kind == self.status]
        return max(matching, key=lambda e: e.confidence) if matching else None


@dataclass(frozen=True)
class StoryRecord:
    source: SourceRecord
    title: str | None
    published_at: datetime | None
    text: str | None
    relevant: bool
    fingerprint: int | None = None
    note: str | None = None
    tracks: tuple[TrackReport, ...] = field(default=())


@dataclass(frozen=True)
class AlertRule:
    """Which transitions alert on which channels (see the settings' `[[rules]]`)."""

    to: frozenset[str]
    channels: frozenset[str]  # empty: every channel
    parties: frozenset[str] = frozenset()  # empty: every track
    min_confidence: float = 0.0
    min_sources: int = 1


def track_key(parties: tuple[str, ...] | list[str]) -> str:
    return " | ".join(sorted(set(parties)))
