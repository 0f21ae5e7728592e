"""The negotiation vocabulary (data/cues.json) and the small syntactic helpers every
reader shares: which words are targets (talks, truce, deal), anchor lemmas, head chains.
Kept apart so that outcomes, timing, conditions and relevance read one lexicon."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Token

DATA = Path(__file__).parent / "data"

# Where the headline ends in `doc.text` (set by the pipeline, 0 when there is none). Every
# reader that tells the headline from the body imports this module, so it is registered here.
if not Doc.has_extension("headline_end"):
    Doc.set_extension("headline_end", default=0)


@lru_cache(maxsize=1)
def cues() -> dict:
    """The lemma classes in data/cues.json, turned into sets once per process."""
    raw = json.loads((DATA / "cues.json").read_text(encoding="utf-8"))
    target_of: dict[str, str] = {}
    for cls in ("talk", "deal", "truce"):  # later classes win: "ceasefire agreement" -> truce
        for word in raw["targets"][cls]:
            target_of[word] = cls
    rules: dict[str, dict[str, str]] = {}
    for rule in raw["rules"]:
        for anchor in rule["anchors"]:
            entry = rules.setdefault(anchor, {})
            for cls in ("talk", "truce", "deal", "none"):
                if cls in rule and cls not in entry:
                    entry[cls] = rule[cls]
    sets = {k: frozenset(v) for k, v in raw.items() if k != "rules" and isinstance(v, list)}
    triggers = {k: frozenset(v) for k, v in raw["condition_triggers"].items()}
    return {"target_of": target_of, "rules": rules, "condition_triggers": triggers, **sets}


# Head nouns that name the talks themselves, whatever they are about ("truce negotiations").
TALK_HEADS = frozenset(
    {"talk", "talks", "negotiation", "negotiations", "dialogue", "summit", "meeting", "round"}
    | {"session", "discussion", "consultation", "conference", "parley", "negotiator"}
)


@lru_cache(maxsize=1)
def verb_forms() -> dict[str, str]:
    """Inflected forms of the one-word anchors ("signs", "signed", "agrees"), for the
    headlines the tagger reads as names: "Myanmar Signs Ceasefire Deal". Regular English
    spelling only (irregular pasts such as "broke" are not headline present tense)."""
    forms: dict[str, str] = {}
    for lemma in cues()["rules"]:
        if " " in lemma or not lemma.isalpha():
            continue
        for form in {lemma, *_inflections(lemma)}:
            forms.setdefault(form, lemma)
    return forms


_VOWELS = frozenset("aeiou")


def _inflections(verb: str) -> tuple[str, str, str]:
    """Third person, past and -ing form by the regular spelling rules: agrees, agreed,
    agreeing; ratifies, ratified; stops, stopped, stopping; signs, signed, signing."""
    if verb.endswith("y") and verb[-2:-1] not in _VOWELS:
        return verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
    third = verb + "es" if verb.endswith(("s", "sh", "ch", "x", "z", "o")) else verb + "s"
    if verb.endswith("e"):
        ing = verb + "ing" if verb.endswith(("ee", "ye", "oe")) else verb[:-1] + "ing"
        return third, verb + "d", ing
    one_syllable = sum(ch in _VOWELS for ch in verb) == 1
    if one_syllable and verb[-1] not in _VOWELS | {"w", "x", "y"} and verb[-2] in _VOWELS:
        return third, verb + verb[-1] + "ed", verb + verb[-1] + "ing"  # stop, plan
    return third, verb + "ed", verb + "ing"


_JOINT_ONLY = frozenset({"statement"})

# "the peace team", "peace activists": a modifier too vague to make its noun a target
_VAGUE_MODIFIERS = frozenset({"peace"})

_PARTICLES = frozenset({"down", "apart", "through", "off", "out", "away", "short", "back", "ahead"})


def lemma_key(token: Token) -> str:
    """How a word is looked up in the lexicon: the lemma of verbs and nouns ("signed" ->
    "sign", "talks" -> "talk"), the lower-cased form of anything else."""
    return token.lemma_.lower() if token.pos_ in {"VERB", "NOUN", "AUX"} else token.lower_


def anchor_key(token: Token) -> str:
    """The anchor's lemma, with its particle for phrasal verbs ("break down")."""
    key = lemma_key(token)
    if token.pos_ == "VERB":
        if key == "take" and any(c.dep_ == "dobj" and c.lower_ == "place" for c in token.children):
            return "take place"
        for child in token.children:
            if child.dep_ in {"prt", "advmod", "acomp", "prep"} and child.lower_ in _PARTICLES:
                return f"{key} {child.lower_}"
    return key


def target_class(token: Token) -> str | None:
    """truce beats deal beats talk within one noun phrase ("ceasefire agreement"), except
    that talks about a truce are still talks: "ceasefire talks ended without a deal" is a
    deadlock of the talks, not a broken truce."""
    table = cues()["target_of"]
    if token.pos_ not in {"NOUN", "PROPN"} and token.tag_ != "VBG":
        return None
    found = {table.get(lemma_key(token)), table.get(token.lower_)}
    if lemma_key(token) in _JOINT_ONLY and not any(
        c.lower_ in {"joint", "common"} for c in token.children
    ):
        found -= {"deal"}  # "a statement signed by the spokesman" is no deal; a joint one is
    if "talk" in found and token.lemma_.lower() in TALK_HEADS:
        return "talk"
    for child in token.children:
        if child.dep_ in {"compound", "amod", "nmod"} and child.lower_ not in _VAGUE_MODIFIERS:
            found.add(table.get(lemma_key(child)) or table.get(child.lower_))
    for cls in ("truce", "deal", "talk"):
        if cls in found:
            return cls
    return None


def chain(token: Token, limit: int = 4) -> list[Token]:
    out = [token]
    while len(out) <= limit and out[-1].head.i != out[-1].i:  # spaCy makes new Token objects
        if out[-1].dep_ in {"ccomp"} and out[-1].head.lemma_ == "say":
            break  # reported speech: the reporting verb does not hedge its content
        out.append(out[-1].head)
    return out
