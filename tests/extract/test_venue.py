"""Where the current round is held, and which round: each rule on a sentence of its own."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.models import ArticleText
from extract.parties import Reading
from extract.pipeline import _prefix, read_articles
from extract.rounds import choose_round
from extract.tracks import choose_status
from extract.venue import PlaceEvidence, _best, choose_venue, venue_and_elsewhere

SIDES = "Ethiopia,Eritrea,Armenia,Azerbaijan,Sudan,Rapid Support Forces,India,China"


def read(nlp: Language, text: str, title: str | None) -> Reading:
    prefix = _prefix(ArticleText(source="t", text=text, title=title))
    doc = nlp.make_doc(prefix + text)
    doc._.headline_end = len(prefix)
    return Reading(doc=nlp(doc), prefix=len(prefix))


def venue_of(nlp: Language, text: str, title: str | None = None, sides: str = "") -> str | None:
    """The venue with the sides given, so that the test is about the venue alone."""
    reading = read(nlp, text, title)
    events = reading.doc._.events
    status, _ = choose_status(reading, events)
    return choose_venue(reading, events, sides.split(",") if sides else [], status)


def round_of(nlp: Language, text: str, title: str | None = None) -> str | None:
    """The round as build_track asks for it: after the venue."""
    reading = read(nlp, text, title)
    events = reading.doc._.events
    status, _ = choose_status(reading, events)
    venue, elsewhere = venue_and_elsewhere(reading, events, SIDES.split(","), status)
    return choose_round(reading, venue, elsewhere)


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "venue"),
    [
        pytest.param(
            "March 3, 2024\n\nNAIROBI, March 3 (Reuters) - Ethiopia and Eritrea reached a "
            "ceasefire agreement on Sunday after two days of talks, officials said.",
            "Nairobi",
            id="an_all_caps_dateline_after_a_date_line_is_the_venue",
        ),
        pytest.param(
            "GENEVA—Armenia and Azerbaijan signed a peace agreement on Friday, ending "
            "months of negotiations over their disputed border.",
            "Geneva",
            id="a_dateline_with_no_space_after_the_dash",
        ),
        pytest.param(
            "Sudan: Army and RSF agree truce\n\nKampala — Sudan's army and the Rapid Support "
            "Forces agreed a ceasefire on Monday after talks mediated by Uganda.",
            "Kampala",
            id="a_kicker_naming_a_side_does_not_hide_the_dateline",
        ),
        pytest.param(
            "ADDIS ABABA/NAIROBI — Ethiopia and Eritrea agreed a ceasefire after talks in "
            "Nairobi, Kenya, officials said on Tuesday.",
            "Nairobi",
            id="a_side_capital_in_the_dateline_loses_to_the_talks_place",
        ),
        pytest.param(
            "Ethiopia and Eritrea held a new round of peace talks in the Kenyan capital on "
            "Tuesday, but the talks ended without agreement.",
            "Nairobi",
            id="the_capital_named_by_its_country",
        ),
        pytest.param(
            "Armenia and Azerbaijan held peace talks on Monday in the mountain town of "
            "Zlatibrovo, where the two delegations agreed a ceasefire.",
            "Zlatibrovo",
            id="the_town_of_a_name_the_model_does_not_know",
        ),
        pytest.param(
            "Peace talks between Ethiopia and Eritrea collapsed in Nairobi on Tuesday. The "
            "Kenyan president then flew on to a G20 summit in Johannesburg, where he will "
            "meet other leaders.",
            "Nairobi",
            id="the_summit_of_another_event_is_not_the_venue",
        ),
        pytest.param(
            "Ethiopia and Eritrea agreed a ceasefire after talks in Nairobi on Sunday. The "
            "delegations will meet again in Kampala next month to discuss the border.",
            "Nairobi",
            id="the_next_meeting_place_is_not_the_venue_of_a_deal",
        ),
        pytest.param(
            "Peace talks between Ethiopia and Eritrea ended without agreement in Kampala on "
            "Wednesday. They were preceded by an earlier round in Nairobi that produced a truce.",
            "Kampala",
            id="an_earlier_round_elsewhere_is_not_the_venue",
        ),
        pytest.param(
            "Ethiopia-Eritrea talks collapsed on Tuesday after the Eritrean delegation "
            "walked out of the meeting in Nairobi.",
            "Nairobi",
            id="a_pair_of_sides_joined_by_a_hyphen_is_not_a_place",
        ),
        pytest.param(
            "Ethiopian-Eritrean border talks ended without a deal on Sunday in the Kenyan "
            "capital, officials said.",
            "Nairobi",
            id="a_people_is_not_a_place",
        ),
        pytest.param(
            "Eritrean officials said on Monday they were in Uganda for a third round of talks "
            "with Ethiopia.",
            "Uganda",
            id="being_somewhere_for_talks",
        ),
        pytest.param(
            "ADDIS ABABA — Ethiopia and Eritrea will go to Geneva next week for peace talks "
            "planned by the United Nations, diplomats said.",
            "Geneva",
            id="going_somewhere_for_talks",
        ),
        pytest.param(
            "Ethiopia and Eritrea held a new round of talks at the Kenyan Embassy in Kampala "
            "on Monday, officials said.",
            "Kampala",
            id="a_town_beats_the_building_in_it",
        ),
        pytest.param(
            "Armenia and Azerbaijan met at the Buffer Zone (BZ) on Sunday. The leaders talked "
            "for an hour at the border village of Tsaghkavan in the BZ and agreed a truce.",
            "Tsaghkavan",
            id="a_village_beats_the_zone_it_lies_in",
        ),
        pytest.param(
            "Peace talks in Nairobi between Ethiopia and the rebels in Tigray ended without "
            "agreement on Friday.",
            "Nairobi",
            id="where_a_side_is_is_not_where_talks_are",
        ),
        pytest.param(
            "Ethiopia and Eritrea resumed talks in Nairobi on Monday, recalling the accord "
            "that ended the war in Badme.",
            "Nairobi",
            id="a_deal_that_ended_a_war_somewhere_is_not_talks_there",
        ),
        pytest.param(
            "Ethiopia and Eritrea held peace talks in Kenya on Monday. Delegations gathered "
            "in the Kenyan port of Mombasa for the opening session.",
            "Mombasa",
            id="a_town_named_in_its_country_beats_the_country",
        ),
        pytest.param(
            "Armenia and Azerbaijan held peace talks on the sidelines of the UN General "
            "Assembly in New York on Tuesday.",
            "New York",
            id="talks_on_the_sidelines_of_another_event_are_held_at_its_place",
        ),
        pytest.param(
            "Sudan's army and the Rapid Support Forces agreed a truce in Darfur after talks "
            "in Jeddah.",
            "Jeddah",
            id="where_a_truce_holds_is_not_where_it_was_agreed",
        ),
        pytest.param(
            "The talks between Armenia and Azerbaijan, held in Geneva's Intercontinental "
            "Hotel, ended after two hours without agreement.",
            "Geneva",
            id="a_town_owning_the_building",
        ),
    ],
)
def test_the_venue_is_found(nlp: Language, text: str, venue: str) -> None:
    """Each case is named for the rule it shows; the sides are given."""
    assert venue_of(nlp, text, sides=SIDES) == venue


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "ordinal"),
    [
        pytest.param(
            "Ethiopia and Eritrea ended the third round of talks in Nairobi on Friday without "
            "agreement. The previous second round had produced a ceasefire.",
            "third",
            id="the_round_reported_now_not_one_recalled",
        ),
        pytest.param(
            "The fourth military-level round between India and China ended without a deal on "
            "Tuesday after twelve hours of talks.",
            "fourth",
            id="an_ordinal_with_words_before_round",
        ),
    ],
)
def test_the_round_is_found(nlp: Language, text: str, ordinal: str) -> None:
    """Each case is named for the rule it shows."""
    assert round_of(nlp, text) == ordinal


@pytest.mark.model
def test_a_first_round_held_elsewhere_is_not_this_round(nlp: Language) -> None:
    text = (
        "Ethiopia and Eritrea resumed peace talks in Kampala on Monday. The first round "
        "of talks was held in Nairobi, with Kenyan mediation, on March 2."
    )
    assert venue_of(nlp, text, sides=SIDES) == "Kampala"
    assert round_of(nlp, text) is None


@pytest.mark.model
def test_the_next_round_named_is_not_the_current_one(nlp: Language) -> None:
    text = (
        "Ethiopia and Eritrea ended the third round of talks in Nairobi without a deal, "
        "and there is no date yet for the fourth round."
    )
    assert round_of(nlp, text) == "third"
    text = (
        "Talks between Ethiopia and Eritrea were suspended, with no schedule yet for the "
        "fourth round, officials said after the talks in Nairobi ended."
    )
    assert round_of(nlp, text) == "fourth"  # only the next one is named: better than none


@pytest.mark.model
def test_a_round_organised_long_before_is_not_this_round(nlp: Language) -> None:
    text = (
        "Talks between Ethiopia and Eritrea continued in Nairobi on Tuesday. Kenya had "
        "already organised a first round of negotiations back in 2019."
    )
    assert round_of(nlp, text) is None


@pytest.mark.model
def test_an_island_as_venue_and_as_topic(nlp: Language) -> None:
    text = (
        "Peace talks between Ethiopia and Eritrea were opened on the Kenyan island of "
        "Lamu on Monday."
    )
    assert venue_of(nlp, text, sides=SIDES) == "Lamu"
    text = (
        "Eritrea has withdrawn from talks with Ethiopia about joint fishing projects on "
        "the Dahlak islands, the ministry said."
    )
    assert venue_of(nlp, text, sides=SIDES) is None


def test_a_located_town_beats_a_country_with_more_evidence() -> None:
    evidence = [
        PlaceEvidence("Kenya", 3.0, "in talk"),
        PlaceEvidence("Kenya", 1.5, "in meet"),
        PlaceEvidence("Mombasa", 1.0, "in gather", country="Kenya"),
        PlaceEvidence("Nakuru", 2.0, "dateline"),
    ]
    assert _best(evidence) == "Mombasa"


@pytest.mark.model
def test_a_deal_ahead_of_another_event_is_not_made_at_its_place(nlp: Language) -> None:
    text = (
        "Armenia and Azerbaijan agreed a ceasefire on Monday ahead of the NATO summit in "
        "Vilnius, officials said."
    )
    assert venue_of(nlp, text, sides=SIDES) is None


@pytest.mark.model
def test_a_kicker_word_is_not_a_dateline(nlp: Language) -> None:
    text = (
        "EXCLUSIVE: Ethiopia and Eritrea agreed a ceasefire on Sunday after two days of "
        "talks, officials said."
    )
    assert venue_of(nlp, text, sides=SIDES) is None
    text = "Africa: Ethiopia and Eritrea agreed a ceasefire on Sunday after two days of talks."
    assert venue_of(nlp, text, sides=SIDES) is None


def test_a_leader_named_before_talks_is_not_their_venue(nlp: Language) -> None:
    result = read_articles(
        nlp,
        [
            ArticleText(
                source="t",
                title="Putin, Erdogan talks end without a deal on grain corridor",
                text="Russian President Vladimir Putin and Turkish President Recep Tayyip "
                "Erdogan failed to agree on reviving the grain corridor after talks in Sochi "
                "on Monday, officials from both countries said.",
                published="2023-09-04",
            )
        ],
    )[0]
    assert result.tracks and result.tracks[0].venue == "Sochi"
