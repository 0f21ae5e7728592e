"""Candidate places in an article and what is known about them: spaCy's place entities,
the gazetteer's states and capitals, bare names where only a place can stand ("the town of
X", "talks in X"), capitals named by their country ("the Zambian capital"), acronyms ("the
Administrative Boundary Line (ABL)"), the larger place a place lies in and the state it is
said to be in. Which of them is the venue is venue.py's question."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from extract.actors import Actor, gazetteer

# Nouns for the meeting itself, so that "the Lusaka talks" is a venue and "the Tallinn
# negotiator" or "the Windhoek delegation" is not.
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

# Words spaCy's small model tags as places in capitalised text ("Deputy Minister-level
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
# Nouns that stand for a place named after "of" or in apposition: "the Omani city of
# Salalah", "the capital, Windhoek".
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

_LOWER_WORDS = frozenset({"ES", "DE", "LA", "EL", "DI", "DU", "OF"})

_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
POSSESSIVE = re.compile(r"['’ʼ]s$")


@lru_cache(maxsize=1)
def capitals() -> dict[str, str]:
    """Canonical state -> its capital, so that "the Zambian capital" can be named."""
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
    """ "Chilean", "Uzbeks": peoples, which the model sometimes tags as proper nouns."""
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


def known_actor(name: str) -> Actor | None:
    return gazetteer().get(name)


def pretty_name(name: str) -> str:
    """LUSAKA -> Lusaka, BADEN-BADEN -> Baden-Baden; 'the' is dropped."""
    name = name.strip()
    if name.lower().startswith("the "):
        name = name[4:]
    if name.isupper() and len(name) > 3:
        name = " ".join(w.lower() if w in _LOWER_WORDS else w.title() for w in name.split())
    return name


def place_key(name: str) -> str:
    """One key for spellings of one place: 'Baden Baden' and 'Baden-Baden'."""
    return re.sub(r"[^a-z0-9]", "", name.casefold().replace("’", "'"))


# ------------------------------------------------------------------ syntax of a place phrase


def place_anchor(token: Token) -> Token:
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
            token = head  # "the capital, Windhoek", "the Tavush sector"
            continue
        if token.dep_ == "poss" and head.dep_ == "pobj" and head.head.lower_ in {"in", "at"}:
            token = head  # "held in Lisbon's Belem Palace"
            continue
        break
    return token


# ------------------------------------------------------------------ candidate places


def _widen(doc: Doc, start: int, end: int, label: str = "") -> Span:
    """Take in hyphen-joined parts the model split off: "Baden-" + "Baden", "el-Sheikh";
    not a pair of sides ("Peru-Chile talks")."""

    def joinable(part: Token) -> bool:
        return part.text[:1].isalpha() and known_actor(part.text) is None

    if known_actor(doc[start:end].text) is not None:
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
    "the town of Baden-Baden", "the Tavush sector" (any tag: the small model calls such
    names persons or organisations); "talks in Salalah" (only when untagged)."""
    if not token.text[:1].isupper() or token.ent_type_ in {"DATE", "TIME", "CARDINAL", "NORP"}:
        return False
    if token.lower_ in NOT_PLACES or token.doc[token.i + 1 : token.i + 2].text == "of":
        return False  # "President of Chile", "Strait of Hormuz": titles and long names
    if token.text in demonyms() or POSSESSIVE.search(token.text):
        return False
    actor = known_actor(token.text)
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
        return False  # "Conference on Yemen"
    if token.idx < token.doc._.headline_end:
        return False  # title case: every word looks like a name
    if token.dep_ == "pobj":
        return head.lower_ in {"in", "at", "near"}
    return token.dep_ == "compound" and noun in {"talk", "meeting", "summit", "round"}


def place_spans(doc: Doc) -> list[Span]:
    """Named places: spaCy's GPE/LOC/FAC, the gazetteer's states and their capitals
    wherever the model tagged them otherwise, and bare names where only a place fits."""
    spans: list[Span] = []
    covered: set[int] = set()

    def add(span: Span) -> None:
        span = _widen(doc, span.start, span.end, span.label_)
        if span.text.lower().removeprefix("the ") in NOT_PLACES:
            return
        actor = known_actor(span.text)
        if actor is not None and actor.form == "person":
            return  # "Lula, Albanese talks": a leader the model tagged as a place
        if span[-1].lemma_.lower() in MEETING_NOUNS:
            return  # "the Strategic Dialogue" is an event, whatever the model says
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
            add(bare)  # "Chilean" or "Uzbek" is a people, not a place
    for token in doc:
        if token.i not in covered and _bare_place(token):
            head = token.head
            if token.dep_ == "compound" and head.text[:1].isupper() and head.i > token.i:
                start = min(t.i for t in head.lefts if t.dep_ == "compound")
                add(doc[start : head.i + 1])  # "Sandhurst Military Academy" is one name
            else:
                add(doc[token.i : token.i + 1])
    return spans


def capital_phrases(doc: Doc) -> list[tuple[Token, str]]:
    """ "in the Zambian capital", "in Chile's capital" with no name given: the capital."""
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
                actor = known_actor(child.text.removesuffix("'s"))
                if actor and actor.kind == "state" and actor.canonical in caps:
                    out.append((token, given.get(actor.canonical, caps[actor.canonical])))
                    break
    return out


def place_acronyms(spans: list[Span]) -> dict[str, str]:
    """ "the Administrative Boundary Line (ABL)": ABL names the same place."""
    out: dict[str, str] = {}
    for span in spans:
        doc = span.doc
        after = doc[span.end : span.end + 3]
        if len(after) == 3 and after[0].text == "(" and after[2].text == ")":
            short = after[1].text
            if short.isupper() and 2 <= len(short) <= 6 and _abbreviates(short, span.text):
                out[short] = pretty_name(span.text)
    return out


def _abbreviates(short: str, long: str) -> bool:
    """ABL for Administrative Boundary Line: same first letter, the rest in order."""
    long = long.removeprefix("the ").upper()
    if not long or long[0] != short[0]:
        return False
    rest = iter(long[1:])
    return all(letter in rest for letter in short[1:])


def container_of(span: Span, aliases: dict[str, str]) -> str:
    """The larger place a place is said to lie in: "the village of X in the Y"."""
    anchor = place_anchor(span.root)
    for token in (span.root, anchor):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ == "PROPN":
                        name = " ".join(t.text for t in obj.subtree if t.pos_ == "PROPN")
                        return aliases.get(name, name)
    return ""


def country_of(span: Span) -> str:
    """The state a place is said to be in: "Montreux, Switzerland", "the Swiss resort of
    Montreux", "Kenya's port of Mombasa"."""
    doc = span.doc
    after = doc[span.end : span.end + 4]
    if len(after) >= 2 and after[0].text == ",":
        for end in range(len(after), 1, -1):
            actor = known_actor(after[1:end].text)
            if actor and actor.kind == "state" and actor.form == "name":
                return actor.canonical
    anchor = place_anchor(span.root)
    if anchor.i != span.root.i:  # spaCy makes a new Token on each access: compare indices
        for child in anchor.children:
            if child.dep_ in {"amod", "compound", "poss", "nmod"}:
                actor = known_actor(child.text)
                if actor and actor.kind == "state":
                    return actor.canonical
    return ""
