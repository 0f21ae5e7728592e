"""Deciding what a new report does to a track's status: a pure function, no session.

The status of a track is the status of its most recent report by publication time, not
by arrival, so a late article about an older round cannot override a newer status.

A deal is not undone by its own aftermath: in the weeks after an agreement, articles about
it speak of the talks that led to it, of meetings to carry it out and of "progress" on it.
A process stage (scheduled, ongoing, progress) reported soon after an agreement leaves the
agreement standing; a collapse, a deadlock, a ceasefire or its breach still moves it, and
after the aftermath window a new round of talks is news again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ChangeKind = Literal["transition", "corroboration", "late", "no_status", "aftermath"]

AFTERMATH = timedelta(days=30)
PROCESS_STAGES = frozenset({"scheduled", "ongoing", "progress"})


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    from_status: str | None = None
    to_status: str | None = None


def diff(
    current_status: str | None,
    current_at: datetime | None,
    reported_status: str | None,
    reported_at: datetime,
) -> Change:
    """What a report of `reported_status` at `reported_at` changes."""
    if reported_status is None:
        return Change("no_status")
    if current_at is not None and reported_at < current_at:
        if reported_status == current_status:
            return Change("corroboration", current_status, reported_status)
        return Change("late", current_status, reported_status)
    if reported_status == current_status:
        return Change("corroboration", current_status, reported_status)
    if (
        current_status == "agreement"
        and reported_status in PROCESS_STAGES
        and current_at is not None
        and reported_at - current_at <= AFTERMATH
    ):
        return Change("aftermath", current_status, reported_status)
    return Change("transition", current_status, reported_status)
