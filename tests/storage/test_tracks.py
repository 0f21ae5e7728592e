"""Track state on SQLite and on PostgreSQL: the same rules on both."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage import tracks
from storage.db import make_engine, migrate, session_scope
from storage.models import Alert, Transition
from storage.records import AlertRule, EventRecord
from storage.views import tracks_view
from tests.storage.helpers import ALL_STATUSES, EVERY_TRANSITION, story

T0 = datetime(2025, 10, 29, 12, tzinfo=UTC)
CHANNELS = ["jsonl", "webhook"]


def _engine(database_url: str):
    engine = make_engine(database_url)
    migrate(engine)
    return engine


def _record(engine, record, rules=EVERY_TRANSITION):
    with session_scope(engine) as session:
        return tracks.record_story(
            session, record, rules=rules, channels=CHANNELS, now=datetime.now(UTC)
        )


def _transitions(engine) -> list[tuple[str | None, str]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Transition).order_by(Transition.at)).all()
        return [(t.from_status, t.to_status) for t in rows]


def test_reports_in_publication_order_make_a_timeline_of_transitions(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "collapsed", T0, background=("ceasefire",)))
    _record(engine, story("https://a.example/2", "deadlock", T0 + timedelta(days=10)))
    assert _transitions(engine) == [(None, "collapsed"), ("collapsed", "deadlock")]
    with session_scope(engine) as session:
        (view,) = tracks_view(session)
    assert view["status"] == "deadlock"
    assert [e["kind"] for e in view["events"] if not e["current"]] == ["ceasefire"]


def test_each_transition_writes_one_outbox_row_per_channel(database_url: str) -> None:
    engine = _engine(database_url)
    recorded = _record(engine, story("https://a.example/1", "collapsed", T0))
    assert len(recorded.alert_ids) == len(CHANNELS)
    with session_scope(engine) as session:
        alerts = session.exec(select(Alert)).all()
    assert sorted(a.channel for a in alerts) == sorted(CHANNELS)
    assert all(a.payload["transition"]["to"] == "collapsed" for a in alerts)
    assert all(a.payload["evidence"][0]["source"] == "https://a.example/1" for a in alerts)


def test_a_late_older_article_enters_the_timeline_without_overriding(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/new", "deadlock", T0 + timedelta(days=10)))
    late = _record(engine, story("https://a.example/old", "collapsed", T0))
    assert late.transition_ids == () and late.alert_ids == ()
    assert _transitions(engine) == [(None, "collapsed"), ("collapsed", "deadlock")]
    with session_scope(engine) as session:
        (view,) = tracks_view(session)
    assert view["status"] == "deadlock"
    assert {e["kind"] for e in view["events"]} == {"deadlock", "collapsed"}


def test_the_same_status_from_another_source_adds_a_source_not_a_transition(
    database_url: str,
) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "collapsed", T0))
    again = _record(engine, story("https://b.example/1", "collapsed", T0 + timedelta(hours=2)))
    assert again.transition_ids == () and again.alert_ids == ()
    with session_scope(engine) as session:
        (transition,) = session.exec(select(Transition)).all()
    assert transition.sources == 2


def test_corroboration_threshold_holds_the_alert_until_enough_sources(database_url: str) -> None:
    engine = _engine(database_url)
    rules = [AlertRule(to=ALL_STATUSES, channels=frozenset({"jsonl"}), min_sources=2)]
    first = _record(engine, story("https://a.example/1", "collapsed", T0), rules)
    assert first.transition_ids and first.alert_ids == ()
    second = _record(
        engine, story("https://b.example/1", "collapsed", T0 + timedelta(hours=1)), rules
    )
    assert len(second.alert_ids) == 1
    third = _record(
        engine, story("https://c.example/1", "collapsed", T0 + timedelta(hours=2)), rules
    )
    assert third.alert_ids == ()  # the idempotency key stops a second alert


def test_rules_filter_by_status_parties_and_confidence(database_url: str) -> None:
    engine = _engine(database_url)
    rules = [
        AlertRule(to=frozenset({"collapsed"}), channels=frozenset({"jsonl"})),
        AlertRule(
            to=ALL_STATUSES,
            channels=frozenset({"webhook"}),
            parties=frozenset({"Thailand"}),
            min_confidence=0.9,
        ),
    ]
    a = _record(engine, story("https://a.example/1", "ongoing", T0), rules)
    assert a.alert_ids == ()
    b = _record(engine, story("https://a.example/2", "collapsed", T0 + timedelta(days=1)), rules)
    assert len(b.alert_ids) == 1
    c = _record(
        engine,
        story(
            "https://a.example/3",
            "ceasefire",
            T0,
            parties=("Cambodia", "Thailand"),
            confidence=0.95,
        ),
        rules,
    )
    assert len(c.alert_ids) == 1


def test_the_same_feed_entry_cannot_be_stored_twice(database_url: str) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "collapsed", T0))
    with pytest.raises(IntegrityError):
        _record(engine, story("https://a.example/1", "deadlock", T0 + timedelta(days=1)))
    assert _transitions(engine) == [(None, "collapsed")]  # the failed attempt left nothing
    with session_scope(engine) as session:
        assert tracks.source_seen(
            session, feed_url="https://feeds.example/world.xml", guid="https://a.example/1"
        )
        assert tracks.find_story(session, canonical_url="https://a.example/1") is not None


def test_a_denial_reverts_the_status_and_sends_a_correction_alert(database_url: str) -> None:
    from dataclasses import replace

    from storage.records import EventRecord, TrackReport

    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "ongoing", T0))
    _record(engine, story("https://b.example/1", "collapsed", T0 + timedelta(days=1)))
    denial_sentence = "Talks have not collapsed, the foreign ministry said."
    report = TrackReport(
        parties=("Afghanistan", "Pakistan"),
        status=None,
        confidence=0.7,
        denials=(EventRecord("collapsed", True, denial_sentence, 0.7),),
    )
    base = story("https://c.example/1", None, T0 + timedelta(days=1, hours=3))
    recorded = _record(engine, replace(base, tracks=(report,)))
    assert _transitions(engine)[-1] == ("collapsed", "ongoing")
    assert len(recorded.alert_ids) == len(CHANNELS)
    with session_scope(engine) as session:
        alert = session.get(Alert, recorded.alert_ids[0])
        (view,) = tracks_view(session)
    assert alert.payload["transition"]["correction"] is True
    assert alert.payload["evidence"][0]["sentence"] == denial_sentence
    assert view["status"] == "ongoing"


def test_a_denial_of_a_status_the_track_does_not_have_changes_nothing(database_url: str) -> None:
    from storage.records import EventRecord, TrackReport

    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "ongoing", T0))
    base = story("https://c.example/1", None, T0 + timedelta(days=1))
    report = TrackReport(
        parties=("Afghanistan", "Pakistan"),
        status=None,
        confidence=0.7,
        denials=(EventRecord("collapsed", True, "Talks did not collapse.", 0.7),),
    )
    from dataclasses import replace

    recorded = _record(engine, replace(base, tracks=(report,)))
    assert recorded.transition_ids == () and _transitions(engine) == [(None, "ongoing")]


def test_the_alert_says_which_conditions_were_added_and_dropped(database_url: str) -> None:
    from dataclasses import replace

    from storage.records import ConditionRecord

    engine = _engine(database_url)

    def with_conditions(record, *texts: str):
        conditions = tuple(ConditionRecord("Pakistan", "demand", t, t + ".") for t in texts)
        return replace(record, tracks=(replace(record.tracks[0], conditions=conditions),))

    _record(
        engine,
        with_conditions(
            story("https://a.example/1", "ongoing", T0),
            "hand over TTP leaders",
            "sign a written pledge",
        ),
    )
    recorded = _record(
        engine,
        with_conditions(
            story("https://a.example/2", "deadlock", T0 + timedelta(days=3)),
            "sign a written pledge",
            "accept a joint monitoring mechanism",
        ),
    )
    with session_scope(engine) as session:
        payload = session.get(Alert, recorded.alert_ids[0]).payload
    assert [c["text"] for c in payload["conditions_added"]] == [
        "accept a joint monitoring mechanism"
    ]
    assert [c["text"] for c in payload["conditions_dropped"]] == ["hand over TTP leaders"]


def test_a_story_dated_in_the_future_does_not_freeze_the_track(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/typo", "collapsed", datetime(2099, 1, 1, tzinfo=UTC)))
    later = _record(engine, story("https://b.example/1", "agreement", datetime.now(UTC)))
    assert later.transition_ids
    assert _transitions(engine)[-1] == ("collapsed", "agreement")


def _with(record, **changes):
    """The story with its one report changed (mediators, venue, parties...)."""
    (report,) = record.tracks
    return replace(record, tracks=(replace(report, **changes),))


def _track_rows(engine) -> list[tuple[list[str], str | None, str | None]]:
    with session_scope(engine) as session:
        return [(t["parties"], t["status"], t["venue"]) for t in tracks_view(session)]


def test_a_report_with_a_stray_party_lands_on_the_track_it_is_about(database_url: str) -> None:
    engine = _engine(database_url)
    iran_us = ("Iran", "United States")
    first = story("https://a.example/1", "ongoing", T0, parties=iran_us)
    _record(engine, _with(first, mediators=("Oman",), venue="Muscat"))
    # The next round is hosted in Rome; the article names Italy as if it were a party.
    stray = story(
        "https://a.example/2", "progress", T0 + timedelta(days=6), parties=("Iran", "Italy")
    )
    recorded = _record(engine, _with(stray, mediators=("Oman",), venue="Rome"))
    assert recorded.transition_ids
    assert _track_rows(engine) == [(["Iran", "United States"], "progress", "Rome")]
    # The same slip weeks later with the same common ground lands there too...
    again = story(
        "https://a.example/3", "deadlock", T0 + timedelta(days=20), parties=("Iran", "Italy")
    )
    _record(engine, _with(again, mediators=("Oman",)))
    assert _track_rows(engine) == [(["Iran", "United States"], "deadlock", "Rome")]
    # ...but a match on one party is not remembered for the pair: years later, without
    # the common ground, Iran and Italy are a negotiation of their own.
    other = story(
        "https://a.example/4", "ongoing", T0 + timedelta(days=900), parties=("Iran", "Italy")
    )
    _record(engine, other)
    assert sorted(parties for parties, _, _ in _track_rows(engine)) == [
        ["Iran", "Italy"],
        ["Iran", "United States"],
    ]


def _on_day(n: int, status: str, days: int, parties: tuple[str, ...]):
    """Story n of a.example, published `days` after T0, about `parties`."""
    return story(f"https://a.example/{n}", status, T0 + timedelta(days=days), parties=parties)


def test_a_third_party_joins_the_track_and_the_pair_still_finds_it(database_url: str) -> None:
    engine = _engine(database_url)
    pair = ("Armenia", "Azerbaijan")
    _record(engine, _on_day(1, "ongoing", 0, pair))
    _record(engine, _on_day(2, "ceasefire", 1, (*pair, "Russia")))
    _record(engine, _on_day(3, "ceasefire_broken", 3, pair))
    assert _track_rows(engine) == [(["Armenia", "Azerbaijan", "Russia"], "ceasefire_broken", None)]


def test_one_shared_party_without_common_ground_opens_its_own_track(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, _on_day(1, "ongoing", 0, ("Russia", "Ukraine")))
    _record(engine, _on_day(2, "scheduled", 1, ("Russia", "United States")))
    assert sorted(parties for parties, _, _ in _track_rows(engine)) == [
        ["Russia", "Ukraine"],
        ["Russia", "United States"],
    ]


def test_two_reports_of_one_article_on_one_track_move_it_once(database_url: str) -> None:
    engine = _engine(database_url)
    first = story("https://a.example/1", "ongoing", T0, parties=("Chad", "Rebels"))
    _record(engine, _with(first, mediators=("Qatar",)))
    record = story(
        "https://a.example/2", "agreement", T0 + timedelta(days=3), parties=("Chad", "Rebels")
    )
    (report,) = record.tracks
    stray = replace(report, parties=("Chad", "Qatar"), status="collapsed")
    # The stray report comes first; the track's own party set says the status.
    _record(engine, replace(record, tracks=(stray, report)))
    assert _transitions(engine) == [(None, "ongoing"), ("ongoing", "agreement")]


def test_talk_of_progress_right_after_a_deal_leaves_the_deal_standing(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "agreement", T0))
    aftermath = _record(engine, story("https://a.example/2", "progress", T0 + timedelta(days=7)))
    assert aftermath.transition_ids == () and aftermath.alert_ids == ()
    _record(engine, story("https://a.example/3", "scheduled", T0 + timedelta(days=90)))
    assert _transitions(engine) == [(None, "agreement"), ("agreement", "scheduled")]


def test_a_late_article_takes_its_place_in_the_history(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "ongoing", T0))
    _record(engine, story("https://a.example/3", "agreement", T0 + timedelta(days=20)))
    late = _record(engine, story("https://a.example/2", "deadlock", T0 + timedelta(days=10)))
    assert late.alert_ids == ()
    assert _transitions(engine) == [
        (None, "ongoing"),
        ("ongoing", "deadlock"),
        ("deadlock", "agreement"),
    ]
    # An earlier report of a change already known dates the change from it.
    _record(engine, story("https://a.example/0", "ongoing", T0 - timedelta(days=5)))
    with session_scope(engine) as session:
        first = session.exec(select(Transition).order_by(Transition.at)).first()
    assert first is not None and first.source_url == "https://a.example/0"
    with session_scope(engine) as session:
        (view,) = tracks_view(session)
    assert view["status"] == "agreement"


def test_a_party_that_was_only_the_venue_gives_way_to_the_real_party(database_url: str) -> None:
    engine = _engine(database_url)
    summit = story("https://a.example/1", "agreement", T0, parties=("Eritrea", "Jeddah"))
    _record(engine, _with(summit, venue="Jeddah"))
    later = T0 + timedelta(days=200)
    _record(
        engine, story("https://a.example/2", "deadlock", later, parties=("Eritrea", "Ethiopia"))
    )
    assert _track_rows(engine) == [(["Eritrea", "Ethiopia"], "deadlock", "Jeddah")]


def test_a_report_naming_one_party_opens_no_track(database_url: str) -> None:
    engine = _engine(database_url)
    recorded = _record(engine, story("https://a.example/1", "agreement", T0, parties=("Germany",)))
    assert recorded.transition_ids == () and _track_rows(engine) == []


def test_described_rebels_and_the_named_group_are_one_negotiation(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "ongoing", T0, parties=("Sudan", "rebel groups")))
    named = story(
        "https://a.example/2", "agreement", T0 + timedelta(days=9), parties=("Sudan", "SPLM-N")
    )
    _record(engine, named)
    assert _track_rows(engine) == [(["Sudan", "rebel groups"], "agreement", None)]


def test_a_denial_with_a_new_status_moves_the_track_to_it(database_url: str) -> None:
    engine = _engine(database_url)
    _record(engine, story("https://a.example/1", "collapsed", T0))
    record = story("https://b.example/1", "deadlock", T0 + timedelta(days=1))
    denial = EventRecord("collapsed", True, "The talks have not collapsed.", 0.7)
    _record(engine, _with(record, denials=(denial,)))
    assert _transitions(engine) == [(None, "collapsed"), ("collapsed", "deadlock")]
