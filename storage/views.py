"""Read-only views for the CLI, the web page and the Prefect artifacts."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import (
    Alert,
    Feed,
    Story,
    StorySource,
    Track,
    TrackCondition,
    TrackEvent,
    Transition,
)


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def _condition(c: TrackCondition) -> dict:
    return {
        "party": c.party,
        "kind": c.kind,
        "text": c.text,
        "sentence": c.sentence,
        "round": c.round,
        "at": _iso(c.at),
    }


def tracks_view(session: Session) -> list[dict]:
    """Every track with its transitions and timeline, most recently changed first."""
    tracks = session.exec(select(Track)).all()
    out = []
    for track in tracks:
        transitions = session.exec(
            select(Transition)
            .where(Transition.track_id == track.id)
            .order_by(col(Transition.at), col(Transition.id))
        ).all()
        events = session.exec(
            select(TrackEvent)
            .where(TrackEvent.track_id == track.id)
            .order_by(col(TrackEvent.occurred_at), col(TrackEvent.id))
        ).all()
        conditions = session.exec(
            select(TrackCondition)
            .where(TrackCondition.track_id == track.id)
            .order_by(col(TrackCondition.at), col(TrackCondition.id))
        ).all()
        sources = {e.source_url for e in events}
        out.append(
            {
                "id": track.id,
                "parties": track.parties,
                "mediators": track.mediators,
                "venue": track.venue,
                "round": track.round,
                "status": track.status,
                "status_at": _iso(track.status_at),
                "updated_at": _iso(track.updated_at),
                "source_count": len(sources),
                "transitions": [
                    {
                        "id": t.id,
                        "from": t.from_status,
                        "to": t.to_status,
                        "at": _iso(t.at),
                        "source": t.source_url,
                        "sentence": t.sentence,
                        "confidence": t.confidence,
                        "sources": t.sources,
                        "correction": t.correction,
                    }
                    for t in transitions
                ],
                "events": [
                    {
                        "kind": e.kind,
                        "current": e.current,
                        "at": _iso(e.occurred_at),
                        "source": e.source_url,
                        "sentence": e.sentence,
                        "confidence": e.confidence,
                    }
                    for e in events
                ],
                "conditions": [_condition(c) for c in conditions],
            }
        )
    out.sort(key=lambda t: t["transitions"][-1]["at"] if t["transitions"] else "", reverse=True)
    return out


def alerts_view(session: Session) -> list[dict]:
    alerts = session.exec(select(Alert).order_by(col(Alert.id))).all()
    out = []
    for alert in alerts:
        payload = alert.payload or {}
        transition = payload.get("transition") or {}
        track = payload.get("track") or {}
        out.append(
            {
                "id": alert.id,
                "kind": alert.kind,
                "track": " – ".join(track.get("parties", [])) or alert.feed_url,
                "track_id": alert.track_id,
                "from": transition.get("from"),
                "to": transition.get("to"),
                "channel": alert.channel,
                "state": alert.state,
                "attempts": alert.attempts,
                "last_error": alert.last_error,
                "idempotency_key": alert.idempotency_key,
                "created_at": _iso(alert.created_at),
                "delivered_at": _iso(alert.delivered_at),
            }
        )
    return out


def transitions_view(session: Session, ids: list[int]) -> list[dict]:
    """The transitions with these ids, with their track's parties, for events and reports."""
    if not ids:
        return []
    rows = session.exec(
        select(Transition, Track)
        .join(Track, col(Track.id) == Transition.track_id)
        .where(col(Transition.id).in_(ids))
        .order_by(col(Transition.at), col(Transition.id))
    ).all()
    return [
        {
            "transition_id": t.id,
            "track_id": track.id,
            "parties": track.parties,
            "from": t.from_status,
            "to": t.to_status,
            "at": _iso(t.at),
            "source": t.source_url,
            "sentence": t.sentence,
            "confidence": t.confidence,
        }
        for t, track in rows
    ]


def track_sources_view(session: Session, track_id: int) -> dict:
    """What the track page needs beyond `tracks_view`: article titles for the source links,
    and conditions tagged with their article, so the page can say what each report added or
    dropped (a round can span several articles, and an article can carry no round)."""
    story_ids = set(
        session.exec(select(TrackEvent.story_id).where(TrackEvent.track_id == track_id)).all()
    )
    story_ids |= set(
        session.exec(select(Transition.story_id).where(Transition.track_id == track_id)).all()
    )
    conditions = session.exec(
        select(TrackCondition)
        .where(TrackCondition.track_id == track_id)
        .order_by(col(TrackCondition.at), col(TrackCondition.story_id), col(TrackCondition.id))
    ).all()
    story_ids |= {c.story_id for c in conditions}
    stories = session.exec(
        select(Story).where(col(Story.id).in_(story_ids)).order_by(col(Story.id))
    ).all()
    urls: dict[int, str] = {}
    for source in session.exec(
        select(StorySource)
        .where(col(StorySource.story_id).in_(story_ids))
        .order_by(col(StorySource.id))
    ).all():
        urls.setdefault(source.story_id, source.url)
    return {
        "stories": [
            {
                "id": s.id,
                "title": s.title,
                "url": urls.get(s.id or 0, s.canonical_url),
                "published_at": _iso(s.published_at),
            }
            for s in stories
        ],
        "conditions": [_condition(c) | {"story_id": c.story_id} for c in conditions],
    }


def feeds_view(session: Session) -> list[dict]:
    """Every feed with its health, for `parley feeds list` and the web page."""
    return [
        {
            "url": f.url,
            "name": f.name,
            "interval_minutes": f.interval_minutes,
            "last_status": f.last_status,
            "last_error": f.last_error,
            "consecutive_failures": f.consecutive_failures,
            "entries": f.entries_seen,
            "last_polled_at": _iso(f.last_polled_at),
            "last_success_at": _iso(f.last_success_at),
            "next_poll_at": _iso(f.next_poll_at),
        }
        for f in session.exec(select(Feed).order_by(col(Feed.url))).all()
    ]
