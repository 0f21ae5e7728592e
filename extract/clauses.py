"""The content of a condition: the clause a trigger governs, cut to what is asked.

A trigger's complement is what is demanded, offered or proposed; its adjuncts of time,
place and manner ("in a statement", "at the meeting"), a noun's "of" owner and the
commentary hung on it ("..., expressing gratitude to Qatar") are not. Scraped pages glue
headlines and link lists to the next sentence, so a clause also stops at its own line.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from extract.lexicon import cues, target_class


def clause_of(token: Token) -> list[Token]:
    """The trigger's complement: what is demanded, offered or proposed. Adjuncts of time,
    place and manner ("in a statement", "at the meeting", "after weeks of fighting") and,
    on a noun, its "of" owner ("the demands of the rebels") are not part of it."""
    c = cues()["condition_triggers"]
    parts: list[Token] = []
    for child in token.children:
        if child.dep_ == "prep" and not _content_prep(child, token, c):
            continue
        if child.dep_ == "advcl" and not _conditional(child, c):
            continue  # "..., expressing gratitude to Qatar": commentary, not content
        if child.dep_ == "appos" and token.pos_ != "NOUN":
            continue  # "FACT, the main opposition group": a name, not content
        if child.dep_ == "relcl" and _object_relative(child):
            continue  # "the conditions they had set": the noun is the object
        if child.dep_ == "acl" and any(g.dep_ == "agent" for g in child.children):
            # "demands made by the EU": who made them is the party, not the content
            agents = {t.i for g in child.children if g.dep_ == "agent" for t in g.subtree}
            parts.extend(t for t in child.subtree if t.i not in agents and t.i != child.i)
            continue
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
    if not parts and token.pos_ == "NOUN":
        parts = _listed_content(token)
    if token.pos_ == "NOUN" and token.dep_ == "dobj":
        for sib in token.head.children:  # "stressed its commitment to X provided Y cease"
            if sib.dep_ in {"advcl", "ccomp"} and sib.i > token.i and _if_clause(sib):
                parts.extend(sib.subtree)
    return sorted(parts, key=lambda t: t.i)


OCCASIONS = frozenset(
    {
        "statement",
        "interview",
        "speech",
        "remark",
        "letter",
        "post",
        "message",
        "briefing",
        "conference",
        "meeting",
        "talk",
        "session",
        "call",
        "address",
        "tweet",
        "video",
        "report",
        "capital",
        "city",
        "region",
        "area",
        "country",
        "week",
        "month",
        "year",
        "day",
        "past",
        "time",
        "part",
        "future",
        "date",
        "moment",
    }
)


_COUNTERPARTS = frozenset(
    {
        "delegation",
        "side",
        "counterpart",
        "government",
        "team",
        "negotiator",
        "representative",
        "leader",
        "official",
        "envoy",
        "minister",
        "president",
        "mediator",
        "rebel",
        "group",
        "neighbour",
        "neighbor",
        "party",
        "country",
    }
)


def _object_relative(relcl: Token) -> bool:
    """A relative clause with its own subject ("they had set") says who made the noun,
    not what it contains ("a plan that would see troops withdraw", "a demand that Kinshasa
    hold talks" do: their verb has its own object)."""
    if any(
        c.dep_ in {"dobj", "ccomp", "xcomp", "attr"}
        and c.tag_ not in {"WDT", "WP"}
        and c.lower_ not in {"that", "which"}
        for c in relcl.children
    ):
        return False
    return any(
        c.dep_ in {"nsubj", "nsubjpass"} and c.tag_ not in {"WDT", "WP"} and c.lower_ != "that"
        for c in relcl.children
    )


def _content_prep(prep: Token, trigger: Token, c: dict) -> bool:
    """Is this preposition part of what is asked ("call for", "insist on", "committed to")
    rather than an adjunct ("in a statement", "on Monday", "with Kabul")?"""
    word = prep.lower_
    objects = [o for o in prep.children if o.dep_ in {"pobj", "pcomp"}]
    if word == "in":  # "in return for", "in good faith"; not "in a statement", "in Doha"
        return not any(o.ent_type_ or o.lemma_.lower() in OCCASIONS for o in objects)
    if word == "of" and trigger.pos_ == "NOUN" and trigger.lemma_ not in {"favour", "favor"}:
        return False  # "the request of Qatar": the owner, read as the party
    if word == "on" and any(o.ent_type_ in {"DATE", "TIME"} for o in objects):
        return False
    if any(o.tag_ in {"WDT", "WP"} for o in objects):
        return False  # "in which", "to which": the content is the antecedent
    if any(o.lemma_ == "part" and any(p.dep_ == "poss" for p in o.children) for o in objects):
        return False  # "for its part", "on their part"
    if word == "with":  # "deal with the dispute", not "agreed with us", "with Kabul"
        return not any(
            o.pos_ in {"PROPN", "PRON"}
            or o.ent_type_
            or target_class(o)
            or o.lemma_.lower() in _COUNTERPARTS
            for o in objects
        )
    return word in c["content_preps"] and word not in c["adjunct_preps"]


def _conditional(advcl: Token, c: dict) -> bool:
    """An adverbial clause carries a condition when it opens with "if", "unless",
    "provided", "until", "before", "once" or is a purpose "to"-clause."""
    marks = {ch.lower_ for ch in advcl.children if ch.dep_ in {"mark", "aux", "advmod", "prep"}}
    if advcl.lower_ == "provided" or advcl.lower_ in c["precondition_markers"]:
        return True
    return bool(
        marks
        & {"if", "unless", "once", "until", "before", "provided", "to", "while", "long", "after"}
    )


def _if_clause(verb: Token) -> bool:
    """ "if ...", "unless ...", "provided ...", "as long as ...": a condition proper."""
    if verb.lower_ == "provided":
        return True
    marks = {ch.lower_ for ch in verb.children if ch.dep_ in {"mark", "advmod"}}
    return bool(marks & {"if", "unless", "once", "until", "provided", "long"})


def _listed_content(noun: Token) -> list[Token]:
    """ "The demands include X and Y", "X is one of the demands of Y", "demands
    range from X to Y": the content sits around the noun, not under it."""
    head = noun.head
    out: list[Token] = []
    if noun.dep_ in {"nsubj", "nsubjpass"} and head.lemma_ in {
        "include",
        "be",
        "remain",
        "cover",
        "range",
        "involve",
        "comprise",
        "concern",
    }:
        for child in head.children:
            if child.dep_ in {"dobj", "attr", "ccomp", "acomp", "xcomp"} or (
                child.dep_ == "prep" and child.lower_ in {"from", "to"}
            ):
                out.extend(child.subtree)
    elif noun.dep_ in {"attr", "acomp"} and head.lemma_ in {"be", "remain"}:
        for child in head.children:  # "withdrawal remains their priority"
            if child.dep_ in {"attr", "ccomp", "acomp", "nsubj"} and child.i != noun.i:
                out.extend(child.subtree)
    elif noun.dep_ == "pobj" and head.lower_ in {"of", "among"} and head.head.dep_ == "attr":
        verb = head.head.head  # "X is (part) of the demands": X
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                out.extend(child.subtree)
    elif noun.dep_ == "dobj" and head.lemma_ == "have":
        for child in noun.children:  # "have various demands from X to Y"
            if child.dep_ == "prep" and child.lower_ in {"from", "to", "including"}:
                out.extend(child.subtree)
    return out


def trigger_line(sent: Span, token: Token) -> Span:
    """The part of a sentence on the trigger's own line. Scraped pages glue a headline,
    a photo credit or a list of links to the next sentence; a blank line, or a line break
    before a capital or a digit, ends the text a condition may come from."""
    doc = sent.doc
    start, end = sent.start, sent.end
    for t in doc[sent.start : token.i]:
        if _breaks_line(t):
            start = t.i + 1
    for t in doc[token.i : sent.end]:
        if _breaks_line(t):
            end = t.i
            break
    return doc[start:end]


def _breaks_line(t: Token) -> bool:
    if "\n" not in t.text and "\n" not in t.whitespace_:
        return False
    if "\n\n" in t.text or "\n\n" in t.whitespace_ or t.i + 1 >= len(t.doc):
        return True
    nxt = t.doc[t.i + 1]
    return nxt.text[:1].isupper() or nxt.text[:1].isdigit()


def tidy(text: str) -> str:
    """One line, single spaces, no dangling punctuation at the end."""
    text = " ".join(text.split())
    text = text.rstrip(" .,;:-—–")
    if text.count("“") < text.count("”") or text.count('"') % 2:
        text = text.rstrip('”"')
    return text.rstrip(" .,;:")


def substantial(parts: list[Token], trigger: Token) -> bool:
    """Does the clause say something? "to do", "from Kabul", "to peace" do not: at
    least two content words, and not only light verbs ("to stay", "to know more")."""
    light = cues()["condition_triggers"]["light_verbs"]
    content = [
        t
        for t in parts
        if t.pos_ in {"NOUN", "PROPN", "NUM", "ADJ", "VERB"}
        and not t.is_stop
        and t.lemma_.lower() not in light
    ]
    return len(content) >= 2 and any(t.pos_ in {"NOUN", "VERB"} for t in content)


def embedded_wh(token: Token) -> bool:
    """ "where we hope to end up", "what voters wish to see": a wish inside a wh-clause
    is not a party's position."""
    if token.dep_ not in {"relcl", "ccomp", "advcl", "pcomp"}:
        return False
    for t in token.subtree:
        if t.i >= token.i:
            break
        if t.tag_ in {"WP", "WRB"}:
            return True
        if t.tag_ == "WDT" and t.dep_ in {"nsubj", "dobj"} and _under(t, token) == "ccomp":
            return True  # "benefits, which we hope will follow": the wish is the antecedent
    return False


def _under(t: Token, top: Token) -> str | None:
    """The dependency by which `t`'s branch hangs from `top`."""
    while t.head.i != top.i and t.head.i != t.i:
        t = t.head
    return t.dep_ if t.head.i == top.i else None
