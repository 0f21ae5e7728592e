"""The dateline of a news page ("LUSAKA, May 2 (Reuters) -", "ARUSHA/MASERU:", "The
Namibian – Windhoek"): where the reporter files from, which venue.py counts as weak
evidence of the venue. Kicker words ("EXCLUSIVE:", "Analysis:") and a side's own name
before a colon are not datelines."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from extract.parties import Reading
from extract.places import NOT_PLACES, known_actor, pretty_name

# "TALLINN —", "WINDHOEK, Mar 3 (Reuters) -", "ARUSHA/LUSAKA:", "Maseru —",
# "MONTREUX (Switzerland) •", "Salalah, Oman –", "June 4, 2025 – Praia, Cape Verde:"
_SEP = r"(?:—|–|-{1,2}|•|:)"
_NAME = r"[A-Z][\w'’\-\.]*(?: [A-Z][\w'’\-\.]*){0,3}"
_DATELINE = re.compile(
    r"^[ \t]*(?:(?:date\s+)?\d{4}-\d{2}-\d{2}\s+)?"
    r"(?:[A-Z][a-z]+\.? \d{1,2},? \d{4}\s*" + _SEP + r"\s*)?"
    r"(?P<places>" + _NAME + r"(?:\s*/\s*" + _NAME + r")*)"
    r"(?:,[ \t]*[\w.'’]+(?:,?[ \t][\w.'’]+){0,3})?(?:[ \t]*\([^)\n]{1,40}\))?"
    r"\s*(?P<sep>(?:—|–)\s*|(?:-{1,2}|•|:)(?:\s|$))",
    re.MULTILINE,
)
# Kicker words that open a line like a dateline: "EXCLUSIVE:", "UPDATE -", "Analysis:".
_KICKERS = frozenset(
    """by and the updated update published photo photos video watch live breaking exclusive
    analysis explainer opinion editorial comment factbox timeline interview news world
    politics business sport sports latest feature review editor note source read more
    listen advertisement""".split()
)
# "The Namibian – Windhoek": an agency line that ends with the place.
_AGENCY_LINE = re.compile(
    r"^[ \t]*(?:(?:date\s+)?\d{4}-\d{2}-\d{2}\s+)?[A-Z][\w .]{1,40}\s+(?:—|–|-)\s+"
    r"(?P<places>[A-Z][\w'’\-]+)[ \t]*$",
    re.MULTILINE,
)


def dateline_places(reading: Reading, parties: set[str]) -> list[str]:
    """Places in the first dateline near the top of the article that names somewhere
    other than a side; all-caps forms need no gazetteer entry, title-case ones must be
    known places."""
    doc = reading.doc
    head = doc.text[reading.prefix : reading.prefix + 700]
    matches = sorted(
        list(_DATELINE.finditer(head))[:8] + list(_AGENCY_LINE.finditer(head))[:2],
        key=lambda m: m.start(),
    )
    for match in matches:
        found: list[str] = []
        kicker = "sep" in match.re.groupindex and match.group("sep").strip() == ":"
        for part in re.finditer(r"[^/]+", match.group("places")):
            name = part.group(0).strip(" .")
            offset = reading.prefix + match.start("places") + part.start()
            offset += len(part.group(0)) - len(part.group(0).lstrip(" ."))
            if _is_dateline_place(doc, offset, name, kicker):
                found.append(pretty_name(name))
        # "Namibia: ..." is a kicker naming a side; the dateline may follow.
        if any(
            not ((a := known_actor(f)) and a.form == "name" and a.canonical in parties)
            for f in found
        ):
            return found
    return []


def _is_dateline_place(doc: Doc, offset: int, name: str, colon: bool = False) -> bool:
    """All-caps names are datelines unless they are kicker words; a title-case name
    must be a known state or capital, or one the model tags as a place; before a colon
    ("Africa: ...", "Politics: ...") only a known city will do."""
    words = name.lower().split()
    if len(name) < 3 or name.lower() in NOT_PLACES or any(w in _KICKERS for w in words):
        return False
    actor = known_actor(name) or known_actor(pretty_name(name))
    if actor:
        return actor.kind == "state"
    if name.isupper():
        return True
    if colon:
        return False
    span = doc.char_span(offset, offset + len(name), alignment_mode="expand")
    return bool(span) and any(t.ent_type_ in {"GPE", "FAC"} for t in span)
