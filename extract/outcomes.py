"""What happened to a negotiation: status events with their evidence sentence.

An event needs two things: an anchor word ("collapsed", "signed", "impasse") and a target
it is about (talks, a truce or a deal), found through the dependency parse rather than by
matching whole phrases, so that "the truce collapsed" and "talks collapsed" come apart.
Each candidate is then filtered by three linguistic tests that matter more than the
lexicon: negation ("did not collapse", "no violations", a denial), irrealis (modals,
conditionals, warnings, questions) and time (past perfect, "earlier this month", reduced
relative clauses, "since the ceasefire") which turns an event into background.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract.lexicon import TALK_HEADS, anchor_key, chain, cues, lemma_key, target_class, verb_forms
from extract.timing import article_year, is_background


@dataclass
class Cue:
    kind: str
    current: bool
    confidence: float
    sentence: Span
    anchor: int  # token index


def _related(token: Token) -> list[Token]:
    """The words an anchor is about: its subject and object, prepositional objects, and
    for adjectives or participles, the noun they describe."""
    out: list[Token] = []
    for child in token.children:
        if child.dep_ in {"nsubj", "nsubjpass", "dobj", "attr", "compound", "oprd", "poss"}:
            out.append(child)
            if child.lemma_.lower() in _SHARE_NOUNS | _QUANTITY_NOUNS:  # "participation in X"
                out.extend(g for p in child.children if p.dep_ == "prep" for g in p.children)
        elif child.dep_ in {"prep", "agent", "prt"}:
            out.extend(g for g in child.children if g.dep_ == "pobj")
            for inner in child.children:  # "pulled out of the dialogue"
                if inner.dep_ == "prep" and child.lower_ in {"out", "away", "back"}:
                    out.extend(g for g in inner.children if g.dep_ == "pobj")
        elif child.dep_ == "xcomp":
            out.append(child)
            out.extend(g for g in child.children if g.dep_ in {"dobj", "nsubjpass"})
    if token.dep_ in {"amod", "compound", "acl", "relcl", "nmod", "appos"}:
        out.append(token.head)
    if token.dep_ in {"pobj"} and token.head.dep_ == "prep":
        governor = token.head.head
        out.append(governor)
        out.extend(c for c in governor.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"})
    if token.dep_ in {"xcomp", "acomp", "ccomp", "dobj", "conj", "advcl"}:
        out.extend(c for c in token.head.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"})
        if token.dep_ == "dobj":
            out.append(token.head)
    return out


_SHARE_NOUNS = frozenset({"participation", "involvement", "part", "membership", "role"})
# "signed a fresh package of accords": the quantity is not what was signed
_QUANTITY_NOUNS = frozenset({"set", "series", "package", "number", "pair", "raft", "batch"})

_CLASSES = ("truce", "deal", "talk")  # the more specific reading first
_SOURCES = frozenset({"say", "confirm", "announce", "state", "report", "add", "note", "show"})


def _is_source(token: Token) -> bool:
    """ "The statement confirmed that ...": who reports is not what happened."""
    return token.dep_ == "nsubj" and token.head.lemma_.lower() in _SOURCES


# Verbs that are themselves about talks: "the leaders will meet", "agreed to talk".
_TALK_VERBS = frozenset({"meet", "talk", "negotiate"})
_TRUCE_NOUNS = frozenset({"ceasefire", "cease-fire", "truce", "armistice"})


def _find_target(
    token: Token, wanted: frozenset[str] = frozenset(_CLASSES)
) -> tuple[str | None, float, Token | None]:
    """What the anchor is about, how sure that is, and the word that says so. The anchor's
    own object or subject decides ("signed a deal on the truce", "talks fail, the truce
    holds"); then its other neighbours; then a pronoun's antecedent; then nearby words.
    Among neighbours, only classes the anchor has a reading for (`wanted`) compete: talks
    "kicked off" after an agreement was signed are still talks."""
    children = sorted(token.children, key=lambda c: _ARGUMENT_ORDER.get(c.dep_, 9))
    for child in children:
        if child.dep_ in _ARGUMENT_ORDER and target_class(child):
            return target_class(child), 0.85, child
    related = _related(token)
    own = [t for t in related if t.head.i == token.i or t.head.head.i == token.i]
    for group in (own, related):  # "withdrew from talks, ending the truce": own words first
        by_class = {}
        for other in group:
            by_class.setdefault(target_class(other), other)
        if any(t.pos_ == "VERB" and t.lemma_ in _TALK_VERBS for t in [token, *group]):
            by_class.setdefault("talk", None)
        for cls in _CLASSES:
            if cls in by_class and cls in wanted:
                return cls, 0.85, by_class[cls]
    expletive = any(c.dep_ in {"xcomp", "ccomp"} for c in token.children)  # "it was agreed to"
    for child in token.children:
        if child.dep_ in {"dobj", "nsubj", "nsubjpass"} and child.lower_ in {"it", "them"}:
            if expletive and child.lower_ == "it":
                continue
            cls = _antecedent(child)
            if cls:
                return cls, 0.6, None
    sent = token.sent
    lo, hi = max(sent.start, token.i - 4), min(sent.end, token.i + 5)
    near = {}
    for other in token.doc[lo:hi]:
        if other.i != token.i and not _is_source(other):
            near.setdefault(target_class(other), other)
    for cls in _CLASSES:
        if cls in near and cls in wanted:
            return cls, 0.6, near[cls]
    return None, 0.0, None


_ARGUMENT_ORDER = {"dobj": 0, "nsubjpass": 1, "nsubj": 2, "dep": 3}  # "dep": a lost subject

# Fighting is what a truce stops: "agreed to end hostilities" makes a truce, "fighting
# resumed" breaks one; a truce noun reads the other way round ("the truce ended").
_COMBAT_NOUNS = frozenset({"fighting", "fight", "hostility", "hostilities", "fire", "firing"})
_STOPPING = frozenset({"end", "stop", "halt", "cease", "cessation", "lay", "silence"})
_RESTARTING = frozenset(
    {"resume", "resumption", "renew", "reignite", "erupt", "flare", "escalate", "intensify"}
    | {"begin", "start"}
)


def _combat_kind(key: str, target: Token | None, kind: str | None) -> str | None:
    """Stopping the fighting is a ceasefire; renewing it breaks the ceasefire."""
    if target is None or target.lemma_.lower() not in _COMBAT_NOUNS:
        return kind
    if any(ch.lemma_.lower() == "cease" for ch in target.children):
        return kind  # "cease-fire" is split by the tokenizer: a truce, not fighting
    verb = key.split()[0]
    if verb in _STOPPING:
        return "ceasefire"
    if verb in _RESTARTING:
        return "ceasefire_broken"
    return kind


def _antecedent(pronoun: Token) -> str | None:
    """ "accused Armenia of breaching it", "the premier scrapped it": the nearest target noun
    before the pronoun, in its sentence or the one before."""
    doc = pronoun.doc
    start = pronoun.sent.start
    if start > 0:
        start = doc[start - 1].sent.start
    for token in reversed(doc[start : pronoun.i]):
        cls = target_class(token)
        if cls:
            return cls
    return None


def _own_conjunct(node: Token) -> bool:
    """A verb joined by "and"/"but" is a predication of its own; "or"/"nor" share a negation."""
    if node.dep_ != "conj" or node.pos_ not in {"VERB", "AUX"}:
        return False
    return not any(ch.dep_ == "cc" and ch.lower_ in {"or", "nor"} for ch in node.head.children)


_ABRUPT = frozenset({"abrupt", "abruptly", "sudden", "suddenly", "premature", "prematurely"})


def _meeting_ended(end: Token) -> bool:
    """Is what ended a bounded meeting (a summit, a round) rather than the talks?"""
    words = [g for p in end.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
    words += [c for c in end.children if c.dep_ in {"nsubj", "dobj"}]
    if end.dep_ == "pobj" and end.head.dep_ == "prep":
        words += [c for c in end.head.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return any(w.lemma_.lower() in _BOUNDED for w in words)


def _ended_abruptly(token: Token, cls: str | None) -> bool:
    """ "The summit came to an abrupt end", "talks ended abruptly": cut short, not held."""
    if cls != "talk" or token.lemma_.lower() != "end":
        return False
    if _meeting_ended(token):
        return False  # "the summit came to an abrupt end": cut short, its outcome decides
    return any(ch.lower_ in _ABRUPT for ch in token.children)


def is_negated(token: Token) -> bool:
    c = cues()
    for node in chain(token, 2):
        for child in node.children:
            if child.dep_ in {"nsubj", "nsubjpass"} and any(
                g.dep_ == "det" and g.lower_ == "no" for g in child.children
            ):
                return True
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ in {"no", "neither"}):
                return True
            if child.dep_ in {"preconj", "cc"} and child.lower_ in {"neither", "nor"}:
                return True  # "chose neither to ratify nor to walk away"
        if node is not token and node.pos_ in {"NOUN", "PROPN"}:
            break
        if _own_conjunct(node):
            break  # "have not fulfilled our hopes and finally broke off": broke off is not negated
    for node in chain(token, 3):
        if node.dep_ in {"pobj", "pcomp"} and node.head.lower_ == "without":
            return True
        if _under_failure(node):
            return True  # "failed to sign", "missed the deadline to reach", "refused to meet"
        if (
            node.dep_ == "pcomp"
            and node.head.lower_ == "from"
            and node.head.head.lemma_ in {"keep", "prevent", "stop", "save", "spare", "bar"}
        ):
            return True
    return any(t.lemma_.lower() in c["denials"] for t in chain(token, 5)[1:])


_FAILING = frozenset({"fail", "failure", "unable", "refuse", "refusal", "inability"})


def _under_failure(node: Token) -> bool:
    """The complement of a failure: "failed to agree", "a failure to sign", "missed the
    deadline to reach a deal"."""
    if node.dep_ not in {"xcomp", "acl", "ccomp"}:
        return False
    head = node.head
    if head.lemma_.lower() in _FAILING:
        return True
    if head.dep_ == "acomp" and head.lemma_.lower() == "unable":
        return True
    if head.lemma_.lower() in {"have", "be", "remain"} and any(
        c.lower_ == "yet" for c in head.children
    ):
        return True  # "have yet to reach a deal", "remain yet to meet"
    return head.lemma_.lower() == "deadline" and head.head.lemma_.lower() in {"miss", "pass"}


def _is_purpose(token: Token) -> bool:
    """ "talks to reach a deal", "efforts to end the war", "met to discuss": an infinitive
    of purpose or intent is aimed at, not reported."""
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return False
    if _under_failure(token):
        return False  # "missed the deadline to reach a deal" is a failure, read as such
    return token.dep_ in {"advcl", "acl", "relcl"} or (
        token.dep_ == "xcomp" and token.head.pos_ in {"NOUN", "PROPN"}
    )


_REPORTING = frozenset({"say", "announce", "tell", "state", "confirm", "declare", "decide"})


def _has_neg(node: Token) -> bool:
    return any(c.dep_ == "neg" for c in node.children)


def _reported_past(clause: Token) -> bool:
    """The future-in-the-past of reported speech: "said it would withdraw" tells what a
    side decided, not what it might do."""
    head = clause.head
    return (
        clause.dep_ == "ccomp"
        and head.tag_ == "VBD"
        and head.lemma_.lower() in _REPORTING
        and not any(
            t.dep_ == "mark" and t.lower_ in {"if", "unless"}
            for ch in clause.children
            for t in (ch, *ch.children)
        )
    )


_PRESUPPOSING = frozenset({"why", "how"})
# "urged them to delay the dialogue": whatever is urged, the dialogue is on the calendar
_DELAYING = frozenset({"postpone", "delay", "reschedule", "defer"})


def _yes_no_question(token: Token) -> bool:
    """ "Will the truce hold?" asks; "Why did the talks fail?" presupposes that they did."""
    sent = token.sent
    if not sent.text.rstrip().endswith("?"):
        return False
    return not any(t.lower_ in _PRESUPPOSING for t in token.doc[sent.start : token.i])


def is_irrealis(token: Token, kind: str) -> bool:
    """Modal, conditional, warned-of or asked-about: not an event that happened."""
    c = cues()
    if _yes_no_question(token):
        return True
    for child in token.children:  # "agreed in principle": not yet agreed
        if child.dep_ == "prep" and any(g.lower_ == "principle" for g in child.children):
            return True
    if (
        any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
        and token.head.lemma_ == "be"
    ):
        return True  # "was to be initialled by March 3": planned, not done
    future_ok = kind in {"scheduled"}
    if not future_ok and _is_purpose(token):
        return True
    for depth, node in enumerate(chain(token, 4)):
        for child in node.children:
            if child.dep_ in {"aux", "auxpass"} and child.lower_ in c["modals"]:
                if future_ok and child.lower_ in {"will", "would", "'ll", "shall"}:
                    continue
                if child.lower_ == "would" and _reported_past(node):
                    continue  # "announced Russia would halt participation": a decision
                if kind == "deadlock" and child.lower_ in {"could", "can", "ca"} and _has_neg(node):
                    continue  # "we could not reach an accord": an inability, not a maybe
                return True
            if child.dep_ == "mark" and child.lower_ in {"if", "unless", "whether"}:
                return True
        phrasal = any(ch.dep_ == "prt" for ch in node.children)  # "call off" is no call
        delaying = kind == "scheduled" and lemma_key(token) in _DELAYING
        if depth and node.lemma_.lower() in c["hedges"] and not phrasal and not delaying:
            if future_ok and node.lemma_.lower() in _LOOKING_AHEAD:
                continue
            return True
        if depth and node.pos_ == "VERB" and node.dep_ == "ROOT":
            break
    return False


_LOOKING_AHEAD = frozenset({"expect", "plan", "prepare", "ready", "set", "due", "agree"})


def _deadlock_override(token: Token) -> bool:
    """ "no agreement", "without a deal", "failed to agree", "unable to reach": deadlock."""
    c = cues()
    key = lemma_key(token)
    if key in c["deadlock_absences"] and token.pos_ == "NOUN":
        if any(ch.lower_ in {"no", "little"} for ch in token.children):
            return True  # "no agreement", "little headway"
        if token.dep_ == "pobj" and token.head.lower_ == "without":
            return True
        governor = token.head
        if token.dep_ in {"dobj", "attr", "nsubj"} and (
            (governor.dep_ == "pcomp" and governor.head.lower_ == "without")
            or any(ch.dep_ == "neg" for ch in governor.children)
            or (any(ch.lower_ == "enough" for ch in token.children) and governor.lemma_ == "be")
        ):
            return True  # "without finding common ground", "did not reach a deal"
        if token.dep_ == "dobj" and _under_failure(governor):
            return True  # "failed to make progress"
        if (
            token.dep_ == "pobj"
            and governor.dep_ == "prep"
            and (
                any(ch.lower_ in {"no", "little"} for ch in governor.head.children)
                or governor.head.lemma_.lower() == "lack"
            )
        ):
            return True  # "little evidence of progress", "no sign of a deal"
    if key in c["deadlock_failures"]:
        if _under_failure(token):
            return True
        if any(ch.dep_ == "neg" for ch in token.children) and token.pos_ == "VERB":
            return True
    return False


def find_events(
    doc: Doc, published: tuple[int, int] | None = None, denials: list[Cue] | None = None
) -> list[Cue]:
    """Every development the article reports; negated current ones go to `denials`."""
    c = cues()
    rules = c["rules"]
    events: list[Cue] = []
    for sent in doc.sents:
        has_target = any(
            target_class(t) or (t.pos_ == "VERB" and t.lemma_ in _TALK_VERBS) for t in sent
        )
        asks = sent.text.rstrip().endswith("?") and not any(t.lower_ in _PRESUPPOSING for t in sent)
        if not has_target or asks:
            continue
        seen: set[tuple[int, str]] = set()
        for token in sent:
            kind: str | None = None
            conf = 0.0
            if _deadlock_override(token):
                kind, conf = "deadlock", 0.8
            else:
                key = anchor_key(token)
                rule = rules.get(key) or rules.get(token.lower_)
                if not rule:
                    continue
                if token.pos_ == "NOUN" and key not in c["noun_anchors"]:
                    continue
                if token.pos_ not in {"NOUN", "VERB", "ADJ", "ADV", "PROPN"}:
                    continue
                if key in {"fail", "failure"} and any(
                    c.dep_ in {"xcomp", "acl"} for c in token.children
                ):
                    if not _talks_as_subject(token):
                        continue  # "sides failed to agree a truce": the complement is the event
                    kind, conf = "deadlock", 0.85  # "talks failed to break the impasse"
                if _reports_noun_event(token):
                    continue  # "declared the end of the truce": the noun is the event
                wanted = frozenset(rule) - {"none"}
                cls, conf, target = _find_target(token, wanted)
                if key in _LEAVING and conf < 0.85 and _has_own_goal(token):
                    continue  # "rebels start withdrawing from towns": places, not talks
                kind = kind or (rule.get(cls) if cls else None)
                kind = _combat_kind(key, target, kind)
                if _ended_abruptly(token, cls):
                    kind = "collapsed"
                if cls == "deal" and key in _ENDING_DEAL and not _is_argument(target, token):
                    continue  # "each round ended with statements": the deal is not what ended
                if key in _ENDING_VERBS and cls == "talk" and _object_is_talk(token):
                    kind = "collapsed"  # "the president ended the negotiations"
                if _terminated(token):
                    kind = "collapsed"  # "this brings the negotiations to a close"
                if key == "conclude" and cls == "talk" and _object_is_talk(token):
                    kind = "agreement"  # "concluded the negotiations": the text is agreed
                if kind == "agreement" and _stops_fighting(target):
                    kind = "ceasefire"  # "reached a deal to halt the fighting"
                if kind == "agreement" and _is_framework(token):
                    kind = "progress"  # a framework is a step, not the deal
                if kind is None and _agreed_on(token):
                    kind, conf = "agreement", 0.6
                if kind is None and "none" in rule and token.pos_ in {"ADJ", "NOUN", "VERB"}:
                    kind, conf = rule["none"], _bare_confidence(token)
                if kind is None:
                    continue
                if lemma_key(token) in c["state_verbs"] and cls == "truce":
                    kind = "ceasefire"
                if is_negated(token):
                    if kind == "ceasefire" and key in _KEEPING_VERBS:
                        kind = "ceasefire_broken"  # "the truce was not respected"
                    elif kind == "ongoing" and key == "continue" and not _under_failure(token):
                        kind = "collapsed"  # "decided not to continue the negotiations"
                    else:
                        _note_denial(denials, kind, conf, sent, token, published)
                        continue
                kind = _planned(token, key, kind)
            if is_irrealis(token, kind):
                continue
            if (sent.start, kind) in seen:
                continue
            seen.add((sent.start, kind))
            current = not is_background(token, published)
            if lemma_key(token) in c["state_verbs"] and kind == "ceasefire":
                current = False
            events.append(Cue(kind, current, round(conf, 2), sent, token.i))
        if sent.start_char < doc._.headline_end:
            _headline_verbs(sent, events, seen)
        _recalled_nouns(sent, events, seen)
    return events


_NP_END = frozenset({"ADP", "PART", "PUNCT", "VERB", "AUX", "SCONJ", "CCONJ"})


def _headline_verbs(sent: Span, events: list[Cue], seen: set[tuple[int, str]]) -> None:
    """Title Case headlines lose their verbs to the tagger ("Myanmar Signs Ceasefire Deal"
    parses as one name); an anchor's inflected form followed by a target noun phrase is
    read as the verb it is."""
    rules = cues()["rules"]
    for token in sent:
        lemma = verb_forms().get(token.lower_)
        if token.pos_ not in {"NOUN", "PROPN"} or not lemma or lemma in cues()["noun_anchors"]:
            continue
        phrase = []
        for other in sent.doc[token.i + 1 : sent.end]:
            if other.pos_ in _NP_END and other.lower_ != "and":
                break
            phrase.append(other)
        classes = [target_class(t) for t in phrase]
        if not any(classes):
            continue
        if classes[-1] == "talk" and phrase[-1].lemma_.lower() in TALK_HEADS:
            cls = "talk"
        else:
            cls = next(c for c in ("truce", "deal", "talk") if c in classes)
        kind = rules[lemma].get(cls)
        if kind == "agreement" and any(
            t.lemma_.lower() in _FRAMEWORKS or _is_mou(t) for t in phrase
        ):
            kind = "progress"  # "Sign Memorandum of Understanding"
        if kind and (sent.start, kind) not in seen:
            seen.add((sent.start, kind))
            events.append(Cue(kind, True, 0.6, sent, token.i))


def _note_denial(
    denials: list[Cue] | None,
    kind: str,
    confidence: float,
    sent: Span,
    token: Token,
    published: tuple[int, int] | None,
) -> None:
    """ "Talks have not collapsed, the ministry said": not an event, but a statement that a
    status does not hold, which can correct one reported earlier."""
    if denials is None or is_irrealis(token, kind) or is_background(token, published):
        return
    if any(d.sentence.start == sent.start and d.kind == kind for d in denials):
        return
    denials.append(Cue(kind, True, round(confidence, 2), sent, token.i))


_ENDING_VERBS = frozenset({"end", "halt", "stop", "freeze", "break"})
# Meetings have an end of their own: "ended a two-day meeting" concluded it.
_BOUNDED = frozenset({"meeting", "round", "session", "summit", "conference", "visit", "phase"})
_KEEPING_VERBS = frozenset({"respect", "honour", "honor", "observe", "hold", "keep", "uphold"})


# A framework, a roadmap or a memorandum of understanding is a step; a bare memorandum
# between states ("signed a trilateral memorandum") is usually the deal itself.
_FRAMEWORKS = frozenset({"framework", "roadmap", "minutes", "principle"})


def _is_mou(token: Token) -> bool:
    nxt = token.doc[token.i + 1 : token.i + 3]
    return token.lemma_.lower() == "memorandum" and " ".join(t.lower_ for t in nxt) == (
        "of understanding"
    )


def _stops_fighting(deal: Token | None) -> bool:
    """A deal whose content is to stop the fighting: a cessation of hostilities."""
    if deal is None:
        return False
    for acl in deal.children:
        if acl.dep_ == "acl" and acl.lemma_.lower() in _STOPPING:
            objects = [c for c in acl.children if c.dep_ == "dobj"]
            if any(o.lemma_.lower() in _COMBAT_NOUNS for o in objects):
                return True
    return False


def _is_framework(token: Token) -> bool:
    """ "signed a declaration of principles", "agreed a framework", "agreed minutes"."""
    for other in _related(token):
        if other.lemma_.lower() in _FRAMEWORKS or _is_mou(other):
            return True
        for t in other.subtree:
            if (t.lemma_.lower() in _FRAMEWORKS or _is_mou(t)) and t.i - other.i <= 3:
                return True
    return False


def _terminated(token: Token) -> bool:
    """ "brought the negotiations to a close", "put an end to the talks": a side ends them."""
    if token.lemma_.lower() not in {"end", "close", "halt"} or token.pos_ != "NOUN":
        return False
    head = token.head
    if token.dep_ == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() == "bring":
        return _object_is_talk(head.head)
    if token.dep_ == "dobj" and head.lemma_.lower() == "put":
        processes = [g for p in token.children if p.lower_ == "to" for g in p.children]
        return any(
            target_class(g) == "talk" and g.lemma_.lower() not in _BOUNDED for g in processes
        )
    return False


def _object_is_talk(token: Token) -> bool:
    """ "ended the negotiations": a process cut off, not a meeting concluded."""
    return any(
        c.dep_ == "dobj" and target_class(c) == "talk" and c.lemma_.lower() not in _BOUNDED
        for c in token.children
    )


_LEAVING = frozenset({"withdraw", "withdrawal", "pull out", "pull back"})
_SIGNING = frozenset({"sign", "ink", "seal", "initial"})
_DECIDING = frozenset({"agree", "decide", "agreement", "decision", "deal", "accord", "plan"})


def _bare_confidence(token: Token) -> float:
    """An outcome noun with no target: "progress was made" is plainer than "good"."""
    verb = token.head
    made = token.dep_ in {"dobj", "nsubjpass"} and verb.lemma_.lower() in _ACHIEVING
    return 0.7 if token.pos_ == "NOUN" and made else 0.5


_ACHIEVING = frozenset({"make", "achieve", "report", "register", "record", "reach"})


def _agreed_on(token: Token) -> bool:
    """ "The parties agreed on the monitoring protocol": agreeing on something is a deal."""
    return token.lemma_.lower() == "agree" and any(
        c.dep_ == "prep"
        and c.lower_ in {"on", "upon"}
        and any(g.dep_ == "pobj" for g in c.children)
        for c in token.children
    )


def _has_own_goal(token: Token) -> bool:
    """ "withdrew from the towns", "pulled back its troops": the verb says what is left."""
    return any(c.dep_ in {"dobj", "prep"} for c in token.children) or any(
        g.dep_ == "pobj" for c in token.children if c.dep_ == "prt" for g in c.children
    )


def _reports_noun_event(token: Token) -> bool:
    """A verb whose object is itself an event noun ("announced the collapse of the talks",
    "declared an end to the truce") only reports it."""
    if token.pos_ != "VERB":
        return False
    c = cues()
    return any(
        ch.dep_ == "dobj" and lemma_key(ch) in c["noun_anchors"] and lemma_key(ch) in c["rules"]
        for ch in token.children
    )


_ENDING_DEAL = frozenset({"end", "halt", "freeze", "exit", "ditch", "leave"})


def _is_argument(target: Token | None, anchor: Token) -> bool:
    """Is the target what the anchor acts on: its subject or object, or "the end of X"?"""
    if target is None:
        return False
    if target.head.i == anchor.i:
        if target.dep_ == "nsubj" and any(c.dep_ == "dobj" for c in anchor.children):
            return False  # "the accord ends a decade of clashes": the deal does the ending
        return target.dep_ in {"dobj", "nsubj", "nsubjpass", "poss"}
    return target.dep_ == "pobj" and target.head.lower_ == "of" and target.head.head.i == anchor.i


def _talks_as_subject(token: Token) -> bool:
    return any(
        c.dep_ in {"nsubj", "nsubjpass"} and target_class(c) == "talk" for c in token.children
    ) or (token.dep_ == "acl" and target_class(token.head) == "talk")


def _planned(token: Token, key: str, kind: str) -> str:
    """Talks or a signing that were agreed, announced or set are scheduled: "agreed to
    start negotiations", "the agreement to open a formal dialogue", "agreed to sign the
    accord on Thursday", "X and Y to meet"."""
    decided = (
        token.dep_ in {"xcomp", "advcl", "acl"}
        and token.head.lemma_.lower() in _DECIDING
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    )
    if kind == "ongoing" and (_future(token) or decided):
        return "scheduled"
    if kind in {"agreement", "ceasefire"} and key in _SIGNING and (decided or _future(token)):
        return "scheduled"
    if (
        kind == "agreement"
        and key == "agree"
        and any(c.dep_ == "xcomp" and lemma_key(c) in _SIGNING for c in token.children)
    ):
        return "scheduled"  # "agreed to sign an accord": the signing is ahead
    return kind


def _future(token: Token) -> bool:
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children)
    if infinitive and token.dep_ == "ROOT":
        return True  # headline infinitive: "X and Y to hold talks"
    if (
        infinitive
        and token.dep_ in {"acl", "relcl"}
        and token.sent.start_char < token.doc._.headline_end
    ):
        return True  # "Defence chiefs to meet in Tashkent" (headline)
    for node in chain(token, 2):
        for child in node.children:
            if child.dep_ in {"aux", "auxpass"} and child.lower_ in {"will", "would", "'ll"}:
                return True
        if node.lemma_ in {"due", "set", "expect", "schedule", "plan", "ready", "poised"}:
            return True
    return False


def _recalled_nouns(sent: Span, events: list[Cue], seen: set[tuple[int, str]]) -> None:
    """A truce or a named accord mentioned in passing is background: it existed before."""
    for token in sent:
        cls = target_class(token)
        if (
            cls == "truce"
            and token.lemma_.lower() in _TRUCE_NOUNS
            and (sent.start, "ceasefire") not in seen
        ):
            if is_negated(token):
                continue
            seen.add((sent.start, "ceasefire"))
            events.append(Cue("ceasefire", False, 0.4, sent, token.i))
        elif cls == "deal" and token.pos_ in {"NOUN", "PROPN"}:
            named = (
                any(
                    ch.dep_ in {"compound", "nummod", "poss"} and (ch.ent_type_ in {"GPE", "DATE"})
                    for ch in token.children
                )
                or token.text[0].isupper()
            )
            recalled = token.dep_ == "nsubj" and is_background(token.head, token.doc._.published)
            named = named or recalled  # "until a peace deal ended the insurgency in 1998"
            if named and (sent.start, "agreement") not in seen and not is_negated(token):
                seen.add((sent.start, "agreement"))
                events.append(Cue("agreement", False, 0.4, sent, token.i))


class OutcomeReader:
    """Sets `doc._.events`; the publication month comes from `doc._.published`."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.year = article_year(doc)
        denials: list[Cue] = []
        doc._.events = find_events(doc, doc._.published, denials)
        doc._.denials = denials
        return doc


if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])
if not Doc.has_extension("denials"):
    Doc.set_extension("denials", default=[])
if not Doc.has_extension("published"):
    Doc.set_extension("published", default=None)
if not Doc.has_extension("year"):
    Doc.set_extension("year", default=None)


@Language.factory("parley_outcomes")
def make_outcome_reader(nlp: Language, name: str) -> OutcomeReader:
    return OutcomeReader()
