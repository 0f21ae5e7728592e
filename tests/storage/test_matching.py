"""Which track a report is about, decided without a database."""

from datetime import UTC, datetime, timedelta

from storage.matching import Candidate, best_match

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _track(
    track_id: int,
    parties: set[str],
    *,
    mediators: set[str] = frozenset(),  # type: ignore[assignment]
    venues: set[str] = frozenset(),  # type: ignore[assignment]
    at: datetime = T0,
) -> Candidate:
    return Candidate(track_id, frozenset(parties), frozenset(mediators), frozenset(venues), at)


def test_two_shared_parties_match_and_a_third_party_joins_the_track() -> None:
    tracks = [_track(1, {"Sudan", "South Sudan"})]
    match = best_match(
        frozenset({"Sudan", "South Sudan", "Ethiopia"}), frozenset(), None, T0, tracks
    )
    assert match is not None and match.track_id == 1
    assert match.new_parties == {"Ethiopia"}


def test_a_subset_of_a_multi_party_track_matches_it() -> None:
    tracks = [_track(1, {"Armenia", "Azerbaijan", "Russia"})]
    match = best_match(frozenset({"Armenia", "Azerbaijan"}), frozenset(), None, T0, tracks)
    assert match is not None and match.track_id == 1 and not match.new_parties


def test_a_known_mediator_named_as_a_party_is_a_swap_of_roles_at_any_time() -> None:
    tracks = [_track(1, {"Yemen", "Houthis"}, mediators={"Oman"})]
    later = T0 + timedelta(days=800)
    match = best_match(frozenset({"Oman", "Houthis"}), frozenset(), None, later, tracks)
    assert match is not None and match.track_id == 1 and not match.new_parties


def test_the_tracks_other_party_as_this_reports_mediator_is_a_swap_of_roles() -> None:
    tracks = [_track(1, {"Ethiopia", "Kenya"})]
    match = best_match(frozenset({"Ethiopia", "Tigray"}), frozenset({"Kenya"}), None, T0, tracks)
    assert match is not None and match.track_id == 1


def test_one_shared_party_and_a_shared_mediator_match_only_when_close_in_time() -> None:
    tracks = [_track(1, {"Serbia", "Kosovo"}, mediators={"European Union"})]
    report = (frozenset({"Serbia", "Montenegro"}), frozenset({"European Union"}), None)
    assert best_match(*report, T0 + timedelta(days=20), tracks) is not None
    assert best_match(*report, T0 + timedelta(days=400), tracks) is None


def test_a_shared_mediator_and_venue_together_match_at_any_time() -> None:
    tracks = [_track(1, {"Colombia", "ELN"}, mediators={"Cuba"}, venues={"Havana"})]
    match = best_match(
        frozenset({"Colombia", "Norway"}),
        frozenset({"Cuba"}),
        "Havana",
        T0 + timedelta(days=900),
        tracks,
    )
    assert match is not None and match.track_id == 1


def test_one_shared_party_alone_opens_a_new_track() -> None:
    tracks = [_track(1, {"Russia", "Ukraine"}, mediators={"Türkiye"})]
    assert best_match(frozenset({"Russia", "United States"}), frozenset(), None, T0, tracks) is None


def test_the_best_of_several_candidates_wins() -> None:
    tracks = [
        _track(1, {"Russia", "Ukraine"}, at=T0 - timedelta(days=10)),
        _track(2, {"Russia", "Ukraine", "United States"}, at=T0 - timedelta(days=300)),
    ]
    report = frozenset({"Russia", "Ukraine", "United States"})
    match = best_match(report, frozenset(), None, T0, tracks)
    assert match is not None and match.track_id == 2


def test_a_tracks_party_that_is_also_its_venue_is_a_place_not_a_party() -> None:
    tracks = [_track(1, {"Laos", "Vientiane"}, venues={"Vientiane"}, at=T0)]
    later = T0 + timedelta(days=300)
    match = best_match(frozenset({"Laos", "Thailand"}), frozenset(), "Bangkok", later, tracks)
    assert match is not None and match.track_id == 1
    assert match.places == {"Vientiane"} and match.new_parties == {"Thailand"}


def test_a_name_given_as_both_party_and_mediator_proves_no_swap() -> None:
    tracks = [_track(1, {"France", "Germany"}, mediators={"Germany"})]
    report = frozenset({"France", "Algeria"})
    assert best_match(report, frozenset(), None, T0, tracks) is None


def test_a_described_side_matches_a_named_one_only_when_close_in_time() -> None:
    tracks = [_track(1, {"Mali", "armed groups"})]
    report = (frozenset({"Mali", "CMA"}), frozenset(), None)
    match = best_match(*report, T0 + timedelta(days=10), tracks)
    assert match is not None and not match.strong
    assert best_match(*report, T0 + timedelta(days=300), tracks) is None
