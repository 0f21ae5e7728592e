"""Where the current round of talks is held (which round it is: rounds.py; candidate
places: places.py; datelines: datelines.py).

A venue is a place the syntax attaches to the talks: "talks in Arusha", "the Lusaka
meeting", "in the Zambian capital"; or the dateline ("LUSAKA, May 2 (Reuters) -"), which
says where the reporter is and so counts for less. Evidence is weighted down when its own
clause or sentence looks back ("an earlier round in X") or ahead ("to meet again in Y"),
and a place that belongs to another event ("before flying on to the ASEAN summit in
Vientiane") is not the venue unless the talks themselves were held there. A city beats its
country, and a town beats the building in it ("the Kenyan embassy in Lusaka": Lusaka).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from spacy.tokens import Span, Token

from extract.datelines import dateline_places
from extract.lexicon import target_class
from extract.outcomes import Cue
from extract.parties import Reading
from extract.places import (
    MEETING_NOUNS,
    POSSESSIVE,
    SETTLEMENTS,
    capital_phrases,
    container_of,
    country_of,
    known_actor,
    place_acronyms,
    place_anchor,
    place_key,
    place_spans,
    pretty_name,
)
from extract.timing import YEAR, date_is_past

# Words that make a place phrase the setting of a meeting ("held in", "signed in"): the
# meeting nouns themselves and the verbs of meeting, signing and travelling to talks.
VENUE_HEADS = (MEETING_NOUNS - {"talks", "parley"}) | frozenset(
    {
        "hold",
        "meet",
        "open",
        "convene",
        "reconvene",
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
        "start",
        "agree",
        "reach",
        "due",
        "run",
        "take",
        "seal",
        "finalise",
        "finalize",
        "ink",
        "speak",
        "discuss",
        "negotiate",
        "confer",
    }
)
# Verbs that set talks in a place only when the talks (or a deal) are their subject or
# object: "the talks ended in Arusha", but "to end a long insurgency in Cabinda".
ASPECT_VERBS = frozenset(
    {"begin", "start", "end", "conclude", "resume", "continue", "open", "run", "reach", "take"}
)
# "Transnistria status talks", "Moldova border talks": the first word names the subject.
TOPIC_NOUNS = frozenset(
    {"independence", "unification", "reunification", "nuclear", "border", "trade", "status"}
)
# Buildings: "talks at the Kenyan embassy in Lusaka" are about Lusaka, "the embassy in
# Tallinn wrote" is not about talks at all.
BUILDINGS = frozenset({"embassy", "consulate", "hotel", "palace", "residence", "headquarters"})
# Common nouns for a side: a place after them says where that side is ("the junta in
# Conakry", "rebels in the east"), not where talks are.
ACTOR_NOUNS = frozenset(
    {
        "junta",
        "government",
        "rebel",
        "military",
        "army",
        "force",
        "authority",
        "regime",
        "militia",
        "group",
        "people",
        "troop",
        "fighter",
        "opposition",
        "population",
        "civilian",
        "refugee",
    }
)
# Nouns for another gathering whose place is the venue only when the talks are held at it.
GATHERINGS = frozenset(
    {"summit", "forum", "assembly", "conference", "meeting", "session", "congress", "games"}
)
# Documents named after where they were signed: "the Lusaka agreement", "the Arusha Accords".
DOCUMENTS = frozenset(
    {"agreement", "accord", "declaration", "framework", "pledge", "deal", "treaty", "memorandum"}
)
_AHEAD_WORDS = frozenset({"next", "again", "upcoming", "later", "future", "forthcoming"})
_BEHIND_WORDS = frozenset({"earlier", "previous", "prior", "former", "past"})
_FUTURE_AUX = frozenset({"will", "would", "shall", "'ll", "to"})
_TIME_DEPS = frozenset({"amod", "advmod", "aux", "npadvmod"})


@dataclass
class PlaceEvidence:
    """One reason to think a place is the venue, kept for debugging and tests."""

    name: str
    weight: float
    why: str
    inside: str = ""  # "the village of X in the Y": X lies in Y, and is the finer answer
    locality: bool = False  # named as "the village of X", "the town of X"
    country: str = ""  # the state it is said to be in: "X, Switzerland", "the Swiss resort of X"


# ------------------------------------------------------------------ syntax of a place phrase
def _named_gathering(noun: Token, parties: set[str]) -> bool:
    """A summit or forum of somebody else ("the G20 summit", "the World Economic Forum",
    "the UN General Assembly"), told by a named modifier that is not a side."""
    if noun.lemma_.lower() not in GATHERINGS:
        return False
    if noun.ent_type_ in {"ORG", "EVENT"}:
        return True
    for child in noun.children:
        if child.dep_ in {"compound", "amod", "nmod", "poss"} and child.ent_type_ in {
            "ORG",
            "EVENT",
        }:
            actor = known_actor(child.text)
            if not (actor and actor.canonical in parties):
                return True
    return False


def _is_venue_head(token: Token) -> bool:
    """A word whose place phrase is where talks are: a meeting noun, a meeting verb, or
    an aspect verb ("ended", "began") whose subject is the talks."""
    lemma = token.lemma_.lower()
    # "talks took place in X" names a venue; "a truce took effect in X" does not.
    if lemma == "take" and not any(c.lower_ == "place" for c in token.children):
        return False
    if lemma in ASPECT_VERBS and token.pos_ in {"VERB", "AUX"}:
        # "talks ended in Tallinn", "reached a deal in Arusha"; not "to end an insurgency in X"
        return any(
            (c.dep_ in {"nsubj", "nsubjpass"} and _names_talks(c, {"talk"}))
            or (c.dep_ == "dobj" and _names_talks(c, {"talk", "deal", "truce"}))
            for c in token.children
        ) or any(c.lower_ == "place" for c in token.children)
    return lemma in VENUE_HEADS or (target_class(token) == "talk" and lemma != "peace")


def _names_talks(token: Token, classes: set[str]) -> bool:
    """Talks (or a deal, as an object), or "they"/"it" standing for them; "that" in
    "the talks that began in X" stands for its noun. "The accord that ended the fighting
    in X" does not set talks in X."""
    if token.lower_ in {"that", "which"} and token.head.dep_ == "relcl":
        return target_class(token.head.head) in classes
    return target_class(token) in classes or token.lower_ in {"they", "it"}


def _there_for_talks(token: Token) -> bool:
    """ "both teams were in Zambia for the third round of negotiations": being somewhere
    for talks."""
    if token.lemma_ != "be":
        return False
    return any(
        c.dep_ == "prep"
        and c.lower_ == "for"
        and any(g.dep_ == "pobj" and target_class(g) == "talk" for g in c.children)
        for c in token.children
    )


def _beside(gathering: Token) -> bool:
    """ "ahead of the NATO summit", "before heading to the G7 summit": another event in
    time, not the setting (as "on the sidelines of" or "during" it would be)."""
    if gathering.dep_ != "pobj":
        return False
    prep = gathering.head
    if prep.lower_ in {"before", "after", "for", "to", "since", "until", "ahead"}:
        return True
    return prep.lower_ == "of" and prep.head.lower_ in {"ahead", "eve", "run-up", "wake"}


def about_talks(token: Token, parties: set[str], depth: int = 5) -> bool:
    """Is a place phrase attached to a meeting, or to a clause whose subject is one?
    Another event's gathering passes the question on to what governs it."""
    for _ in range(depth):
        if _named_gathering(token, parties):
            if token.head.i == token.i or _beside(token):
                return False
            token = token.head
            continue
        if _is_venue_head(token) or _there_for_talks(token):
            return True
        if any(
            c.dep_ in {"nsubj", "nsubjpass"} and target_class(c) == "talk" for c in token.children
        ):
            return True
        if token.pos_ in {"VERB", "AUX"} or token.head.i == token.i:
            return False  # a clause about something else: "retreat at X", "said in X"
        token = token.head
    return False


def _clause_time(token: Token) -> float:
    """Down-weight a place whose own phrase looks ahead ("to gather again in Lusaka",
    "the next round in Arusha") or back ("a previous round in Maseru")."""
    for _ in range(4):
        words = {c.lower_ for c in token.children if c.dep_ in _TIME_DEPS}
        past = token.tag_ in {"VBD", "VBN"} and not words & _FUTURE_AUX
        if not past and (words & _AHEAD_WORDS or (token.pos_ == "VERB" and words & _FUTURE_AUX)):
            return -0.4  # negative: ahead, to be judged against the status
        if words & _BEHIND_WORDS or is_recalled(token):
            return 0.3
        if token.pos_ == "VERB" or token.head.i == token.i:
            break
        token = token.head
    return 1.0


def is_recalled(token: Token) -> bool:
    """ "since ..." or a dated adverbial that lies before the article's month."""
    published = token.doc._.published
    for child in token.children:
        if child.lower_ == "since" and child.dep_ in {"mark", "prep"}:
            return True
        if child.dep_ in {"prep", "npadvmod"}:
            dates = [t for t in child.subtree if t.ent_type_ == "DATE"]
            if dates and published and date_is_past(" ".join(t.text for t in dates), published):
                return True
            years = [t for t in dates if YEAR.fullmatch(t.text)]
            if years and token.tag_ in {"VBD", "VBN"} and (not published or _names_document(token)):
                return True  # "the memorandum signed in X on August 13, 2021"
    return token.dep_ == "pobj" and token.head.lower_ == "since"


def _names_document(verb: Token) -> bool:
    """ "the accord signed in X on <a date with its year>": a document cited by its
    signing, which news does for the past (current events go by weekday)."""
    return verb.dep_ == "acl" and verb.head.lemma_.lower() in _CITED_DOCUMENTS


# "the memorandum of understanding signed in X" is cited by its head noun as well.
_CITED_DOCUMENTS = DOCUMENTS | {"understanding"}


def _attachment(span: Span, parties: set[str]) -> tuple[float, str, Token | None]:
    """How strongly the syntax makes `span` the setting of talks, why, and the word
    whose clause says when."""
    anchor = place_anchor(span.root)
    head = anchor.head
    dep = anchor.dep_
    if dep == "pobj" and _locative(head, anchor):
        governor = head.head
        if governor.lemma_.lower() in BUILDINGS and governor.dep_ not in {"pobj", "conj"}:
            return 0.0, "", None  # "the embassy in Tallinn wrote", "open an embassy in Windhoek"
        if governor.pos_ == "NOUN" and target_class(governor) == "truce":
            return 0.0, "", None  # "a ceasefire in Gaza" is where the guns fall silent
        if governor.lemma_.lower() in ACTOR_NOUNS:
            # "the junta in Guinea" says where the junta is; "negotiations between the
            # cabinet and the opposition in Tallinn" may well say where the talks are
            if _side_of_talks(governor):
                return 1.5, f"{head.lower_} {governor.lemma_}", governor
            return 0.0, "", None
        # "on the island of X" is a venue only right at the verb ("talks opened on the
        # island of X"); "projects on the X islands" is what the talks are about
        if about_talks(governor, parties, 1 if head.lower_ == "on" else 5):
            return 3.0, f"{head.lower_} {governor.lemma_}", governor
        return 0.0, "", None
    if dep == "pobj" and head.lower_ in {"to", "for"}:
        governor = head.head
        lemma = governor.lemma_.lower()
        if lemma in {"visit", "trip"} or (
            lemma in {"return", "travel", "head", "fly", "go"}
            and any(target_class(t) for t in governor.subtree)
        ):
            return 2.0, f"{head.lower_} {governor.lemma_}", governor
    if dep == "pobj" and head.lower_ == "by" and head.head.lemma_.lower() in {"host", "co-host"}:
        return 2.5, "hosted by", head.head
    if dep in {"compound", "nmod", "amod"} and not POSSESSIVE.search(span.root.text):
        noun = anchor.head
        lemma = noun.lemma_.lower()
        if _topic_between(anchor, noun):
            return 0.0, "", None
        if lemma in MEETING_NOUNS and not _named_gathering(noun, parties):
            return 3.0, f"{anchor.text} {noun.text}", noun
        if lemma in DOCUMENTS:
            return 2.0, f"{anchor.text} {noun.text}", noun
    if dep == "nsubj" and anchor.head.lemma_.lower() in {"host", "co-host"}:
        if any(target_class(t) == "talk" for t in anchor.head.subtree):
            return 2.0, "X hosted", anchor.head
    return 0.0, "", None


def _side_of_talks(noun: Token) -> bool:
    """Is the noun one of the sides in "talks between X and Y" / "talks with X"?"""
    for _ in range(4):
        if noun.dep_ == "conj":
            noun = noun.head
        elif noun.dep_ == "pobj" and noun.head.lower_ in {"between", "with"}:
            return target_class(noun.head.head) == "talk"
        else:
            return False
    return False


def _locative(prep: Token, obj: Token) -> bool:
    """ "in X", "at X", "near X"; "on" only for a side or a border ("on the Indian side")."""
    word = prep.lower_
    if word in {"in", "at", "near", "outside", "inside", "within"}:
        return True
    return word == "on" and obj.lemma_.lower() in {"side", "border", "sidelines", "island"}


def _topic_between(modifier: Token, noun: Token) -> bool:
    """ "Transnistria status talks": a topic noun between the name and the talks."""
    return any(
        c.dep_ in {"compound", "amod"} and c.i > modifier.i and c.lower_ in TOPIC_NOUNS
        for c in noun.children
    )


# ------------------------------------------------------------------ the choice


def _only_ahead_sentences(events: list[Cue], status: str | None) -> set[int]:
    """Sentences whose only current news is something planned, unless planned is the news."""
    if status == "scheduled":
        return set()
    kinds_in: dict[int, set[str]] = defaultdict(set)
    for e in events:
        if e.current:
            kinds_in[e.sentence.start].add(e.kind)
    return {start for start, kinds in kinds_in.items() if kinds == {"scheduled"}}


def _clause(token: Token) -> int:
    """The verb heading the clause a token is in (its index)."""
    for _ in range(8):
        if token.pos_ in {"VERB", "AUX"} or token.head.i == token.i:
            return token.i
        token = token.head
    return token.i


def _past_tense(token: Token | None) -> bool:
    return token is not None and token.tag_ in {"VBD", "VBN"}


def venue_evidence(
    reading: Reading,
    events: list[Cue],
    parties: list[str],
    status: str | None,
    skip: frozenset[int] = frozenset(),
) -> list[PlaceEvidence]:
    """Every piece of evidence for every candidate place, weighted; sentences starting at
    a token in `skip` belong to another negotiation of the article (side_tracks.py)."""
    doc = reading.doc
    sides = set(parties)
    background_only = {e.sentence.start for e in events if not e.current} - {
        e.sentence.start for e in events if e.current
    }
    recalled_at: dict[int, list[Token]] = defaultdict(list)
    for e in events:
        if e.sentence.start in background_only:
            recalled_at[e.sentence.start].append(doc[e.anchor])
    only_ahead = _only_ahead_sentences(events, status)

    def adjust(weight: float, sent: Span, governor: Token | None) -> float:
        timing = _clause_time(governor) if governor is not None else 1.0
        if timing < 0:
            weight *= 1.0 if status in {"scheduled", None} else -timing
        else:
            weight *= timing
        if sent.start in background_only:
            # the recalled event's own clause is the past; another clause may be news
            same = governor is None or any(
                _clause(a) == _clause(governor) for a in recalled_at[sent.start]
            )
            weight *= 0.3 if same else 0.8
        if sent.start in only_ahead and timing == 1.0 and not _past_tense(governor):
            weight *= 0.5
        if sent.start_char < reading.prefix:
            weight *= 1.5
        return weight

    out: list[PlaceEvidence] = []
    spans = place_spans(doc)
    aliases = place_acronyms(spans)
    for span in spans:
        if span.sent.start in skip:
            continue
        name = pretty_name(span.text)
        actor = known_actor(name)
        weight, why, governor = _attachment(span, sides)
        if not weight:
            continue
        if actor and actor.canonical in sides and actor.form == "name":
            continue  # a side's own name is what the talks are about, not where
        if actor and actor.form == "name" and actor.kind == "state":
            weight *= 0.5  # "talks in Zambia": a city, when given, is the better answer
        if span.label_ == "FAC":
            weight *= 0.6  # "the Kenyan embassy in Lusaka": the town is the answer
        anchor = place_anchor(span.root)
        locality = anchor.i != span.root.i and anchor.lemma_ in SETTLEMENTS
        if locality:
            weight *= 1.3  # "the ski town of X" is more precise than "elsewhere in Bavaria"
        inside = container_of(span, aliases)
        why = ("FAC " if span.label_ == "FAC" else "") + why
        weight = adjust(weight, span.sent, governor)
        out.append(PlaceEvidence(name, weight, why, inside, locality, country_of(span)))
    for token, capital in capital_phrases(doc):
        if token.sent.start in skip:
            continue
        anchor = place_anchor(token)
        head = anchor.head
        if anchor.dep_ == "pobj" and _locative(head, anchor) and about_talks(head.head, sides):
            out.append(PlaceEvidence(capital, adjust(3.0, token.sent, head.head), "in the capital"))
    for place in dateline_places(reading, sides):
        actor = known_actor(place)
        if actor and actor.canonical in sides:
            if actor.form == "name":
                continue
            weight = 0.5  # a side's capital: most often just where the reporter is
        else:
            weight = 1.0 if actor and actor.form == "name" else 2.0
        out.append(PlaceEvidence(place, weight, "dateline"))
    return out


def choose_venue(
    reading: Reading,
    events: list[Cue],
    parties: list[str],
    status: str | None,
    skip: frozenset[int] = frozenset(),
) -> str | None:
    """The place with the most evidence; a city over its own country."""
    return venue_and_elsewhere(reading, events, parties, status, skip)[0]


def venue_and_elsewhere(
    reading: Reading,
    events: list[Cue],
    parties: list[str],
    status: str | None,
    skip: frozenset[int] = frozenset(),
) -> tuple[str | None, frozenset[str]]:
    """The venue, and the other places named as where talks were held: choose_round needs
    both, since a round held elsewhere is not the current one."""
    evidence = venue_evidence(reading, events, parties, status, skip)
    best_name = _best(evidence)
    others = frozenset(e.name for e in evidence if best_name and not _same_place(e.name, best_name))
    return best_name, others


def _same_place(a: str, b: str) -> bool:
    """Lusaka and Zambia count as one place when telling rounds apart."""
    if place_key(a) == place_key(b):
        return True
    actor_a, actor_b = known_actor(a), known_actor(b)
    return bool(actor_a and actor_b and actor_a.canonical == actor_b.canonical)


def venue_within(reading: Reading, sentences: frozenset[int], parties: list[str]) -> str | None:
    """Where talks are said to be held, from the given sentences only: the venue of a side
    track, which has no dateline or headline of its own."""
    score: dict[str, float] = defaultdict(float)
    for span in place_spans(reading.doc):
        if span.sent.start not in sentences:
            continue
        name = pretty_name(span.text)
        actor = known_actor(name)
        if actor and actor.canonical in parties and actor.form == "name":
            continue
        weight, _, _ = _attachment(span, set(parties))
        if weight >= 3.0:
            score[name] += weight
    return max(score, key=score.__getitem__) if score else None


def _best(evidence: list[PlaceEvidence]) -> str | None:
    score: dict[str, float] = defaultdict(float)
    shown: dict[str, str] = {}
    for e in evidence:
        key = place_key(e.name)
        score[key] += e.weight
        if key not in shown or (shown[key].isupper() and not e.name.isupper()):
            shown[key] = e.name
    if not score:
        return None
    located = {place_key(e.name): e.country for e in evidence if e.country}
    extra: dict[str, float] = defaultdict(float)
    for e in evidence:
        outer, key = place_key(e.inside), place_key(e.name)
        if not e.inside or outer == key:
            continue
        if outer not in score:
            continue
        if e.why.startswith("FAC"):
            extra[outer] += e.weight  # a building's evidence is its town's
        elif e.locality:
            extra[key] = max(extra[key], score[outer])  # the village in the zone
    for key, value in extra.items():
        score[key] += value
    best = max(score, key=score.__getitem__)
    value = score[best]
    country = known_actor(shown[best])
    if country and country.form == "name":
        # "talks in Zambia" and "talks in Lusaka", or "Montreux, Switzerland": the town
        cities = [
            k
            for k in score
            if k != best
            and (
                located.get(k) == country.canonical
                or (
                    (a := known_actor(shown[k]))
                    and a.form == "metonym"
                    and a.canonical == country.canonical
                )
            )
        ]
        if cities:
            best = max(cities, key=score.__getitem__)
    return shown[best] if value >= MIN_EVIDENCE else None


# One plain "talks in X" in a sentence that only recalls them is still evidence, when
# nothing else competes; a dateline alone is enough.
MIN_EVIDENCE = 0.85
