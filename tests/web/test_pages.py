"""The pages a reader sees, rendered by a real Chromium from a database the seeds filled."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from flows.settings import Settings
from flows.web import create_app, write_report
from storage.db import open_database, session_scope
from storage.views import tracks_view
from tests.web.browser import dump_dom, screenshot, serve

pytestmark = [pytest.mark.slow, pytest.mark.model]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PARTIES = "Afghanistan – Pakistan"


def _seeded_track(settings: Settings) -> dict:
    with session_scope(open_database(settings.database_url)) as session:
        tracks = [
            t for t in tracks_view(session) if set(t["parties"]) == {"Afghanistan", "Pakistan"}
        ]
    assert tracks, "the seeds produced no Afghanistan–Pakistan track"
    return tracks[0]


def _svg(dom: str) -> str:
    match = re.search(r"<svg class=\"timeline\".*?</svg>", dom, flags=re.DOTALL)
    assert match, "the track page has no timeline <svg>"
    return match.group(0)


def test_the_index_leads_to_a_timeline_with_both_transitions_and_their_evidence(
    seeded: Settings, tmp_path: Path
) -> None:
    track = _seeded_track(seeded)
    assert track["status"] == "deadlock"
    assert [(t["from"], t["to"]) for t in track["transitions"]] == [
        (None, "collapsed"),
        ("collapsed", "deadlock"),
    ]
    with serve(create_app(seeded)) as base:
        index = dump_dom(f"{base}/", tmp_path / "profile")
        row = re.search(r"<tr class=\"track\".*?</tr>", index, flags=re.DOTALL)
        assert row, "the index lists no track"
        assert PARTIES in row.group(0)
        assert re.search(r"class=\"badge status-deadlock\"[^>]*>deadlock<", row.group(0))
        link = re.search(r"class=\"track-link\" href=\"([^\"]+)\"", row.group(0))
        assert link, "the track row has no link"

        page_url = f"{base}{link.group(1)}"
        page = dump_dom(page_url, tmp_path / "profile")
        shot = screenshot(page_url, ARTIFACTS / "track.png", tmp_path / "profile")
        screenshot(f"{base}/", ARTIFACTS / "index.png", tmp_path / "profile")
    print(f"screenshot: {shot}")

    svg = _svg(page)
    assert len(re.findall(r"<g class=\"transition\"", svg)) == 2
    assert re.findall(r"data-to=\"(\w+)\"", svg) == ["collapsed", "deadlock"]
    assert len(re.findall(r"<g class=\"marker ", svg)) == len(track["events"])
    assert "marker background" in svg, "background events are not drawn apart"
    text = html.unescape(page)
    for transition in track["transitions"]:
        assert transition["sentence"] in text


def test_the_alerts_and_feeds_pages_show_delivery_and_health(seeded: Settings) -> None:
    import httpx

    with serve(create_app(seeded)) as base:
        alerts = httpx.get(f"{base}/alerts").text
        feeds = httpx.get(f"{base}/feeds").text
        missing = httpx.get(f"{base}/tracks/999999")
    assert alerts.count('<tr class="alert">') == 2
    assert "state-delivered" in alerts
    assert "seeds/feed.xml" in feeds and "health-ok" in feeds
    assert missing.status_code == 404


def test_the_report_is_one_offline_file_with_the_same_content(
    seeded: Settings, tmp_path: Path
) -> None:
    out = write_report(seeded, tmp_path / "out" / "report.html")
    source = out.read_text(encoding="utf-8")
    # Article sources stay as links; nothing the page needs to display may come from afar.
    assert not re.search(r"\bsrc\s*=\s*[\"']?(https?:)?//", source, flags=re.IGNORECASE)
    assert not re.search(r"<link\b|<script\b|@import|url\(", source, flags=re.IGNORECASE)
    assert not re.search(r"<(?!a\b)[a-z]+[^>]*\bhref=[\"']https?:", source, flags=re.IGNORECASE)

    dom = dump_dom(out.as_uri(), tmp_path / "profile")
    track = _seeded_track(seeded)
    assert f'href="#track-{track["id"]}"' in dom
    assert f'id="track-{track["id"]}"' in dom
    assert PARTIES in dom
    assert re.search(r"class=\"badge status-deadlock\"[^>]*>deadlock<", dom)
    assert len(re.findall(r"<g class=\"transition\"", _svg(dom))) == 2
    assert 'id="alerts"' in dom and 'id="feeds"' in dom
    text = html.unescape(dom)
    for transition in track["transitions"]:
        assert transition["sentence"] in text
