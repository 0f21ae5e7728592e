"""Who sits in the go-between's chair, by what the article has them do.

Mediation syntax ("mediated by", "X-brokered") is read in actors.py; this module adds the
article-level evidence: a state or body announcing what both sides did, a host state that
also acts, organisations whose standing role is the go-between's, and the balance
between an actor's mediation cues and its evidence as a side.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from spacy.tokens import Token

from extract.actors import usual_roles
from extract.lexicon import target_class

if TYPE_CHECKING:
    from extract.parties import Reading


def hosts(reading: Reading, parties: list[str], score: Counter[str]) -> set[str]:
    """A third state whose city hosts the talks ("talks in Doha") and which the article
    also presents as acting (it speaks, receives, announces) is the host-facilitator.
    A venue alone (Vienna, Geneva) makes no mediator."""
    if not parties:
        return set()
    weaker = min(score[p] for p in parties)
    hosting: Counter[str] = Counter()
    for m in reading.doc._.mentions:
        if m.role != "place" or m.kind != "state" or m.form != "metonym":
            continue
        if any(target_class(t) for t in m.span(reading.doc).sent):
            hosting[m.canonical] += 1
    return {n for n in hosting if score[n] >= 4.0 and score[n] >= 0.4 * weaker}


def never_sides() -> set[str]:
    """Organisations that sit in the go-between's chair or bring aid, not across the table."""
    return set(usual_roles())


def usual_mediators() -> set[str]:
    """Bodies whose standing role in talks is the go-between's (data: "usual_role"):
    prominent in an article about talks, they are its mediator even when no sentence says
    "mediated by" ("UN chief Guterres closed the conference")."""
    return {name for name, role in usual_roles().items() if role == "mediator"}


def is_go_between(
    name: str,
    score: Counter[str],
    mediated: Counter[str],
    between: set[str],
    kinds: dict[str, str],
) -> bool:
    """Mediation syntax outweighs side evidence unless the actor is also named as a side."""
    if not mediated[name]:
        return False
    # Named beside a side, yet mostly in the go-between's words; an organisation "between"
    # the sides is mostly in the middle, so it takes the ordinary test.
    if name in between and kinds.get(name) != "org":
        return mediated[name] * 4 >= score[name]
    return mediated[name] * 8 >= score[name] or mediated[name] >= 2


_ANNOUNCING = frozenset({"announce", "say", "state", "confirm", "declare", "tell", "reveal"})
_BOTH = re.compile(r"\b(both|the two) (sides|parties|countries|delegations)\b", re.IGNORECASE)


def _speaker_head(root: Token) -> Token:
    """ "Ghana's Deputy Foreign Minister ... announced": climb from the modifier to the noun."""
    node = root
    while node.dep_ in {"poss", "amod", "compound", "nmod", "det"} and node.head is not node:
        node = node.head
    if (
        node.dep_ == "pobj"
        and node.head.head.dep_ in {"nsubj", "nsubjpass"}
        and node.head.head.ent_type_ not in {"ORG", "GPE", "NORP"}
    ):
        node = node.head.head  # "the foreign minister of Qatar said", not "the Front of X"
    return node


def _announcing_speaker(head: Token) -> bool:
    """ "X said", "said X", and the passive "as revealed by X"."""
    if head.dep_ == "nsubj":
        return head.head.lemma_.lower() in _ANNOUNCING
    if head.dep_ != "pobj" or head.head.lower_ != "by":
        return False
    verb = head.head.head
    if verb.lemma_.lower() in _ANNOUNCING:
        return True
    # "in a communique released by the Icelandic foreign ministry, both delegations ..."
    return verb.lemma_.lower() in {"issue", "release", "publish"} and verb.head.lemma_.lower() in {
        "statement",
        "communique",
        "communiqué",
        "declaration",
    }


def find_announcers(reading: Reading, leading: list[str]) -> set[str]:
    """A state or body that announces what both sides did ("Ghana's foreign ministry said
    both sides agreed", "as revealed by Zambia's foreign minister") speaks for talks it is
    not a side of: the go-between's voice. `leading` are the strongest candidates; the
    two of them other than the speaker must be named in the sentence."""
    if len(leading) < 2:
        return set()
    doc = reading.doc
    out: set[str] = set()
    for m in doc._.mentions:
        if m.role != "actor" or m.kind not in {"state", "org"}:
            continue
        head = _speaker_head(m.span(doc).root)
        if not _announcing_speaker(head):
            continue
        sides = [n for n in leading if n != m.canonical][:2]
        sent = head.sent
        named = {
            n.canonical
            for n in doc._.mentions
            if sent.start <= n.start < sent.end and n.canonical != m.canonical
        }
        if len(sides) == 2 and (set(sides) <= named or _BOTH.search(sent.text)):
            out.add(m.canonical)
    return out
