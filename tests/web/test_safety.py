"""Article text is data, never markup; and the pages are not open to the network by default."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from flows.web import WebConfigError, create_app, render_report, serve_web
from storage.db import open_database, session_scope
from storage.records import EventRecord
from storage.tracks import record_story
from tests.storage.helpers import EVERY_TRANSITION, story
from tests.web.browser import serve
from tests.web.conftest import settings_for

PAYLOAD = "<script>alert(1)</script>"


def test_a_script_in_an_article_is_shown_as_text_on_every_page(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    record = story("https://news.example/a", "collapsed", datetime(2025, 10, 29, tzinfo=UTC))
    report = dataclasses.replace(
        record.tracks[0],
        events=(
            EventRecord("collapsed", True, f"Talks collapsed {PAYLOAD} on Tuesday.", 0.9),
            EventRecord("ceasefire", False, f"An earlier truce {PAYLOAD} held.", 0.6),
        ),
    )
    record = dataclasses.replace(record, title=f"Breaking {PAYLOAD}", tracks=(report,))
    with session_scope(open_database(settings.database_url)) as session:
        record_story(
            session, record, rules=EVERY_TRANSITION, channels=["jsonl"], now=record.published_at
        )

    with serve(create_app(settings)) as base:
        pages = {path: httpx.get(f"{base}{path}").text for path in ("/", "/tracks/1", "/alerts")}
    pages["report"] = render_report(settings)
    for name, page in pages.items():
        assert "<script>alert" not in page, f"raw script on {name}"
    for name in ("/tracks/1", "report"):
        # the sentence in the evidence list, in the SVG marker titles, and the title link
        assert pages[name].count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5, name


def test_a_token_protected_server_answers_401_without_the_token(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with serve(create_app(settings, token="s3cret")) as base:
        assert httpx.get(f"{base}/").status_code == 401
        assert httpx.get(f"{base}/feeds?token=wrong").status_code == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert httpx.get(f"{base}/alerts", headers=wrong).status_code == 401
        bearer = {"Authorization": "Bearer s3cret"}
        assert httpx.get(f"{base}/alerts", headers=bearer).status_code == 200
        with httpx.Client(base_url=base) as browser:
            assert browser.get("/?token=s3cret").status_code == 200
            # the cookie set by the first visit lets the page's own links work
            assert browser.get("/feeds").status_code == 200


def test_serving_beyond_loopback_without_a_token_is_refused(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        with pytest.raises(WebConfigError, match="token"):
            serve_web(settings, host=host, port=0)


def test_a_javascript_link_from_a_feed_is_never_a_clickable_href(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    hostile = "javascript:fetch('/alerts')"
    record = story(hostile, "collapsed", datetime(2025, 10, 29, tzinfo=UTC))
    with session_scope(open_database(settings.database_url)) as session:
        record_story(
            session, record, rules=EVERY_TRANSITION, channels=["jsonl"], now=record.published_at
        )
    with serve(create_app(settings)) as base:
        response = httpx.get(f"{base}/tracks/1")
    for page in (response.text, render_report(settings)):
        assert 'href="javascript:' not in page.replace(" ", "").lower()
        assert "fetch(" in page  # still shown, as text
    assert "script-src 'none'" in response.headers["content-security-policy"]
