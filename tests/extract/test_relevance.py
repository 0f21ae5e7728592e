"""The cheap gate before parsing, and the scored decision after it."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from extract.models import ArticleText
from extract.pipeline import read_articles
from extract.relevance import Evidence, VocabularyGate


@pytest.fixture(scope="module")
def gate() -> VocabularyGate:
    return VocabularyGate(spacy.blank("en"))


def read(
    nlp: Language, text: str, title: str | None = None, published: str | None = None
) -> tuple[bool, list]:
    article = ArticleText(source="s", text=text, title=title, published=published)
    result = read_articles(nlp, [article])[0]
    return result.relevant, result.tracks


def test_gate_skips_text_without_negotiation_words(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Chile beat Peru 2-1 in Lima on Sunday.")
    assert not gate.worth_parsing(doc)


def test_gate_skips_talks_without_any_political_actor(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Talks on the merger deal collapsed and negotiators went home.")
    assert not gate.worth_parsing(doc)


def test_gate_passes_talks_between_states(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Talks between Chile and Peru on a border deal resumed in Lima.")
    assert gate.worth_parsing(doc)


def test_gate_passes_a_one_line_blurb_with_a_single_named_state(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Bolivia's government and the miners' militia began consultations.")
    assert gate.worth_parsing(doc)


def test_gate_passes_sides_missing_from_the_gazetteer(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("The junta and the rebels held a new round of negotiations.")
    assert gate.worth_parsing(doc)


def test_evidence_needs_talk_sides_and_score_at_once() -> None:
    talky = Evidence(headline_cues=1, lead_cues=3, current_events=2)
    assert not talky.relevant  # no side at all
    assert Evidence(headline_cues=1, lead_cues=3, current_events=2, parties=2).relevant
    political = Evidence(parties=2, actors=4, generic_actors=6, political=10)
    assert not political.relevant  # a diplomatic row without talks


def test_a_genre_word_in_the_headline_cancels_its_negotiation_words() -> None:
    plain = Evidence(headline_cues=1, lead_cues=1, parties=2)
    obituary = Evidence(
        headline_cues=1, lead_cues=1, parties=2, genres={"obituary": 3.0}, headline_genre=True
    )
    assert plain.relevant and not obituary.relevant
    assert obituary.talk < plain.talk


def test_a_second_genre_adds_half_its_weight() -> None:
    assert Evidence(genres={"sport": 2.0, "history": 3.0}).genre == 4.0


@pytest.mark.model
def test_sports_truce_between_fans_is_not_relevant(nlp: Language) -> None:
    text = (
        "Fans of the two clubs called a truce in their dispute with the league after talks "
        "on ticket prices. The league said the match against Spain and the game with Italy "
        "would go ahead, and supporters agreed to end their boycott of the stadium."
    )
    relevant, tracks = read(nlp, text)
    assert not relevant and tracks == []


@pytest.mark.model
def test_obituary_of_a_peacemaker_is_not_relevant(nlp: Language) -> None:
    text = (
        "The diplomat who negotiated the 1994 truce between Peru and Ecuador died on Monday "
        "at the age of 91, his daughter said. He later led talks on the border for years."
    )
    relevant, _ = read(nlp, text, title="Veteran envoy who brokered Andes truce dies at 91")
    assert not relevant


@pytest.mark.model
def test_a_century_old_armistice_recalled_is_not_relevant(nlp: Language) -> None:
    text = (
        "Schoolchildren laid flowers in Ghent on Sunday where the armistice of 1918 is "
        "remembered each year. Belgium and Germany sent ministers, and the mayor spoke of "
        "the peace that followed the First World War."
    )
    relevant, _ = read(nlp, text, title="Town remembers the armistice")
    assert not relevant


@pytest.mark.model
def test_royal_peace_talks_are_not_relevant(nlp: Language) -> None:
    text = (
        "Aides of the prince and his estranged brother met in London for peace talks, "
        "royal sources said, hoping for a truce before the family wedding in Spain."
    )
    relevant, _ = read(nlp, text, title="Royal brothers hold peace talks")
    assert not relevant


@pytest.mark.model
def test_talks_between_generic_sides_are_relevant_and_yield_a_track(nlp: Language) -> None:
    text = (
        "The junta and the rebels opened a new round of negotiations on Thursday, mediators "
        "said. The two sides agreed to meet again next week to discuss a ceasefire."
    )
    relevant, tracks = read(nlp, text, title="Junta, rebels resume talks")
    assert relevant and len(tracks) == 1


@pytest.mark.model
def test_organisation_as_a_party_is_relevant(nlp: Language) -> None:
    text = (
        "Norway and the European Union concluded negotiations on a fisheries agreement "
        "on Friday after two years of talks, the European Commission said."
    )
    relevant, tracks = read(nlp, text, title="Norway and EU conclude fisheries talks")
    assert relevant and tracks


@pytest.mark.model
def test_an_obituary_formula_in_the_lead_marks_an_obituary_without_a_headline(
    nlp: Language,
) -> None:
    text = (
        "The Chilean diplomat who mediated talks between Argentina and Chile over the Beagle "
        "Channel died at the age of 88 in Santiago, his family said on Sunday. He negotiated "
        "the treaty that ended the dispute and later led talks on trade."
    )
    relevant, _ = read(nlp, text)
    assert not relevant


@pytest.mark.model
def test_current_talks_about_an_old_war_survive_the_history_penalty(nlp: Language) -> None:
    text = (
        "Japan and Russia held talks in Moscow on Monday on a treaty to end World War II "
        "formally, officials said. The talks ended without agreement. Both sides cited the "
        "1956 declaration, and Japan demanded the return of islands seized in 1945."
    )
    title = "Japan, Russia talks end without deal"
    relevant, tracks = read(nlp, text, title=title, published="2019-01-22")
    assert relevant and tracks


@pytest.mark.model
def test_transfer_talks_between_clubs_are_not_relevant(nlp: Language) -> None:
    text = (
        "Madrid's biggest club and a Paris rival held talks on Monday over the striker, the "
        "Spanish club's president said, but no deal was agreed on the fee."
    )
    relevant, _ = read(nlp, text, title="Clubs in talks over striker transfer")
    assert not relevant


@pytest.mark.model
def test_a_transfer_of_power_is_not_football(nlp: Language) -> None:
    text = (
        "Mali's junta and the opposition coalition agreed on Sunday after talks in Bamako on "
        "a transfer of power to civilians within 18 months, ECOWAS mediators said."
    )
    relevant, tracks = read(nlp, text, title="Mali junta agrees transfer of power in talks")
    assert relevant and tracks
