"""The alert outbox: rows written with the change that caused them, then claimed and
delivered by any number of dispatchers.

Delivery is at least once. A dispatcher claims rows with a lease (``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, a conditional UPDATE everywhere), so a crashed dispatcher's rows
come back when the lease runs out; receivers drop repeats by the idempotency key.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Alert, Track, TrackCondition, Transition
from storage.records import AlertRule

PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class AlertNotFoundError(Exception):
    """No alert has that id."""


@dataclass(frozen=True)
class ClaimedAlert:
    id: int
    idempotency_key: str
    kind: str
    channel: str
    payload: dict
    attempts: int
    lease_owner: str = ""  # proves, when the outcome is recorded, that the lease is still ours


def matching_channels(
    rules: list[AlertRule],
    channels: list[str],
    *,
    to_status: str,
    parties: list[str],
    confidence: float,
    sources: int,
) -> list[str]:
    """The channels whose rules want this transition now."""
    wanted: list[str] = []
    for rule in rules:
        if to_status not in rule.to or confidence < rule.min_confidence:
            continue
        if sources < rule.min_sources:
            continue
        if rule.parties and not rule.parties & set(parties):
            continue
        for channel in channels:
            if (not rule.channels or channel in rule.channels) and channel not in wanted:
                wanted.append(channel)
    return wanted


def enqueue_transition_alerts(
    session: Session,
    track: Track,
    transition: Transition,
    *,
    rules: list[AlertRule],
    channels: list[str],
    now: datetime,
) -> list[int]:
    """Write an outbox row per channel that wants this transition and has none yet."""
    # A correction matters to whoever watched the status it withdraws, too.
    statuses = {transition.to_status, transition.from_status if transition.correction else None}
    wanted: list[str] = []
    for status in sorted(s for s in statuses if s):
        for channel in matching_channels(
            rules,
            channels,
            to_status=status,
            parties=track.parties,
            confidence=transition.confidence,
            sources=transition.sources,
        ):
            if channel not in wanted:
                wanted.append(channel)
    if not wanted:
        return []
    payload = transition_payload(session, track, transition)
    ids = []
    for channel in wanted:
        key = f"transition-{transition.id}-{channel}"
        alert = _insert_once(
            session,
            Alert(
                idempotency_key=key,
                kind="transition",
                channel=channel,
                transition_id=transition.id,
                track_id=track.id,
                payload=payload | {"idempotency_key": key},
                next_attempt_at=now,
                created_at=now,
            ),
        )
        if alert is not None and alert.id is not None:
            ids.append(alert.id)
    return ids


def enqueue_feed_health_alert(
    session: Session,
    *,
    feed_url: str,
    failures: int,
    error: str,
    channels: list[str],
    now: datetime,
) -> list[int]:
    ids = []
    for channel in channels:
        key = f"feed-{feed_url}-{failures}-{now:%Y%m%d%H%M%S}-{channel}"
        payload = {
            "type": "feed_health",
            "feed": feed_url,
            "consecutive_failures": failures,
            "error": error,
            "idempotency_key": key,
        }
        alert = _insert_once(
            session,
            Alert(
                idempotency_key=key,
                kind="feed_health",
                channel=channel,
                feed_url=feed_url,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            ),
        )
        if alert is not None and alert.id is not None:
            ids.append(alert.id)
    return ids


def transition_payload(session: Session, track: Track, transition: Transition) -> dict:
    """The documented alert body (README, "Alert payload")."""
    conditions = session.exec(
        select(TrackCondition).where(
            TrackCondition.track_id == track.id, TrackCondition.story_id == transition.story_id
        )
    ).all()
    added, dropped = _condition_changes(session, track, transition, list(conditions))
    return {
        "type": "track.status_changed",
        "track": {
            "id": track.id,
            "parties": track.parties,
            "mediators": track.mediators,
            "venue": track.venue,
            "round": track.round,
        },
        "transition": {
            "id": transition.id,
            "from": transition.from_status,
            "to": transition.to_status,
            "at": transition.at.isoformat(),
            "confidence": round(transition.confidence, 3),
            "correction": transition.correction,
        },
        "evidence": [{"sentence": transition.sentence, "source": transition.source_url}],
        "sources": [transition.source_url],
        "source_count": transition.sources,
        "conditions": [
            {"party": c.party, "kind": c.kind, "text": c.text, "sentence": c.sentence}
            for c in conditions
        ],
        "conditions_added": added,
        "conditions_dropped": dropped,
    }


def _condition_changes(
    session: Session, track: Track, transition: Transition, current: list[TrackCondition]
) -> tuple[list[dict], list[dict]]:
    """What each party asks now that it did not in the previous report, and the reverse."""
    earlier = session.exec(
        select(TrackCondition)
        .where(
            TrackCondition.track_id == track.id,
            TrackCondition.story_id != transition.story_id,
            TrackCondition.at <= transition.at,
        )
        .order_by(col(TrackCondition.at).desc(), col(TrackCondition.id).desc())
    ).all()
    if not earlier or not current:
        return [], []
    previous_story = earlier[0].story_id
    previous = [c for c in earlier if c.story_id == previous_story]

    def key(c: TrackCondition) -> tuple[str, str]:
        return c.party, " ".join(c.text.lower().split())

    before, now = {key(c): c for c in previous}, {key(c): c for c in current}

    def shape(c: TrackCondition) -> dict:
        return {"party": c.party, "kind": c.kind, "text": c.text}

    added = [shape(c) for k, c in now.items() if k not in before]
    dropped = [shape(c) for k, c in before.items() if k not in now]
    return added, dropped


def _insert_once(session: Session, alert: Alert) -> Alert | None:
    exists = session.exec(
        select(Alert.id).where(Alert.idempotency_key == alert.idempotency_key)
    ).first()
    if exists is not None:
        return None
    session.add(alert)
    session.flush()
    return alert


def claim(
    session: Session, *, owner_lease_s: float, now: datetime, limit: int = 1
) -> list[ClaimedAlert]:
    """Lease up to `limit` due alerts to the caller; commit right after.

    Keep `limit` small: the lease must outlast every send in the batch, or another
    dispatcher takes the rest over and sends them again.
    """
    query = (
        select(Alert)
        .where(
            Alert.state == PENDING,
            Alert.next_attempt_at <= now,
            (col(Alert.lease_until).is_(None)) | (col(Alert.lease_until) < now),
        )
        .order_by(col(Alert.id))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.exec(query).all()
    lease = now + timedelta(seconds=owner_lease_s)
    owner = uuid.uuid4().hex
    claimed = []
    for row in rows:
        # The conditional UPDATE is what makes the claim exclusive on databases without
        # SKIP LOCKED: a row someone else leased in the meantime updates nothing.
        result = session.execute(
            update(Alert)
            .where(
                col(Alert.id) == row.id,
                col(Alert.state) == PENDING,
                (col(Alert.lease_until).is_(None)) | (col(Alert.lease_until) < now),
            )
            .values(lease_until=lease, lease_owner=owner, attempts=Alert.attempts + 1)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(
                ClaimedAlert(
                    id=row.id or 0,
                    idempotency_key=row.idempotency_key,
                    kind=row.kind,
                    channel=row.channel,
                    payload=dict(row.payload),
                    attempts=row.attempts + 1,
                    lease_owner=owner,
                )
            )
    session.flush()
    return claimed


def mark_delivered(session: Session, alert: ClaimedAlert, *, now: datetime) -> bool:
    """Record the delivery; False when the lease was lost (someone else has the alert)."""
    result = session.execute(
        update(Alert)
        .where(
            col(Alert.id) == alert.id,
            col(Alert.state) == PENDING,
            col(Alert.lease_owner) == alert.lease_owner,
        )
        .values(state=DELIVERED, delivered_at=now, lease_until=None, last_error=None)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_failed(
    session: Session,
    alert: ClaimedAlert,
    *,
    error: str,
    now: datetime,
    max_attempts: int,
    backoff_base_s: float,
    backoff_max_s: float,
) -> str:
    """Schedule a retry with exponential backoff and jitter, or dead-letter the alert.

    A dispatcher whose lease ran out records nothing: the alert is someone else's now,
    and its state (perhaps delivered) must not be overwritten.
    """
    row = session.get(Alert, alert.id)
    if row is None:
        raise AlertNotFoundError(f"no alert with id {alert.id}")
    if row.state != PENDING or row.lease_owner != alert.lease_owner:
        return row.state
    row.last_error = error[:2000]
    row.lease_until = None
    if row.attempts >= max_attempts:
        row.state = DEAD
    else:
        delay = min(backoff_max_s, backoff_base_s * 2 ** (row.attempts - 1))
        row.next_attempt_at = now + timedelta(seconds=delay * random.uniform(0.5, 1.0))
    session.add(row)
    session.flush()
    return row.state


def retry(session: Session, alert_id: int, *, now: datetime) -> Alert:
    """Put a dead or failing alert back in the queue, due now, with fresh attempts."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise AlertNotFoundError(f"no alert with id {alert_id}")
    if alert.state == DELIVERED:
        return alert
    alert.state, alert.attempts, alert.next_attempt_at, alert.lease_until = PENDING, 0, now, None
    session.add(alert)
    session.flush()
    return alert
