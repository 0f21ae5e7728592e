"""A second negotiation reported in the same article, as a track of its own.

Many articles recall or mention a second negotiation ("meanwhile, talks between X and Z
...", "X and Z agreed a truce last week"). Read as one track, that negotiation's truce,
go-betweens or venue leak into the main one. Downstream every track of an article becomes
a stored track, so a spurious second track costs more than a missed one: a side track is
split off only on clear evidence, and otherwise the article keeps exactly one track.

Clear evidence means all of:
- a set of sides named together as negotiating ("talks between X and Z", "X and Z agreed
  a ceasefire": `parties.talk_pairs`), sharing at most one side with the main track and
  not made of the main track's go-betweens;
- sentences of its own: they name two of its sides and no main side outside it;
- a current event in those sentences, and one of them carrying the between/joint
  construction itself;
- the main track keeps a current event of its own after the split (else the "second"
  negotiation is really the story, and splitting would only hide it).
The events of those sentences then move to the side track (removing the leak from the
main one); its go-betweens and venue come from those sentences only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.tokens import Token

from extract.actors import Mention
from extract.outcomes import Cue
from extract.parties import Reading, talk_constructions

_SIDE_KINDS = frozenset({"state", "group", "org"})


@dataclass
class SideTrack:
    """What build_track needs to make the second track and to clean the main one."""

    parties: list[str]
    mediators: list[str]
    sentences: frozenset[int]  # token start of each of its sentences
    events: list[Cue]
    # Main-track go-betweens that are really sides of this negotiation ("talks between X
    # and Z in Z's capital" makes Z look like a host of the main talks).
    taken: frozenset[str] = frozenset()


def _names_by_sentence(
    reading: Reading,
) -> tuple[dict[int, set[str]], dict[int, set[str]], dict[str, set[int]]]:
    """Side names and go-between names mentioned in each sentence (keyed by its start),
    negotiators named by surname counting for their side; and every sentence where each
    actor is named at all, as a place too."""
    doc = reading.doc
    sides: dict[int, set[str]] = defaultdict(set)
    go_betweens: dict[int, set[str]] = defaultdict(set)
    where: dict[str, set[int]] = defaultdict(set)
    mentions: list[Mention] = doc._.mentions
    for m in mentions:
        start = doc[m.start].sent.start
        where[m.canonical].add(start)
        if m.kind not in _SIDE_KINDS or m.role == "place":
            continue
        (go_betweens if m.role == "mediator" else sides)[start].add(m.canonical)
    people: dict[str, str] = doc._.people
    for token in doc:
        if token.pos_ == "PROPN" and token.text in people:
            sides[token.sent.start].add(people[token.text])
            where[people[token.text]].add(token.sent.start)
    return sides, go_betweens, where


def find_side_track(
    reading: Reading, main_parties: list[str], main_mediators: list[str], events: list[Cue]
) -> SideTrack | None:
    """The clearest second negotiation of the article, or None (the usual answer)."""
    if len(main_parties) < 2:
        return None  # without a clear main pair, nothing can be told apart from it
    main = set(main_parties)
    go_main = set(main_mediators)
    constructions: dict[tuple[str, ...], set[int]] = defaultdict(set)
    hosted: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for pair, token in talk_constructions(reading):
        constructions[pair].add(token.sent.start)
        hosted[pair] |= _met_with(reading, token)
    if not constructions:
        return None
    sides, go_betweens, where = _names_by_sentence(reading)
    best: SideTrack | None = None
    for pair, joined_in in constructions.items():
        members = set(pair)
        if len(members & main) > 1:
            continue
        own = frozenset(
            start
            for start, names in sides.items()
            if len(names & members) >= 2 and not (names & main) - members
        )
        if not own & joined_in:
            continue  # named side by side, never as the sides of one negotiation
        taken = frozenset(members & go_main)
        if any(not where[name] <= own for name in taken):
            continue  # a go-between of the main talks that also confers with someone
        moved = [e for e in events if e.sentence.start in own]
        kept = [e for e in events if e.sentence.start not in own]
        if not any(e.current for e in moved) or not any(e.current for e in kept):
            continue
        mediators = set().union(hosted[pair], *(go_betweens[s] for s in own)) - members - main
        candidate = SideTrack(sorted(members), sorted(mediators), own, moved, taken)
        if best is None or len(candidate.events) > len(best.events):
            best = candidate
    return best


def _met_with(reading: Reading, subject: Token) -> set[str]:
    """ "X and Y met in Doha with Qatar's emir": who the two sides met with convenes
    them. Only for the joint-subject construction, whose verb is the meeting."""
    verb = subject.head
    if subject.dep_ not in {"nsubj", "nsubjpass"} or verb.lemma_ not in {"meet", "hold"}:
        return set()
    by_token = {i: m for m in reading.doc._.mentions for i in range(m.start, m.end)}
    out: set[str] = set()
    for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"):
        for obj in (c for c in prep.children if c.dep_ == "pobj"):
            for t in obj.subtree:
                m = by_token.get(t.i)
                if m and m.kind in _SIDE_KINDS:
                    out.add(m.canonical)
    return out
