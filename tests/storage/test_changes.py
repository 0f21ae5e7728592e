from datetime import UTC, datetime, timedelta

from storage.changes import diff

OCT = datetime(2025, 10, 29, tzinfo=UTC)
NOV = datetime(2025, 11, 8, tzinfo=UTC)


def test_a_first_status_is_a_transition_from_none() -> None:
    change = diff(None, None, "collapsed", OCT)
    assert (change.kind, change.from_status, change.to_status) == ("transition", None, "collapsed")


def test_a_newer_different_status_is_a_transition() -> None:
    change = diff("collapsed", OCT, "deadlock", NOV)
    assert (change.kind, change.from_status, change.to_status) == (
        "transition",
        "collapsed",
        "deadlock",
    )


def test_the_same_status_again_corroborates_instead_of_transitioning() -> None:
    assert diff("deadlock", OCT, "deadlock", NOV).kind == "corroboration"


def test_an_older_report_arriving_late_does_not_override_a_newer_status() -> None:
    assert diff("deadlock", NOV, "collapsed", OCT).kind == "late"


def test_an_article_without_a_status_changes_nothing() -> None:
    assert diff("deadlock", NOV, None, NOV).kind == "no_status"


def test_a_stage_the_current_status_implies_is_its_aftermath_while_fresh() -> None:
    assert diff("agreement", OCT, "progress", NOV).kind == "aftermath"
    assert diff("progress", OCT, "ongoing", NOV).kind == "aftermath"
    assert diff("progress", OCT, "scheduled", NOV).kind == "transition"
    assert diff("agreement", OCT, "collapsed", NOV).kind == "transition"
    assert diff("agreement", OCT, "ongoing", OCT + timedelta(days=60)).kind == "transition"
