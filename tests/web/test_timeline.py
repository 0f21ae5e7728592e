"""The timeline's arithmetic and the conditions' diff, without a database or a browser."""

from __future__ import annotations

from flows.timeline import LEFT, STATUS_COLOURS, WIDTH, condition_reports, timeline


def _transition(at: str, frm: str | None, to: str) -> dict:
    return {"at": at, "from": frm, "to": to, "sentence": f"Now {to}.", "source": "u"}


def _event(at: str, kind: str, current: bool = True) -> dict:
    return {"at": at, "kind": kind, "current": current, "sentence": "s", "source": "u"}


def test_every_status_has_its_own_colour() -> None:
    assert len(STATUS_COLOURS) == 8
    assert len(set(STATUS_COLOURS.values())) == 8


def test_bands_run_from_one_transition_to_the_next_and_the_last_to_the_edge() -> None:
    track = {
        "transitions": [
            _transition("2025-10-01T00:00:00+00:00", None, "ongoing"),
            _transition("2025-10-11T00:00:00+00:00", "ongoing", "deadlock"),
        ],
        "events": [
            _event("2025-10-01T00:00:00+00:00", "ongoing"),
            _event("2025-10-11T00:00:00+00:00", "deadlock"),
            _event("2025-10-11T00:00:00", "ceasefire", current=False),
        ],
    }
    tl = timeline(track, anchor_prefix="ev-")
    first, last = tl.bands
    assert first.x + first.width == last.x
    assert last.x + last.width == WIDTH - 24
    assert LEFT < first.x < last.x
    assert [line.to for line in tl.transitions] == ["ongoing", "deadlock"]
    background = [m for m in tl.markers if not m.current]
    assert len(background) == 1 and background[0].y != tl.markers[0].y
    assert background[0].anchor == "ev-2"


def test_markers_at_the_same_moment_are_spread_not_stacked() -> None:
    at = "2025-10-01T00:00:00+00:00"
    tl = timeline({"transitions": [], "events": [_event(at, "ongoing")] * 3}, anchor_prefix="e")
    assert len({m.x for m in tl.markers}) == 3


def test_a_track_with_nothing_dated_draws_an_empty_timeline() -> None:
    assert timeline({"transitions": [], "events": []}, anchor_prefix="e").markers == []


def _condition(story_id: int, party: str, text: str, round_: str | None = None) -> dict:
    return {
        "story_id": story_id,
        "party": party,
        "kind": "demand",
        "text": text,
        "sentence": text,
        "round": round_,
        "at": f"2025-10-0{story_id}T00:00:00+00:00",
    }


def test_conditions_say_what_each_party_added_and_dropped_since_its_last_report() -> None:
    conditions = [
        _condition(1, "A", "a ceasefire", "first"),
        _condition(1, "A", "prisoner swap", "first"),
        _condition(1, "B", "withdrawal"),
        _condition(2, "A", "A  Ceasefire"),
        _condition(2, "A", "border monitors"),
    ]
    stories = [{"id": 1, "title": "One", "url": "u1"}, {"id": 2, "title": "Two", "url": "u2"}]
    reports = condition_reports(conditions, stories)
    first, second = reports["A"]
    assert first.first and first.added == [] and first.round == "first"
    assert [c["text"] for c in second.added] == ["border monitors"]
    assert [c["text"] for c in second.dropped] == ["prisoner swap"]
    assert second.title == "Two" and second.source == "u2"
    assert [len(r.conditions) for r in reports["B"]] == [1]
