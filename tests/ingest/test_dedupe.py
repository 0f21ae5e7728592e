"""Recognising the same story twice: canonical URLs and near-duplicate text."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest

from extract.clean import CleanedArticle, clean_html, clean_plain_text
from extract.dedupe import canonical_url, hamming_distance, is_near_duplicate, text_fingerprint

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev"


def _dev_texts() -> dict[str, str]:
    texts = {}
    for path in sorted(DEV.glob("d*.*")):
        raw = path.read_text(encoding="utf-8")
        cleaned = (
            clean_plain_text(raw, path.name)
            if path.suffix == ".txt"
            else clean_html(raw, f"https://dev.example/{path.name}")
        )
        assert isinstance(cleaned, CleanedArticle), path
        texts[path.name] = cleaned.article.text
    return texts


@pytest.fixture(scope="module")
def dev_texts() -> dict[str, str]:
    return _dev_texts()


def test_the_same_article_from_two_feeds_gets_one_canonical_url() -> None:
    via_rss = "HTTPS://News.Example.com:443/world/talks-resume/?utm_source=rss&utm_medium=feed&id=7"
    via_social = "https://news.example.com/world/talks-resume?id=7&fbclid=AbC&ref=tw#comments"
    assert canonical_url(via_rss) == canonical_url(via_social)
    assert canonical_url(via_rss) == "https://news.example.com/world/talks-resume?id=7"


def test_canonical_urls_keep_what_identifies_the_page() -> None:
    assert canonical_url("http://a.example:8080/x?b=2&a=1") == "http://a.example:8080/x?a=1&b=2"
    assert canonical_url("https://a.example/") == "https://a.example"
    assert canonical_url("https://a.example/story?page=2") != canonical_url(
        "https://a.example/story?page=3"
    )


def test_fingerprints_fit_a_signed_bigint() -> None:
    for text in ("", "a", "Talks between the parties resumed on Monday in Doha. " * 50):
        value = text_fingerprint(text)
        assert -(2**63) <= value < 2**63


def test_a_syndicated_copy_with_another_sites_furniture_is_a_near_duplicate(
    dev_texts: dict[str, str],
) -> None:
    for name in ("d001.txt", "d002.html", "d010.txt"):
        body = dev_texts[name]
        paragraphs = body.split("\n")
        copy = "\n".join(
            [
                "REGIONAL WIRE | Home | World | Politics | Business",
                "By Agency staff. Updated 2 hours ago.",
                *paragraphs[:-1],  # the syndicator trims the last paragraph
                "Copyright 2025 Regional Wire. All rights reserved.",
                "Sign up for our morning newsletter. Share this story.",
            ]
        ).replace(" said ", " told reporters ", 2)
        assert is_near_duplicate(text_fingerprint(body), text_fingerprint(copy)), name


def test_different_dev_articles_are_never_near_duplicates(dev_texts: dict[str, str]) -> None:
    prints = {name: text_fingerprint(text) for name, text in dev_texts.items()}
    assert len(prints) == 48
    close = [
        (a, b, hamming_distance(prints[a], prints[b]))
        for a, b in combinations(prints, 2)
        if is_near_duplicate(prints[a], prints[b])
    ]
    assert close == []
