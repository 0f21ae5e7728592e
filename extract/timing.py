"""When an event happened relative to the article: reported now, or recalled.

News reports current events by weekday ("on Tuesday") and recalls older ones with dates,
years, past perfect and subordinate clauses; these tests read that from the parse.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from extract.lexicon import chain, cues, target_class

YEAR = re.compile(r"\b(19|20)\d\d\b")
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_MONTH_ABBR = {m[:3]: i + 1 for i, m in enumerate(_MONTHS)} | {"sept": 9}
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(0[1-9]|1[0-2])-[0-3]\d\b")
_MONTH_RE = "(?:" + "|".join([*_MONTHS, "sept", *(m[:3] for m in _MONTHS)]) + r")\.?"
_FULL_DATE = re.compile(
    rf"\b(?P<m1>{_MONTH_RE})\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)\b"
    rf"|\b(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_RE})\s+(?P<y2>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# "MUSCAT, April 26 —": a dateline with month and day but no year
_DATELINE_DAY = re.compile(
    rf"^[A-Z][A-Za-z .'/-]*,\s+(?P<m>(?i:{_MONTH_RE}))\s+(?P<d>[0-3]?\d)\b", re.M
)
# Reports give the weekday for the past week and the date for what is older.
_RECENT_DAYS = 7


def date_is_past(
    text: str, published: tuple[int, int] | None, past_tense: bool = False, day: int | None = None
) -> bool:
    """A date adverbial that points before the article's own month. Told in the past
    tense, a month other than the article's is last year's ("signed in November", in a
    January report); with no publication date, a bare month ("broke down in August") is
    how news recalls, while today's news goes by weekday or by month and day."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    if {"last", "earlier", "ago", "previous", "past"} & set(words):
        return True
    years = [int(w) for w in words if YEAR.fullmatch(w)]
    if years and published and max(years) < published[0]:
        return True
    if years:
        return False
    has_day = any(w.isdigit() and int(w) <= 31 for w in words)
    days = [int(w) for w in words if w.isdigit() and 1 <= int(w) <= 31]
    for word in words:
        month = _MONTH_ABBR.get(word[:3]) if word in _MONTHS or word in _MONTH_ABBR else None
        if not month:
            continue
        if published and (month < published[1] or (past_tense and month > published[1])):
            return True
        if published and day and month == published[1] and days:
            if max(days) <= day - _RECENT_DAYS:
                return True  # "on April 12", in a report of April 26
        if not published and past_tense and not has_day:
            return True
    return False


_LINK_LINE = re.compile(r"\b(read more|also read|read also|related:|see also|recommended:)", re.I)


def in_link_line(token: Token) -> bool:
    """ "READ MORE: talks hit deadlock": a link to an older story inside the page."""
    sent = token.sent
    before = token.doc.text[sent.start_char : token.idx]
    return bool(_LINK_LINE.search(before))


_REPORTERS = frozenset({"announce", "say", "declare", "confirm", "report", "tell"})
_AUX = frozenset({"aux", "auxpass"})
_NOW = frozenset({"new", "latest", "fresh", "current", "today"})


def _recalls(relative: Token) -> bool:
    """A reduced relative ("the truce agreed in Doha") describes a thing by its past; a full
    one about the subject of the news ("The accord, which was unveiled on Friday, ...")
    can report the news itself, so only a relative on a non-subject recalls. A headline
    drops its auxiliary, so there the participle on the head noun is the predicate ("Peace
    talks suspended after attack")."""
    in_headline = relative.sent.start_char < relative.doc._.headline_end
    if in_headline and relative.head.dep_ == "ROOT" and relative.head.pos_ in {"NOUN", "PROPN"}:
        return False
    if relative.dep_ == "acl":
        return True
    return relative.head.dep_ not in {"nsubj", "nsubjpass"}


def is_background(token: Token, published: tuple[int, int] | None) -> bool:
    """Recalled rather than reported: past perfect, a past time adverbial, a reduced
    relative clause ("the truce agreed in Doha"), or an event inside "since/after X"."""
    c = cues()
    clause = token
    for node in chain(token, 3):
        clause = node
        if node.pos_ in {"VERB", "AUX"}:
            break
    for node in {token, clause}:
        auxes = [ch for ch in node.children if ch.dep_ in {"aux", "auxpass"}]
        if any(a.lemma_ == "have" and a.tag_ == "VBD" for a in auxes):
            return True
    if token.dep_ in {"acl", "relcl"} and token.tag_ in {"VBN", "VBD"} and _recalls(token):
        return True
    if (
        token.dep_ in {"amod", "compound"}
        and token.tag_ == "VBN"
        and target_class(token.head)
        and not any(ch.lower_ in _NOW for ch in token.head.children)
    ):
        return True  # "the Qatar-brokered truce", "the signed accord": it existed before
    if in_link_line(token):
        return True
    if clause.dep_ in {"relcl", "acl"} and clause.tag_ in {"VBD", "VBN"} and _recalls(clause):
        return True
    if clause.dep_ == "advcl" and any(
        ch.dep_ in {"mark", "advmod"} and ch.lower_ in {"after", "since", "before", "when", "once"}
        for ch in clause.children
    ):
        return True
    if token.dep_ == "pobj" and token.head.lower_ in {"since", "before"}:
        return True  # "said after the talks", "following the close of the round": the
        # event just before the report is still the news; dates decide when it is older
    for node in {token, clause}:
        if node.dep_ in {"pcomp", "pobj"} and node.head.lower_ in {"since", "after", "before"}:
            return True
    subjects = [ch for ch in clause.children if ch.dep_ in {"nsubj", "nsubjpass"}]
    if clause.dep_ == "ccomp" and clause.head.lemma_.lower() in _REPORTERS:
        subjects.append(clause.head)  # "in December announced it was suspending": dated report
    past_tense = (
        clause.tag_ == "VBD"
        or clause.head.tag_ == "VBD"
        and clause.dep_ == "ccomp"
        or (
            clause.tag_ == "VBN"
            and any(a.lower_ in {"was", "were", "had"} for a in clause.children if a.dep_ in _AUX)
        )
    )
    year = token.doc._.year
    if year:
        # "the 2003 peace deal is dead": a year naming the accord does not date the event
        years = [
            int(t.text)
            for t in token.sent
            if YEAR.fullmatch(t.text)
            and not (t.dep_ in {"nummod", "compound", "amod"} and target_class(t.head))
        ]
        if years and max(years) < year:
            return True
    for node in {token, clause, *subjects}:
        for child in node.children:
            if child.dep_ in {
                "npadvmod",
                "advmod",
                "prep",
                "tmod",
                "poss",
                "nummod",
                "amod",
                "compound",
                "acl",
            }:
                words = {t.lower_ for t in child.subtree}
                if words & c["background_words"] - {"before", "first", "since"}:
                    return True
                if (
                    node in subjects
                    and target_class(node)
                    and child.dep_ != "acl"
                    and child.lower_ not in _MONTHS
                ):
                    continue  # "the 2003 deal is dead": a year names the accord; a month
                    # dates the meeting ("the June negotiations failed")
                if child.dep_ in {
                    "prep",
                    "npadvmod",
                    "poss",
                    "nummod",
                    "compound",
                    "acl",
                } and date_is_past(
                    " ".join(t.text for t in child.subtree),
                    published,
                    past_tense,
                    token.doc._.published_day,
                ):
                    return True
    return False


def article_year(doc: Doc) -> int | None:
    """The year the article speaks from: its publication date, else the dateline, else the
    latest year it mentions (an undated report is rarely older than what it recalls)."""
    head = doc.text[:400]
    iso = _ISO_DATE.search(head)
    dated = _FULL_DATE.search(doc.text[:1500])
    if doc._.published:
        if dated and _month_of(dated) == doc._.published[1]:
            doc._.published_day = int(dated.group("d1") or dated.group("d2"))
        return doc._.published[0]
    if iso:
        doc._.published = (int(iso.group(1)), int(iso.group(2)))
        doc._.published_day = int(iso.group(0)[-2:])
        return doc._.published[0]
    if dated:  # "Updated May 12, 2025", "29 Oct 2025": the page's own date line
        doc._.published = (int(dated.group("y1") or dated.group("y2")), _month_of(dated))
        doc._.published_day = int(dated.group("d1") or dated.group("d2"))
        return doc._.published[0]
    match = max(YEAR.finditer(head), key=lambda m: int(m.group(0)), default=None)
    if match:
        month = re.search(r"\b(" + "|".join(_MONTH_ABBR) + r")[a-z]*\.?\s+\d", head, re.I)
        if month:
            doc._.published = (int(match.group(0)), _MONTH_ABBR[month.group(1).lower()[:3]])
        return int(match.group(0))
    # Undated: news tells current events by weekday, so an explicit year marks a recall.
    years = [int(m.group(0)) for m in YEAR.finditer(doc.text)]
    year = max(years) + 1 if years else None
    dateline = _DATELINE_DAY.search(doc.text[:600])
    if dateline:  # the year may stay unknown (0): the month and day still date the report
        doc._.published = (year or 0, _MONTH_ABBR[dateline.group("m").rstrip(".")[:3].lower()])
        doc._.published_day = int(dateline.group("d"))
    return year


def _month_of(match: re.Match[str]) -> int:
    month = match.group("m1") or match.group("m2")
    return _MONTH_ABBR[month.rstrip(".")[:3].lower()]


if not Doc.has_extension("published_day"):
    Doc.set_extension("published_day", default=None)
