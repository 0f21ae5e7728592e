"""The cheap gate before parsing, and the scored decision after it."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from extract.lexicon import cues
from extract.models import ArticleText
from extract.pipeline import read_articles
from extract.relevance import Evidence, VocabularyGate, _cue_weight, word_lists


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


def test_a_page_that_names_no_conflict_must_speak_of_talks_at_the_top() -> None:
    body_only = Evidence(body_cues=6, current_events=3, background_events=2, parties=2)
    assert body_only.talk >= 1.0 and not body_only.relevant
    at_war = Evidence(body_cues=6, current_events=3, background_events=2, parties=2, conflict=True)
    assert at_war.relevant


@pytest.mark.model
def test_one_countrys_coalition_talks_are_not_relevant(nlp: Language) -> None:
    text = (
        "Negotiations on a new coalition government in Belgium broke down on Tuesday, four "
        "months after the election, when the Flemish nationalists and the Socialists failed "
        "to agree on the budget. The king asked a party leader to resume the negotiations."
    )
    relevant, _ = read(nlp, text, title="Belgian coalition talks collapse again")
    assert not relevant


@pytest.mark.model
def test_a_coalition_deal_to_end_unrest_stays_relevant(nlp: Language) -> None:
    text = (
        "Kenya's ruling party and the opposition sealed a coalition pact on Thursday to end "
        "weeks of violence after the disputed election, in talks mediated by the African "
        "Union. The two sides agreed to share power in a new cabinet."
    )
    relevant, tracks = read(nlp, text, title="Kenya rivals sign power-sharing deal")
    assert relevant and tracks


@pytest.mark.model
def test_a_government_formed_with_outside_mediators_stays_relevant(nlp: Language) -> None:
    text = (
        "Lebanon's rival blocs agreed in Doha on Wednesday to form a government after five "
        "days of talks mediated by Qatar, ending an 18-month political standoff."
    )
    relevant, tracks = read(nlp, text, title="Lebanese blocs agree to form a government")
    assert relevant and tracks


@pytest.mark.model
def test_rebels_and_government_forming_a_unity_government_stay_relevant(
    nlp: Language,
) -> None:
    text = (
        "South Sudan's government and the rebels agreed on Saturday to form a unity "
        "government by February, after talks in Addis Ababa. The coalition talks will "
        "resume next week on the number of states."
    )
    relevant, tracks = read(nlp, text, title="South Sudan rivals agree to form government")
    assert relevant and tracks


@pytest.mark.model
def test_an_airline_and_its_pilots_reaching_a_contract_is_not_relevant(
    nlp: Language,
) -> None:
    text = (
        "Canada's biggest airline and its pilots reached a tentative contract agreement on "
        "Sunday after six weeks of talks, a federal mediator said. Negotiators for both "
        "sides will meet again to settle the wording before the pilots vote."
    )
    relevant, _ = read(nlp, text, title="Airline and pilots reach tentative deal")
    assert not relevant


@pytest.mark.model
def test_fight_talks_over_a_purse_split_are_not_relevant(nlp: Language) -> None:
    text = (
        "Talks on a heavyweight fight between the Ukrainian champion and his British "
        "challenger collapsed on Friday after the champion's promoter rejected a 60-40 "
        "purse split. Negotiations on a rematch clause had also stalled, the boxer's team "
        "said, and Saudi Arabia withdrew its offer to host the bout."
    )
    relevant, _ = read(nlp, text)
    assert not relevant


@pytest.mark.model
def test_according_to_is_no_negotiation_word(nlp: Language) -> None:
    doc = nlp("Shelling hit two hospitals on Monday, according to state media.")
    lists = word_lists()
    weights = [_cue_weight(t, cues()["negotiation_vocab"], lists["weak_cues"]) for t in doc]
    assert not any(weights)


@pytest.mark.model
def test_an_essay_on_a_named_programme_does_not_report_talks(nlp: Language) -> None:
    text = (
        "Only bolder policies can meet the climate crisis. Emissions rose again last year "
        "across Europe. Scientists say that the targets are far too low. "
        "The European Green Deal promised "
        "much, and the Paris Agreement set targets that Germany and France still miss. "
        "China and the United States pledged more at the Glasgow Summit, but any deal "
        "without the Global South will fail."
    )
    relevant, _ = read(nlp, text, title="The EU's Green Deal is not nearly enough for the climate")
    assert not relevant


@pytest.mark.model
def test_the_end_of_a_ceasefire_in_the_lead_is_relevant(nlp: Language) -> None:
    text = (
        "The separatist front declared an end to the ceasefire with Morocco on Friday, "
        "saying its fighters would resume attacks. Morocco said it would defend its forces."
    )
    relevant, tracks = read(nlp, text, title="Sahara separatists take up arms again")
    assert relevant and tracks


def test_gate_skips_a_long_page_whose_only_talk_is_deep_down(gate: VocabularyGate) -> None:
    filler = "The city council approved the new budget for parks and schools. " * 30
    text = filler + "Officials from Chile and Peru also held talks on water rights."
    assert not gate.worth_parsing(spacy.blank("en")(text))
    assert gate.worth_parsing(spacy.blank("en")(text.split(". ")[-1] + ". " + filler))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "UN welcome for Sudan truce as talks resume in Jeddah",
            "The United Nations on Monday welcomed a truce between the Sudanese army and the "
            "Rapid Support Forces, as negotiators for both sides resumed talks in Jeddah.",
        ),
        (
            "Ceasefire violations pose threat to Ethiopia peace talks",
            "Violations of the ceasefire between the Ethiopian government and Tigrayan forces "
            "pose a threat to peace talks in Pretoria, African Union mediators said on Friday.",
        ),
        (
            "Beef quotas stall EU-Mercosur trade talks",
            "Negotiators from the European Union and Mercosur failed to reach a trade deal in "
            "Brasilia on Tuesday after France demanded lower beef quotas.",
        ),
        (
            "G20 sherpas agree draft declaration after marathon talks",
            "Sherpas for the Group of 20 leaders agreed a draft declaration in New Delhi on "
            "Saturday after talks between China, Russia and Western states.",
        ),
    ],
)
def test_everyday_words_of_political_news_are_no_genre(
    nlp: Language, title: str, text: str
) -> None:
    relevant, _ = read(nlp, text, title=title, published="2025-06-02")
    assert relevant


@pytest.mark.parametrize(
    ("title", "text"),
    [
        pytest.param(
            "Veterans of the Oslo process urge Israel and Hamas to seal ceasefire",
            "Former negotiators urged Israel and Hamas on Tuesday to seal a ceasefire as talks "
            "continued in Cairo with Egyptian and Qatari mediators.",
            id="a genre word beside two named sides in the headline is no genre",
        ),
        pytest.param(
            "Foreign Minister Prince Hamad opens Yemen talks in Muscat",
            "Omani Foreign Minister Prince Hamad on Monday opened talks between the Yemeni "
            "government and the Houthi rebels in Muscat, with UN mediators present.",
            id="a royal title after an office names an official",
        ),
    ],
)
def test_a_word_of_another_genre_does_not_outweigh_the_talks(
    nlp: Language, title: str, text: str
) -> None:
    relevant, _ = read(nlp, text, title=title, published="2025-06-02")
    assert relevant


def test_a_royal_family_feud_stays_a_royal_page(nlp: Language) -> None:
    relevant, _ = read(
        nlp,
        "Prince Edward and his brother met at the palace for peace talks on Monday, royal "
        "aides said, after a year of feuding.",
        title="Prince Edward and his brother hold peace talks at the palace",
        published="2025-06-02",
    )
    assert not relevant
