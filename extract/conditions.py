"""What each side asks, offers or proposes, and who says so.

A condition is a trigger (a verb such as "demand" or "pledge", a noun such as
"Islamabad's demand for ...", or a modal clause in reported speech: "X said Pakistan
would ...", "Y says any settlement must ...") plus the clause it governs.

The party is found by syntax, in this order: an actor named in the trigger's subject or
possessor; a person whose title ties them to an actor earlier in the article ("Moldovan
President Maia Sandu" makes a later "Sandu insists" Moldova's); a generic noun
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
from extract.clauses import (
    OCCASIONS,
    clause_of,
    embedded_wh,
    substantial,
    tidy,
    trigger_line,
)
from extract.lexicon import cues, target_class

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
        "declare",
        "assert",
        "affirm",
        "reaffirm",
        "underline",
        "underscore",
        "explain",
        "indicate",
        "signal",
        "acknowledge",
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
        self.demand_owner: str | None = None  # whose "demands" the article last named

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
                return self._owner_before(phrase) or self.home_state
            named = generics().get(lemma, set()) | generics().get(phrase.lower_, set())
            for child in phrase.children:  # "the opposition coalition", "rebel leaders"
                if child.dep_ in {"compound", "amod"}:
                    named |= generics().get(child.lemma_.lower(), set())
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

    def _owner_before(self, phrase: Token) -> str | None:
        """ "... Argentine President Javier Milei, with his government insisting": a possessed
        "administration" or "government" is that of the last actor named before it in the
        sentence."""
        if not any(c.dep_ == "poss" and c.pos_ == "PRON" for c in phrase.children):
            return None
        start = phrase.sent.start
        before = [m for m in self.mentions if start <= m.start < phrase.i]
        return before[-1].canonical if before else None


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
            if key in {"call", "put", "present", "table", "push"} and not _has_particle(token):
                continue
            if key == "accept" and _refuses(token):
                return "demand"  # "X would not accept a model that ...": X requires otherwise
            if key in {"agree", "accept", "ready", "willing", "prepared"} and not any(
                ch.dep_ == "xcomp" or (ch.dep_ == "prep" and ch.lower_ == "to")
                for ch in token.children
            ):
                continue
            if key == "plan" and token.pos_ != "NOUN":
                continue
            if key in {"need", "must", "expect"} and token.pos_ != "VERB":
                continue
            if key == "threaten" and not any(
                t.lower_ in {"unless", "if"} for t in token.subtree if t.i > token.i
            ):
                continue  # "threatened to withhold X unless Y": Y is asked
            if key in {"intent", "intention", "readiness"} and not any(
                c.dep_ in {"acl", "prep"} for c in token.children
            ):
                continue
            if key in {"favour", "favor"} and not (
                token.head.lower_ == "in" and any(c.lower_ == "of" for c in token.children)
            ):
                continue  # "in favour of concluding a written truce"
            if key == "interested" and not _keen_on(token):
                continue
            if key == "hope" and token.pos_ == "NOUN" and not _has_particle(token):
                continue  # "hope for a mechanism" asks; "hopes were low" does not
            if key == "necessary" and not any(c.dep_ == "xcomp" for c in token.children):
                continue
            if token.pos_ not in {"VERB", "NOUN", "ADJ"} and not (
                token.pos_ == "AUX" and key == "want"  # the small model's "wants written ..."
            ):
                continue
            if key in {"present", "table", "put"} and _objects_demands(token):
                return "demand"
            return kind
    return None


_ACCUSE = frozenset({"accuse", "blame", "criticise", "criticize", "fault", "condemn"})
_STRIVE = frozenset({"fail", "try", "seek", "attempt", "aim", "struggle", "push", "fight"})


def _sought(token: Token) -> str | None:
    """Demands stated through what the other side will not do or what a party could not
    obtain: "accusing Tiraspol of refusing to free the detainees", "failed to secure a
    binding pledge from Tiraspol"; and a refusal to meet, the terms on which a party
    talks."""
    if token.pos_ != "VERB":
        return None
    lemma = token.lemma_.lower()
    if lemma in {"refuse", "fail", "decline"} and token.dep_ == "pcomp":
        prep = token.head
        if prep.lower_ in {"of", "for"} and prep.head.lemma_.lower() in _ACCUSE:
            return "demand"
    if lemma in {"refuse", "decline"} and token.dep_ != "pcomp":
        talks = {"meet", "negotiate", "talk", "sit", "engage", "attend", "join", "resume"}
        if any(c.dep_ == "xcomp" and c.lemma_.lower() in talks for c in token.children):
            return "precondition"  # "Tbilisi has declined to sit down with Sukhumi's team"
    if lemma in {"get", "obtain", "secure", "extract", "win"} and token.dep_ == "xcomp":
        if token.head.lemma_.lower() in _STRIVE and any(c.dep_ == "dobj" for c in token.children):
            return "demand"
    return None


def _keen_on(adj: Token) -> bool:
    """ "Tokyo is interested in basing the talks on the old treaty": a way forward a party
    puts to the other; "not interested in a step-by-step deal" is none."""
    negated = any(c.dep_ == "neg" for c in (*adj.children, *adj.head.children))
    doing = any(
        c.dep_ == "prep" and c.lower_ == "in" and any(g.dep_ == "pcomp" for g in c.children)
        for c in adj.children
    )
    return doing and not negated


def _refuses(token: Token) -> bool:
    """ "will not accept X", "never accept X": a refusal with an object states a demand."""
    negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in token.children)
    modal = any(
        c.dep_ == "aux" and c.lower_ in {"will", "would", "wo", "'ll", "can", "could", "ca"}
        for c in token.children
    )
    return negated and modal and any(c.dep_ == "dobj" for c in token.children)


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
        if child.dep_ == "prt" and child.lower_ in {"forward", "up"} and token.lemma_ != "call":
            return True
        if (
            child.dep_ == "prep"
            and child.lower_ in {"for", "on", "upon"}
            and token.lemma_ not in {"put", "present", "table"}
        ):  # "put its forces on alert" proposes nothing
            return True
        if child.dep_ in {"xcomp", "advcl"} and any(a.lower_ == "to" for a in child.children):
            return True  # "the opposition calls to allow aid in"
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
    if token.pos_ not in {"VERB", "AUX"} or token.dep_ not in {"ccomp", "conj"}:
        return None
    head = token.head if token.dep_ == "ccomp" else token.head.head
    if token.pos_ == "AUX":  # "we believe it is essential to settle X before anything"
        needed = any(
            c.dep_ == "acomp" and c.lower_ in {"necessary", "essential", "vital", "imperative"}
            for c in token.children
        )
        has_content = any(c.dep_ == "xcomp" for c in token.children)
        return "demand" if needed and has_content and head.lemma_ in _REPORTING else None
    if head.lemma_ not in _REPORTING:
        return None
    auxes = {c.lower_ for c in token.children if c.dep_ == "aux"}
    if auxes & {"must", "should"} or token.lemma_ == "need":
        return "demand"
    if token.lemma_ == "have" and any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in token.children
    ):
        return "demand"  # "X had to be accepted first ..."
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
        if node.head.i == node.i:
            return None
        node = node.head
        if node.lemma_ in _REPORTING:
            for ch in node.children:
                if ch.dep_ in {"nsubj", "nsubjpass"}:
                    return resolver.resolve(ch)
            if node.dep_ in {"advcl", "xcomp", "conj"}:  # "X ruled it out, saying ..."
                for ch in node.head.children:
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
            subjects += [  # "the demands of the insurgents"
                o
                for ch in node.children
                if ch.dep_ == "prep" and ch.lower_ == "of"
                for o in ch.children
                if o.dep_ == "pobj"
            ]
            subjects += [  # "the deadline set by SADC"
                o
                for acl in node.children
                if acl.dep_ == "acl"
                for ag in acl.children
                if ag.dep_ == "agent"
                for o in ag.children
                if o.dep_ == "pobj"
            ]
        for subj in subjects:
            name = _subject_party(subj, node, resolver)
            if name:
                return name
        if node.head.i == node.i:
            break
        nxt = node.head
        if node.dep_ in {"attr", "acomp"} and node.pos_ == "NOUN":
            node = nxt  # "withdrawal remains their priority": the subject is the content
            continue
        if nxt.lemma_ == "be":  # "X's chief demand was that ...", "X said it was ready to"
            for ch in nxt.children:
                if ch.dep_ == "nsubj" and ch.i != node.i:
                    name = _subject_party(ch, nxt, resolver)
                    if name:
                        return name
        node = nxt
    return None


def _ordinal_first(t: Token) -> bool:
    """ "the ceasefire first agreed in Arusha", "the first meeting": an ordinal, not the
    "first" of "disarm first"."""
    return t.lower_ == "first" and (t.dep_ != "advmod" or t.head.tag_ in {"VBN", "VBD"})


def _kind_refined(kind: str, clause: list[Token], sent: Span) -> str:
    c = cues()["condition_triggers"]
    words = {t.lower_ for t in sent}
    if kind == "demand" and (
        {"return", "exchange"} & words and "in" in words or ("in" in words and "turn" in words)
    ):
        return "counter_condition"
    clause_words = {t.lower_ for t in clause if not _ordinal_first(t)}
    if kind in {"demand", "guarantee"} and clause_words & c["precondition_markers"]:
        return "precondition"
    if {"precondition", "prerequisite"} & words:
        return "precondition"
    return kind


def _track_speakers(sent: Span, resolver: Resolver) -> None:
    for token in sent:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head.dep_ == "ROOT":
            if token.pos_ == "PRON":
                continue
            name = resolver.resolve(token)
            if name and name != BOTH_SIDES:
                resolver.last_speaker = name


_MEETING_VERBS = frozenset(
    {
        "meet",
        "hold",
        "resume",
        "continue",
        "host",
        "attend",
        "go",
        "come",
        "travel",
        "return",
        "start",
        "begin",
        "convene",
        "reconvene",
        "maintain",
        "have",
        "lead",
        "send",
        "join",
        "stay",
        "sign",
        "suspend",
        "extend",
        "restart",
    }
)


_MEETINGS = frozenset({"round", "session", "meeting", "summit", "visit", "encounter"})


def _target(token: Token) -> str | None:
    """Talk, truce or deal noun, whatever tag the small model gave it ("agree to
    ceasefire" is sometimes read as a verb)."""
    table = cues()["target_of"]
    if token.lemma_.lower() in _MEETINGS:
        return "talk"
    return target_class(token) or table.get(token.lower_) or table.get(token.lemma_.lower())


def _only_the_talks(token: Token, kind: str, parts: list[Token]) -> bool:
    """ "agreed to a ceasefire", "committed to the talks", "agreed to meet again", "will
    sign the deal": that is the outcome or the calendar, not a condition, unless a
    condition rides on it ("provided attacks cease", "only")."""
    markers = cues()["condition_triggers"]["precondition_markers"] | {"if", "provided"}
    if kind == "proposal" and token.lemma_ == "plan":  # "plans for a summit": the calendar
        return any(
            _target(o)
            for p in token.children
            if p.dep_ == "prep" and p.lower_ == "for"
            for o in p.children
            if o.dep_ == "pobj"
        )
    if kind != "guarantee" or any(t.lower_ in markers and not _ordinal_first(t) for t in parts):
        return False
    lemma = token.lemma_.lower()
    verbs = [
        c
        for c in token.children
        if c.dep_ in {"xcomp", "ccomp"} or (c.dep_ == "acl" and token.pos_ == "NOUN")
    ]
    if verbs:
        return all(_routine_step(v) for v in verbs)
    objects = [c for c in token.children if c.dep_ == "dobj"]
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ in {"to", "on"}:
            objects += [o for o in prep.children if o.dep_ in {"pobj", "pcomp"}]
    objects = [o for o in objects if o.ent_type_ not in {"DATE", "TIME", "GPE"}]  # "on Oct 25"
    if not objects:
        return False
    if any(o.tag_ in {"WDT", "WP"} for o in objects):
        return True  # "which both sides agreed to": the content is elsewhere
    if lemma in {"agree", "sign"}:
        return all(_target(o) for o in objects)
    if lemma in {"commit", "committed", "commitment"}:
        # "committed to a ceasefire" is the event; "committed to peace" is a pledge
        return all(_target(o) in {"talk", "truce"} and o.lemma_ != "peace" for o in objects)
    return False


def _routine_step(verb: Token) -> bool:
    """ "to meet again", "to hold talks in Baghdad", "to sign the deal", "to resume
    negotiations": a meeting verb whose objects are only the talks, places or dates."""
    if _target(verb):
        return True  # "agree to ceasefire", with "ceasefire" read as a verb
    if verb.lemma_.lower() not in _MEETING_VERBS:
        return False
    objects = [c for c in verb.children if c.dep_ in {"dobj", "attr", "xcomp", "ccomp"}]
    if not objects:  # "to meet in Doha", "to return to the table": where and when only
        objects = [
            o
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ in {"to", "for"}
            for o in p.children
            if o.dep_ in {"pobj", "pcomp"}
        ]
    return all(
        _target(o) or o.ent_type_ or o.lemma_.lower() in OCCASIONS or o.pos_ == "PRON"
        for o in objects
    )


def _deal_term(token: Token) -> bool:
    """ "The agreement provides for the rebels to disarm", "the truce includes a
    commitment to ...": terms a deal sets for its signatories."""
    c = cues()["condition_triggers"]
    if token.pos_ != "VERB" or token.lemma_.lower() not in c["deal_term_verbs"]:
        return False
    if any(ch.dep_ == "neg" for ch in token.children):
        return False  # "the accord does not require X": nothing X is bound to
    return any(
        ch.dep_ in {"nsubj", "nsubjpass"} and target_class(ch) in {"deal", "truce"}
        for ch in token.children
    )


def _deal_reached(noun: Token) -> bool:
    """ "X reached a deal with Y to ease sanctions in exchange for ...": the deal's
    infinitive is what X undertakes."""
    if noun.pos_ != "NOUN" or _target(noun) != "deal" or noun.dep_ != "dobj":
        return False
    if noun.head.lemma_.lower() not in {"reach", "sign", "strike", "conclude", "seal", "clinch"}:
        return False
    return any(c.dep_ == "acl" and any(a.lower_ == "to" for a in c.children) for c in noun.children)


def _under_the_deal(token: Token) -> bool:
    """ "Under the accord, the FARC will gather its fighters in camps": a deal term."""
    if token.pos_ != "VERB" or not any(
        c.dep_ == "aux" and c.lower_ in {"will", "would", "shall", "must"} for c in token.children
    ):
        return False
    return any(
        p.dep_ == "prep"
        and p.lower_ in {"under", "in"}
        and any(target_class(o) in {"deal", "truce"} for o in p.children if o.dep_ == "pobj")
        for p in token.children
    )


def _term_party(token: Token, parts: list[Token], resolver: Resolver) -> str:
    """Who a deal term binds: the actor named as the doer inside it, else both sides."""
    for t in parts:
        if t.dep_ in {"nsubj", "nsubjpass", "compound", "poss", "amod"} and t.i != token.i:
            name = resolver.resolve(t)
            if name:
                return name
    for ch in token.children:
        if ch.dep_ in {"nsubj", "nsubjpass"}:
            name = resolver.resolve(ch)
            if name:
                return name
    return BOTH_SIDES


def _read_trigger(token: Token, resolver: Resolver) -> tuple[str, str, list[Token]] | None:
    """The (party, kind, clause tokens) a token opens, if it opens a condition."""
    if _deal_reached(token):
        parts = [t for c in token.children if c.dep_ == "acl" for t in c.subtree]
        party = _party(token, resolver, "guarantee") or _speaker(token, resolver)
        return (party, "guarantee", parts) if party else None
    if _deal_term(token) or _under_the_deal(token):
        if _under_the_deal(token) and _routine_step(token):
            return None  # "under the deal, talks will open on 5 May": the calendar
        parts = clause_of(token)
        if _under_the_deal(token):
            parts = [t for t in token.subtree if t.i >= _subject_start(token)]
            parts = [t for t in parts if not _in_under_phrase(t, token)]
        return _term_party(token, parts, resolver), "guarantee", parts
    kind = _trigger_kind(token) or _sought(token)
    if kind and _disowned(token, kind):
        return None
    if kind and token.pos_ == "NOUN" and token.lemma_ in _DEMAND_NOUNS:
        _remember_owner(token, resolver)
    modal = kind is None
    if modal:
        kind = _modal_kind(token)
        if kind is None or (kind == "guarantee" and _routine(token) and not _conditioned(token)):
            return None
    if embedded_wh(token):
        return None
    parts = clause_of(token)
    if len(parts) < 2 and not modal:
        return None
    if modal:
        subject = [t for c in token.children if c.dep_ in {"nsubj", "nsubjpass"} for t in c.subtree]
        parts = sorted([*subject, token, *parts], key=lambda t: t.i)
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in token.children)
        if passive and kind == "guarantee" and any(c.dep_ == "neg" for c in token.children):
            return None  # "delegates would not be treated fairly": a grievance
        if kind == "demand" and _says_only(token):
            return None
        if kind == "demand" or passive:
            # "Y said prisoners would be released": Y offers it, not the prisoners
            party = _speaker(token, resolver)
        else:
            party = _sibling_subject(token, resolver) or _party(token, resolver, kind)
    else:
        party = _party(token, resolver, kind)
        if kind == "demand" and token.lemma_ in {"need", "must"}:
            party = _speaker(token, resolver) or party
        party = party or _speaker(token, resolver) or _earlier_owner(token, resolver)
    if party is None:
        return None
    if token.pos_ == "NOUN" and token.lemma_ in _DEMAND_NOUNS:
        resolver.demand_owner = party
    return party, kind, parts


def _disowned(token: Token, kind: str) -> bool:
    """ "Kony is wanted for war crimes" asks nothing of a side; "India is not ready to
    retreat", "did not agree to X" offers nothing."""
    if token.pos_ == "VERB" and any(c.dep_ == "auxpass" for c in token.children):
        return kind == "demand" and token.lemma_ in {"want", "seek"}
    if any(  # "offered little evidence", "no commitment"
        c.dep_ == "dobj" and any(g.lower_ in {"little", "no"} for g in c.children)
        for c in token.children
    ):
        return True
    if kind != "guarantee" or token.pos_ == "NOUN":
        return False
    holders = [token, token.head] if token.pos_ == "ADJ" else [token]
    return any(c.dep_ == "neg" or c.lower_ == "never" for h in holders for c in h.children)


def _remember_owner(noun: Token, resolver: Resolver) -> None:
    """ "Riyadh's 13 demands", "the demands of the rebels": whose demands a later "the
    demands" means."""
    for ch in noun.children:
        owners = [ch] if ch.dep_ in {"poss", "compound", "amod"} else []
        if ch.dep_ == "prep" and ch.lower_ in {"of", "by"}:
            owners = [o for o in ch.children if o.dep_ == "pobj"]
        for o in owners:
            name = _subject_party(o, noun, resolver)
            if name and name != BOTH_SIDES:
                resolver.demand_owner = name
                return


def _earlier_owner(noun: Token, resolver: Resolver) -> str | None:
    """ "The demands include ...", "these conditions": the demands already named, whose
    owner the article gave before ("Riyadh's 13 demands")."""
    if noun.pos_ != "NOUN" or noun.lemma_ not in _DEMAND_NOUNS:
        return None
    if not any(c.dep_ == "det" and c.lower_ in {"the", "these", "those"} for c in noun.children):
        return None
    return resolver.demand_owner


def _routine(verb: Token) -> bool:
    """ "Delegations will reconvene on Monday", "she would brief journalists": plans and
    movements, not commitments; nor is anything whose subject is the talks themselves."""
    if verb.lemma_.lower() in cues()["condition_triggers"]["light_verbs"]:
        return True
    return any(
        c.dep_ in {"nsubj", "nsubjpass", "dobj"} and target_class(c) == "talk"
        for c in verb.children
    )


def _says_only(verb: Token) -> bool:
    """ "I have to inform you that ...", "we must say": a speech act, not a demand."""
    heads = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
    return any(h.lemma_.lower() in _SPEECH for h in heads)


_SPEECH = _REPORTING | {"inform", "admit", "tell", "remind", "thank", "congratulate"}


def _conditioned(verb: Token) -> bool:
    """ "The dialogue would not resume unless ...": a condition rides on the routine verb."""
    markers = cues()["condition_triggers"]["precondition_markers"] | {"if", "provided"}
    return any(t.lower_ in markers for t in verb.subtree if t.i > verb.i)


def _subject_start(token: Token) -> int:
    subjects = [c.left_edge.i for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return min(subjects) if subjects else token.i


def _in_under_phrase(t: Token, verb: Token) -> bool:
    return any(
        p.dep_ == "prep" and p.lower_ in {"under", "in"} and t in p.subtree for p in verb.children
    )


def _sibling_subject(token: Token, resolver: Resolver) -> str | None:
    """ "She said Chile would keep ..., but would stop X": the parser hangs the second
    verb on "said"; its subject is that of the first reported verb."""
    if token.dep_ != "conj" or token.head.lemma_ not in _REPORTING:
        return None
    if any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
        return None
    for sib in token.head.children:
        if sib.dep_ == "ccomp" and sib.i < token.i:
            for ch in sib.children:
                if ch.dep_ in {"nsubj", "nsubjpass"}:
                    return _subject_party(ch, sib, resolver)
    return None


def find_conditions(doc: Doc) -> list[Clause]:
    resolver = Resolver(doc)
    found: list[Clause] = []
    for sent in doc.sents:
        if sent.text.rstrip().endswith("?"):
            _track_speakers(sent, resolver)
            continue
        for token in sent:
            read = _read_trigger(token, resolver)
            if read is None:
                continue
            party, kind, parts = read
            line = trigger_line(sent, token)
            parts = [t for t in parts if line.start <= t.i < line.end]
            if not parts or _only_the_talks(token, kind, parts):
                continue
            end = max(parts[-1].i, token.right_edge.i if token.pos_ == "VERB" else 0)
            span = doc[parts[0].i : min(end, line.end - 1) + 1]
            if not substantial(list(span), token):
                continue
            text = tidy(span.text)
            found.append(Clause(party, _kind_refined(kind, parts, sent), text, line))
        _track_speakers(sent, resolver)
    return _without_echoes(found)


def _without_echoes(found: list[Clause]) -> list[Clause]:
    """A clause nested in a longer one of the same party and sentence ("Peru should sign"
    inside "that Peru should sign the treaty") says nothing new to the reader."""
    out = []
    for c in found:
        echo = any(
            o is not c
            and o.party == c.party
            and o.sentence.start == c.sentence.start
            and len(o.text) > len(c.text)
            and c.text in o.text
            for o in found
        )
        if not echo:
            out.append(c)
    return out


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
