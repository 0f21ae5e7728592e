"""next_poll_delay(): the schedule of a feed that keeps failing."""

from __future__ import annotations

from extract.feeds import MAX_POLL_DELAY_S, next_poll_delay


def test_a_healthy_feed_is_polled_at_its_interval() -> None:
    assert next_poll_delay(900, 0) == 900


def test_failures_double_the_delay_up_to_a_day() -> None:
    assert [next_poll_delay(900, n) for n in (1, 2, 3)] == [1800, 3600, 7200]
    assert next_poll_delay(900, 50) == MAX_POLL_DELAY_S
    assert next_poll_delay(900, 10_000) == MAX_POLL_DELAY_S


def test_retry_after_is_honoured_but_never_shortens_the_backoff() -> None:
    assert next_poll_delay(900, 1, retry_after_s=7200) == 7200
    assert next_poll_delay(900, 3, retry_after_s=10) == 7200
    assert next_poll_delay(900, 1, retry_after_s=10**9) == 7 * 24 * 3600
