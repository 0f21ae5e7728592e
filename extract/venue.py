"""Where the current round of talks is held, and which round it is.

A venue is a place the syntax attaches to the talks: "talks in Doha", "signed in Maputo",
"the Istanbul meeting", "a summit hosted by Beijing", "in the Sudanese capital", "the Swiss
resort of Crans-Montana"; or the dateline ("DOHA, Oct 19 (Reuters) -"), which says where
the reporter is and so counts for less. Evidence is weighted down when its own clause or
sentence looks back ("an earlier round in Doha") or ahead ("to meet again in Istanbul"),
and a place that belongs to another event ("before leaving for the G20 summit in Hamburg")
is not the venue unless the talks themselves were held there. A city beats its country,
and a town beats the building in it ("the Omani embassy in Rome": Rome).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from extract.actors import Actor, gazetteer
from extract.lexicon import target_class
from extract.outcomes import Cue
from extract.parties import Reading
from extract.timing import _YEAR, _date_is_past

# Words that make a place phrase the setting of a meeting ("held in", "signed in").
VENUE_HEADS = frozenset(
    {
        "talk",
        "meeting",
        "summit",
        "round",
        "negotiation",
        "session",
        "dialogue",
        "conference",
        "ceremony",
        "signing",
        "consultation",
        "discussion",
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
# object: "the talks ended in Istanbul", but "to end a decades-long insurgency in Oromia".
ASPECT_VERBS = frozenset(
    {"begin", "start", "end", "conclude", "resume", "continue", "open", "run", "reach", "take"}
)
# Nouns for the meeting itself, so that "the Doha talks" is a venue and "the Pyongyang
# negotiator" or "the Caracas delegation" is not.
MEETING_NOUNS = frozenset(
    {
        "talk",
        "talks",
        "meeting",
        "summit",
        "round",
        "negotiation",
        "session",
        "dialogue",
        "conference",
        "ceremony",
        "signing",
        "consultation",
        "discussion",
        "parley",
    }
)
# "Cyprus unification talks", "Iran nuclear talks": the first word names the subject.
TOPIC_NOUNS = frozenset(
    {"independence", "unification", "reunification", "nuclear", "border", "trade", "status"}
)
# Buildings: "talks at the Omani embassy in Rome" is about Rome, "the embassy in Mexico
# wrote" is not about talks at all.
BUILDINGS = frozenset({"embassy", "consulate", "hotel", "palace", "residence", "headquarters"})
# Common nouns for a side: a place after them says where that side is ("the junta in
# Niamey", "rebels in the east"), not where talks are.
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
# Words spaCy's small model tags as places in capitalised text ("Corps Commander-level
# talks", "Peace Talks").
NOT_PLACES = frozenset(
    {
        "peace",
        "corps",
        "army",
        "forces",
        "force",
        "command",
        "council",
        "committee",
        "ministry",
        "parliament",
        "congress",
        "senate",
        "assembly",
        "government",
        "cabinet",
        "navy",
        "talks",
        "summit",
        "ceasefire",
        "truce",
        "state",
        "photo",
        "video",
        "military",
        "alpine",
        "alliance",
        "union",
        "coalition",
        "bloc",
        "commander",
        "minister",
        "president",
        "leader",
        "chief",
        "envoy",
        "general",
        "secretary",
    }
)
# Nouns that stand for a place named after "of" or in apposition: "the Saudi city of
# al-Ula", "the capital, Nay Pyi Taw", "the truce village of Panmunjom".
PLACE_NOUNS = frozenset(
    {
        "city",
        "town",
        "village",
        "resort",
        "capital",
        "port",
        "island",
        "district",
        "province",
        "region",
        "state",
        "area",
        "spot",
        "point",
        "outpost",
        "base",
        "camp",
        "border",
        "enclave",
        "hamlet",
        "suburb",
        "sector",
        "side",
        "venue",
        "location",
        "site",
    }
)
SETTLEMENTS = frozenset({"city", "town", "village", "resort", "capital", "port", "hamlet"})
# Nouns for another gathering whose place is the venue only when the talks are held at it.
GATHERINGS = frozenset(
    {"summit", "forum", "assembly", "conference", "meeting", "session", "congress", "games"}
)
# Documents named after where they were signed: "the Doha agreement", "the Washington Accords".
DOCUMENTS = frozenset(
    {"agreement", "accord", "declaration", "framework", "pledge", "deal", "treaty", "memorandum"}
)
_AHEAD_WORDS = frozenset({"next", "again", "upcoming", "later", "future", "forthcoming"})
_BEHIND_WORDS = frozenset({"earlier", "previous", "prior", "former", "past"})
_FUTURE_AUX = frozenset({"will", "would", "shall", "'ll", "to"})
_LOWER_WORDS = frozenset({"ES", "DE", "LA", "EL", "DI", "DU", "OF"})
_TIME_DEPS = frozenset({"amod", "advmod", "aux", "npadvmod"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_POSSESSIVE = re.compile(r"['’ʼ]s$")


@dataclass
class Evidence:
    """One reason to think a place is the venue, kept for debugging and tests."""

    name: str
    weight: float
    why: str
    inside: str = ""  # "the village of X in the Y": X lies in Y, and is the finer answer
    locality: bool = False  # named as "the village of X", "the town of X"
    country: str = ""  # the state it is said to be in: "X, Switzerland", "the Swiss resort of X"


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Canonical state -> its capital, so that "the Qatari capital" can be named."""
    import countryinfo

    table = gazetteer()
    out: dict[str, str] = {}
    for country in countryinfo.all_countries():
        try:
            capital = country.capital()
        except Exception:  # noqa: BLE001 - an incomplete record is skipped
            continue
        if not isinstance(capital, str):
            continue
        actor = table.get(capital)
        if actor and actor.kind == "state" and actor.form == "metonym":
            out.setdefault(actor.canonical, capital)
    return out


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """ "Cambodian", "Afghans": peoples, which the model sometimes tags as proper nouns."""
    import countryinfo

    out: set[str] = set()
    for country in countryinfo.all_countries():
        try:
            demonym = country.demonym() or ""
        except Exception:  # noqa: BLE001 - an incomplete record is skipped
            continue
        for word in demonym.split(","):
            word = word.strip()
            if word:
                out.update({word, word + "s"})
    return frozenset(out)


def _actor(name: str) -> Actor | None:
    return gazetteer().get(name)


def _pretty(name: str) -> str:
    """DOHA -> Doha, CRANS-MONTANA -> Crans-Montana; 'the' is dropped."""
    name = name.strip()
    if name.lower().startswith("the "):
        name = name[4:]
    if name.isupper() and len(name) > 3:
        name = " ".join(w.lower() if w in _LOWER_WORDS else w.title() for w in name.split())
    return name


def _key(name: str) -> str:
    """One key for spellings of one place: 'Crans Montana' and 'Crans-Montana'."""
    return re.sub(r"[^a-z0-9]", "", name.casefold().replace("’", "'"))


# ------------------------------------------------------------------ syntax of a place phrase


def _anchor(token: Token) -> Token:
    """The token whose role in the sentence a place name takes: "the city of X" and
    "the capital, X" act through "city"/"capital"; "in A and B" through A."""
    for _ in range(3):
        head = token.head
        if token.dep_ == "conj" and head.i != token.i:
            token = head
            continue
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS:
            token = head.head
            continue
        if token.dep_ in {"appos", "compound", "amod"} and head.lemma_.lower() in PLACE_NOUNS:
            token = head  # "the capital, Nay Pyi Taw", "the Chushul sector"
            continue
        if token.dep_ == "poss" and head.dep_ == "pobj" and head.head.lower_ in {"in", "at"}:
            token = head  # "held in Istanbul's Dolmabahce Palace"
            continue
        break
    return token


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
            actor = _actor(child.text)
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
        # "talks ended in Istanbul", "reached a deal in Doha"; not "to end an insurgency in X"
        return any(
            (c.dep_ in {"nsubj", "nsubjpass"} and _names_talks(c, {"talk"}))
            or (c.dep_ == "dobj" and _names_talks(c, {"talk", "deal", "truce"}))
            for c in token.children
        ) or any(c.lower_ == "place" for c in token.children)
    return lemma in VENUE_HEADS or (target_class(token) == "talk" and lemma != "peace")


def _names_talks(token: Token, classes: set[str]) -> bool:
    """Talks (or a deal, as an object), or "they"/"it" standing for them; "that" in
    "the talks that began in X" stands for its noun. "The agreement that ended the war in
    X" does not set talks in X."""
    if token.lower_ in {"that", "which"} and token.head.dep_ == "relcl":
        return target_class(token.head.head) in classes
    return target_class(token) in classes or token.lower_ in {"they", "it"}


def _there_for_talks(token: Token) -> bool:
    """ "they were in Tanzania for a second round of talks": being somewhere for talks."""
    if token.lemma_ != "be":
        return False
    return any(
        c.dep_ == "prep"
        and c.lower_ == "for"
        and any(g.dep_ == "pobj" and target_class(g) == "talk" for g in c.children)
        for c in token.children
    )


def _beside(gathering: Token) -> bool:
    """ "ahead of the NATO summit", "before leaving for the G20 summit": another event in
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
    """Down-weight a place whose own phrase looks ahead ("to meet again in Istanbul",
    "the next round in Oman") or back ("an earlier round in Doha")."""
    for _ in range(4):
        words = {c.lower_ for c in token.children if c.dep_ in _TIME_DEPS}
        past = token.tag_ in {"VBD", "VBN"} and not words & _FUTURE_AUX
        if not past and (words & _AHEAD_WORDS or (token.pos_ == "VERB" and words & _FUTURE_AUX)):
            return -0.4  # negative: ahead, to be judged against the status
        if words & _BEHIND_WORDS or _recalled(token):
            return 0.3
        if token.pos_ == "VERB" or token.head.i == token.i:
            break
        token = token.head
    return 1.0


def _recalled(token: Token) -> bool:
    """ "since ..." or a dated adverbial that lies before the article's month."""
    published = token.doc._.published
    for child in token.children:
        if child.lower_ == "since" and child.dep_ in {"mark", "prep"}:
            return True
        if child.dep_ in {"prep", "npadvmod"}:
            dates = [t for t in child.subtree if t.ent_type_ == "DATE"]
            if dates and published and _date_is_past(" ".join(t.text for t in dates), published):
                return True
            years = [t for t in dates if _YEAR.fullmatch(t.text)]
            if years and token.tag_ in {"VBD", "VBN"} and (not published or _names_document(token)):
                return True  # "the memorandum signed in X on August 13, 2021"
    return token.dep_ == "pobj" and token.head.lower_ == "since"


def _names_document(verb: Token) -> bool:
    """ "the accord signed in X on <a date with its year>": a document cited by its
    signing, which news does for the past (current events go by weekday)."""
    return verb.dep_ == "acl" and verb.head.lemma_.lower() in DOCUMENTS | {"understanding"}


def _attachment(span: Span, parties: set[str]) -> tuple[float, str, Token | None]:
    """How strongly the syntax makes `span` the setting of talks, why, and the word
    whose clause says when."""
    anchor = _anchor(span.root)
    head = anchor.head
    dep = anchor.dep_
    if dep == "pobj" and _locative(head, anchor):
        governor = head.head
        if governor.lemma_.lower() in BUILDINGS and governor.dep_ not in {"pobj", "conj"}:
            return 0.0, "", None  # "the embassy in Mexico wrote", "open an embassy in Riyadh"
        if governor.pos_ == "NOUN" and target_class(governor) == "truce":
            return 0.0, "", None  # "a ceasefire in Gaza" is where the guns fall silent
        if governor.lemma_.lower() in ACTOR_NOUNS:
            # "the junta in Niger" says where the junta is; "talks between the government
            # and the opposition in Mexico City" may well say where the talks are
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
    if dep in {"compound", "nmod", "amod"} and not _POSSESSIVE.search(span.root.text):
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
    """ "Bougainville independence talks": a topic noun between the name and the talks."""
    return any(
        c.dep_ in {"compound", "amod"} and c.i > modifier.i and c.lower_ in TOPIC_NOUNS
        for c in noun.children
    )


# ------------------------------------------------------------------ candidate places


def _widen(doc: Doc, start: int, end: int, label: str = "") -> Span:
    """Take in hyphen-joined parts the model split off: "Crans-" + "Montana", "al-Ula";
    not a pair of sides ("Afghanistan-Pakistan talks")."""

    def joinable(part: Token) -> bool:
        return part.text[:1].isalpha() and _actor(part.text) is None

    if _actor(doc[start:end].text) is not None:
        return Span(doc, start, end, label=label)
    while (
        start >= 2
        and doc[start - 1].text == "-"
        and not doc[start - 2].whitespace_
        and not doc[start - 1].whitespace_
        and joinable(doc[start - 2])
    ):
        start -= 2
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].text[:1].isupper()
        and joinable(doc[end + 1])
    ):
        end += 2
    return Span(doc, start, end, label=label)


def _bare_place(token: Token) -> bool:
    """A capitalised name the model did not tag as a place, where only a place can stand:
    "the town of Mont-Tremblant", "the capital, Nay Pyi Taw", "the Chushul sector" (any
    tag: the small model calls such names persons or organisations); "talks in Kunming"
    and "the Ohrid meeting" (only when untagged)."""
    if not token.text[:1].isupper() or token.ent_type_ in {"DATE", "TIME", "CARDINAL", "NORP"}:
        return False
    if token.lower_ in NOT_PLACES or token.doc[token.i + 1 : token.i + 2].text == "of":
        return False  # "President of Serbia", "Line of Control": titles and long names
    if token.text in demonyms() or _POSSESSIVE.search(token.text):
        return False
    actor = _actor(token.text)
    if actor and actor.kind != "state":
        return False
    head = token.head
    noun = head.lemma_.lower()
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in PLACE_NOUNS:
        return token.pos_ == "PROPN"
    if token.dep_ in {"compound", "amod", "appos"} and noun in PLACE_NOUNS - {"state", "side"}:
        return token.pos_ == "PROPN" or (token.pos_ == "ADJ" and token.ent_type_ != "")
    if token.pos_ != "PROPN" or token.ent_type_ or token.is_sent_start:
        return False
    if token.doc[token.i + 1 : token.i + 2].text == "on":
        return False  # "Conference on Cyprus"
    if token.idx < token.doc._.headline_end:
        return False  # title case: every word looks like a name
    if token.dep_ == "pobj":
        return head.lower_ in {"in", "at", "near"}
    return token.dep_ == "compound" and noun in {"talk", "meeting", "summit", "round"}


def _place_spans(doc: Doc) -> list[Span]:
    """Named places: spaCy's GPE/LOC/FAC, the gazetteer's states and their capitals
    wherever the model tagged them otherwise, and bare names where only a place fits."""
    spans: list[Span] = []
    covered: set[int] = set()

    def add(span: Span) -> None:
        span = _widen(doc, span.start, span.end, span.label_)
        if span.text.lower().removeprefix("the ") in NOT_PLACES:
            return
        if span[-1].lemma_.lower() in MEETING_NOUNS:
            return  # "the Formal Exploratory Talks" is an event, whatever the model says
        if any(i in covered for i in range(span.start, span.end)):
            return
        covered.update(range(span.start, span.end))
        spans.append(span)

    for ent in doc.ents:
        if ent.label_ in _PLACE_LABELS:
            add(ent)
    for m in doc._.mentions:
        span = m.span(doc)
        bare = span[1:] if span[0].lower_ == "the" else span
        if (
            m.kind == "state"
            and bare.text[:1].isupper()
            and bare.root.pos_ == "PROPN"
            and bare.text not in demonyms()
        ):
            add(bare)  # "Japanese" or "Nigerien" is a people, not a place
    for token in doc:
        if token.i not in covered and _bare_place(token):
            head = token.head
            if token.dep_ == "compound" and head.text[:1].isupper() and head.i > token.i:
                start = min(t.i for t in head.lefts if t.dep_ == "compound")
                add(doc[start : head.i + 1])  # "Burnham Military Camp" is one name
            else:
                add(doc[token.i : token.i + 1])
    return spans


def _capital_phrases(doc: Doc) -> list[tuple[Token, str]]:
    """ "in the Qatari capital", "in Myanmar's capital" with no name given: the capital."""
    out: list[tuple[Token, str]] = []
    caps = capitals()
    for token in doc:
        if token.lemma_.lower() != "capital" or token.pos_ != "NOUN":
            continue
        if any(
            c.dep_ in {"appos", "compound"} and c.pos_ == "PROPN" and c.i > token.i
            for c in token.children
        ):
            continue  # the name is given and scored as itself
        given = {
            m.canonical: m.span(doc).text for m in doc._.mentions if 0 < m.start - token.i <= 2
        }
        for child in token.children:
            if child.dep_ in {"amod", "compound", "poss", "nmod"}:
                actor = _actor(child.text.removesuffix("'s"))
                if actor and actor.kind == "state" and actor.canonical in caps:
                    out.append((token, given.get(actor.canonical, caps[actor.canonical])))
                    break
    return out


# "ISTANBUL —", "HAVANA, Feb 6 (Reuters) -", "KABUL/ISLAMABAD:", "Maputo —",
# "CRANS MONTANA (Switzerland) •", "Riyadh, Saudi Arabia –", "April 19, 2025 – Rome, Italy:"
_SEP = r"(?:—|–|-{1,2}|•|:)"
_NAME = r"[A-Z][\w'’\-\.]*(?: [A-Z][\w'’\-\.]*){0,3}"
_DATELINE = re.compile(
    r"^[ \t]*(?:(?:date\s+)?\d{4}-\d{2}-\d{2}\s+)?"
    r"(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}\s*" + _SEP + r"\s*)?"
    r"(?P<places>" + _NAME + r"(?:\s*/\s*" + _NAME + r")*)"
    r"(?:,[ \t]*[\w.'’]+(?:,?[ \t][\w.'’]+){0,3})?(?:[ \t]*\([^)\n]{1,40}\))?"
    r"\s*(?P<sep>(?:—|–)\s*|(?:-{1,2}|•|:)(?:\s|$))",
    re.MULTILINE,
)
# Kicker words that open a line like a dateline: "EXCLUSIVE:", "UPDATE -", "Analysis:".
_KICKERS = frozenset(
    """by and the updated update published photo photos video watch live breaking exclusive
    analysis explainer opinion editorial comment factbox timeline interview news world
    politics business sport sports latest feature review editor note source read more
    listen advertisement""".split()
)
# "Shafaq News – Doha": an agency line that ends with the place.
_AGENCY_LINE = re.compile(
    r"^[ \t]*(?:(?:date\s+)?\d{4}-\d{2}-\d{2}\s+)?[A-Z][\w .]{1,40}\s+(?:—|–|-)\s+"
    r"(?P<places>[A-Z][\w'’\-]+)[ \t]*$",
    re.MULTILINE,
)


def _dateline_places(reading: Reading, parties: set[str]) -> list[str]:
    """Places in the first dateline near the top of the article that names somewhere
    other than a side; all-caps forms need no gazetteer entry, title-case ones must be
    known places."""
    doc = reading.doc
    head = doc.text[reading.prefix : reading.prefix + 700]
    matches = sorted(
        list(_DATELINE.finditer(head))[:8] + list(_AGENCY_LINE.finditer(head))[:2],
        key=lambda m: m.start(),
    )
    for match in matches:
        found: list[str] = []
        kicker = "sep" in match.re.groupindex and match.group("sep").strip() == ":"
        for part in re.finditer(r"[^/]+", match.group("places")):
            name = part.group(0).strip(" .")
            offset = reading.prefix + match.start("places") + part.start()
            offset += len(part.group(0)) - len(part.group(0).lstrip(" ."))
            if _is_dateline_place(doc, offset, name, kicker):
                found.append(_pretty(name))
        # "Mozambique: ..." is a kicker naming a side; the dateline may follow.
        if any(
            not ((a := _actor(f)) and a.form == "name" and a.canonical in parties) for f in found
        ):
            return found
    return []


def _is_dateline_place(doc: Doc, offset: int, name: str, colon: bool = False) -> bool:
    """All-caps names are datelines unless they are kicker words; a title-case name
    must be a known state or capital, or one the model tags as a place; before a colon
    ("Africa: ...", "Politics: ...") only a known city will do."""
    words = name.lower().split()
    if len(name) < 3 or name.lower() in NOT_PLACES or any(w in _KICKERS for w in words):
        return False
    actor = _actor(name) or _actor(_pretty(name))
    if actor:
        return actor.kind == "state"
    if name.isupper():
        return True
    if colon:
        return False
    span = doc.char_span(offset, offset + len(name), alignment_mode="expand")
    return bool(span) and any(t.ent_type_ in {"GPE", "FAC"} for t in span)


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


def _acronyms(spans: list[Span]) -> dict[str, str]:
    """ "the Demilitarized Zone (DMZ)": DMZ names the same place."""
    out: dict[str, str] = {}
    for span in spans:
        doc = span.doc
        after = doc[span.end : span.end + 3]
        if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
            short = after[1].text
            if short.isupper() and 2 <= len(short) <= 6 and _abbreviates(short, span.text):
                out[short] = _pretty(span.text)
    return out


def _abbreviates(short: str, long: str) -> bool:
    """DMZ for Demilitarized Zone: same first letter, the rest in order."""
    long = long.removeprefix("the ").upper()
    if not long or long[0] != short[0]:
        return False
    rest = iter(long[1:])
    return all(letter in rest for letter in short[1:])


def _container(span: Span, aliases: dict[str, str]) -> str:
    """The larger place a place is said to lie in: "the village of X in the Y"."""
    anchor = _anchor(span.root)
    for token in (span.root, anchor):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ == "PROPN":
                        name = " ".join(t.text for t in obj.subtree if t.pos_ == "PROPN")
                        return aliases.get(name, name)
    return ""


def _country_of(span: Span) -> str:
    """The state a place is said to be in: "Crans-Montana, Switzerland", "the Swiss
    resort of Crans-Montana", "Kenya's port of Mombasa"."""
    doc = span.doc
    after = doc[span.end : span.end + 4]
    if len(after) >= 2 and after[0].text == ",":
        for end in range(len(after), 1, -1):
            actor = _actor(after[1:end].text)
            if actor and actor.kind == "state" and actor.form == "name":
                return actor.canonical
    anchor = _anchor(span.root)
    if anchor is not span.root:
        for child in anchor.children:
            if child.dep_ in {"amod", "compound", "poss", "nmod"}:
                actor = _actor(child.text)
                if actor and actor.kind == "state":
                    return actor.canonical
    return ""


def _past_tense(token: Token | None) -> bool:
    return token is not None and token.tag_ in {"VBD", "VBN"}


def venue_evidence(
    reading: Reading, events: list[Cue], parties: list[str], status: str | None
) -> list[Evidence]:
    """Every piece of evidence for every candidate place, weighted."""
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

    out: list[Evidence] = []
    spans = _place_spans(doc)
    aliases = _acronyms(spans)
    for span in spans:
        name = _pretty(span.text)
        actor = _actor(name)
        weight, why, governor = _attachment(span, sides)
        if not weight:
            continue
        if actor and actor.canonical in sides and actor.form == "name":
            continue  # a side's own name is what the talks are about, not where
        if actor and actor.form == "name" and actor.kind == "state":
            weight *= 0.5  # "talks in Malaysia": a city, when given, is the better answer
        if span.label_ == "FAC":
            weight *= 0.6  # "the Omani embassy in Rome": the town is the answer
        locality = _anchor(span.root) is not span.root and _anchor(span.root).lemma_ in SETTLEMENTS
        if locality:
            weight *= 1.3  # "the ski town of X" is more precise than "elsewhere in Quebec"
        inside = _container(span, aliases)
        why = ("FAC " if span.label_ == "FAC" else "") + why
        weight = adjust(weight, span.sent, governor)
        out.append(Evidence(name, weight, why, inside, locality, _country_of(span)))
    for token, capital in _capital_phrases(doc):
        anchor = _anchor(token)
        head = anchor.head
        if anchor.dep_ == "pobj" and _locative(head, anchor) and about_talks(head.head, sides):
            out.append(Evidence(capital, adjust(3.0, token.sent, head.head), "in the capital"))
    for place in _dateline_places(reading, sides):
        actor = _actor(place)
        if actor and actor.canonical in sides:
            if actor.form == "name":
                continue
            weight = 0.5  # a side's capital: most often just where the reporter is
        else:
            weight = 1.0 if actor and actor.form == "name" else 2.0
        out.append(Evidence(place, weight, "dateline"))
    return out


def choose_venue(
    reading: Reading, events: list[Cue], parties: list[str], status: str | None
) -> str | None:
    """The place with the most evidence; a city over its own country."""
    evidence = venue_evidence(reading, events, parties, status)
    best_name = _best(evidence)
    others = frozenset(e.name for e in evidence if best_name and not _same_place(e.name, best_name))
    reading.doc.user_data[_VENUE_KEY] = (best_name, others)
    return best_name


def _same_place(a: str, b: str) -> bool:
    """Doha and Qatar count as one place when telling rounds apart."""
    if _key(a) == _key(b):
        return True
    actor_a, actor_b = _actor(a), _actor(b)
    return bool(actor_a and actor_b and actor_a.canonical == actor_b.canonical)


# Where choose_venue leaves its answer for choose_round: a round held elsewhere is not
# the current one.
_VENUE_KEY = "parley_venue"


def _best(evidence: list[Evidence]) -> str | None:
    score: dict[str, float] = defaultdict(float)
    shown: dict[str, str] = {}
    for e in evidence:
        key = _key(e.name)
        score[key] += e.weight
        if key not in shown or (shown[key].isupper() and not e.name.isupper()):
            shown[key] = e.name
    if not score:
        return None
    located = {_key(e.name): e.country for e in evidence if e.country}
    extra: dict[str, float] = defaultdict(float)
    for e in evidence:
        outer, key = _key(e.inside), _key(e.name)
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
    country = _actor(shown[best])
    if country and country.form == "name":
        # "talks in Qatar" and "talks in Doha", or "Crans-Montana, Switzerland": the town
        cities = [
            k
            for k in score
            if k != best
            and (
                located.get(k) == country.canonical
                or (
                    (a := _actor(shown[k]))
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


# ------------------------------------------------------------------ the round

_ORDINAL = (
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\d+(?:st|nd|rd|th))"
)
ROUND = re.compile(
    _ORDINAL + r"(?:\s+and\s+final)?(?:\s+[\w-]+){0,2}?\s+round\b"
    r"|\bround\s+(\d+)\b",
    re.IGNORECASE,
)


_BEFORE_PAST = re.compile(r"\b(earlier|previous|prior|last|former)\b[^.]*$")
_BEFORE_AHEAD = re.compile(
    r"\b(next|upcoming|forthcoming|planned|proposed|for the|ahead of the)\s+$"
)


def choose_round(reading: Reading) -> str | None:
    """The ordinal of the round the article reports: from the headline or a sentence of
    current news, not one that recalls an earlier round ("the first round, held in Doha
    last week" when this round is in Istanbul; "had held a first round") or names the
    next ("no date for the fourth round"); those only when nothing better is said."""
    doc = reading.doc
    events: list[Cue] = doc._.events
    recalled = {e.sentence.start for e in events if not e.current} - {
        e.sentence.start for e in events if e.current
    }
    venue, elsewhere = doc.user_data.get(_VENUE_KEY, (None, frozenset()))
    fallback: str | None = None
    for match in ROUND.finditer(doc.text):
        value = (match.group(1) or match.group(2)).lower()
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        before = doc.text[max(0, match.start() - 30) : match.start()].lower()
        if _BEFORE_PAST.search(before) or (
            span is not None
            and (_past_perfect(span.root) or _held_elsewhere(span.sent, venue, elsewhere))
        ):
            continue
        if span is None or span.sent.start in recalled or _BEFORE_AHEAD.search(before):
            fallback = fallback or value
            continue
        return value
    return fallback


def _past_perfect(token: Token) -> bool:
    """ "the host had already organised a first round in August 2018": recalled. A bare
    past perfect is common in reports of the current round ("had pressed for X at the
    13th round"), so it needs "already" or a past date as well."""
    for _ in range(3):
        if token.pos_ in {"VERB", "AUX"}:
            perfect = any(c.dep_ == "aux" and c.lower_ in {"had", "'d"} for c in token.children)
            already = any(c.lower_ == "already" for c in token.children)
            return perfect and (already or _recalled(token))
        if token.head.i == token.i:
            return False
        token = token.head
    return False


def _held_elsewhere(sent: Span, venue: str | None, elsewhere: frozenset[str]) -> bool:
    """The sentence places talks somewhere other than the venue of the current round."""
    if not venue or venue in sent.text:
        return False
    return any(name in sent.text for name in elsewhere)
