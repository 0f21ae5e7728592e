"""From a read Doc to a negotiation track: who negotiates, who mediates, where, which
round, and which current event is the status.

Parties are the states and groups the article keeps coming back to in sentences about
talks, a truce or a deal, after removing those whose syntax makes them go-betweens. The
status is the current event with the most weight, where weight grows with how early the
evidence comes (headline and lead carry the news; later paragraphs carry context) and with
how decisive the outcome is (a collapse outranks a meeting that merely happened).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extract.actors import Mention, _mediation_cue, gazetteer
from extract.conditions import BOTH_SIDES, Clause
from extract.models import Condition, Event, Track
from extract.outcomes import Cue, target_class

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


@dataclass
class Reading:
    """Everything `tracks` needs about one article, with the title's length so that
    character offsets can be given relative to the article text."""

    doc: Doc
    prefix: int  # characters of title prepended to the text


def _weight(sent: Span, reading: Reading, order: int) -> float:
    if sent.start_char < reading.prefix:
        return 3.0
    return 2.0 if order <= 1 else 1.5 if order <= 3 else 1.0 if order <= 8 else 0.7


def party_scores(
    reading: Reading,
) -> tuple[Counter[str], Counter[str], set[str], dict[str, str]]:
    """Evidence per actor: as a negotiating side, and as a go-between."""
    doc = reading.doc
    mentions: list[Mention] = doc._.mentions
    score: Counter[str] = Counter()
    mediated: Counter[str] = Counter()
    between: set[str] = set()
    kinds: dict[str, str] = {}
    for m in mentions:
        if m.role == "place":
            continue
        kinds[m.canonical] = m.kind
        span = m.span(doc)
        sent = span.sent
        if m.role == "mediator":
            mediated[m.canonical] += 1
            continue
        weight = 1.0
        if any(target_class(t) for t in sent):
            weight += 1.0
        if sent.start_char < reading.prefix:
            weight += 2.0
        root = span.root
        sides = _between_sides(root)
        if sides:
            weight += 2.5 if sides == "talk" else 1.0
            between.add(m.canonical)
        if root.dep_ in {"nsubj", "nsubjpass", "poss"}:
            weight += 0.5
        if root.dep_ in {"amod", "compound", "poss"} and root.head.lemma_.lower() in _SIDE_HEADS:
            weight += 1.5
        score[m.canonical] += weight
    _add_people(doc, score, mediated)
    text = doc.text
    if (
        "Afghanistan" in score
        and "Taliban" in score
        and (
            "Islamic Emirate" in text
            or re.search(
                r"Taliban(-led)? (government|administration|authorities|rulers|regime)", text
            )
        )
    ):
        score["Afghanistan"] += score.pop("Taliban")
    _add_generic_references(reading, score, kinds, mediated)
    return score, mediated, between, kinds


_SIDE_HEADS = frozenset(
    {
        "leader",
        "delegation",
        "negotiator",
        "side",
        "team",
        "envoy",
        "representative",
        "government",
        "president",
        "minister",
        "camp",
        "chief",
        "delegate",
    }
)
_HOME_GENERICS = frozenset({"government", "junta", "regime", "authorities", "military", "army"})


def _add_people(doc: Doc, score: Counter[str], mediated: Counter[str]) -> None:
    """A negotiator named by surname speaks for their side ("Tatar said ...")."""
    people: dict[str, str] = doc._.people
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ == "compound" or token.text not in people:
            continue
        actor = people[token.text]
        if _mediation_cue(doc[token.i : token.i + 1]):
            mediated[actor] += 1  # "Albusaidi, who has mediated the talks"
        elif not mediated[actor]:
            score[actor] += 1.5 if any(target_class(t) for t in token.sent) else 1.0


def _between_sides(root: Token) -> str | None:
    """ "talks between X and Y", "X and Y agreed": the two sides of one negotiation.
    Says what joins them, since talks bind the sides more than a truce or a war does."""
    node = root
    for _ in range(3):
        if node.dep_ == "pobj" and node.head.lower_ == "between":
            governor = node.head.head
            if governor.lemma_ in {"meet", "talk", "negotiate"}:
                return "talk"
            return target_class(governor)
        if node.head is node:
            return None
        node = node.head
    if root.dep_ in {"nsubj", "nsubjpass"} and any(c.dep_ == "conj" for c in root.children):
        return "other"
    return None


def _add_generic_references(
    reading: Reading, score: Counter[str], kinds: dict[str, str], mediated: Counter[str]
) -> None:
    """ "the government" / "the junta" in a state-versus-group conflict is the state the
    article is about, and "the opposition" is the named opposition group."""
    groups = [n for n in score if kinds.get(n) == "group"]
    states = [n for n, _ in score.most_common() if kinds.get(n) == "state" and not mediated[n]]
    if not groups or not states:
        return
    home = states[0]
    opposition = next((g for g in groups if g in gazetteer_generics("opposition")), None)
    for token in reading.doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or any(
            c.dep_ in {"poss", "amod", "compound"} and c.pos_ in {"PROPN", "ADJ"}
            for c in token.children
        ):
            continue
        bonus = 1.5 if any(target_class(t) for t in token.sent) else 1.0
        if lemma in _HOME_GENERICS:
            score[home] += bonus
        elif lemma == "opposition" and opposition:
            score[opposition] += bonus


def gazetteer_generics(noun: str) -> set[str]:
    """Groups that the data file says a common noun can stand for."""
    from extract.actors import generics

    return generics().get(noun, set())


def talk_pairs(reading: Reading) -> Counter[tuple[str, str]]:
    """Pairs named as the two sides of talks: "talks between X and Y", "X-Y talks"."""
    doc = reading.doc
    by_start = {m.start: m for m in doc._.mentions if m.role != "place"}
    people: dict[str, str] = doc._.people
    pairs: Counter[tuple[str, str]] = Counter()
    for token in doc:
        if token.lower_ != "between" or token.dep_ != "prep":
            continue
        governor = token.head
        if not (target_class(governor) == "talk" or governor.lemma_ in {"meet", "talk"}):
            continue
        names: list[str] = []
        for obj in (c for c in token.children if c.dep_ == "pobj"):
            for t in obj.subtree:
                m = by_start.get(t.i)
                if m and m.kind in {"state", "group"}:
                    names.append(m.canonical)
                elif t.pos_ == "PROPN" and t.text in people:
                    names.append(people[t.text])
        distinct = sorted(set(names))
        if len(distinct) == 2:
            weight = 2 if token.idx < reading.prefix else 1
            pairs[(distinct[0], distinct[1])] += weight
    return pairs


def choose_parties(reading: Reading) -> tuple[list[str], list[str]]:
    """The pair most often named as the sides of the talks, else the two actors with the
    most evidence; actors whose syntax makes them go-betweens are mediators instead."""
    score, mediated, between, kinds = party_scores(reading)
    candidates = [
        (name, s)
        for name, s in score.most_common()
        if kinds.get(name) in {"state", "group"}
        and not (mediated[name] and name not in between and mediated[name] * 4 >= s * 0.5)
    ]
    names = {n for n, _ in candidates}
    parties = [name for name, _ in candidates[:2]]
    top = sum(score[n] for n in parties)
    pairs = [(p, c) for p, c in talk_pairs(reading).items() if set(p) <= names]
    if pairs:
        pair, _ = max(pairs, key=lambda pc: score[pc[0][0]] + score[pc[0][1]] + 3 * pc[1])
        if score[pair[0]] + score[pair[1]] >= 0.8 * top:
            parties = list(pair)
    mediators = sorted(n for n in mediated if n not in parties)
    return sorted(parties), mediators


# "ISTANBUL —", "HAVANA, Feb 6 —", "KABUL/ISLAMABAD, Oct 18 —": the first place only.
_DATELINE = re.compile(
    r"([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+)*)(?:/[A-Z/ '\-]+)?\s*(?:,|—|–|-{1,2}\s)"
)


def _about_talks(token: Token) -> bool:
    """Is a place phrase attached to a meeting, or to a clause whose subject is one?"""
    for _ in range(4):
        if token.lemma_.lower() in _VENUE_HEADS or target_class(token) == "talk":
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
    )


def _offsets(sent: Span, reading: Reading) -> tuple[int | None, int | None]:
    if sent.start_char < reading.prefix:
        return None, None
    return sent.start_char - reading.prefix, sent.end_char - reading.prefix


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
        text=c.text,
        sentence=c.sentence.text.strip(),
    )
