"""From a read Doc to a negotiation track: parties and mediators (parties.py), where the
current round is held, which round, and which current event is the status.

The venue is a place attached to talks ("talks in Doha", "Istanbul talks") or the
dateline, weighted down in sentences that only recall the past. The
status is the current event with the most weight, where weight grows with how early the
evidence comes (headline and lead carry the news; later paragraphs carry context) and with
how decisive the outcome is (a collapse outranks a meeting that merely happened).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Span, Token

from extract.actors import gazetteer
from extract.conditions import BOTH_SIDES, Clause
from extract.lexicon import target_class
from extract.models import Condition, Event, Track
from extract.outcomes import Cue
from extract.parties import Reading, choose_parties

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
_ROUND = re.compile(
    r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
    r"(?:\s+and\s+final)?\s+round\b",
    re.IGNORECASE,
)
_VENUE_HEADS = frozenset(
    {
        "talk",
        "meeting",
        "summit",
        "round",
        "negotiation",
        "session",
        "dialogue",
        "conference",
        "hold",
        "meet",
        "open",
        "convene",
        "gather",
        "resume",
        "continue",
        "end",
        "conclude",
        "place",
        "host",
        "sign",
        "arrive",
        "travel",
        "fly",
        "begin",
        "agree",
        "reach",
        "due",
        "run",
        "take",
    }
)


def _weight(sent: Span, reading: Reading, order: int) -> float:
    if sent.start_char < reading.prefix:
        return 3.0
    return 2.0 if order <= 1 else 1.5 if order <= 3 else 1.0 if order <= 8 else 0.7


# "ISTANBUL —", "HAVANA, Feb 6 —", "KABUL/ISLAMABAD, Oct 18 —": the first place only.
_DATELINE = re.compile(
    r"([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)*)(?:/[A-Z/ '\-]+)?\s*(?:,|—|–|-{1,2}\s)"
)


def _about_talks(token: Token) -> bool:
    """Is a place phrase attached to a meeting, or to a clause whose subject is one?"""
    for _ in range(4):
        lemma = token.lemma_.lower()
        # "talks took place in X" names a venue; "a truce took effect in X" does not.
        takes_effect = lemma == "take" and not any(c.lower_ == "place" for c in token.children)
        if not takes_effect and (lemma in _VENUE_HEADS or target_class(token) == "talk"):
            return True
        if any(
            c.dep_ in {"nsubj", "nsubjpass"} and target_class(c) == "talk" for c in token.children
        ):
            return True
        if token.head is token:
            return False
        token = token.head
    return False


def choose_venue(
    reading: Reading, events: list[Cue], parties: list[str], status: str | None
) -> str | None:
    """Where the current round is: a place attached to talks, weighted down in sentences
    that only recall the past, or only look ahead when the talks are not merely planned."""
    doc = reading.doc
    table = gazetteer()
    background_only = {e.sentence.start for e in events if not e.current} - {
        e.sentence.start for e in events if e.current
    }
    kinds_in: dict[int, set[str]] = defaultdict(set)
    for e in events:
        if e.current:
            kinds_in[e.sentence.start].add(e.kind)
    only_ahead = (
        {start for start, kinds in kinds_in.items() if kinds == {"scheduled"}}
        if status != "scheduled"
        else set()
    )
    score: Counter[str] = Counter()
    places: list[Span] = [e for e in doc.ents if e.label_ in {"GPE", "LOC", "FAC"}]
    for span in places:
        name = span.text[4:] if span.text.startswith("the ") else span.text
        actor = table.get(name)
        root = span.root
        weight = 0.0
        head = root.head
        if root.dep_ == "pobj" and head.lower_ in {"in", "at"}:
            if _about_talks(head.head):
                weight = 3.0
        elif root.dep_ == "compound" and target_class(head) == "talk":
            weight = 3.0
        if not weight:
            continue
        if actor and actor.canonical in parties and (actor.form == "name" or weight < 3.0):
            continue  # a side's own name, or its capital in a dateline, is not where talks are
        if actor and actor.form == "name":
            weight *= 0.5  # "talks in Malaysia": a city, when given, is the better answer
        if span.sent.start in background_only:
            weight *= 0.3
        if span.sent.start in only_ahead:
            weight *= 0.5
        if span.sent.start_char < reading.prefix:
            weight *= 1.5
        pretty = name.title() if name.isupper() else name
        score[pretty] += weight
    dateline = _DATELINE.match(doc.text[reading.prefix : reading.prefix + 120].lstrip())
    if dateline:
        place = dateline.group(1).strip().title()
        actor = table.get(place)
        if not (actor and actor.canonical in parties):
            score[place] += 2.0
    if not score:
        return None
    best, value = score.most_common(1)[0]
    country = table.get(best)
    if country and country.form == "name":
        # "talks in Qatar" and "talks in Doha": the city is the more precise answer
        cities = [
            (name, v)
            for name, v in score.items()
            if (a := table.get(name)) and a.form == "metonym" and a.canonical == country.canonical
        ]
        if cities:
            best = max(cities, key=lambda nv: nv[1])[0]
    return best if value >= 1.5 else None


def choose_round(reading: Reading) -> str | None:
    match = _ROUND.search(reading.doc.text)
    return match.group(1).lower() if match else None


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
    total = sum(weights.values())
    return kind, round(min(1.0, weights[kind] / total), 2)


def build_track(reading: Reading, clauses: list[Clause]) -> Track | None:
    doc = reading.doc
    parties, mediators = choose_parties(reading)
    if len(parties) < 2:
        return None
    events: list[Cue] = doc._.events
    status, confidence = choose_status(reading, events)
    return Track(
        parties=parties,
        mediators=mediators,
        venue=choose_venue(reading, events, parties, status),
        round=choose_round(reading),
        status=status,
        confidence=confidence,
        events=[_event(e, reading) for e in events],
        conditions=_conditions(clauses, parties),
        denials=[_event(e, reading) for e in doc._.denials],
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
        sentence=e.sentence.text.strip(),
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
