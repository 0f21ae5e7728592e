"""The inbox of feed entries between polling and storing.

An entry is queued in the same transaction that saves the feed's ETag and Last-Modified,
and leaves the inbox in the same transaction that stores its story. A pass that dies in
between leaves the entry here for the next one, however the feed answers then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import PendingEntry
from storage.tracks import source_seen


@dataclass(frozen=True)
class QueuedEntry:
    feed_url: str
    guid: str
    link: str | None
    title: str | None
    summary: str | None
    published: str | None
    attempts: int = 0


def queue(session: Session, entries: list[QueuedEntry], *, now: datetime) -> int:
    """Queue the entries neither stored nor queued yet; return how many were new."""
    added = 0
    for entry in entries:
        stored = source_seen(session, feed_url=entry.feed_url, guid=entry.guid)
        queued = session.exec(
            select(PendingEntry.id).where(
                PendingEntry.feed_url == entry.feed_url, PendingEntry.guid == entry.guid
            )
        ).first()
        if stored or queued is not None:
            continue
        try:
            with session.begin_nested():  # another worker may queue it at the same moment
                session.add(
                    PendingEntry(
                        feed_url=entry.feed_url,
                        guid=entry.guid,
                        link=entry.link,
                        title=entry.title,
                        summary=entry.summary,
                        published=entry.published,
                        queued_at=now,
                    )
                )
            added += 1
        except IntegrityError:
            continue
    return added


def pending(session: Session, feed_urls: list[str]) -> list[QueuedEntry]:
    rows = session.exec(
        select(PendingEntry)
        .where(col(PendingEntry.feed_url).in_(feed_urls))
        .order_by(col(PendingEntry.id))
    ).all()
    return [
        QueuedEntry(r.feed_url, r.guid, r.link, r.title, r.summary, r.published, r.attempts)
        for r in rows
    ]


def done(session: Session, feed_url: str, guid: str) -> None:
    session.execute(
        delete(PendingEntry).where(
            col(PendingEntry.feed_url) == feed_url, col(PendingEntry.guid) == guid
        )
    )


def failed(session: Session, feed_url: str, guid: str, *, error: str, max_attempts: int) -> bool:
    """Count a failed try; True when the entry is given up (and so leaves the inbox)."""
    row = session.exec(
        select(PendingEntry).where(PendingEntry.feed_url == feed_url, PendingEntry.guid == guid)
    ).first()
    if row is None:
        return False
    row.attempts += 1
    row.last_error = error[:2000]
    if row.attempts >= max_attempts:
        session.delete(row)
        return True
    session.add(row)
    return False
