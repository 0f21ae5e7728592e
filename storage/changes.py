"""Deciding what a new report does to a track's status: a pure function, no session.

The status of a track is the status of its most recent report by publication time, not
by arrival, so a late article about an older round cannot override a newer status.

A stage is not undone by its own aftermath. In the weeks after an agreement, articles about
it speak of the talks that led to it, of meetings to carry it out and of "progress" on it;
after talks made progress, "talks continue" says nothing new. A stage the current status
already implies, reported soon after it, leaves the status standing; a collapse, a
deadlock, a ceasefire or its breach still moves it, and after the aftermath window a new
round of talks is news again. (A new round being scheduled after progress is news at once.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ChangeKind = Literal["transition", "corroboration", "late", "no_status", "aftermath"]

AFTERMATH = timedelta(days=30)
# The stages each status already implies while it is fresh.
IMPLIES = {
    "agreement": frozenset({"scheduled", "ongoing", "progress"}),
    "progress": frozenset({"ongoing"}),
}


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
        reported_status in IMPLIES.get(current_status or "", frozenset())
        and current_at is not None
        and reported_at - current_at <= AFTERMATH
    ):
        return Change("aftermath", current_status, reported_status)
    return Change("transition", current_status, reported_status)
