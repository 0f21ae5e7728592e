"""Who is named in an article: states, armed groups and organisations, under one
canonical name each, with the role each mention plays (party, mediator, venue).

Countries come from pycountry so that any state can be recognised, not only the ones a
hand-written list happens to cover; `data/actors.json` adds what ISO does not know:
capitals, demonyms, seats of government, non-state groups and mediating organisations.
A capital is ambiguous: "talks in Doha" names a venue, "Doha said" names Qatar. That is
decided from the dependency parse, not from the string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

DATA = Path(__file__).parent / "data"

# Lemmas and words that put an actor in the go-between's chair.
MEDIATION_LEMMAS = frozenset(
    {
        "mediate",
        "mediation",
        "mediator",
        "broker",
        "host",
        "facilitate",
        "facilitator",
        "facilitation",
        "co-organise",
        "co-organize",
        "co-host",
        "auspex",
        "auspices",
        "intermediary",
        "interlocutor",
        "go-between",
        "guarantor",
        "sponsor",
        "convene",
        "moderate",
        "offices",
        "organise",
        "organize",
    }
)
# Prepositions after which a place name is where something happens, not who acts.
LOCATIVE_PREPS = frozenset({"in", "at", "to", "into", "near", "outside", "inside", "toward"})


@dataclass(frozen=True)
class Actor:
    canonical: str
    kind: str  # "state" | "group" | "org"
    form: str  # "name" | "metonym" | "person" (a leader or envoy named alone)
    until: tuple[int, int] | None = None  # (year, month) a person left the office, if they did
    since: tuple[int, int] | None = None  # (year, month) a person took it, when they held another


@dataclass
class Mention:
    start: int  # token index
    end: int
    canonical: str
    kind: str
    form: str
    role: str  # "actor" | "mediator" | "place"

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _iso_canonical(country: object, overrides: dict[str, str]) -> str:
    """ISO short name as the contract wants it: 'Iran', not 'Iran, Islamic Republic of'."""
    code = country.alpha_2  # type: ignore[attr-defined]
    if code in overrides:
        return overrides[code]
    name: str = country.name  # type: ignore[attr-defined]
    common = getattr(country, "common_name", None)
    if "," in name:
        return common or name.split(",")[0].strip()
    return name


# Capitals of micro-states and territories ("Victoria", "Kingston", "Hamilton") are far
# more often people or other places in the news than metonyms for a government.
_MIN_POPULATION_FOR_METONYMS = 1_000_000


def _capitals_and_demonyms(by_code: dict[str, str]) -> list[tuple[str, str]]:
    """(capital or demonym, canonical state) for every sizeable country, from countryinfo's
    maintained data; the hand-kept data file still wins where both speak."""
    import countryinfo

    seen: dict[str, set[str]] = {}
    for country in countryinfo.all_countries():
        try:
            code = (country.iso() or {}).get("alpha2")
            population = country.population() or 0
            capital, demonym = country.capital(), country.demonym()
        except Exception:  # noqa: BLE001 - an incomplete record is skipped, not fatal
            continue
        canonical = by_code.get(code or "")
        if canonical is None or population < _MIN_POPULATION_FOR_METONYMS:
            continue
        surfaces = [capital] + [d.strip() for d in (demonym or "").split(",")]
        surfaces += [_plural(d.strip()) for d in (demonym or "").split(",")]
        for surface in surfaces:
            if surface and surface[0].isupper():
                seen.setdefault(surface, set()).add(canonical)
    # "Congolese" or "Chinese" shared by two states names neither for sure.
    return [(surface, next(iter(states))) for surface, states in seen.items() if len(states) == 1]


def _plural(demonym: str) -> str | None:
    """'Afghans', 'Iraqis'; 'Chinese', 'Swiss' and 'French' have no plural of their own."""
    if not demonym or demonym.endswith(("ese", "s", "sh", "ch", "x", "z")):
        return None
    return demonym + "s"


@lru_cache(maxsize=1)
def _actor_data() -> dict[str, Any]:
    """data/actors.json, read and parsed once for all the tables built from it."""
    return json.loads((DATA / "actors.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Actor]:
    """Surface string -> actor; built once per process because pycountry is slow to walk."""
    import pycountry

    data = _actor_data()
    overrides: dict[str, str] = data["canonical_overrides"]
    table: dict[str, Actor] = {}
    for country in pycountry.countries:
        canonical = _iso_canonical(country, overrides)
        names = {canonical, country.name}
        for attr in ("common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                names.add(value)
        if "," in country.name:
            names.add(country.name.split(",")[0].strip())
        for name in names:
            table[name] = Actor(canonical, "state", "name")
    by_code = {c.alpha_2: _iso_canonical(c, overrides) for c in pycountry.countries}
    for surface, canonical in _capitals_and_demonyms(by_code):
        table.setdefault(surface, Actor(canonical, "state", "metonym"))
    for section, kind in (("states", "state"), ("groups", "group"), ("organisations", "org")):
        for canonical, entry in data[section].items():
            table[canonical] = Actor(canonical, kind, "name")
            for alias in entry.get("aliases", []):
                table[alias] = Actor(canonical, kind, "name")
            for metonym in entry.get("metonyms", []):
                table[metonym] = Actor(canonical, kind, "metonym")
            since = {p: _year_month(v) for p, v in entry.get("people_since", {}).items()}
            for person in entry.get("people", []):
                table.setdefault(person, Actor(canonical, kind, "person", since=since.get(person)))
            for person, left in entry.get("former_people", {}).items():
                table.setdefault(person, Actor(canonical, kind, "person", _year_month(left)))
    # Bare "Congo" and "Korea" are ambiguous in ISO; news usage decides (data file wins).
    table.pop("Korea", None)
    return table


@lru_cache(maxsize=1)
def local_aliases() -> dict[str, list[tuple[Actor, str]]]:
    """Surface -> (actor, state) for names that point at an actor only in news about one
    country: "Maoists" are Nepal's in a Nepal story and India's in an Indian one; "CMA" is
    a Malian rebel coalition beside Mali and a competition regulator elsewhere."""
    data = _actor_data()
    out: dict[str, list[tuple[Actor, str]]] = {}
    for section, kind in (("states", "state"), ("groups", "group"), ("organisations", "org")):
        for canonical, entry in data[section].items():
            for state, surfaces in entry.get("local_aliases", {}).items():
                for surface in surfaces:
                    out.setdefault(surface, []).append((Actor(canonical, kind, "name"), state))
    return out


@lru_cache(maxsize=1)
def usual_roles() -> dict[str, str]:
    """Organisations whose standing role is not a side's: "mediator" (the UN, the Holy See,
    Sant'Egidio, the Carter Center) or "humanitarian" (the ICRC)."""
    data = _actor_data()
    return {
        name: entry["usual_role"]
        for name, entry in data["organisations"].items()
        if "usual_role" in entry
    }


@lru_cache(maxsize=1)
def generics() -> dict[str, set[str]]:
    """Common nouns ("the opposition") that name a group once it has been named."""
    data = _actor_data()
    out: dict[str, set[str]] = {}
    for canonical, entry in data["groups"].items():
        for noun in entry.get("generic", []):
            out.setdefault(noun, set()).add(canonical)
    return out


# "the junta in Guinea", "the government in Tbilisi": a ruler placed in a country is that state.
_RULERS = frozenset(
    {"junta", "government", "regime", "authorities", "rulers", "leadership", "leaders", "military"}
)
# "the Nigerian capital", "the Zambian capital Lusaka", "the Swiss resort of Montreux".
_PLACE_NOUNS = frozenset({"capital", "city", "town", "resort", "village", "port", "province"})


def _is_located(pobj: Token) -> bool:
    """Is this object of a preposition where something happens, not who rules there?"""
    prep = pobj.head
    return prep.lower_ in LOCATIVE_PREPS and prep.head.lemma_.lower() not in _RULERS


def _names_a_place(span: Span) -> bool:
    head = span.root
    if head.dep_ == "pobj" and head.head.lower_ == "of":
        return head.head.head.lemma_.lower() in _PLACE_NOUNS  # "the capital of Georgia"
    return head.dep_ in {"amod", "compound", "poss", "det"} and (
        head.head.lemma_.lower() in _PLACE_NOUNS
        or (head.head.lemma_.lower() == "summit" and head.dep_ == "compound")
    )


def _is_place(span: Span) -> bool:
    """A capital used as a location ("talks in Doha"), or a dateline, is not an actor."""
    head = span.root
    if head.dep_ == "pobj" and _is_located(head):
        return True
    if head.dep_ == "compound" and head.head.lemma_.lower() in {
        "talk",
        "meeting",
        "summit",
        "round",
        "process",
        "agreement",
        "accord",
        "declaration",
        "format",
    }:
        return True
    return span.start < len(span.doc) and span.text.isupper() and len(span.text) > 3


def _inflections(lemma: str) -> set[str]:
    """'mediate' -> mediates, mediated, mediating: the tagger does not lemmatise every
    form ("with Qatar mediating" comes out as the noun "mediating")."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    return {lemma, lemma + "s", stem + "ed", stem + "ing", lemma + "d"}


MEDIATION_FORMS = frozenset(f for lemma in MEDIATION_LEMMAS for f in _inflections(lemma)) | {
    "brokered",
    "brokering",
    "mediators",
    "facilitators",
    "hosts",
}
# Chairing and coordinating talks is the go-between's work ("the OSCE diplomat who chairs
# the sessions", "the OSCE, coordinator of the process").
_CHAIRING = frozenset({"chair", "chairs", "chaired", "chairing", "coordinate", "coordinator"})
# Nouns that carry a go-between role when a mediation word qualifies them:
# "mediation efforts by X", "X's mediating role", "the Qatari mediation team".
_EFFORT_NOUNS = frozenset(
    {"effort", "efforts", "role", "initiative", "bid", "push", "team", "process", "mission"}
)


def _is_mediating_head(token: Token) -> bool:
    """A mediation word, or a noun it qualifies ("mediation efforts", "mediating role"),
    as the governor of a mention: "efforts by X", "X's mediation efforts"."""
    if _is_mediation_word(token):
        return True
    return token.lemma_.lower() in _EFFORT_NOUNS and any(
        c.dep_ in {"compound", "amod", "nmod"} and _is_mediation_word(c) for c in token.children
    )


def _after_prefix(token: Token, prefix: str) -> bool:
    """Is `token` the second half of a hyphenated word ("co-chaired", "go-between")?"""
    i = token.i
    return i >= 2 and token.doc[i - 1].text == "-" and token.doc[i - 2].lower_ == prefix


def _is_mediation_word(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if lemma in _CHAIRING:  # the sides co-chair; a third party chairs ("ASEAN chair" is a title)
        return (token.pos_ == "VERB" or lemma == "coordinator") and not _after_prefix(token, "co")
    if token.lower_ in {"between", "betweens"}:
        return _after_prefix(token, "go")  # "acting as go-betweens"
    if lemma in MEDIATION_LEMMAS or token.lower_ in MEDIATION_FORMS:
        return True
    # "co-organised", "co-hosted": the tokenizer splits off "co"
    nxt = token.doc[token.i + 1 : token.i + 3]
    return (
        token.lower_ == "co"
        and len(nxt) == 2
        and nxt[0].text == "-"
        and nxt[1].lemma_.lower() in MEDIATION_LEMMAS
    )


_ROLE_VERBS = frozenset({"act", "serve", "take", "play", "join", "lead", "participate", "offer"})


def _envoy_of(span: Span) -> bool:
    """ "the UN envoy", "EU special envoy Lajcak": an organisation's envoy to talks is
    there to mediate (a state's envoy may well be a side's)."""
    root = span.root
    return root.dep_ in {"compound", "nmod", "poss", "amod"} and root.head.lemma_.lower() in {
        "envoy",
        "emissary",
    }


def _meets_separately(verb: Token) -> bool:
    """Shuttle diplomacy: "held separate meetings with both leaders", "met separately with"."""
    if verb.lemma_.lower() not in {"hold", "have", "meet", "conduct"}:
        return False
    if any(c.dep_ == "advmod" and c.lower_ == "separately" for c in verb.children):
        return True
    return any(
        c.dep_ == "dobj"
        and any(g.dep_ == "amod" and g.lower_ == "separate" for g in c.children)
        and _is_meeting_noun(c)
        for c in verb.children
    )


def _is_meeting_noun(token: Token) -> bool:
    return token.lemma_.lower() in {"meeting", "talk", "consultation", "session"}


_EFFORT_VERBS = frozenset(
    {"work", "spearhead", "lead", "try", "seek", "strive", "push", "offer", "help"}
)
_SETTLING = frozenset({"resolve", "end", "settle", "defuse", "heal", "mend"})
_SEALING = frozenset({"seal", "secure", "clinch", "reach", "conclude", "finalise", "finalize"})
_QUARRELS = frozenset({"dispute", "crisis", "rift", "row", "standoff", "feud"})


def _works_to_settle(verb: Token) -> bool:
    """ "X has worked hard to end the border row", "X led efforts to resolve the crisis": a third
    party's work on someone else's quarrel (a war a side fights is not a "dispute" here)."""
    if verb.lemma_.lower() not in _EFFORT_VERBS:
        return False
    for t in verb.subtree:
        if t.pos_ != "VERB":
            continue
        lemma = t.lemma_.lower()
        for o in (o for o in t.children if o.dep_ == "dobj"):
            if lemma in _SETTLING and o.lemma_.lower() in _QUARRELS:
                return True
            if lemma in _SEALING and any(c.lower_ == "between" for c in o.children):
                return True  # "Zambia hopes to clinch a deal between the army and the rebels"
    return False


_COPULAS = frozenset({"be", "become", "remain", "emerge"})
_TAKING_UP = frozenset({"accept", "agree", "offer", "assume", "take"})


def _takes_up_mediation(verb: Token) -> bool:
    """A subject that is or becomes the mediator, or takes on the task of mediating."""
    lemma = verb.lemma_.lower()
    if lemma in _COPULAS:
        return any(
            c.dep_ in {"attr", "oprd", "acomp"} and _is_mediation_word(c) for c in verb.children
        )
    if lemma not in _TAKING_UP:
        return False
    for c in verb.children:
        if c.dep_ == "xcomp" and _is_mediation_word(c):
            return True  # "offered to mediate"
        if c.dep_ == "dobj" and not any(g.dep_ == "poss" for g in c.children):
            if _is_mediation_word(c) or any(
                g.dep_ in {"acl", "relcl", "prep"} and any(_is_mediation_word(t) for t in g.subtree)
                for g in c.children
            ):
                return True  # "accepted a mandate to facilitate"; not "accepted Malta's mediation"
    return False


def _relative_mediates(clause: Token) -> bool:
    """ "Ghana, which has spent months trying to mediate between the two": a mediating
    verb inside the relative clause, unless the clause refuses it."""
    if any(c.dep_ == "neg" for c in clause.children) or clause.lemma_ in {"reject", "refuse"}:
        return False
    return any(t.pos_ == "VERB" and _is_mediation_word(t) for t in clause.subtree)


def _role_object_is_mediation(verb: Token) -> bool:
    for child in verb.children:
        if child.dep_ in {"prep", "dobj"}:
            if any(_is_mediation_word(t) and t.pos_ == "NOUN" for t in child.subtree):
                return True
    return False


def _as_mediation(token: Token) -> bool:
    """Has `token` an "as <mediator>" phrase ("as guarantor countries", "as facilitator")?"""
    return any(
        c.dep_ == "prep"
        and c.lower_ == "as"
        and any(_is_mediation_word(t) and t.pos_ == "NOUN" for t in c.subtree)
        for c in token.children
    )


_SPONSORING = frozenset(
    {"backed", "led", "sponsored", "supported", "convened", "organised", "organized"}
)
_TALK_NOUNS = frozenset(
    {"talk", "negotiation", "dialogue", "process", "effort", "initiative", "conference", "meeting"}
)


def _talk_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lemma_.lower() in _TALK_NOUNS


_UNDER_NOUNS = frozenset({"initiative", "aegis", "auspex", "auspices", "patronage", "leadership"})
_ENVOYS = frozenset(
    {
        "official",
        "envoy",
        "diplomat",
        "representative",
        "negotiator",
        "minister",
        "delegation",
        "government",
        "ministry",
    }
)
_HOSTING = frozenset({"venue", "hospitality"})
_LEADING_VERBS = frozenset({"lead", "head", "chair", "spearhead", "steer", "conduct"})
_THANKING = frozenset(
    {"thank", "praise", "commend", "credit", "laud", "hail", "gratitude", "thanks", "appreciation"}
)


def _thanked_for_mediating(token: Token) -> bool:
    """ "thanked Ghana and Zambia for facilitating the dialogue", "gratitude to Botswana
    for its mediation": the one thanked for go-between work is the go-between."""
    governor = token.head
    if token.dep_ == "pobj" and governor.lower_ == "to":
        governor = governor.head
    elif token.dep_ != "dobj":
        return False
    thanking = governor.lemma_.lower() in _THANKING or any(
        c.dep_ == "dobj" and c.lemma_.lower() in _THANKING for c in governor.children
    )  # "expressed gratitude to Qatar for ..."
    if not thanking:
        return False
    for prep in (c for c in governor.children if c.dep_ == "prep" and c.lower_ == "for"):
        if any(_is_mediation_word(t) or t.lemma_.lower() in _HOSTING for t in prep.subtree):
            return True  # "... for facilitating the talks", "... for providing the venue"
    return False


def mediation_cue(span: Span) -> bool:
    """Does the syntax put this mention in a go-between role?

    "mediated by X", "X hosted", "X's mediation", "Qatari mediation", "X-brokered",
    "mediators from X", "under X auspices", "X, which mediated", "X's envoy, the mediator".
    The object of hosting ("after hosting the Thai prime minister") is not a mediator.
    """
    doc = span.doc
    after = doc[span.end : span.end + 2]
    if len(after) == 2 and after[0].text in {"-", "–"}:
        if _is_mediation_word(after[1]):
            return True
        if after[1].lower_ in _SPONSORING and _talk_noun(after[1].head):
            return True  # "UN-backed talks", "Qatar-led negotiations"; not "Rwanda-backed M23"
    if len(after) >= 1 and after[0].pos_ in {"NOUN", "VERB"} and _is_mediation_word(after[0]):
        return True  # "Qatari mediation", "the EU facilitated dialogue"
    token: Token = span.root
    for _ in range(8):  # a long "A, B, C and D" list climbs one conjunct at a time
        for c in token.children:
            if c.dep_ in {"relcl", "appos", "acl", "compound"} and (
                _is_mediation_word(c)
                or any(
                    g.dep_ in {"conj", "relcl", "acl"} and _is_mediation_word(g) for g in c.children
                )
                or (c.lemma_ in _ROLE_VERBS and _role_object_is_mediation(c))
                or (c.dep_ == "relcl" and _relative_mediates(c))
            ):
                return True  # "X, which mediated", "countries who will act as facilitators"
        head = token.head
        dep = token.dep_
        if dep in {"nsubj", "appos"} and _is_mediation_word(head):
            return True
        if dep in {"poss", "compound", "amod", "nmod"} and _is_mediating_head(head):
            return True  # "Qatar's mediation", "Qatari mediation efforts"
        if dep == "nsubj" and any(
            c.dep_ in {"advcl", "xcomp"} and _is_mediation_word(c) for c in head.children
        ):
            return True
        if dep == "nsubj" and head.lemma_ in _ROLE_VERBS and _role_object_is_mediation(head):
            return True  # "X will act as intermediary", "X took part in the mediation"
        if dep == "nsubj" and _meets_separately(head):
            return True  # "the envoy held separate meetings with each leader"
        if dep == "nsubj" and _works_to_settle(head):
            return True  # "Brunei has led efforts to settle the maritime dispute"
        if dep == "nsubj" and _takes_up_mediation(head):
            return True  # "Canada becomes mediator", "X accepted a mandate to facilitate"
        if dep == "pobj" and head.lower_ == "with":
            if any(c.lower_ in {"along", "together"} for c in head.children):
                token = head.head  # "Brunei, along with Japan, has spearheaded"
                continue
            if head.head.lower_ in {"along", "together"}:
                governor = head.head.head
                if governor.pos_ in {"VERB", "AUX"}:  # a co-subject of the verb
                    return (
                        _is_mediation_word(governor)
                        or _works_to_settle(governor)
                        or _takes_up_mediation(governor)
                    )
                token = governor
                continue
        if dep == "pobj" and head.lower_ in {"including", "like", "as"}:
            token = head.head  # "states, including Iceland, that will serve as facilitators"
            continue
        if _thanked_for_mediating(token):
            return True  # "thanked Qatar for its efforts to mediate"
        if dep == "pobj" and head.lower_ in {"by", "of", "from", "under", "with"}:
            governor = head.head
            if (
                head.lower_ == "by"
                and governor.lemma_.lower() in _LEADING_VERBS
                and _is_mediation_word(governor.head)
            ):
                return True  # "mediation led by Kenyan Foreign Minister Mudavadi"
            if _is_mediating_head(governor) and not (
                head.lower_ == "with" and governor.pos_ == "VERB"
            ):
                return True
            if head.lower_ == "with" and _as_mediation(governor):
                return True  # "began with Cuba and Norway as guarantors"
            if (
                head.lower_ == "of"
                and governor.lemma_.lower() in _UNDER_NOUNS
                and governor.dep_ == "pobj"
                and governor.head.lower_ == "under"
            ):
                return True  # "under the initiative of the AU", "under the aegis of the UN"
            if head.lower_ in {"with", "of", "from"} and (
                governor.lemma_.lower() in _ENVOYS
                or (head.lower_ == "of" and governor.pos_ == "PROPN" and governor.dep_ == "pobj")
            ):  # "the Ministry of Foreign Affairs of Ghana": climb to the ministry
                token = governor  # "an envoy with the OSCE, the coordinator of the process"
                continue
        if _as_mediation(token):
            return True  # "Norway as facilitator"
        if dep in {"conj", "appos"} or (
            dep in {"amod", "compound", "poss", "nmod", "det"} and head.pos_ in {"NOUN", "PROPN"}
        ):
            token = head  # "the Sudanese" parses as the determiner of "government"
            continue
        break
    return False


class ActorFinder:
    """Marks every actor mention in a Doc (`doc._.mentions`)."""

    def __init__(self, nlp: Language) -> None:
        self.table = gazetteer()
        self.local = local_aliases()
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        strings = sorted(set(self.table) | set(self.local))
        self.matcher.add("ACTOR", list(nlp.tokenizer.pipe(strings)))
        the_forms = [f"the {s}" for s in strings if s[0].isupper()]
        self.matcher.add("ACTOR_THE", list(nlp.tokenizer.pipe(the_forms)))

    def __call__(self, doc: Doc) -> Doc:
        spans = [doc[s:e] for _, s, e in self.matcher(doc)]
        states = {
            self.table[s.text].canonical
            for s in spans
            if s.text in self.table and self.table[s.text].kind == "state"
        }
        mentions: list[Mention] = []
        taken: set[int] = set()
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
            if any(i in taken for i in range(span.start, span.end)):
                continue
            key = span.text[4:] if span.text.startswith("the ") else span.text
            actor = self.table.get(key) or self.table.get(span.text) or self._local(key, states)
            if actor is None or _out_of_office(actor, doc._.published):
                continue
            taken.update(range(span.start, span.end))
            role = "actor"
            if actor.form == "metonym" and _is_place(span) or _is_place_name(span, actor):
                role = "place"
            elif mediation_cue(span) or (actor.kind == "org" and _envoy_of(span)):
                role = "mediator"
            mentions.append(
                Mention(span.start, span.end, actor.canonical, actor.kind, actor.form, role)
            )
        mentions.sort(key=lambda m: m.start)
        mentions = [self._shared_head(doc, m, mentions) for m in mentions]
        doc._.mentions = mentions
        doc._.people = affiliations(doc, mentions)
        return doc

    def _local(self, key: str, states: set[str]) -> Actor | None:
        """The actor a country-bound name points at, when the article names that country."""
        return next((a for a, state in self.local.get(key, []) if state in states), None)

    def _shared_head(self, doc: Doc, m: Mention, mentions: list[Mention]) -> Mention:
        """ "Greek and Turkish Cypriot negotiators": the first conjunct shares the second
        one's last word, so "Greek" here is "Greek Cypriot", not Greece."""
        start = m.start + 1 if doc[m.start].lower_ == "the" else m.start  # "the Greek"
        if m.end - start != 1:
            return m
        token = doc[start]
        for conj in (c for c in token.children if c.dep_ == "conj"):
            other = next((n for n in mentions if n.start <= conj.i < n.end), None)
            if other is None or other.end - other.start < 2:
                continue
            actor = self.table.get(f"{token.text} {doc[other.end - 1].text}")
            if actor is not None:
                return Mention(m.start, m.end, actor.canonical, actor.kind, actor.form, m.role)
        return m


def _year_month(value: str) -> tuple[int, int]:
    year, month = (int(x) for x in value.split("-"))
    return year, month


def _out_of_office(actor: Actor, published: tuple[int, int] | None) -> bool:
    """A former leader speaks for the state only in articles from their time in office:
    "Biden said" in 2021 is the United States, in 2026 a former president's comment. An
    undated article is read as being from their time (the name is the best clue there is),
    except for a person who held another office before this one (a prime minister who
    became a secretary general): undated, their name alone says neither."""
    if actor.since is not None:
        return published is None or published < actor.since
    return actor.until is not None and published is not None and published > actor.until


def affiliations(doc: Doc, mentions: list[Mention]) -> dict[str, str]:
    """Person -> actor, from titles inside the person's own noun phrase: "Kenya's Foreign
    Minister Musalia Mudavadi", "Moldovan President Maia Sandu", "Stubb, Finland's
    president". The full name, its first and its last word are keys, since later
    references use one of them; a key claimed by two actors is dropped."""
    by_start = {m.start: m for m in mentions if m.role != "place"}
    claims: dict[str, set[str]] = {}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        window = [t for t in ent.root.subtree if t.i < ent.start]
        for child in ent.root.children:
            if child.dep_ == "appos":
                window.extend(child.subtree)
        if ent.root.dep_ == "appos":
            window.extend(t for t in ent.root.head.subtree if t.i < ent.start)
        for token in reversed(window):
            mention = by_start.get(token.i)
            if mention:
                for key in {ent.text, ent.root.text, ent[0].text}:
                    claims.setdefault(key, set()).add(mention.canonical)
                break
    return {key: next(iter(names)) for key, names in claims.items() if len(names) == 1}


def _is_place_name(span: Span, actor: Actor) -> bool:
    """A country name after "in"/"at" is a location unless it is an organisation."""
    if actor.kind != "state":
        return False
    head = span.root
    if _names_a_place(span):
        return True  # "the Nigerian capital", "the Singapore summit"
    if head.dep_ in {"appos", "conj"} and head.head.ent_type_ in {"GPE", "LOC", "FAC"}:
        head = head.head  # "in Doha, Qatar", "in Bridgetown, Barbados"
    return (
        head.dep_ == "pobj"
        and head.head.lower_ in {"in", "at", "near", "inside", "into"}
        and head.head.head.lemma_ not in {"interest", "role", "confidence", "trust"}
        and head.head.head.lemma_.lower() not in _RULERS
    )


if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=[])
if not Doc.has_extension("people"):
    Doc.set_extension("people", default={})
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)  # (year, month), set by the pipeline


@Language.factory("parley_actors")
def make_actor_finder(nlp: Language, name: str) -> ActorFinder:
    return ActorFinder(nlp)
