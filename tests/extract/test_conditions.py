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
