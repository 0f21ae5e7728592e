"""From a read Doc to a negotiation track: parties and mediators (parties.py), where the
current round is held, which round, and which current event is the status.

The venue is a place attached to talks ("talks in Doha", "Istanbul talks") or the
dateline, weighted down in sentences that only recall the past. The
status is the current event with the most weight, where weight grows with how early the
evidence comes (headline and lead carry the news; later paragraphs carry context) and with
how decisive the outcome is (a collapse outranks a meeting that merely happened).
"""

from __future__ import annotations

from collections import defaultdict

from spacy.tokens import Span

from extract.conditions import BOTH_SIDES, Clause
from extract.models import Condition, Event, Track
from extract.outcomes import Cue
from extract.parties import Reading, choose_parties
from extract.rounds import choose_round
from extract.side_tracks import find_side_track
from extract.venue import venue_and_elsewhere, venue_within

# How decisive an outcome is, when two current events compete for the status.
SIGNIFICANCE = {
    "collapsed": 1.3,
    "ceasefire_broken": 1.3,
    "agreement": 1.25,
    "ceasefire": 1.2,
    "deadlock": 1.2,
    "progress": 1.0,
    "ongoing": 0.8,
    "scheduled": 0.75,
}


def _weight(sent: Span, reading: Reading, order: int) -> float:
    if sent.start_char < reading.prefix:
        return 3.0
    return 2.0 if order <= 1 else 1.5 if order <= 3 else 1.0 if order <= 8 else 0.7


# "Held" is the least an article can say about talks; what came of them is the news.
_YIELD_SHARE = 0.4


def _more_specific(weights: dict[str, float]) -> str | None:
    """When talks were held and the article also says how they went (constructive, stuck,
    a deal), that outcome is the status, unless it is only a faint mention."""
    outcomes = {k: w for k, w in weights.items() if k not in {"ongoing", "scheduled"}}
    if not outcomes:
        return None
    best = max(outcomes, key=outcomes.__getitem__)
    return best if outcomes[best] >= _YIELD_SHARE * weights["ongoing"] else None


def choose_status(reading: Reading, events: list[Cue]) -> tuple[str | None, float]:
    weights: dict[str, float] = defaultdict(float)
    sentences = list(reading.doc.sents)
    order = {
        s.start: i for i, s in enumerate(s for s in sentences if s.start_char >= reading.prefix)
    }
    for e in events:
        if not e.current:
            continue
        w = e.confidence * _weight(e.sentence, reading, order.get(e.sentence.start, 99))
        weights[e.kind] = max(weights[e.kind], w * SIGNIFICANCE[e.kind]) + 0.1 * w
    if not weights:
        return None, 0.0
    kind = max(weights, key=weights.__getitem__)
    if kind == "ongoing":
        kind = _more_specific(weights) or kind
    total = sum(weights.values())
    return kind, round(min(1.0, weights[kind] / total), 2)


def build_tracks(reading: Reading, clauses: list[Clause]) -> list[Track]:
    """The main track first, then a second negotiation when the article clearly reports
    one (side_tracks.py); its sentences' events, venue and conditions then leave the main
    track, where they would have leaked."""
    doc = reading.doc
    parties, mediators = choose_parties(reading)
    events: list[Cue] = doc._.events
    side = find_side_track(reading, parties, mediators, events)
    if side is None:
        return [_track(reading, clauses, parties, mediators, events)]
    kept = [e for e in events if e.sentence.start not in side.sentences]
    own_clauses = [c for c in clauses if c.sentence.start in side.sentences]
    main_clauses = [c for c in clauses if c.sentence.start not in side.sentences]
    mediators = [m for m in mediators if m not in side.taken]
    main = _track(reading, main_clauses, parties, mediators, kept, side.sentences)
    status, confidence = choose_status(reading, side.events)
    second = Track(
        parties=side.parties,
        mediators=side.mediators,
        venue=venue_within(reading, side.sentences, side.parties),
        status=status,
        confidence=confidence,
        events=[_event(e, reading) for e in side.events],
        conditions=_conditions(own_clauses, side.parties),
    )
    return [main, second]


def _track(
    reading: Reading,
    clauses: list[Clause],
    parties: list[str],
    mediators: list[str],
    events: list[Cue],
    skip: frozenset[int] = frozenset(),
) -> Track:
    """A relevant article always gets its main track, even with one side (or none)
    identified: its status and events matter to users; relevance.py decides whether the
    article is relevant."""
    status, confidence = choose_status(reading, events)
    venue, elsewhere = venue_and_elsewhere(reading, events, parties, status, skip)
    return Track(
        parties=parties,
        mediators=mediators,
        venue=venue,
        round=choose_round(reading, venue, elsewhere),
        status=status,
        confidence=confidence,
        events=[_event(e, reading) for e in events],
        conditions=_conditions(clauses, parties),
        denials=[_event(e, reading) for e in reading.doc._.denials],
    )


def _offsets(sent: Span, reading: Reading) -> tuple[int | None, int | None]:
    """Offsets of the stripped sentence in the article text; none for the headline, which
    is not part of that text."""
    if sent.start_char < reading.prefix:
        return None, None
    text = sent.text
    lead = len(text) - len(text.lstrip())
    trail = len(text) - len(text.rstrip())
    return sent.start_char - reading.prefix + lead, sent.end_char - reading.prefix - trail


def _event(e: Cue, reading: Reading) -> Event:
    start, end = _offsets(e.sentence, reading)
    return Event(
        kind=e.kind,  # type: ignore[arg-type]
        current=e.current,
        sentence=" ".join(e.sentence.text.split()),  # one line: page layout is not evidence
        confidence=e.confidence,
        start=start,
        end=end,
    )


def _conditions(clauses: list[Clause], parties: list[str]) -> list[Condition]:
    out: list[Condition] = []
    seen: set[tuple[str, str]] = set()
    for c in clauses:
        for party in parties if c.party == BOTH_SIDES else [c.party]:
            if (party, c.text) in seen:
                continue
            seen.add((party, c.text))
            out.append(_condition(c, party))
    return out


def _condition(c: Clause, party: str) -> Condition:
    return Condition(
        party=party,
        kind=c.kind,  # type: ignore[arg-type]
        text=" ".join(c.text.split()),
        sentence=" ".join(c.sentence.text.split()),
    )
