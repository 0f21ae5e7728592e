"""Recording a story and what it says about negotiation tracks.

`record_story` writes the story, its source, the tracks' events, any transition and the
alert outbox rows in the caller's transaction: a crash loses all of them or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import changes, matching, outbox
from storage.models import (
    Story,
    StorySource,
    Track,
    TrackAlias,
    TrackCondition,
    TrackEvent,
    TrackName,
    Transition,
)
from storage.records import (
    AlertRule,
    EventRecord,
    SourceRecord,
    StoryRecord,
    TrackReport,
    track_key,
)

# Tracks sharing a party that a report is compared with, the most recently created first:
# a busy party (the United States) is in many tracks, and old ones rarely come back.
MAX_CANDIDATES = 50


@dataclass(frozen=True)
class RecordedStory:
    story_id: int
    transition_ids: tuple[int, ...]
    alert_ids: tuple[int, ...]


def source_seen(session: Session, *, feed_url: str, guid: str) -> bool:
    query = select(StorySource.id).where(StorySource.feed_url == feed_url, StorySource.guid == guid)
    return session.exec(query).first() is not None


def recent_fingerprints(session: Session, *, limit: int = 500) -> list[tuple[int, int]]:
    """(story id, fingerprint) of the newest stories: the candidates a syndicated copy is
    compared with. Read once per batch, not once per article."""
    rows = session.exec(
        select(Story.id, Story.fingerprint)
        .where(col(Story.fingerprint).is_not(None))
        .order_by(col(Story.id).desc())
        .limit(limit)
    ).all()
    return [(story_id, fp) for story_id, fp in rows if story_id is not None and fp is not None]


def find_story(
    session: Session,
    *,
    canonical_url: str,
    fingerprint: int | None = None,
    near: Callable[[int, int], bool] | None = None,
    recent: list[tuple[int, int]] | None = None,
) -> int | None:
    """The id of a story already stored under this URL or with near-identical text."""
    by_url = session.exec(
        select(StorySource.story_id).where(StorySource.canonical_url == canonical_url)
    ).first()
    if by_url is not None:
        return by_url
    if fingerprint is None or near is None:
        return None
    if recent is None:
        recent = recent_fingerprints(session)
    return next((story_id for story_id, other in recent if near(fingerprint, other)), None)


def add_source(session: Session, story_id: int, source: SourceRecord, *, now: datetime) -> None:
    """Another feed or site carried a story already stored."""
    session.add(
        StorySource(
            story_id=story_id,
            feed_url=source.feed_url,
            guid=source.guid,
            url=source.url,
            canonical_url=source.canonical_url,
            site=source.site,
            seen_at=now,
        )
    )
    session.flush()


def add_source_once(
    session: Session, story_id: int, source: SourceRecord, *, now: datetime
) -> bool:
    """`add_source`, unless this feed entry is already stored (by us or another worker)."""
    if source_seen(session, feed_url=source.feed_url, guid=source.guid):
        return False
    try:
        with session.begin_nested():
            add_source(session, story_id, source, now=now)
    except IntegrityError:
        return False
    return True


def record_story(
    session: Session,
    record: StoryRecord,
    *,
    rules: list[AlertRule],
    channels: list[str],
    now: datetime,
) -> RecordedStory:
    story = Story(
        canonical_url=record.source.canonical_url,
        fingerprint=record.fingerprint,
        title=record.title,
        published_at=record.published_at,
        first_seen_at=now,
        relevant=record.relevant,
        text=record.text,
        note=record.note,
    )
    session.add(story)
    session.flush()
    assert story.id is not None
    add_source(session, story.id, record.source, now=now)

    # A feed's typo (2099) or a wrong time zone must not freeze the track: nothing is
    # reported later than it is stored.
    at = min(record.published_at or now, now)
    transition_ids: list[int] = []
    alert_ids: list[int] = []
    resolved: list[tuple[int, Track, TrackReport]] = []
    for report in record.tracks:
        if not report.parties:
            continue
        found = _resolve_track(session, report, at=at, now=now)
        if found is None:
            continue
        track, rank = found
        assert track.id is not None
        _add_timeline(session, track, story.id, report, at=at, url=record.source.url)
        resolved.append((rank, track, report))
    for track, report in _one_report_per_track(resolved):
        transition, is_new = _apply_status(
            session, track, story.id, report, at=at, url=record.source.url, now=now
        )
        if transition is None:
            continue
        if is_new and transition.id is not None:
            transition_ids.append(transition.id)
        alert_ids += outbox.enqueue_transition_alerts(
            session, track, transition, rules=rules, channels=channels, now=now
        )
    return RecordedStory(story.id, tuple(transition_ids), tuple(alert_ids))


# How surely a report is about the track it resolved to: its own party set (an alias or a
# new track), two shared parties, or one.
OWN, STRONG, WEAK = 3, 2, 1


def _one_report_per_track(
    resolved: list[tuple[int, Track, TrackReport]],
) -> list[tuple[Track, TrackReport]]:
    """Two reports of one article resolved to one track (a stray party made them two): the
    one whose party set is the track's says the status, the first of equals."""
    best: dict[int, tuple[int, int, Track, TrackReport]] = {}
    for index, (rank, track, report) in enumerate(resolved):
        assert track.id is not None
        if track.id not in best or rank > best[track.id][0]:
            best[track.id] = (rank, index, track, report)
    return [(track, report) for _, _, track, report in sorted(best.values(), key=lambda b: b[1])]


def _resolve_track(
    session: Session, report: TrackReport, *, at: datetime, now: datetime
) -> tuple[Track, int] | None:
    """The track this report is about and how surely: the one its party set already
    resolved to, else the best match by party overlap (see `storage.matching`), else a new
    track; None for a report naming one party that matches no track (a negotiation needs
    two sides)."""
    track_id = session.exec(select(TrackAlias.track_id).where(TrackAlias.key == report.key)).first()
    new_parties: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    rank = OWN
    if track_id is None:
        match = matching.best_match(
            frozenset(report.parties),
            frozenset(report.mediators),
            report.venue,
            at,
            _candidates(session, report),
        )
        if match is None:
            if len(set(report.parties)) < 2:
                return None
            return _new_track(session, report, at=at, now=now), OWN
        track_id, new_parties, places = match.track_id, match.new_parties, match.places
        rank = STRONG if match.strong else WEAK
        if match.strong:
            session.add(TrackAlias(key=report.key, track_id=track_id))
    # Lock the track row (PostgreSQL) so two workers cannot both move it from the same
    # status; SQLite serialises writers anyway.
    track = session.exec(select(Track).where(Track.id == track_id).with_for_update()).one()
    if places:
        _drop_places(session, track, places)
    before = track_key(track.parties)
    _update_track(session, track, report, new_parties, at=at, now=now)
    if track_key(track.parties) != before:
        _alias_once(session, track_key(track.parties), track.id)
    return track, rank


def _alias_once(session: Session, key: str, track_id: int | None) -> None:
    """The track's own party set, once it changed, finds the track too."""
    assert track_id is not None
    if session.exec(select(TrackAlias.id).where(TrackAlias.key == key)).first() is None:
        session.add(TrackAlias(key=key, track_id=track_id))
        session.flush()


def _drop_places(session: Session, track: Track, places: frozenset[str]) -> None:
    """Track parties that turned out to be the venue stop being parties."""
    assert track.id is not None
    track.parties = sorted(set(track.parties) - places)
    for row in session.exec(
        select(TrackName).where(
            TrackName.track_id == track.id,
            TrackName.role == "party",
            col(TrackName.name).in_(places),
        )
    ).all():
        session.delete(row)
    session.flush()


def _candidates(session: Session, report: TrackReport) -> list[matching.Candidate]:
    """The tracks sharing a party with the report, newest first, read by the name index."""
    ids = session.exec(
        select(TrackName.track_id)
        .where(TrackName.role == "party", col(TrackName.name).in_(set(report.parties)))
        .distinct()
        .order_by(col(TrackName.track_id).desc())
        .limit(MAX_CANDIDATES)
    ).all()
    if not ids:
        return []
    names: dict[int, dict[str, set[str]]] = {
        i: {"party": set(), "mediator": set(), "venue": set()} for i in ids
    }
    for track_id, role, name in session.exec(
        select(TrackName.track_id, TrackName.role, TrackName.name).where(
            col(TrackName.track_id).in_(ids)
        )
    ).all():
        names[track_id].setdefault(role, set()).add(name)
    last = dict(
        session.exec(select(Track.id, Track.last_report_at).where(col(Track.id).in_(ids))).all()
    )
    return [
        matching.Candidate(
            track_id=i,
            parties=frozenset(names[i]["party"]),
            mediators=frozenset(names[i]["mediator"]),
            venues=frozenset(names[i]["venue"]),
            last_report_at=_aware(last.get(i)),
        )
        for i in ids
    ]


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _new_track(session: Session, report: TrackReport, *, at: datetime, now: datetime) -> Track:
    track = Track(
        key=report.key,
        parties=sorted(set(report.parties)),
        mediators=sorted(set(report.mediators) - set(report.parties)),
        venue=report.venue,
        round=report.round,
        last_report_at=at,
        created_at=now,
        updated_at=now,
    )
    session.add(track)
    session.flush()
    assert track.id is not None
    session.add(TrackAlias(key=report.key, track_id=track.id))
    _add_names(session, track.id, report, set())
    session.flush()
    return track


def _update_track(
    session: Session,
    track: Track,
    report: TrackReport,
    new_parties: frozenset[str],
    *,
    at: datetime,
    now: datetime,
) -> None:
    """Fold the report into the track: a third party joins, mediators accumulate, and the
    venue and round follow the newest report that names them."""
    assert track.id is not None
    known = set(
        session.exec(
            select(TrackName.role, TrackName.name).where(TrackName.track_id == track.id)
        ).all()
    )
    if new_parties:
        track.parties = sorted(set(track.parties) | new_parties)
    # A name is a party or a mediator of one track, not both.
    merged = sorted((set(track.mediators) | set(report.mediators)) - set(track.parties))
    if merged != track.mediators:
        track.mediators = merged
    last = _aware(track.last_report_at)
    if last is None or at >= last:
        track.last_report_at = at
        if report.venue:
            track.venue = report.venue
        if report.round:
            track.round = report.round
    track.updated_at = now
    session.add(track)
    _add_names(session, track.id, report, known, parties=new_parties)
    session.flush()


def _add_names(
    session: Session,
    track_id: int,
    report: TrackReport,
    known: set[tuple[str, str]],
    *,
    parties: frozenset[str] | None = None,
) -> None:
    """Index the report's names under the track. Only the track's own parties are indexed
    as parties (a stray party of a matched report is not), so candidates stay honest."""
    names = {("party", p) for p in (report.parties if parties is None else parties)}
    names |= {("mediator", m) for m in report.mediators}
    if report.venue:
        names.add(("venue", report.venue))
    for role, name in sorted(names - known):
        session.add(TrackName(track_id=track_id, role=role, name=name))


def _add_timeline(
    session: Session, track: Track, story_id: int, report: TrackReport, *, at: datetime, url: str
) -> None:
    assert track.id is not None
    for event in report.events:
        session.add(
            TrackEvent(
                track_id=track.id,
                story_id=story_id,
                kind=event.kind,
                current=event.current,
                sentence=event.sentence,
                confidence=event.confidence,
                occurred_at=at,
                source_url=url,
            )
        )
    for condition in report.conditions:
        session.add(
            TrackCondition(
                track_id=track.id,
                story_id=story_id,
                party=condition.party,
                kind=condition.kind,
                text=condition.text,
                sentence=condition.sentence,
                round=report.round,
                at=at,
            )
        )
    session.flush()


def _apply_status(
    session: Session,
    track: Track,
    story_id: int,
    report: TrackReport,
    *,
    at: datetime,
    url: str,
    now: datetime,
) -> tuple[Transition | None, bool]:
    """Move the track's status if this report is newer and says something new."""
    assert track.id is not None
    denial = next((d for d in report.denials if d.kind == track.status), None)
    # "Talks have not collapsed" withdraws the status; "talks have not collapsed, they are
    # deadlocked" reports a new one, which moves the track as any newer status does.
    superseded = report.status is not None and report.status != track.status
    if denial is not None and not superseded and (track.status_at is None or at >= track.status_at):
        return _revert(session, track, story_id, denial, at=at, url=url, now=now), True
    change = changes.diff(track.status, track.status_at, report.status, at)
    if change.kind == "transition":
        evidence = report.evidence()
        transition = Transition(
            track_id=track.id,
            story_id=story_id,
            from_status=change.from_status,
            to_status=change.to_status or "",
            at=at,
            source_url=url,
            sentence=evidence.sentence if evidence else "",
            confidence=report.confidence,
            recorded_at=now,
        )
        session.add(transition)
        track.status, track.status_at = change.to_status, at
        session.add(track)
        session.flush()
        return transition, True
    if change.kind == "corroboration":
        latest = _latest_transition(session, track.id)
        if latest is None or latest.to_status != report.status:
            return None, False
        if at > (track.status_at or at):
            track.status_at = at
            session.add(track)
        latest.sources = _independent_sources(session, track.id, latest)
        session.add(latest)
        session.flush()
        return latest, False
    if change.kind == "late":
        _place_late(session, track, story_id, report, at=at, url=url, now=now)
    return None, False


def _place_late(
    session: Session,
    track: Track,
    story_id: int,
    report: TrackReport,
    *,
    at: datetime,
    url: str,
    now: datetime,
) -> None:
    """An older report arriving after newer ones takes its place in the history, at its
    own time, so the timeline does not depend on the order articles arrive in. It neither
    moves the current status nor alerts: it is old news."""
    assert track.id is not None
    before = _latest_transition(session, track.id, until=at)
    after = session.exec(
        select(Transition)
        .where(Transition.track_id == track.id, col(Transition.at) > at)
        .order_by(col(Transition.at), col(Transition.id))
    ).first()
    in_force = before.to_status if before is not None else None
    evidence = report.evidence()
    sentence = evidence.sentence if evidence else ""
    if report.status == in_force:
        if before is not None:
            before.sources = _independent_sources(session, track.id, before)
            session.add(before)
    elif after is not None and after.to_status == report.status and not after.correction:
        # The same change, now known to have happened earlier: it dates from this report.
        after.at, after.story_id, after.source_url = at, story_id, url
        after.sentence, after.confidence = sentence, report.confidence
        after.sources = _independent_sources(session, track.id, after)
        session.add(after)
    else:
        session.add(
            Transition(
                track_id=track.id,
                story_id=story_id,
                from_status=in_force,
                to_status=report.status,
                at=at,
                source_url=url,
                sentence=sentence,
                confidence=report.confidence,
                recorded_at=now,
            )
        )
        if after is not None and not after.correction:
            after.from_status = report.status
            session.add(after)
    session.flush()


def _latest_transition(
    session: Session, track_id: int, *, until: datetime | None = None
) -> Transition | None:
    """The track's newest transition, or its newest up to `until`: the one in force then."""
    query = select(Transition).where(Transition.track_id == track_id)
    if until is not None:
        query = query.where(col(Transition.at) <= until)
    return session.exec(
        query.order_by(col(Transition.at).desc(), col(Transition.id).desc())
    ).first()


def _revert(
    session: Session,
    track: Track,
    story_id: int,
    denial: EventRecord,
    *,
    at: datetime,
    url: str,
    now: datetime,
) -> Transition:
    """A denial of the current status: back to what the track was before it."""
    latest = session.exec(
        select(Transition)
        .where(Transition.track_id == track.id, Transition.to_status == track.status)
        .order_by(col(Transition.at).desc(), col(Transition.id).desc())
    ).first()
    previous = latest.from_status if latest is not None else None
    assert track.id is not None
    correction = Transition(
        track_id=track.id,
        story_id=story_id,
        from_status=track.status,
        to_status=previous,
        at=at,
        source_url=url,
        sentence=denial.sentence,
        confidence=denial.confidence,
        correction=True,
        recorded_at=now,
    )
    session.add(correction)
    track.status, track.status_at = previous, at
    session.add(track)
    session.flush()
    return correction


def _independent_sources(session: Session, track_id: int, transition: Transition) -> int:
    """How many distinct stories reported the transition's status since it happened."""
    count = session.exec(
        select(func.count(func.distinct(TrackEvent.story_id))).where(
            TrackEvent.track_id == track_id,
            TrackEvent.kind == transition.to_status,
            TrackEvent.current == True,  # noqa: E712  (SQL comparison)
            TrackEvent.occurred_at >= transition.at,
        )
    ).one()
    return max(int(count), 1)
