"""The whole pipeline on the two seed articles, served over a real loopback HTTP server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT
from tests.http_server import LocalHTTPServer

SEEDS = PROJECT_ROOT / "seeds"


def _serve_seeds(server: LocalHTTPServer) -> str:
    server.route(
        "/feed.xml",
        body=(SEEDS / "feed.xml").read_bytes(),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
        etag='"seeds-v1"',
        last_modified="Sat, 08 Nov 2025 12:00:00 GMT",
    )
    for path in SEEDS.glob("*.txt"):
        server.route(
            f"/{path.name}",
            body=path.read_bytes(),
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
    return server.url("/feed.xml")


def _write_config(tmp_path: Path, feed_url: str) -> Path:
    config = tmp_path / "parley.toml"
    config.write_text(
        f"""
database_url = "sqlite:///{tmp_path / "parley.db"}"
report_path = "{tmp_path / "report.html"}"

[[feeds]]
url = "{feed_url}"
interval_minutes = 5

[[channels]]
name = "jsonl"
kind = "jsonl"
path = "{tmp_path / "alerts.jsonl"}"
"""
    )
    return config


@pytest.mark.model
@pytest.mark.prefect
@pytest.mark.slow
def test_the_seeds_make_one_track_collapsed_then_deadlocked_and_two_alerts(
    tmp_path: Path, prefect_harness: None
) -> None:
    from flows import monitor
    from flows.prefect_flows import monitor_flow
    from flows.settings import load_settings
    from storage.db import session_scope
    from storage.views import alerts_view, tracks_view

    with LocalHTTPServer() as server:
        config = _write_config(tmp_path, _serve_seeds(server))
        first = monitor_flow(config=str(config))
        second = monitor_flow(config=str(config))
        feed_requests = [r for r in server.requests if r.path == "/feed.xml"]

    assert first["stored"] == 2 and first["transitions"] == 2
    assert (second["new_entries"], second["stored"], second["transitions"]) == (0, 0, 0)
    assert feed_requests[1].headers.get("if-none-match") == '"seeds-v1"'

    engine = monitor.open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        (track,) = tracks_view(session)
        alerts = alerts_view(session)
    assert track["parties"] == ["Afghanistan", "Pakistan"]
    assert track["status"] == "deadlock"
    assert [(t["from"], t["to"]) for t in track["transitions"]] == [
        (None, "collapsed"),
        ("collapsed", "deadlock"),
    ]
    assert track["transitions"][0]["source"].endswith("/002_6f7fb15939a1daa8.txt")
    assert track["transitions"][1]["source"].endswith("/000_3880bb5bf419d4b3.txt")
    assert all(t["sentence"] for t in track["transitions"])
    background = [e for e in track["events"] if not e["current"]]
    assert "ceasefire" in {e["kind"] for e in background}

    assert "collapsed" in (tmp_path / "report.html").read_text()
    lines = (tmp_path / "alerts.jsonl").read_text().splitlines()
    written = [json.loads(line) for line in lines]
    assert [(a["transition"]["from"], a["transition"]["to"]) for a in written] == [
        (None, "collapsed"),
        ("collapsed", "deadlock"),
    ]
    assert [(a["state"], a["channel"]) for a in alerts] == [("delivered", "jsonl")] * 2


@pytest.mark.model
@pytest.mark.prefect
@pytest.mark.slow
def test_a_broken_feed_is_recorded_and_the_other_feeds_still_run(
    tmp_path: Path, prefect_harness: None
) -> None:
    from flows import monitor
    from flows.prefect_flows import monitor_flow
    from flows.settings import load_settings
    from storage import feeds
    from storage.db import session_scope

    with LocalHTTPServer() as server:
        good = _serve_seeds(server)
        server.route("/broken.xml", body=b"<rss><channel><item>", status=500)
        config = _write_config(tmp_path, good)
        config.write_text(
            config.read_text()
            + f'\n[[feeds]]\nurl = "{server.url("/broken.xml")}"\n'
            + f'\n[[feeds]]\nurl = "{server.url("/missing.xml")}"\n'
        )
        summary = monitor_flow(config=str(config))

    assert summary["feed_failures"] == 2 and summary["stored"] == 2
    engine = monitor.open_database(load_settings(config).database_url)
    with session_scope(engine) as session:
        health = {f.url.rsplit("/", 1)[1]: f for f in feeds.list_feeds(session)}
    assert health["broken.xml"].last_status == 500
    assert "500" in (health["broken.xml"].last_error or "")
    assert health["missing.xml"].last_status == 404
    assert health["missing.xml"].consecutive_failures == 1
    assert health["feed.xml"].last_error is None and health["feed.xml"].entries_seen == 2
