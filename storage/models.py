"""The tables. Only table definitions live here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Feed(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, index=True)
    name: str | None = None
    interval_minutes: float = 15.0
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    consecutive_failures: int = 0
    entries_seen: int = 0
    health_alerted: bool = False


class PendingEntry(SQLModel, table=True):
    """A feed entry seen but not yet stored as a story: the inbox between poll and store.

    Polling commits the feed's new validators, so after a crash the next poll may answer
    304; the entry waits here instead of being lost.
    """

    __table_args__ = (UniqueConstraint("feed_url", "guid", name="uq_pending_feed_guid"),)
    id: int | None = Field(default=None, primary_key=True)
    feed_url: str = Field(index=True)
    guid: str
    link: str | None = None
    title: str | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    published: str | None = None
    queued_at: datetime
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class Story(SQLModel, table=True):
    """One news story, however many feeds and sites carried it."""

    id: int | None = Field(default=None, primary_key=True)
    canonical_url: str = Field(index=True)
    fingerprint: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    title: str | None = None
    published_at: datetime | None = None
    first_seen_at: datetime
    relevant: bool = False
    text: str | None = Field(default=None, sa_column=Column(Text))
    note: str | None = Field(default=None, sa_column=Column(Text))


class StorySource(SQLModel, table=True):
    """One place a story was seen: a feed entry and its URL."""

    __table_args__ = (UniqueConstraint("feed_url", "guid", name="uq_source_feed_guid"),)
    id: int | None = Field(default=None, primary_key=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    feed_url: str
    guid: str
    url: str
    canonical_url: str = Field(index=True)
    site: str | None = None
    seen_at: datetime


class Track(SQLModel, table=True):
    """A negotiation between the same parties, across articles and sources."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)  # sorted canonical parties joined by " | "
    parties: list[str] = Field(sa_column=Column(JSON, nullable=False))
    mediators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    venue: str | None = None
    round: str | None = None
    status: str | None = None
    status_at: datetime | None = None  # publication time of the report behind `status`
    last_report_at: datetime | None = None  # publication time of its newest report
    created_at: datetime
    updated_at: datetime


class TrackAlias(SQLModel, table=True):
    """A party set (its `track_key`) that was resolved to a track: the next report with the
    same set finds its track by one indexed lookup."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    track_id: int = Field(foreign_key="track.id", index=True)


class TrackName(SQLModel, table=True):
    """A name a track's reports gave as a party, mediator or venue: the index that finds the
    tracks a new report may be about without reading every track."""

    __table_args__ = (UniqueConstraint("track_id", "role", "name", name="uq_track_name"),)
    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    role: str  # "party" | "mediator" | "venue"
    name: str = Field(index=True)


class TrackEvent(SQLModel, table=True):
    """A development an article reported on a track, current or background."""

    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    story_id: int = Field(foreign_key="story.id", index=True)
    kind: str
    current: bool
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    confidence: float
    occurred_at: datetime  # the article's publication time (or arrival when it has none)
    source_url: str


class Transition(SQLModel, table=True):
    """A change of a track's status, with the report that caused it."""

    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    story_id: int = Field(foreign_key="story.id")
    from_status: str | None = None
    to_status: str | None = None  # None only when a denial withdraws the first status
    at: datetime
    source_url: str
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    confidence: float
    sources: int = 1  # independent sources that reported `to_status` so far
    correction: bool = False
    recorded_at: datetime


class TrackCondition(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    track_id: int = Field(foreign_key="track.id", index=True)
    story_id: int = Field(foreign_key="story.id")
    party: str
    kind: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    round: str | None = None
    at: datetime


class Alert(SQLModel, table=True):
    """The outbox: one row per alert and channel, written with the change that caused it."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, index=True)
    kind: str  # "transition" | "feed_health"
    channel: str
    transition_id: int | None = Field(default=None, foreign_key="transition.id", index=True)
    track_id: int | None = Field(default=None, foreign_key="track.id")
    feed_url: str | None = None
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    state: str = Field(default="pending", index=True)  # pending|delivered|dead
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    lease_until: datetime | None = None
    lease_owner: str | None = None  # the claim that holds the lease
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    delivered_at: datetime | None = None
