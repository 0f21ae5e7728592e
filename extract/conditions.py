"""What each side asks, offers or proposes, and who says so.

A condition is a trigger (a verb such as "demand" or "pledge", a noun such as
"Islamabad's demand for ...", or a modal clause in reported speech: "X said Pakistan
would ...", "Y says any settlement must ...") plus the clause it governs.

The party is found by syntax, in this order: an actor named in the trigger's subject or
possessor; a person whose title ties them to an actor earlier in the article ("Kosovo
Prime Minister Albin Kurti" makes a later "Kurti insists" Kosovo's); a generic noun
("the army", "the opposition") standing for the actor it usually means; a pronoun, taken
as the last speaker; and finally the subject of the reporting verb above the trigger.
Markers refine the kind: "before"/"until"/"first" make a precondition, "in return"/"in
turn" a counter-condition.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract.actors import Mention, generics
from extract.lexicon import cues

_REPORTING = frozenset(
    {
        "say",
        "tell",
        "state",
        "add",
        "announce",
        "argue",
        "write",
        "insist",
        "warn",
        "note",
        "repeat",
        "reiterate",
        "stress",
        "maintain",
        "claim",
        "emphasise",
        "emphasize",
        "confirm",
        "hope",
    }
)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
_STATE_GENERICS = frozenset(
    {"government", "army", "military", "junta", "regime", "authorities", "administration"}
)
_GROUP_GENERICS = frozenset({"rebels", "rebel", "insurgents", "group", "movement", "militia"})
_BOTH = frozenset({"sides", "countries", "parties", "governments", "neighbours", "neighbors"})
BOTH_SIDES = "*both*"  # placeholder the track builder expands into its two parties
_DEMAND_NOUNS = frozenset(
    {"demand", "condition", "precondition", "line", "prerequisite", "priority"}
)


@dataclass
class Clause:
    party: str
    kind: str
    text: str
    sentence: Span


class Resolver:
    """Maps a subject phrase to a canonical actor, remembering who spoke last."""

    def __init__(self, doc: Doc) -> None:
        self.mentions: list[Mention] = [
            m for m in doc._.mentions if m.role != "place" and m.kind in {"state", "group", "org"}
        ]
        self.by_start = {m.start: m for m in self.mentions}
        mediators = {m.canonical for m in self.mentions if m.role == "mediator"}
        counts = Counter(
            m.canonical for m in self.mentions if m.kind == "state" and m.canonical not in mediators
        )
        group_counts = Counter(m.canonical for m in self.mentions if m.kind == "group")
        self.home_state = counts.most_common(1)[0][0] if counts else None
        self.top_group = group_counts.most_common(1)[0][0] if group_counts else None
        self.people: dict[str, str] = doc._.people
        self.last_speaker: str | None = None

    def resolve(self, phrase: Token) -> str | None:
        if phrase.pos_ == "PROPN" and phrase.text in self.people:
            return self.people[phrase.text]
        tokens = _core(phrase)
        idx = {t.i for t in tokens}
        for m in self.mentions:
            if m.start in idx:
                return m.canonical
        for t in tokens:
            if t.pos_ == "PROPN" and t.text in self.people:
                return self.people[t.text]
        if any(t.lemma_.lower() in _STATE_GENERICS and t.i != phrase.i for t in tokens):
            return self.home_state  # "Government spokesman X", "the military's statement"
        lemma = phrase.lemma_.lower()
        if phrase.pos_ == "NOUN":
            if lemma in _STATE_GENERICS or phrase.lower_ in _STATE_GENERICS:
                return self.home_state
            named = generics().get(lemma, set()) | generics().get(phrase.lower_, set())
            present = [m.canonical for m in self.mentions if m.canonical in named]
            if present:
                return present[0]
            if lemma in _GROUP_GENERICS or phrase.lower_ in _GROUP_GENERICS:
                return self.top_group
            if phrase.lower_ in _BOTH and any(c.lower_ in {"two", "both"} for c in phrase.children):
                return BOTH_SIDES
        if phrase.pos_ == "PRON" and phrase.lower_ in {"he", "she", "they", "it", "we"}:
            return self.last_speaker
        return None


def _core(phrase: Token) -> list[Token]:
    """The phrase without its clausal modifiers: "Tatar, backed by Ankara" is Tatar."""
    out = [phrase]
    for child in phrase.children:
        if child.dep_ not in {"acl", "relcl", "advcl", "appos", "punct"}:
            out.extend(child.subtree)
    return out


def _trigger_kind(token: Token) -> str | None:
    c = cues()["condition_triggers"]
    key = token.lemma_.lower()
    if token.pos_ == "NOUN" and key in _DEMAND_NOUNS:
        if key == "line" and not any(ch.lower_ == "red" for ch in token.children):
            return None
        return "demand"
    for kind in ("proposal", "guarantee", "demand"):
        if key in c[kind]:
            if key in {"call", "put", "present", "table"} and not _has_particle(token):
                continue
            if key in {"agree", "accept", "ready", "willing", "prepared"} and not any(
                ch.dep_ == "xcomp" or (ch.dep_ == "prep" and ch.lower_ == "to")
                for ch in token.children
            ):
                continue
            if key == "plan" and token.pos_ != "NOUN":
                continue
            if key in {"need", "must", "expect"} and token.pos_ != "VERB":
                continue
            if token.pos_ not in {"VERB", "NOUN", "ADJ"} and not (
                token.pos_ == "AUX" and key == "want"  # the small model's "wants written ..."
            ):
                continue
            if key in {"present", "table", "put"} and _objects_demands(token):
                return "demand"
            return kind
    return None


def _objects_demands(token: Token) -> bool:
    return any(
        t.lemma_ in {"demand", "condition"}
        for c in token.children
        if c.dep_ == "dobj"
        for t in c.subtree
    )


def _has_particle(token: Token) -> bool:
    """ "call for", "put forward", "present a plan", "tabled a set of demands"."""
    for child in token.children:
        if child.dep_ == "prt" and child.lower_ in {"forward", "up"}:
            return True
        if child.dep_ == "prep" and child.lower_ in {"for", "on"}:
            return True
        if any(g.dep_ == "mark" and g.lower_ == "for" for g in child.children):
            return True  # "called for observers to be deployed"
        if child.dep_ == "dobj" and any(
            t.lemma_ in {"plan", "proposal", "list", "offer", "roadmap", "demand", "condition"}
            for t in child.subtree
        ):
            return True
    return False


def _modal_kind(token: Token) -> str | None:
    """Reported commitments and requirements without a trigger verb:
    "X said Pakistan would withdraw" (guarantee), "Y says a deal must include" (demand)."""
    if token.pos_ != "VERB" or token.dep_ not in {"ccomp", "conj"}:
        return None
    head = token.head if token.dep_ == "ccomp" else token.head.head
    if head.lemma_ not in _REPORTING:
        return None
    auxes = {c.lower_ for c in token.children if c.dep_ == "aux"}
    if auxes & {"must", "should"} or token.lemma_ == "need":
        return "demand"
    if token.lemma_ == "have" and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in token.children
    ):
        return "demand"  # "X had to be recognised before ..."
    if any(
        c.dep_ == "acomp" and c.lower_ in {"negotiable", "essential", "indispensable"}
        for c in token.children
    ):
        return "demand"  # "withdrawal remains non-negotiable"
    if auxes & {"will", "would", "'ll"}:
        return "guarantee"
    return None


def _speaker(token: Token, resolver: Resolver) -> str | None:
    node = token
    for _ in range(5):
        if node.head is node:
            return None
        node = node.head
        if node.lemma_ in _REPORTING:
            for ch in node.children:
                if ch.dep_ in {"nsubj", "nsubjpass"}:
                    return resolver.resolve(ch)
    return None


def _subject_party(subj: Token, clause_head: Token, resolver: Resolver) -> str | None:
    """Who a clause's subject stands for; "X said it would ..." means X."""
    if subj.pos_ == "PRON" and (
        subj.dep_ == "poss"
        or (clause_head.dep_ == "ccomp" and clause_head.head.lemma_ in _REPORTING)
    ):
        # "X said it would ...", "X said ... remains their priority": the speaker
        return _speaker(clause_head, resolver) or resolver.resolve(subj)
    return resolver.resolve(subj)


def _party(token: Token, resolver: Resolver, kind: str) -> str | None:
    node: Token = token
    for _ in range(5):
        subjects = [ch for ch in node.children if ch.dep_ in _SUBJECT_DEPS]
        if node.pos_ == "NOUN":
            subjects += [ch for ch in node.children if ch.dep_ in {"amod", "compound"}]
        for subj in subjects:
            name = _subject_party(subj, node, resolver)
            if name:
                return name
        if node.head is node:
            break
        nxt = node.head
        if node.dep_ in {"attr", "acomp"} and node.pos_ == "NOUN":
            node = nxt  # "withdrawal remains their priority": the subject is the content
            continue
        if nxt.lemma_ == "be":  # "X's central demand was that ...", "X said it was ready to"
            for ch in nxt.children:
                if ch.dep_ == "nsubj" and ch is not node:
                    name = _subject_party(ch, nxt, resolver)
                    if name:
                        return name
        node = nxt
    return None


def _kind_refined(kind: str, clause: list[Token], sent: Span) -> str:
    c = cues()["condition_triggers"]
    words = {t.lower_ for t in sent}
    if kind == "demand" and (
        {"return", "exchange"} & words and "in" in words or ("in" in words and "turn" in words)
    ):
        return "counter_condition"
    clause_words = {t.lower_ for t in clause}
    if kind in {"demand", "guarantee"} and clause_words & c["precondition_markers"]:
        return "precondition"
    if {"precondition", "prerequisite"} & words:
        return "precondition"
    return kind


def _clause(token: Token) -> list[Token]:
    """The trigger's complement: what is demanded, offered or proposed."""
    parts: list[Token] = []
    for child in token.children:
        if child.dep_ in {
            "dobj",
            "ccomp",
            "xcomp",
            "prep",
            "attr",
            "acl",
            "relcl",
            "advcl",
            "oprd",
            "appos",
            "acomp",
            "dative",
        }:
            parts.extend(child.subtree)
        elif child.dep_ in {"prt", "neg", "aux"} and child.i > token.i:
            parts.append(child)
    if token.pos_ == "AUX" and token.dep_ == "aux":
        parts.extend(t for t in token.head.subtree if t.i > token.i)
    if not parts and token.head is not token and token.head.lemma_ in {"be", "remain"}:
        for child in token.head.children:
            if child.dep_ in {"attr", "ccomp", "acomp", "nsubj"} and child is not token:
                parts.extend(child.subtree)
    return sorted(parts, key=lambda t: t.i)


def _track_speakers(sent: Span, resolver: Resolver) -> None:
    for token in sent:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ == "ROOT":
            if token.pos_ == "PRON":
                continue
            name = resolver.resolve(token)
            if name and name != BOTH_SIDES:
                resolver.last_speaker = name


def find_conditions(doc: Doc) -> list[Clause]:
    resolver = Resolver(doc)
    found: list[Clause] = []
    for sent in doc.sents:
        if sent.text.rstrip().endswith("?"):
            _track_speakers(sent, resolver)
            continue
        for token in sent:
            kind = _trigger_kind(token)
            modal = kind is None
            if modal:
                kind = _modal_kind(token)
                if kind is None:
                    continue
            parts = _clause(token)
            if len(parts) < 2:
                continue
            if modal:
                subject = [
                    t for c in token.children if c.dep_ in {"nsubj", "nsubjpass"} for t in c.subtree
                ]
                parts = sorted([*subject, token, *parts], key=lambda t: t.i)
                party = (
                    _speaker(token, resolver)
                    if kind == "demand"
                    else _party(token, resolver, kind) or None
                )
            else:
                party = _party(token, resolver, kind)
                if kind == "demand" and token.lemma_ in {"need", "must"}:
                    party = _speaker(token, resolver) or party
                party = party or _speaker(token, resolver)
            if party is None:
                continue
            end = max(parts[-1].i, token.right_edge.i if token.pos_ == "VERB" else 0)
            text = doc[parts[0].i : end + 1].text
            found.append(Clause(party, _kind_refined(kind, parts, sent), text, sent))
        _track_speakers(sent, resolver)
    return found


class ConditionReader:
    """Sets `doc._.conditions`; needs `doc._.mentions` from the actor finder."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.conditions = find_conditions(doc)
        return doc


if not Doc.has_extension("conditions"):
    Doc.set_extension("conditions", default=[])


@Language.factory("parley_conditions")
def make_condition_reader(nlp: Language, name: str) -> ConditionReader:
    return ConditionReader()
