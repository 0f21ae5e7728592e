"""Actor names, metonyms and roles."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.actors import gazetteer


def roles(nlp: Language, text: str) -> dict[str, set[str]]:
    doc = nlp(text)
    out: dict[str, set[str]] = {}
    for m in doc._.mentions:
        out.setdefault(m.canonical, set()).add(m.role)
    return out


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Turkey", "Türkiye"),
        ("Iran, Islamic Republic of", "Iran"),
        ("Vietnam", "Viet Nam"),
        ("Russian Federation", "Russia"),
        ("DRC", "Democratic Republic of the Congo"),
        ("Korea, Democratic People's Republic of", "North Korea"),
        ("Bolivia, Plurinational State of", "Bolivia"),
        ("the Kremlin", "Russia"),
        ("Islamabad", "Pakistan"),
    ],
)
def test_gazetteer_gives_contract_names(surface: str, canonical: str) -> None:
    assert gazetteer()[surface].canonical == canonical


@pytest.mark.model
def test_capital_as_subject_names_its_state(nlp: Language) -> None:
    found = roles(nlp, "Islamabad demanded that Kabul act against the militants.")
    assert found["Pakistan"] == {"actor"} and found["Afghanistan"] == {"actor"}


@pytest.mark.model
def test_capital_after_in_is_a_place(nlp: Language) -> None:
    found = roles(nlp, "The delegations met in Doha on Sunday.")
    assert found["Qatar"] == {"place"}


@pytest.mark.model
def test_mediated_by_makes_a_mediator(nlp: Language) -> None:
    found = roles(nlp, "The talks between Sudan and Chad were mediated by Qatar.")
    assert "mediator" in found["Qatar"] and "mediator" not in found["Sudan"]


@pytest.mark.model
def test_hosted_by_makes_a_mediator(nlp: Language) -> None:
    assert "mediator" in roles(nlp, "The meeting was hosted by Türkiye.")["Türkiye"]


@pytest.mark.model
def test_object_of_hosting_is_not_a_mediator(nlp: Language) -> None:
    found = roles(nlp, "Kenya hosted the Somali president on Monday.")
    assert "mediator" not in found.get("Somalia", set())


@pytest.mark.model
def test_hyphenated_broker_is_a_mediator(nlp: Language) -> None:
    assert "mediator" in roles(nlp, "The China-brokered truce held for a week.")["China"]


@pytest.mark.model
def test_acting_as_intermediary_makes_a_mediator(nlp: Language) -> None:
    found = roles(nlp, "Norway will act as intermediary between the two delegations.")
    assert "mediator" in found["Norway"]


@pytest.mark.model
def test_titled_person_is_affiliated_with_their_state(nlp: Language) -> None:
    doc = nlp("Kenyan President William Ruto met the envoys. Ruto said talks would resume.")
    assert doc._.people.get("Ruto") == "Kenya"


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("Colombo", "Sri Lanka"),
        ("Sri Lankan", "Sri Lanka"),
        ("Kathmandu", "Nepal"),
        ("Zagreb", "Croatia"),
        ("Croatians", "Croatia"),
    ],
)
def test_capitals_and_demonyms_come_from_maintained_data(surface: str, canonical: str) -> None:
    actor = gazetteer()[surface]
    assert (actor.canonical, actor.form) == (canonical, "metonym")


def test_a_demonym_two_states_share_names_neither() -> None:
    assert "Congoleses" not in gazetteer() and "Chineses" not in gazetteer()
    assert gazetteer()["Congolese"].canonical == "Democratic Republic of the Congo"  # data file


def test_micro_state_capitals_are_not_metonyms() -> None:
    assert "Victoria" not in gazetteer()


@pytest.mark.model
def test_guarantor_states_named_with_as_are_mediators(nlp: Language) -> None:
    found = roles(
        nlp,
        "Talks between Peru and the rebels began in 2020 with Chile and Spain as "
        "guarantor countries.",
    )
    assert "mediator" in found["Chile"] and "mediator" in found["Spain"]
    assert "mediator" not in found["Peru"]


@pytest.mark.model
def test_a_former_leader_counts_only_in_articles_from_their_term(nlp: Language) -> None:
    doc = nlp.make_doc("Merkel urged both sides to return to the table.")
    doc._.published = (2019, 5)
    assert "Germany" in {m.canonical for m in nlp(doc)._.mentions}
    doc = nlp.make_doc("Merkel urged both sides to return to the table.")
    doc._.published = (2026, 3)
    assert "Germany" not in {m.canonical for m in nlp(doc)._.mentions}


@pytest.mark.model
def test_a_leader_who_held_another_office_before_counts_only_when_dated(nlp: Language) -> None:
    sentence = "Rutte said the allies would keep talking with both sides."
    found = {}
    for published in (None, (2022, 3), (2025, 6)):
        doc = nlp.make_doc(sentence)
        doc._.published = published
        found[published] = {m.canonical for m in nlp(doc)._.mentions}
    assert "NATO" not in found[None] and "NATO" not in found[(2022, 3)]
    assert "NATO" in found[(2025, 6)]


def test_a_former_office_holder_carries_the_date_they_left() -> None:
    assert gazetteer()["Stoltenberg"].until == (2024, 9)
    assert gazetteer()["Rutte"].canonical == "NATO" and gazetteer()["Rutte"].until is None


@pytest.mark.model
def test_a_country_bound_name_needs_its_country(nlp: Language) -> None:
    indian = nlp("Police in India said Maoists had offered talks with the state.")
    assert "Communist Party of India (Maoist)" in {m.canonical for m in indian._.mentions}
    nepali = nlp("The Maoists in Nepal offered talks with the government.")
    assert "Communist Party of Nepal (Maoist)" in {m.canonical for m in nepali._.mentions}
    business = nlp("The CMA said the merger talks would resume next week.")
    assert not business._.mentions


@pytest.mark.model
def test_a_minister_named_wagner_is_not_the_wagner_group(nlp: Language) -> None:
    doc = nlp("Therese Kayikwamba Wagner met her counterpart for talks on the border.")
    assert {m.canonical for m in doc._.mentions} == {"Democratic Republic of the Congo"}
