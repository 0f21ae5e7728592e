"""Who negotiates and who mediates, from the actor mentions of one article.

Parties are the states, groups and organisations the article keeps coming back to in
sentences about talks, a truce or a deal, counting their named negotiators ("Tatar said")
and generic references ("the government", "the opposition"); a set named as the sides
("talks between X and Y", "X, Y and Z signed") wins when its evidence is comparable, and
more than two sides are kept when the article names them together (or a bloc acts
against one state). A side the article never names ("the rebels", "opposition groups")
enters under the article's own phrase. Actors whose syntax makes them go-betweens
("mediated by", "hosted by", "X-brokered", "thanked X for facilitating"), that announce
what both sides did, or that host the talks and act in the article are mediators
(the article-level go-between evidence lives in go_betweens.py).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from extract.actors import Mention, mediation_cue
from extract.go_betweens import (
    find_announcers,
    hosts,
    is_go_between,
    never_sides,
    usual_mediators,
)
from extract.lexicon import target_class


@dataclass
class Reading:
    """Everything `tracks` needs about one article, with the title's length so that
    character offsets can be given relative to the article text."""

    doc: Doc
    prefix: int  # characters of title prepended to the text


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
        if _not_acting(span.root) or (m.kind == "org" and _forum_of(span.root)):
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
        if (
            root.dep_ in {"amod", "compound", "poss", "det"}
            and root.head.lemma_.lower() in _SIDE_HEADS
        ):  # "the Turkish Cypriot leader" parses "the Turkish Cypriot" as a determiner
            weight += 1.5
        if m.form == "person":
            weight *= 0.5  # "Trump said" often comments on talks others hold
        if _comments(root):
            weight *= 0.4  # "Italy's foreign minister voiced hope the negotiations ..."
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
    _add_unnamed_side(reading, score, kinds, mediated)
    _add_generic_references(reading, score, kinds, mediated)
    return score, mediated, between, kinds


# Nouns that name a non-state side by what it is: "the rebels", "armed groups",
# "opposition groups", "separatist factions". Bare heads stand alone; collective heads
# need a modifier saying which kind of group it is.
_NONSTATE_BARE = frozenset(
    {"rebel", "insurgent", "separatist", "guerrilla", "guerilla", "faction", "protester"}
)
_NONSTATE_COLLECTIVE = frozenset(
    {"group", "faction", "movement", "militia", "coalition", "alliance", "force"}
)
_NONSTATE_KINDS = frozenset({"rebel", "armed", "opposition", "separatist", "insurgent", "protest"})


def _unnamed_side_name(token: Token) -> str | None:
    """The article's own plural phrase for an unnamed non-state side, or None."""
    lemma = token.lemma_.lower()
    if token.pos_ not in {"NOUN", "PROPN"} or token.dep_ == "compound":
        return None
    if lemma in _NONSTATE_BARE:
        return lemma + "s"
    if lemma == "opposition" and not any(
        c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "to") for c in token.children
    ):
        return "opposition"  # "talks with the opposition"; not "Turkey's opposition to"
    if lemma in _NONSTATE_COLLECTIVE:
        kind = next(
            (
                c.lower_
                for c in token.children
                if c.dep_ in {"amod", "compound"} and c.lower_ in _NONSTATE_KINDS
            ),
            None,
        )
        if kind:
            return f"{kind} {token.lower_}"  # as written: "the protest coalition", "armed groups"
    return None


def _add_unnamed_side(
    reading: Reading, score: Counter[str], kinds: dict[str, str], mediated: Counter[str]
) -> None:
    """ "Peru's guerrillas abandoned the truce", "a deal with 12 opposition groups": a side
    the article never names. Its references count for the named group when there is one
    (the rebels of an M23 story are M23); else the side enters under the article's own
    phrase, so that a state talking to unnamed rebels still has a counterpart."""
    doc = reading.doc
    named = {i for m in doc._.mentions if m.kind == "group" for i in range(m.start, m.end)}
    evidence: Counter[str] = Counter()
    about_talks = False
    for token in doc:
        name = _unnamed_side_name(token)
        if name is None or any(
            t.i in named for t in token.children if t.dep_ in {"compound", "appos"}
        ):
            continue  # "M23 rebels" is M23, counted already
        sent = token.sent
        weight = 0.0
        if sent.start_char < reading.prefix:
            weight += 2.0
        if any(target_class(t) for t in sent):
            weight += 1.0
        if _between_sides(token):
            weight += 2.0
        evidence[name] += weight + 0.5  # every reference counts a little, talk or not
        if weight:
            about_talks = True
    if not about_talks:
        return  # rebels that only fight are not a side of these talks
    groups = [n for n, _ in score.most_common() if kinds.get(n) == "group" and not mediated[n]]
    for phrase in list(evidence):  # "the opposition" of a story naming the Unitary Platform
        owner = next((g for g in groups if g in gazetteer_generics(phrase)), None)
        if owner:
            score[owner] += evidence.pop(phrase)
    if not evidence:
        return
    total = sum(evidence.values())
    if groups and sum(score[g] for g in groups) >= 0.6 * total:
        score[groups[0]] += 0.5 * total
        return
    name = evidence.most_common(1)[0][0]
    score[name] += total
    kinds[name] = "group"


# Heads that make a state's name a label, not the state acting: "Algeria state media",
# "Algeria's news agency APS said" (the source), "Mali rebels" (the rebels, not Mali).
_SOURCE_HEADS = frozenset(
    {
        "media",
        "medium",
        "tribune",
        "herald",
        "gazette",
        "times",
        "daily",
        "agency",
        "television",
        "tv",
        "radio",
        "newspaper",
        "outlet",
        "broadcaster",
        "press",
    }
)


_FORUMS = frozenset({"summit", "meeting", "conference", "session", "ministerial"})


def _forum_of(root: Token) -> bool:
    """ "at the GCC summit", "an AU meeting": the body is where the sides meet."""
    return root.dep_ in {"compound", "nmod", "poss"} and root.head.lemma_.lower() in _FORUMS


def _not_acting(root: Token) -> bool:
    if root.dep_ not in {"amod", "compound", "poss", "nmod"}:
        return False
    head = root.head
    if head.lemma_.lower() in _SOURCE_HEADS or (
        head.dep_ in {"compound", "amod"} and head.head.lemma_.lower() in _SOURCE_HEADS
    ):
        return True
    return root.dep_ in {"amod", "compound"} and _unnamed_side_name(head) is not None


# What onlookers do: hope, welcome, urge, praise, condemn. A side does it too, but a side
# also acts; a state that only comments gains little.
_COMMENTING = frozenset(
    {"hope", "welcome", "urge", "praise", "condemn", "commend", "applaud", "hail", "express"}
)


def _comments(root: Token) -> bool:
    node = root
    while (
        node.dep_ in {"poss", "amod", "compound", "nmod", "det", "appos"} and node.head is not node
    ):
        node = node.head
    return node.dep_ == "nsubj" and node.head.lemma_.lower() in _COMMENTING


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
        "counterpart",
        "negotiators",
        "officials",
        "foreign",
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
        if mediation_cue(doc[token.i : token.i + 1]):
            mediated[actor] += 1  # "Ahtisaari, who has mediated between the sides"
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
        if node.dep_ == "pobj" and node.head.lower_ == "with":
            governor = node.head.head  # "peace talks with the rebels", "met with X"
            if target_class(governor) == "talk" or governor.lemma_ in {"meet", "negotiate"}:
                return "talk"
        if node.head is node:
            return None
        node = node.head
    if root.dep_ in {"nsubj", "nsubjpass"} and any(c.dep_ == "conj" for c in root.children):
        return "other"
    if root.dep_ == "conj" and root.head.dep_ in {"nsubj", "nsubjpass"}:
        return "other"  # the second of "X and Y agreed"
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
    named = {i for m in reading.doc._.mentions for i in range(m.start, m.end)}
    for token in reading.doc:
        lemma = token.lemma_.lower()
        if token.pos_ != "NOUN" or any(
            c.dep_ in {"poss", "amod", "compound"} and (c.i in named or c.pos_ == "PROPN")
            for c in token.children
        ):
            continue  # "Chad's government", "the Sudanese army": named, and counted, already
        bonus = 1.5 if any(target_class(t) for t in token.sent) else 1.0
        if lemma in _HOME_GENERICS or _ruling_council(token):
            score[home] += bonus
        elif lemma == "opposition" and opposition:
            score[opposition] += bonus


def _ruling_council(token: Token) -> bool:
    """ "the military council", "the Transitional Military Council": a junta by another name."""
    return token.lemma_.lower() == "council" and any(
        c.lower_ in {"military", "transitional", "sovereign", "sovereignty"}
        for c in token.children
        if c.dep_ in {"amod", "compound"}
    )


def _generic_map(
    score: Counter[str], kinds: dict[str, str], mediated: Counter[str]
) -> dict[str, str]:
    """Which actor "the government" and "the opposition" stand for in this article."""
    groups = [n for n, _ in score.most_common() if kinds.get(n) == "group"]
    states = [n for n, _ in score.most_common() if kinds.get(n) == "state" and not mediated[n]]
    out: dict[str, str] = {}
    if groups and states:
        out.update({noun: states[0] for noun in _HOME_GENERICS})
        opposition = next((g for g in groups if g in gazetteer_generics("opposition")), None)
        if opposition:
            out["opposition"] = opposition
    if groups:
        out[NONSTATE] = groups[0]  # "talks between the army and the insurgents"
    return out


NONSTATE = "*nonstate*"  # key of _generic_map for the unnamed-side phrases


def gazetteer_generics(noun: str) -> set[str]:
    """Groups that the data file says a common noun can stand for."""
    from extract.actors import generics

    return generics().get(noun, set())


def _side_names(
    tokens: list[Token],
    by_start: dict[int, Mention],
    people: dict[str, str],
    generic: dict[str, str],
) -> list[str]:
    """Actors named in a stretch of tokens, generic nouns resolved through `generic`."""
    names: list[str] = []
    for t in tokens:
        m = by_start.get(t.i)
        if m and m.kind in {"state", "group", "org"}:
            names.append(m.canonical)
        elif t.pos_ == "PROPN" and t.text in people:
            names.append(people[t.text])
        elif t.pos_ == "NOUN" and t.lemma_.lower() in generic and t.dep_ != "compound":
            names.append(generic[t.lemma_.lower()])
        elif NONSTATE in generic and _unnamed_side_name(t):
            names.append(generic[NONSTATE])
    return names


# Verbs whose coordinated subjects are the sides of one negotiation: "X, Y and Z signed".
_JOINT_VERBS = frozenset(
    {"sign", "agree", "reach", "negotiate", "meet", "conclude", "initial", "resume", "hold"}
)


# Heads whose "of" object is the side they speak for ("the officials of X").
_REPRESENTING = _SIDE_HEADS | {"official"}


def _represented(token: Token) -> Token:
    """ "the leaders of Chile, Peru and Bolivia met": the sides behind the envoys."""
    if token.lemma_.lower() in _REPRESENTING:
        for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                return obj
    return token


def _conjuncts(token: Token) -> list[Token]:
    out = [token]
    for c in token.children:
        if c.dep_ == "conj":
            out.extend(_conjuncts(c))
    return out


def talk_pairs(reading: Reading, generic: dict[str, str] | None = None) -> Counter[tuple[str, ...]]:
    """Sets of two or more actors named as the sides of talks: "talks between X and Y",
    "X, Y and Z signed the memorandum"; `generic` maps common nouns ("government",
    "opposition") to the actor they stand for here."""
    pairs: Counter[tuple[str, ...]] = Counter()
    for distinct, token in talk_constructions(reading, generic):
        pairs[distinct] += 2 if token.idx < reading.prefix else 1
    return pairs


def talk_constructions(
    reading: Reading, generic: dict[str, str] | None = None
) -> list[tuple[tuple[str, ...], Token]]:
    """Each construction naming sides together, with the word that joins them ("between",
    or the subject of "signed"), so callers can tell which sentence names which sides."""
    generic = generic or {}
    doc = reading.doc
    by_start = {m.start: m for m in doc._.mentions if m.role != "place"}
    by_token = {i: m for m in by_start.values() for i in range(m.start, m.end)}
    people: dict[str, str] = doc._.people
    out: list[tuple[tuple[str, ...], Token]] = []
    for token in doc:
        stretch: list[Token] = []
        if token.lower_ == "between" and token.dep_ == "prep":
            governor = token.head  # talks, a deal or a truce between the sides
            if target_class(governor) or governor.lemma_ in {"meet", "talk"}:
                stretch = [t for c in token.children if c.dep_ == "pobj" for t in c.subtree]
        elif token.dep_ in {"nsubj", "nsubjpass"} and token.head.lemma_ in _JOINT_VERBS:
            members = _conjuncts(_represented(token))
            if len(members) >= 2:  # the conjuncts themselves, not "the Rwanda-backed" in them
                stretch = members
        if not stretch:
            continue
        lookup = by_start if token.lower_ == "between" else by_token
        distinct = tuple(sorted(set(_side_names(stretch, lookup, people, generic))))
        if len(distinct) >= 2:
            out.append((distinct, token))
    return out


# Verbs of one state's quarrel with a bloc: "A, B, C and D cut ties with Q", "imposed a
# boycott on Q", "restored relations with Q".
_BLOC_VERBS = frozenset({"cut", "sever", "boycott", "blockade", "restore", "isolate"})
_BLOC_MEASURES = frozenset({"boycott", "blockade", "embargo"})


def _bloc_verb(verb: Token) -> bool:
    """Breaking or restoring ties, or imposing a boycott: not sanctions or accusations,
    which many states voice at once without being a side of the talks."""
    lemma = verb.lemma_.lower()
    if lemma in _BLOC_VERBS:
        return True
    return lemma == "impose" and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _BLOC_MEASURES for c in verb.children
    )


def _with_bloc(
    reading: Reading, parties: list[str], score: Counter[str], mediated: Counter[str]
) -> list[str]:
    """One side may be a bloc: when three or more states, one of them a chosen side, act
    together against the other chosen side, all of them are sides."""
    doc = reading.doc
    by_token = {i: m for m in doc._.mentions if m.role == "actor" for i in range(m.start, m.end)}
    for token in doc:
        if token.dep_ != "nsubj" or not _bloc_verb(token.head):
            continue
        listed = next((c for c in token.children if c.dep_ == "appos"), token)
        members = {by_token[t.i].canonical for t in _conjuncts(listed) if t.i in by_token}
        if len(members) < 3 or len(members & set(parties)) != 1:
            continue
        other = next(p for p in parties if p not in members)
        sent = token.sent
        named = {by_token[i].canonical for i in range(sent.start, sent.end) if i in by_token}
        if other in named and not any(mediated[n] for n in members):
            return sorted(members | {other})
    return parties


def choose_parties(reading: Reading) -> tuple[list[str], list[str]]:
    """The set most often named as the sides of the talks, else the two actors with the
    most evidence; actors whose syntax makes them go-betweens are mediators instead.
    Organisations (ECOWAS, the EU) can be sides; more than two sides only when the article
    names them together."""
    score, mediated, between, kinds = party_scores(reading)
    for name, kind in kinds.items():
        if kind == "org" and name not in between:
            score[name] *= 0.7  # "the EU said" is more often comment than a seat at the table
    candidates = [
        (name, s)
        for name, s in score.most_common()
        if kinds.get(name) in {"state", "group", "org"}
        and name not in never_sides()
        and not is_go_between(name, score, mediated, between, kinds)
    ]
    leading = [n for n, _ in candidates[:3]]
    announcers = find_announcers(reading, leading) - between - set(leading[:2])
    candidates = [(n, s) for n, s in candidates if n not in announcers]
    names = {n for n, _ in candidates}
    parties = [name for name, _ in candidates[:2]]
    top = sum(score[n] for n in parties)
    sets = [
        (p, c)
        for p, c in talk_pairs(reading, _generic_map(score, kinds, mediated)).items()
        if set(p) <= names
    ]
    pairs = [(p, c) for p, c in sets if len(p) == 2]
    if pairs:
        best, _ = max(pairs, key=lambda pc: score[pc[0][0]] + score[pc[0][1]] + 3 * pc[1])
        if score[best[0]] + score[best[1]] >= 0.8 * top:
            parties = list(best)
    floor = 0.15 * min((score[p] for p in parties), default=0.0)
    wider = [
        p
        for p, _ in sets
        if len(p) > 2
        and set(parties) <= set(p)
        and all(score[n] >= floor and not mediated[n] for n in p)
    ]
    if wider:
        parties = list(max(wider, key=len))  # "Türkiye, Sweden and Finland signed ..."
    elif len(parties) == 2:
        parties = _with_bloc(reading, parties, score, mediated)
    mediators = {n for n in mediated if n not in parties}
    mediators |= announcers - set(parties)
    mediators |= hosts(reading, parties, score) - set(parties)
    if parties:
        weaker = min(score[p] for p in parties)
        mediators |= {n for n in usual_mediators() if score[n] >= 4.0 and score[n] >= 0.4 * weaker}
    return sorted(parties), sorted(mediators)
