"""Ingestion wired to storage: dedupe across feeds, feed health, subscriptions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from flows import monitor
from flows.feeds_admin import feed_views, import_opml, read_opml
from flows.settings import PROJECT_ROOT, load_settings
from storage.db import session_scope
from storage.feeds import list_feeds
from storage.models import Alert, Story, StorySource
from tests.http_server import LocalHTTPServer

ARTICLE = (PROJECT_ROOT / "seeds" / "002_6f7fb15939a1daa8.txt").read_text()


def _rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>t</title><link>{link}</link><guid>{guid}</guid>"
        "<pubDate>Wed, 29 Oct 2025 12:00:00 +0000</pubDate></item>"
        for guid, link in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
    return f"{head}{body}</channel></rss>".encode()


def _settings(tmp_path: Path, feed_urls: list[str], **extra: object):
    return load_settings(
        None,
        database_url=f"sqlite:///{tmp_path / 'p.db'}",
        feeds=[{"url": u} for u in feed_urls],
        channels=[{"name": "jsonl", "kind": "jsonl", "path": str(tmp_path / "a.jsonl")}],
        **extra,
    )


@pytest.mark.model
def test_one_story_through_two_feeds_and_a_syndicated_copy_is_stored_once(tmp_path: Path) -> None:
    with LocalHTTPServer() as server:
        text = {"Content-Type": "text/plain; charset=utf-8"}
        server.route("/world/talks", body=ARTICLE.encode(), headers=text)
        syndicated = ARTICLE.replace("No comments:", "Distributed by Wire Partners.")
        server.route("/partner/story-123", body=syndicated.encode(), headers=text)
        a = server.route(
            "/a.xml",
            body=_rss([("a-1", server.url("/world/talks?utm_source=rss&utm_medium=feed"))]),
        )
        b = server.route(
            "/b.xml",
            body=_rss(
                [
                    ("b-1", server.url("/world/talks?fbclid=XYZ#comments")),
                    ("b-2", server.url("/partner/story-123")),
                ]
            ),
        )
        settings = _settings(tmp_path, [a, b])
        summary = monitor.run_once(settings)
    assert (summary.store.stored, summary.store.duplicates) == (1, 2)
    engine = monitor.open_database(settings.database_url)
    with session_scope(engine) as session:
        assert len(session.exec(select(Story)).all()) == 1
        sources = session.exec(select(StorySource)).all()
    assert {(s.feed_url.rsplit("/", 1)[1], s.guid.rsplit("/", 1)[1]) for s in sources} == {
        ("a.xml", "a-1"),
        ("b.xml", "b-1"),
        ("b.xml", "b-2"),
    }


def test_a_feed_failing_repeatedly_raises_one_feed_health_alert(tmp_path: Path) -> None:
    with LocalHTTPServer() as server:
        server.route("/down.xml", body=b"oops", status=503, headers={"Retry-After": "0"})
        settings = _settings(tmp_path, [server.url("/down.xml")], feed_failure_alert_after=2)
        engine = monitor.open_database(settings.database_url)
        monitor.sync_feeds(engine, settings)
        for _ in range(3):
            outcomes, _ = monitor.poll_feeds(engine, settings)
    assert outcomes[0].status == 503 and "RetryLater" in (outcomes[0].error or "")
    with session_scope(engine) as session:
        alerts = session.exec(select(Alert)).all()
    assert [(a.kind, a.payload["consecutive_failures"]) for a in alerts] == [("feed_health", 2)]
    (view,) = feed_views(settings)
    assert (view["last_status"], view["consecutive_failures"]) == (503, 3)
    assert "503" in view["last_error"] or "RetryLater" in view["last_error"]


def test_opml_import_subscribes_to_every_nested_feed(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body>'
        '<outline text="World"><outline text="A" xmlUrl="https://a.example/rss"/>'
        '<outline text="B" type="rss" xmlUrl="https://b.example/atom"/></outline>'
        "</body></opml>"
    )
    settings = _settings(tmp_path, [])
    assert import_opml(settings, opml, interval_minutes=30) == [
        "https://a.example/rss",
        "https://b.example/atom",
    ]
    assert {v["url"] for v in feed_views(settings)} == {
        "https://a.example/rss",
        "https://b.example/atom",
    }
    (tmp_path / "bad.opml").write_text("<opml><body/></opml>")
    with pytest.raises(Exception, match="lists no feeds"):
        read_opml(tmp_path / "bad.opml")


def _rss_dated(items: list[tuple[str, str, str | None]]) -> bytes:
    body = "".join(
        f"<item><title>t</title><link>{link}</link><guid>{guid}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for guid, link, date in items
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
    return f"{head}{body}</channel></rss>".encode()


@pytest.mark.model
def test_a_later_denial_reverts_the_status_and_sends_a_correction(tmp_path: Path) -> None:
    from storage.views import tracks_view

    background = (
        " The negotiations, mediated by Kenya, aim to end the border war between the two "
        "governments. Ethiopia's government demands the withdrawal of Eritrean troops, and "
        "Eritrea's foreign minister says talks can only succeed with international guarantees."
    )
    articles = {
        "/held": "Peace talks between Ethiopia and Eritrea resumed in Nairobi on Monday, "
        "officials said, with delegations meeting for six hours." + background,
        "/collapsed": "Peace talks between Ethiopia and Eritrea collapsed in Nairobi on "
        "Tuesday after the Eritrean delegation walked out, officials said." + background,
        "/denied": "Peace talks between Ethiopia and Eritrea in Nairobi have not collapsed, "
        "the Ethiopian foreign ministry said on Wednesday, denying reports of a walkout."
        + background,
    }
    with LocalHTTPServer() as server:
        for path, text in articles.items():
            server.route(path, body=text.encode(), headers={"Content-Type": "text/plain"})
        feed = server.route(
            "/feed.xml",
            body=_rss_dated(
                [
                    ("held", server.url("/held"), "Mon, 03 Nov 2025 10:00:00 +0000"),
                    ("collapsed", server.url("/collapsed"), "Tue, 04 Nov 2025 10:00:00 +0000"),
                    ("denied", server.url("/denied"), "Wed, 05 Nov 2025 10:00:00 +0000"),
                ]
            ),
        )
        settings = _settings(tmp_path, [feed])
        monitor.run_once(settings)
    engine = monitor.open_database(settings.database_url)
    with session_scope(engine) as session:
        (track,) = tracks_view(session)
    assert track["parties"] == ["Eritrea", "Ethiopia"]
    assert [(t["from"], t["to"], t["correction"]) for t in track["transitions"]] == [
        (None, "ongoing", False),
        ("ongoing", "collapsed", False),
        ("collapsed", "ongoing", True),
    ]
    assert track["status"] == "ongoing"
    written = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    assert written[-1]["transition"]["correction"] is True
    assert "have not collapsed" in written[-1]["evidence"][0]["sentence"]


def test_shards_split_the_feeds_into_disjoint_parts_that_cover_them_all() -> None:
    urls = [f"https://news{n}.example/rss" for n in range(200)]
    shards = [monitor.Shard.parse(f"{i}/3") for i in range(3)]
    owners = [[s.index for s in shards if s.owns(u)] for u in urls]
    assert all(len(o) == 1 for o in owners)
    assert {o[0] for o in owners} == {0, 1, 2}
    with pytest.raises(ValueError, match="INDEX/COUNT"):
        monitor.Shard.parse("half")
    with pytest.raises(ValueError, match="from 0 to 1"):
        monitor.Shard.parse("2/2")


def test_a_sharded_pass_polls_only_its_own_feeds(tmp_path: Path) -> None:
    with LocalHTTPServer() as server:
        urls = [server.route(f"/f{n}.xml", body=_rss([])) for n in range(20)]
        settings = _settings(tmp_path, urls)
        engine = monitor.open_database(settings.database_url)
        monitor.sync_feeds(engine, settings)
        shard = monitor.Shard.parse("1/2")
        outcomes, _ = monitor.poll_feeds(engine, settings, shard=shard)
        polled = {r.path for r in server.requests}
    assert {o.url for o in outcomes} == {u for u in urls if shard.owns(u)}
    assert polled == {"/" + u.rsplit("/", 1)[1] for u in urls if shard.owns(u)}
    assert 0 < len(polled) < len(urls)


def _subscribe(database_url: str, start: object) -> None:
    from flows.settings import load_settings

    settings = load_settings(
        None,
        database_url=database_url,
        feeds=[{"url": f"https://feed{n}.example/rss"} for n in range(50)],
        channels=[{"name": "c", "kind": "console"}],
    )
    engine = monitor.open_database(database_url)
    start.wait()  # type: ignore[attr-defined]  # all workers insert at the same moment
    monitor.sync_feeds(engine, settings)


@pytest.mark.slow
def test_workers_starting_together_subscribe_the_same_feeds_without_failing(
    database_url: str,
) -> None:
    import multiprocessing

    from storage.db import make_engine, migrate

    migrate(make_engine(database_url))
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(3)
    workers = [context.Process(target=_subscribe, args=(database_url, start)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    engine = monitor.open_database(database_url)
    with session_scope(engine) as session:
        assert len(list_feeds(session)) == 50


TALKS = (
    "Peace talks between Ethiopia and Eritrea {verb} in Nairobi on {day}, officials said."
    " The negotiations, mediated by Kenya, aim to end the border war between the two "
    "governments. Ethiopia's government demands the withdrawal of Eritrean troops, and "
    "Eritrea's foreign minister says talks can only succeed with international guarantees."
)


@pytest.mark.model
def test_entries_polled_before_a_crash_are_stored_by_the_next_pass_despite_a_304(
    tmp_path: Path,
) -> None:
    with LocalHTTPServer() as server:
        text = TALKS.format(verb="collapsed", day="Tuesday")
        server.route("/a", body=text.encode(), headers={"Content-Type": "text/plain"})
        feed = server.route(
            "/feed.xml",
            body=_rss_dated([("a", server.url("/a"), "Tue, 04 Nov 2025 10:00:00 +0000")]),
            etag='"v1"',
        )
        settings = _settings(tmp_path, [feed])
        engine = monitor.open_database(settings.database_url)
        monitor.sync_feeds(engine, settings)
        monitor.poll_feeds(engine, settings)  # ... and the pass dies here
        summary = monitor.run_once(settings)
        feed_requests = [r for r in server.requests if r.path == "/feed.xml"]
    assert summary.feeds[0].not_modified
    assert feed_requests[-1].headers.get("if-none-match") == '"v1"'
    assert summary.store.stored == 1 and len(summary.store.transitions) == 1


@pytest.mark.model
def test_short_similar_reports_of_one_negotiation_are_not_taken_for_copies(
    tmp_path: Path,
) -> None:
    with LocalHTTPServer() as server:
        for path, verb, day in (("/a", "collapsed", "Tuesday"), ("/b", "resumed", "Friday")):
            body = TALKS.format(verb=verb, day=day).encode()
            server.route(path, body=body, headers={"Content-Type": "text/plain"})
        feed = server.route(
            "/feed.xml",
            body=_rss_dated(
                [
                    ("a", server.url("/a"), "Tue, 04 Nov 2025 10:00:00 +0000"),
                    ("b", server.url("/b"), "Fri, 07 Nov 2025 10:00:00 +0000"),
                ]
            ),
        )
        summary = monitor.run_once(_settings(tmp_path, [feed]))
    assert (summary.store.stored, summary.store.duplicates) == (2, 0)
    assert len(summary.store.transitions) == 2


@pytest.mark.model
def test_an_undated_story_does_not_hide_a_dated_one_from_the_same_batch(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    yesterday = (datetime.now(UTC) - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    with LocalHTTPServer() as server:
        for path, verb in (("/undated", "collapsed"), ("/dated", "resumed")):
            body = TALKS.format(verb=verb, day="Monday").encode()
            server.route(path, body=body, headers={"Content-Type": "text/plain"})
        feed = server.route(
            "/feed.xml",
            body=_rss_dated(
                [
                    ("undated", server.url("/undated"), None),
                    ("dated", server.url("/dated"), yesterday),
                ]
            ),
        )
        summary = monitor.run_once(_settings(tmp_path, [feed]))
    assert summary.store.stored == 2
    assert len(summary.store.transitions) == 2


def test_article_fetches_to_one_site_are_paced_but_other_sites_are_not() -> None:
    import time

    pacer = monitor.HostPacer(0.2)
    start = time.monotonic()
    for url in ("https://a.example/1", "https://b.example/1", "https://a.example/2"):
        pacer.wait(url)
    assert 0.15 < time.monotonic() - start < 2  # one wait, for the second a.example page
    start = time.monotonic()
    for _ in range(5):
        pacer.wait("http://127.0.0.1:8080/x")  # our own machine is never paced
    assert time.monotonic() - start < 0.1
