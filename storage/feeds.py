"""Feed subscriptions and their health: what to poll, when, and how it went."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from storage.models import Feed


class FeedNotFoundError(Exception):
    """No subscribed feed has that URL."""


def ensure_feed(
    session: Session, url: str, *, interval_minutes: float = 15.0, name: str | None = None
) -> Feed:
    feed = session.exec(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        feed = Feed(url=url, interval_minutes=interval_minutes, name=name)
    else:
        feed.interval_minutes, feed.name = interval_minutes, name or feed.name
    session.add(feed)
    session.flush()
    return feed


def remove_feed(session: Session, url: str) -> None:
    feed = session.exec(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        raise FeedNotFoundError(f"no feed with URL {url}")
    session.delete(feed)
    session.flush()


def list_feeds(session: Session) -> list[Feed]:
    return list(session.exec(select(Feed).order_by(col(Feed.url))).all())


def due_feeds(session: Session, *, now: datetime) -> list[Feed]:
    return list(
        session.exec(
            select(Feed)
            .where((col(Feed.next_poll_at).is_(None)) | (col(Feed.next_poll_at) <= now))
            .order_by(col(Feed.url))
        ).all()
    )


def record_success(
    session: Session,
    url: str,
    *,
    status: int | None,
    etag: str | None,
    last_modified: str | None,
    new_entries: int,
    warning: str | None,
    now: datetime,
) -> Feed:
    """After a 200 or a 304: keep the validators the server sent, clear the failures."""
    feed = _get(session, url)
    feed.last_status = status
    if etag is not None:
        feed.etag = etag
    if last_modified is not None:
        feed.last_modified = last_modified
    feed.last_error = warning
    feed.last_polled_at = feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.health_alerted = False
    feed.entries_seen += new_entries
    feed.next_poll_at = now + timedelta(minutes=feed.interval_minutes)
    session.add(feed)
    session.flush()
    return feed


def record_failure(
    session: Session,
    url: str,
    *,
    status: int | None,
    error: str,
    now: datetime,
) -> Feed:
    feed = _get(session, url)
    feed.last_status = status
    feed.last_error = error
    feed.last_polled_at = now
    feed.consecutive_failures += 1
    session.add(feed)
    session.flush()
    return feed


def schedule_retry(session: Session, url: str, *, now: datetime, delay_s: float) -> None:
    feed = _get(session, url)
    feed.next_poll_at = now + timedelta(seconds=delay_s)
    session.add(feed)
    session.flush()


def mark_health_alerted(session: Session, url: str) -> None:
    """A failing feed alerts once per failure streak, not on every poll."""
    feed = _get(session, url)
    feed.health_alerted = True
    session.add(feed)
    session.flush()


def _get(session: Session, url: str) -> Feed:
    feed = session.exec(select(Feed).where(Feed.url == url)).first()
    if feed is None:
        raise FeedNotFoundError(f"no feed with URL {url}")
    return feed
