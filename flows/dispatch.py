"""Delivering the outbox: claim due alerts, send each on its channel, record the outcome."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from flows.channels import Channel, DeliveryError
from flows.settings import DeliverySettings
from storage import outbox
from storage.db import session_scope

log = logging.getLogger("parley.dispatch")


@dataclass
class DispatchSummary:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchSummary) -> None:
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead
        self.errors += other.errors


def dispatch_pending(
    engine: Engine,
    channels: dict[str, Channel],
    delivery: DeliverySettings,
    *,
    batch: int = 1,
    max_rounds: int = 100_000,
) -> DispatchSummary:
    """Deliver every alert that is due now; return when none is left to claim."""
    summary = DispatchSummary()
    for _ in range(max_rounds):
        now = datetime.now(UTC)
        with session_scope(engine) as session:
            claimed = outbox.claim(session, owner_lease_s=delivery.lease_s, now=now, limit=batch)
        if not claimed:
            break
        for alert in claimed:
            _deliver_one(engine, channels, delivery, alert, summary)
    return summary


def _deliver_one(
    engine: Engine,
    channels: dict[str, Channel],
    delivery: DeliverySettings,
    alert: outbox.ClaimedAlert,
    summary: DispatchSummary,
) -> None:
    channel = channels.get(alert.channel)
    try:
        if channel is None:
            raise DeliveryError(f"no channel named {alert.channel!r} is configured")
        channel.send(alert)
    except Exception as exc:  # a channel's bug must cost one alert a retry, not the queue
        if not isinstance(exc, DeliveryError):
            log.exception("channel %s raised while sending alert %s", alert.channel, alert.id)
        with session_scope(engine) as session:
            state = outbox.mark_failed(
                session,
                alert,
                error=str(exc),
                now=datetime.now(UTC),
                max_attempts=delivery.max_attempts,
                backoff_base_s=delivery.backoff_base_s,
                backoff_max_s=delivery.backoff_max_s,
            )
        summary.failed += 1
        summary.dead += state == outbox.DEAD
        summary.errors.append(f"alert {alert.id} on {alert.channel}: {type(exc).__name__}: {exc}")
        log.warning("alert %s on %s failed (%s): %s", alert.id, alert.channel, state, exc)
        return
    with session_scope(engine) as session:
        recorded = outbox.mark_delivered(session, alert, now=datetime.now(UTC))
    if not recorded:
        log.warning("alert %s was delivered after its lease ran out", alert.id)
    summary.delivered += 1
