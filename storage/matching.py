"""Which stored track a report is about: a pure function, no session.

An article's party set is not a reliable identity. Extraction misses a party, adds a third
one, or takes the mediator or the host country for a party ("Iran and Italy" for Iran-US
talks hosted in Rome, "Kuwait and Qatar" for the Kuwaiti-mediated Gulf talks). Keying a
track by the exact party set opens a new track for each such slip, and the new track then
"transitions" from nothing, which alerts. So a report goes to the stored track it matches
best, and a new track opens only when nothing matches well:

- two or more shared parties: the same negotiation (a subset or superset, {A, B} against
  {A, B, C}, is a party missed or added);
- one shared party, when the roles are merely swapped: the report's extra party, or the
  track's other party, is also named as a mediator or venue (by the track's reports or by
  this one);
- one shared party and common ground (a shared mediator, a venue the track met at), when
  the report is close in time to the track's reports; with both a shared mediator and a
  shared venue, at any time;
- one shared party, close in time, when the other side is only described ("rebels",
  "armed groups"): the description may be the named group.

A single shared party alone is never enough: Russia negotiates with Ukraine and with the
United States in the same weeks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# How far from the track's latest report a match on one party and one piece of common
# ground (a mediator or a venue) may be: a round of talks and its follow-up news.
CLOSE_IN_TIME = timedelta(days=90)


@dataclass(frozen=True)
class Candidate:
    """A stored track as the matcher sees it."""

    track_id: int
    parties: frozenset[str]
    mediators: frozenset[str]
    venues: frozenset[str]  # every venue its reports named, not only the latest
    last_report_at: datetime | None


@dataclass(frozen=True)
class Match:
    track_id: int
    # Parties the report adds to the track: a third party of a multi-party negotiation, or
    # the one that replaces a place.
    new_parties: frozenset[str]
    # Track parties that are only a place: the track's own reports name them as its venue.
    places: frozenset[str] = frozenset()
    # Two or more shared parties: the report's party set is this track's for good (an
    # alias). A match on one party holds for this report, in its context, only.
    strong: bool = False


def best_match(
    parties: frozenset[str],
    mediators: frozenset[str],
    venue: str | None,
    at: datetime,
    candidates: list[Candidate],
) -> Match | None:
    """The candidate this report is about, or None when a new track should open."""
    scored = [
        (score, candidate)
        for candidate in candidates
        if (score := _score(parties, mediators, venue, at, candidate)) is not None
    ]
    if not scored:
        return None
    _, chosen = max(scored, key=lambda pair: pair[0])
    extra = parties - chosen.parties - chosen.mediators
    if len(parties & chosen.parties) >= 2:
        return Match(chosen.track_id, extra, strong=True)
    # "North Korea and Singapore" met in Singapore; the next report names the United
    # States: the place gives way to the party, unless that one is a place too.
    places = (chosen.parties - parties) & chosen.venues
    if places and extra and not extra & (chosen.venues | ({venue} if venue else set())):
        return Match(chosen.track_id, extra, places)
    return Match(chosen.track_id, frozenset())


def _score(
    parties: frozenset[str],
    mediators: frozenset[str],
    venue: str | None,
    at: datetime,
    candidate: Candidate,
) -> tuple[int, int, int, float] | None:
    """How well the report fits the candidate (higher is better), None when it does not."""
    shared = parties & candidate.parties
    if not shared:
        return None
    # A name one source gives as both party and mediator says nothing about either role.
    mediators = mediators - parties
    candidate = replace(candidate, mediators=candidate.mediators - candidate.parties)
    common = bool(mediators & candidate.mediators) + bool(venue and venue in candidate.venues)
    recency = (
        -abs((at - candidate.last_report_at).total_seconds()) if candidate.last_report_at else 0.0
    )
    if len(shared) >= 2:
        return (len(shared), 1, common, recency)
    if len(parties) == 1 or len(candidate.parties) == 1:
        # One name on either side: a subset, but of which of the tracks with that party?
        # Only common ground decides.
        return (1, 0, common, recency) if common else None
    swapped = _roles_swapped(parties, mediators, venue, candidate)
    close = candidate.last_report_at is None or abs(at - candidate.last_report_at) <= CLOSE_IN_TIME
    if swapped or common >= 2 or (common == 1 and close):
        return (1, int(swapped), common, recency)
    if close and (
        _descriptions(parties - candidate.parties) or _descriptions(candidate.parties - parties)
    ):
        return (1, 0, common, recency)
    return None


def _descriptions(names: frozenset[str]) -> bool:
    """Every name is a description, not a name ("rebels", "armed groups", "the opposition"):
    extraction keeps a proper name capitalised and a description as the article wrote it,
    so "Chad and the rebels" and "Chad and FACT" a few weeks apart are one negotiation."""
    return bool(names) and all(name[:1].islower() for name in names)


def _roles_swapped(
    parties: frozenset[str], mediators: frozenset[str], venue: str | None, candidate: Candidate
) -> bool:
    """A party on one side that either side also knows as a mediator or a venue: the
    report's extra party, or the track's other party ("North Korea and Singapore" for the
    summit held in Singapore)."""
    elsewhere = candidate.mediators | candidate.venues | mediators | ({venue} if venue else set())
    extra = parties - candidate.parties
    others = candidate.parties - parties
    return bool(extra and extra <= elsewhere) or bool(others & elsewhere)
