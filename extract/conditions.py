"""What each side asks, offers or proposes, and who says so.

A condition is a trigger (a verb such as "demand" or "pledge", or a noun such as
"Islamabad's demand for ...") plus the clause it governs. The party is found by syntax:
the trigger's subject or possessor; when that is a pronoun or a generic noun ("officials",
"their team"), the subject of the reporting verb above it ("Afghan officials said their
team had offered ..."). Markers inside the clause refine the kind: "before"/"until" make a
precondition, "in return"/"in turn" a counter-condition.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract.actors import Mention
from extract.outcomes import cues, is_irrealis

_REPORTING = frozenset({"say", "tell", "state", "add", "announce", "insist", "argue", "write"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})


@dataclass
class Clause:
    party: str
    kind: str
    text: str
    sentence: Span


def _trigger_kind(token: Token) -> str | None:
    c = cues()["condition_triggers"]
    key = token.lemma_.lower()
    for kind in ("proposal", "guarantee", "demand"):
        if key in c[kind]:
            if key in {"call", "put", "present", "table"} and not _has_particle(token):
                continue
            if key in {"agree", "accept", "ready", "willing", "prepared"} and not any(
                ch.dep_ in {"xcomp"} for ch in token.children
            ):
                continue
            if key == "plan" and token.pos_ != "NOUN":
                continue
            if key in {"need", "must", "expect"} and token.pos_ != "VERB":
                continue
            return kind
    return None


def _has_particle(token: Token) -> bool:
    """ "call for", "put forward", "present a plan", "tabled a proposal"."""
    for child in token.children:
        if child.dep_ == "prt" and child.lower_ in {"forward", "up"}:
            return True
        if child.dep_ == "prep" and child.lower_ == "for":
            return True
        if child.dep_ == "dobj" and child.lemma_ in {
            "plan",
            "proposal",
            "list",
            "offer",
            "roadmap",
        }:
            return True
    return False


def _mention_in(tokens: list[Token], mentions: list[Mention]) -> str | None:
    idx = {t.i for t in tokens}
    for m in mentions:
        if m.role != "place" and m.kind in {"state", "group", "org"} and m.start in idx:
            return m.canonical
    return None


def _party(token: Token, mentions: list[Mention]) -> str | None:
    node: Token | None = token
    for _ in range(5):
        if node is None:
            break
        subjects = [ch for ch in node.children if ch.dep_ in _SUBJECT_DEPS]
        if node.dep_ in {"dobj", "nsubj", "attr", "pobj"} and node.pos_ == "NOUN":
            subjects += [ch for ch in node.children if ch.dep_ in {"poss", "amod", "compound"}]
        for subj in subjects:
            name = _mention_in(list(subj.subtree), mentions)
            if name:
                return name
        if node.head is node:
            break
        nxt = node.head
        # "X's central demand was that ..." : the noun subject of the copula
        if nxt.lemma_ == "be":
            for ch in nxt.children:
                if ch.dep_ == "nsubj":
                    name = _mention_in(list(ch.subtree), mentions)
                    if name:
                        return name
        if subjects and nxt.lemma_ not in _REPORTING and node.dep_ != "xcomp":
            # A subject that is not an actor ("the government") but not a pronoun either:
            # keep climbing only through reported speech.
            if not all(
                s.pos_ == "PRON" or s.lemma_ in {"official", "team", "side"} for s in subjects
            ):
                pass
        node = nxt
    return None


def _kind_refined(kind: str, span_tokens: list[Token], sent: Span) -> str:
    c = cues()["condition_triggers"]
    words = {t.lower_ for t in sent}
    if (
        kind == "demand"
        and words & set(c["counter_markers"])
        and ("in" in words or "counter" in words)
    ):
        return "counter_condition"
    clause_words = {t.lower_ for t in span_tokens}
    if kind in {"demand", "guarantee"} and clause_words & set(c["precondition_markers"]):
        return "precondition"
    if "precondition" in words or "prerequisite" in words:
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
        }:
            parts.extend(child.subtree)
        elif child.dep_ == "prt":
            parts.append(child)
    if not parts and token.head is not token and token.head.lemma_ == "be":
        for child in token.head.children:
            if child.dep_ in {"attr", "ccomp", "acomp"} and child is not token:
                parts.extend(child.subtree)
    return sorted(parts, key=lambda t: t.i)


def find_conditions(doc: Doc) -> list[Clause]:
    mentions: list[Mention] = doc._.mentions
    found: list[Clause] = []
    for sent in doc.sents:
        used: set[int] = set()
        for token in sent:
            kind = _trigger_kind(token)
            if kind is None:
                continue
            parts = _clause(token)
            if len(parts) < 2:
                continue
            if kind == "guarantee" and is_irrealis(token, "scheduled") and token.pos_ != "NOUN":
                # "would be ready to" still pledges; questions and "if" clauses do not
                if sent.text.rstrip().endswith("?"):
                    continue
            party = _party(token, mentions)
            if party is None:
                continue
            used.update(t.i for t in parts)
            text = doc[parts[0].i : parts[-1].i + 1].text
            found.append(Clause(party, _kind_refined(kind, parts, sent), text, sent))
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
