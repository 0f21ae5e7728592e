"""Conditions and the party they belong to."""

from __future__ import annotations

import pytest
from spacy.language import Language

pytestmark = pytest.mark.model


def conditions(nlp: Language, text: str) -> list[tuple[str, str, str]]:
    return [(c.party, c.kind, c.text) for c in nlp(text)._.conditions]


def test_reported_would_is_a_guarantee_of_the_embedded_subject(nlp: Language) -> None:
    found = conditions(nlp, "Officials said Ethiopia would withdraw its troops from the border.")
    assert any(p == "Ethiopia" and k == "guarantee" and "withdraw" in t for p, k, t in found)


def test_demand_verb_belongs_to_its_subject(nlp: Language) -> None:
    found = conditions(nlp, "Ghana demanded the release of all detainees.")
    assert ("Ghana", "demand") in {(p, k) for p, k, _ in found}


def test_proposal_verb(nlp: Language) -> None:
    found = conditions(nlp, "Serbia proposed a joint monitoring mechanism for the border.")
    assert any(p == "Serbia" and k == "proposal" and "monitoring" in t for p, k, t in found)


def test_before_makes_a_precondition(nlp: Language) -> None:
    found = conditions(nlp, "Kenya insists that the rebels disarm before any talks can start.")
    assert ("Kenya", "precondition") in {(p, k) for p, k, _ in found}


def test_metonym_possessor_owns_the_demand(nlp: Language) -> None:
    found = conditions(nlp, "Kabul rejected Islamabad's demand for a written guarantee.")
    assert any(p == "Pakistan" and "written" in t for p, _, t in found)


def test_titled_person_speaks_for_their_state(nlp: Language) -> None:
    text = (
        "Armenian Prime Minister Nikol Pashinyan met envoys on Monday. "
        "Pashinyan insists that Baku return all prisoners first."
    )
    assert any(p == "Armenia" for p, _, _ in conditions(nlp, text))


def test_in_turn_makes_a_counter_condition(nlp: Language) -> None:
    found = conditions(nlp, "The Sudanese negotiators in turn asked Chad to close its border.")
    assert ("Sudan", "counter_condition") in {(p, k) for p, k, _ in found}


def test_it_after_said_is_the_speaker_even_through_to_be(nlp: Language) -> None:
    text = (
        "Chile has pulled out of the river accord brokered by Peru. "
        "Bolivia said it was ready to keep sharing the water."
    )
    assert ("Bolivia", "guarantee") in {(p, k) for p, k, _ in conditions(nlp, text)}
    assert "Chile" not in {p for p, k, t in conditions(nlp, text) if "sharing" in t}


def test_text_stays_on_the_triggers_line_and_is_one_line(nlp: Language) -> None:
    text = "Officials said Ghana would reopen the border crossing\n\nMore stories from the region."
    found = conditions(nlp, text)
    assert any("reopen" in t for _, _, t in found)
    assert all("\n" not in t and "More" not in t and "  " not in t for _, _, t in found)


def test_time_and_place_adjuncts_are_not_part_of_the_condition(nlp: Language) -> None:
    found = conditions(
        nlp, "Chad pledged in a televised address on Friday to release all detainees."
    )
    texts = [t for p, _, t in found if p == "Chad"]
    assert texts and all("televised" not in t and "release" in t for t in texts)


def test_boilerplate_and_empty_clauses_are_not_conditions(nlp: Language) -> None:
    assert conditions(nlp, "A Peruvian diplomat, speaking on condition of anonymity, left.") == []
    assert conditions(nlp, "Peru said it was ready to do so.") == []


def test_agreeing_to_the_truce_or_to_meet_is_the_event_not_a_condition(nlp: Language) -> None:
    assert conditions(nlp, "Bolivia and Chile agreed to a ceasefire on Sunday.") == []
    assert conditions(nlp, "Bolivia and Chile agreed to meet again next week.") == []


def test_deal_term_binds_the_party_named_in_it(nlp: Language) -> None:
    found = conditions(nlp, "Under the deal, Armenia will return eight villages to Azerbaijan.")
    assert any(p == "Armenia" and k == "guarantee" and "villages" in t for p, k, t in found)


def test_passive_reported_offer_belongs_to_the_speaker(nlp: Language) -> None:
    found = conditions(nlp, "Serbia said the Kosovar prisoners would be released next week.")
    assert any(p == "Serbia" and "released" in t for p, _, t in found)


def test_accusing_of_refusing_states_a_demand(nlp: Language) -> None:
    found = conditions(
        nlp, "Ukraine accused Russia of refusing to withdraw its troops from the dam."
    )
    assert any(p == "Ukraine" and k == "demand" and "withdraw" in t for p, k, t in found)


def test_failing_to_get_states_a_demand(nlp: Language) -> None:
    found = conditions(nlp, "Peru failed to get a written guarantee from Chile on the water.")
    assert any(p == "Peru" and k == "demand" and "written" in t for p, k, t in found)


def test_commitment_keeps_its_proviso(nlp: Language) -> None:
    text = "Chad stressed its commitment to the ceasefire provided rebel raids stop."
    found = conditions(nlp, text)
    assert any(p == "Chad" and "raids stop" in t for p, _, t in found)


def test_refusing_with_an_object_is_a_demand(nlp: Language) -> None:
    found = conditions(nlp, "Kosovo said it would never accept a partition of its territory.")
    assert any(p == "Kosovo" and k == "demand" and "partition" in t for p, k, t in found)


def test_ordinal_first_is_no_precondition(nlp: Language) -> None:
    found = conditions(nlp, "Sudan agreed to respect the ceasefire first signed in May.")
    assert ("Sudan", "guarantee") in {(p, k) for p, k, _ in found}


def test_a_clause_nested_in_a_longer_one_is_not_repeated(nlp: Language) -> None:
    found = conditions(nlp, "Chile insisted that Peru should return the fishing boats.")
    texts = [t for p, _, t in found if p == "Chile"]
    assert len(texts) == 1 and "boats" in texts[0]


def test_putting_forces_on_alert_proposes_nothing(nlp: Language) -> None:
    assert conditions(nlp, "Peru put its troops on full alert along the border.") == []


def test_who_set_the_demands_is_not_their_content(nlp: Language) -> None:
    found = conditions(nlp, "Bolivia rejected the conditions that Chile had set in earlier rounds.")
    assert all("earlier rounds" not in t for _, _, t in found)


def test_what_a_deal_leaves_out_binds_nobody(nlp: Language) -> None:
    text = "The accord did not include the Tigray People's Liberation Front, the main rebel group."
    assert all("main rebel group" not in t for _, _, t in conditions(nlp, text))


def test_deal_reached_to_do_something_is_an_undertaking(nlp: Language) -> None:
    text = "Peru reached a deal with Chile to lift tariffs in exchange for access to the port."
    found = conditions(nlp, text)
    assert any(p == "Peru" and "lift tariffs" in t for p, _, t in found)


def test_necessary_in_reported_speech_is_a_demand(nlp: Language) -> None:
    text = "Cuba says it is essential to restore the consular services first."
    found = conditions(nlp, text)
    assert any(
        p == "Cuba" and k in {"demand", "precondition"} and "consular" in t for p, k, t in found
    )


def test_refusing_to_meet_is_a_precondition(nlp: Language) -> None:
    found = conditions(nlp, "Eritrea has refused to meet Ethiopian negotiators without observers.")
    assert ("Eritrea", "precondition") in {(p, k) for p, k, _ in found}


def test_interested_in_doing_is_a_proposal_unless_negated(nlp: Language) -> None:
    yes = conditions(nlp, "Serbia is interested in building the talks on the 2013 accord.")
    assert ("Serbia", "proposal") in {(p, k) for p, k, _ in yes}
    no = conditions(nlp, "Serbia is not interested in building the talks on the 2013 accord.")
    assert ("Serbia", "proposal") not in {(p, k) for p, k, _ in no}


def test_refused_offers_and_wanted_men_are_not_conditions(nlp: Language) -> None:
    assert conditions(nlp, "Eritrea is not willing to withdraw its troops from Badme.") == []
    assert conditions(nlp, "The rebel leader is wanted for war crimes by the court.") == []


def test_readiness_to_host_talks_is_the_calendar(nlp: Language) -> None:
    assert conditions(nlp, "Oman voiced its readiness to host another round of negotiations.") == []


def test_the_calendar_under_a_deal_is_no_term(nlp: Language) -> None:
    text = "Under the accord, talks on a new constitution will start on March 3."
    assert conditions(nlp, text) == []
