"""Which round of talks the article reports ("the third round", "round 5"): the one in
the headline or in current news, not a recalled earlier round, one held elsewhere than the
venue, or the next one, unless nothing better is said."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from extract.outcomes import Cue
from extract.parties import Reading
from extract.venue import is_recalled

_ORDINAL = (
    r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|\d+(?:st|nd|rd|th))"
)
ROUND = re.compile(
    _ORDINAL + r"(?:\s+and\s+final)?(?:\s+[\w-]+){0,2}?\s+round\b"
    r"|\bround\s+(\d+)\b",
    re.IGNORECASE,
)


_BEFORE_PAST = re.compile(r"\b(earlier|previous|prior|last|former)\b[^.]*$")
_BEFORE_AHEAD = re.compile(
    r"\b(next|upcoming|forthcoming|planned|proposed|for the|ahead of the)\s+$"
)


def choose_round(
    reading: Reading, venue: str | None = None, elsewhere: frozenset[str] = frozenset()
) -> str | None:
    """The ordinal of the round the article reports: from the headline or a sentence of
    current news, not one that recalls an earlier round ("the first round, held in Arusha
    last week" when this round is in Lusaka; "had held a first round") or names the
    next ("no date for the fourth round"); those only when nothing better is said.
    `venue` and `elsewhere` come from venue_and_elsewhere."""
    doc = reading.doc
    events: list[Cue] = doc._.events
    recalled = {e.sentence.start for e in events if not e.current} - {
        e.sentence.start for e in events if e.current
    }
    fallback: str | None = None
    for match in ROUND.finditer(doc.text):
        value = (match.group(1) or match.group(2)).lower()
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        before = doc.text[max(0, match.start() - 30) : match.start()].lower()
        if _BEFORE_PAST.search(before) or (
            span is not None
            and (_past_perfect(span.root) or _held_elsewhere(span.sent, venue, elsewhere))
        ):
            continue
        if span is None or span.sent.start in recalled or _BEFORE_AHEAD.search(before):
            fallback = fallback or value
            continue
        return value
    return fallback


def _past_perfect(token: Token) -> bool:
    """ "the host had already organised a first round in March 2017": recalled. A bare
    past perfect is common in reports of the current round ("had pressed for X at the
    13th round"), so it needs "already" or a past date as well."""
    for _ in range(3):
        if token.pos_ in {"VERB", "AUX"}:
            perfect = any(c.dep_ == "aux" and c.lower_ in {"had", "'d"} for c in token.children)
            already = any(c.lower_ == "already" for c in token.children)
            return perfect and (already or is_recalled(token))
        if token.head.i == token.i:
            return False
        token = token.head
    return False


def _held_elsewhere(sent: Span, venue: str | None, elsewhere: frozenset[str]) -> bool:
    """The sentence places talks somewhere other than the venue of the current round."""
    if not venue or venue in sent.text:
        return False
    return any(name in sent.text for name in elsewhere)
