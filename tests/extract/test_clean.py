"""Plain-text articles: headline, dateline date, trailing blog furniture."""

from __future__ import annotations

from extract.clean import CleanedArticle, clean_plain_text

BODY = " ".join(["The delegations met again and talked about the border for hours."] * 6)


def _read(text: str) -> CleanedArticle:
    result = clean_plain_text(text, "x.txt")
    assert isinstance(result, CleanedArticle)
    return result


def test_a_dateline_opening_a_long_first_paragraph_gives_the_date() -> None:
    article = _read(f"Talks resume\n\nMOSCOW, July 17, 2023 — {BODY}").article
    assert (article.title, article.published) == ("Talks resume", "2023-07-17")


def test_a_date_mentioned_inside_a_paragraph_is_not_a_dateline() -> None:
    article = _read(f"Talks resume\n\nOfficials recalled the March 3, 2019 summit. {BODY}")
    assert article.article.published is None


def test_a_first_line_that_is_a_paragraph_is_not_a_headline() -> None:
    article = _read(BODY + "\n\nMore text.").article
    assert article.title is None


def test_blog_furniture_after_the_body_is_dropped() -> None:
    article = _read(f"Talks resume\n\n{BODY}\n\nNo comments:\n\nPost a Comment").article
    assert article.text.endswith("hours.")
