"""Turning a fetched page or a plain-text file into an `ArticleText`.

trafilatura's own `extract()` answers `None` for half a dozen reasons; this module is the
one place that wraps it, so callers get either a `CleanedArticle` or a `NotAnArticle`
that says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import trafilatura
from dateutil import parser as date_parser

from extract.models import ArticleText

# Headline heuristics for plain-text articles: a short first line with no full stop at
# its end, set apart from the body by a blank line.
_MAX_HEADLINE_WORDS = 30
_DATELINE_LINES = 4
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE_PATTERNS = (
    re.compile(rf"\b\d{{1,2}} (?:{_MONTHS})\.? \d{{4}}\b"),
    re.compile(rf"\b(?:{_MONTHS})\.? \d{{1,2}},? \d{{4}}\b"),
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
)
# Trailing furniture that trafilatura or a blog template leaves after the article body.
_TRAILER = re.compile(
    r"^(no comments:?|post a comment|comments? \(\d+\)|comments are moderated.*|share this:?"
    r"|related (stories|articles):?|read more:?|newer post|older post|home)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CleanedArticle:
    article: ArticleText


@dataclass(frozen=True)
class NotAnArticle:
    reason: str


def clean_html(html: str | bytes, url: str) -> CleanedArticle | NotAnArticle:
    """Extract the main text and metadata of an HTML page."""
    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        return NotAnArticle("the page is empty")
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises a zoo of lxml/parser errors
        return NotAnArticle(f"the page could not be parsed: {type(exc).__name__}: {exc}")
    if doc is None:
        return NotAnArticle("no main text was found in the page")
    data = doc.as_dict()
    text = _strip_trailer(data.get("text") or "")
    if len(text.split()) < 20:
        return NotAnArticle(
            f"the main text is too short to be an article ({len(text.split())} words)"
        )
    return CleanedArticle(
        ArticleText(
            source=url,
            text=text,
            title=_normalise_space(data.get("title")),
            published=data.get("date") or None,
            site=data.get("sitename") or data.get("hostname") or None,
            language=data.get("language") or None,
        )
    )


def clean_plain_text(raw: str, source: str) -> CleanedArticle | NotAnArticle:
    """Read a plain-text article: an optional headline on line 1, an optional dateline."""
    # NUL bytes are no text, and PostgreSQL refuses to store them.
    text = raw.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return NotAnArticle("the file is empty")
    lines = text.split("\n")
    title = None
    first = lines[0].strip()
    blank_after = len(lines) > 1 and not lines[1].strip()
    if (
        blank_after
        and len(first.split()) <= _MAX_HEADLINE_WORDS
        and not first.endswith((".", ":", '?"', '."'))
    ):
        title = first
    body_start = 1 if title else 0
    body = _strip_trailer("\n".join(lines[body_start:]).strip())
    return CleanedArticle(
        ArticleText(
            source=source,
            text=body,
            title=title,
            published=_dateline_date(lines[body_start : body_start + _DATELINE_LINES + 2]),
        )
    )


def _dateline_date(lines: list[str]) -> str | None:
    """The date a dateline near the top states, when it names a year."""
    for line in lines:
        if len(line.split()) > 40:
            # A paragraph: only a dateline that opens it counts ("MOSCOW, July 17, 2023 —"),
            # not a date the story mentions further on.
            opening = re.match(r"^[^—–]{0,80}?(?:—|–|--|\(\w+\))", line)
            if opening is None:
                continue
            line = opening.group(0)
        for pattern in _DATE_PATTERNS:
            match = pattern.search(line)
            if match:
                try:
                    return date_parser.parse(match.group(0)).date().isoformat()
                except (ValueError, OverflowError):
                    continue
    return None


def _strip_trailer(text: str) -> str:
    lines = text.rstrip().split("\n")
    while lines and (not lines[-1].strip() or _TRAILER.match(lines[-1].strip())):
        lines.pop()
    return "\n".join(lines)


def _normalise_space(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"\s+", " ", value).strip() or None
