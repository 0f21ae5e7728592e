"""The shared corpora end to end: every feed over HTTP, every page through the cleaner."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable

import httpx
import pytest

from extract.clean import CleanedArticle, NotAnArticle, clean_html
from extract.fetch import FetchPolicy
from tests.http_server import LocalHTTPServer
from tests.ingest.feed_corpus import FEEDS_DIR, check_feed_corpus, declared_headers

HTML_DIR = FEEDS_DIR.parent / "html"
pytestmark = pytest.mark.skipif(not FEEDS_DIR.is_dir(), reason="shared corpus not mounted")


def test_declared_headers_are_read_from_utf8_and_utf16_comments() -> None:
    comment = "<!--\nHeader:  Content-type: text/xml; charset=utf-16\nExpect: not bozo\n-->"
    assert declared_headers(comment.encode("utf-8")) == {"Content-type": "text/xml; charset=utf-16"}
    assert declared_headers(comment.encode("utf-16")) == declared_headers(comment.encode())
    assert declared_headers(comment.encode("utf-32-be")) == declared_headers(comment.encode())


def test_every_corpus_feed_polls_like_plain_feedparser(
    server: LocalHTTPServer, client: httpx.Client, report_line: Callable[[str], None]
) -> None:
    policy = FetchPolicy(timeout_s=5.0)
    summary = check_feed_corpus(server, client, policy)
    report_line(summary.line())
    assert summary.ok + summary.parsed_despite_errors + summary.failed == 2107
    assert summary.mismatches == []
    assert set(summary.failures) <= {"FeedError"}  # no transport errors on a local server
    assert summary.seconds < 60


def test_every_corpus_page_is_cleaned_without_raising(report_line: Callable[[str], None]) -> None:
    pages = sorted(p for p in HTML_DIR.rglob("*.html"))
    assert len(pages) == 205
    articles = not_articles = 0
    reasons: dict[str, int] = {}
    started = time.monotonic()
    for page in pages:
        outcome = clean_html(page.read_bytes(), f"https://corpus.example/{page.name}")
        if isinstance(outcome, CleanedArticle):
            articles += 1
            assert outcome.article.text.strip()
        else:
            assert isinstance(outcome, NotAnArticle) and outcome.reason
            not_articles += 1
            key = outcome.reason.split("(")[0].strip()
            reasons[key] = reasons.get(key, 0) + 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    line = (
        f"html corpus: {len(pages)} pages in {time.monotonic() - started:.1f} s: "
        f"{articles} articles, {not_articles} not articles {reasons}; "
        f"peak RSS of the test process {peak_mb:.0f} MB"
    )
    report_line(line)
    assert articles > 150
