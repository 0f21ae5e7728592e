"""Who negotiates and who mediates: the rules of parties.py and the mediation cues of
actors.py, each shown on a sentence written for the test."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.parties import Reading, choose_parties


def parties_of(nlp: Language, text: str) -> tuple[list[str], list[str]]:
    return choose_parties(Reading(doc=nlp(text), prefix=0))


def roles(nlp: Language, text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in nlp(text)._.mentions:
        out.setdefault(m.canonical, set()).add(m.role)
    return out


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("The two armies agreed a truce, with Egypt and Jordan mediating between them.", "Egypt"),
        ("The envoy thanked Norway for its efforts to mediate the dispute.", "Norway"),
        ("He expressed gratitude to Oman for facilitating the indirect talks.", "Oman"),
        ("The accord followed mediation led by Kenyan President William Ruto.", "Kenya"),
        ("The meeting ended despite mediation efforts by Ghana.", "Ghana"),
        ("After months of contacts, Switzerland becomes mediator in the dispute.", "Switzerland"),
        ("Iceland accepted a mandate to facilitate the dialogue.", "Iceland"),
        ("The UN-backed talks resumed in Geneva on Monday.", "United Nations"),
        ("Negotiators met in Vienna, with EU officials acting as go-betweens.", "European Union"),
        (
            "The African Union official who chairs the negotiations called progress slow.",
            "African Union",
        ),
        (
            "The process involves several countries, including Chile, Cuba and Norway, "
            "who will serve as facilitators.",
            "Norway",
        ),
    ],
)
def test_go_between_syntax_makes_a_mediator(nlp: Language, text: str, mediator: str) -> None:
    assert "mediator" in roles(nlp, text)[mediator]


@pytest.mark.model
def test_co_chairing_is_what_the_sides_do(nlp: Language) -> None:
    found = roles(nlp, "The commission was co-chaired by Laos's minister and a Thai envoy.")
    assert "mediator" not in found.get("Laos", set())


@pytest.mark.model
def test_accepting_anothers_mediation_is_not_mediating(nlp: Language) -> None:
    found = roles(nlp, "Iran accepted Oman's mediation.")
    assert found["Iran"] == {"actor"} and "mediator" in found["Oman"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "sides"),
    [
        pytest.param(
            "Peru's government and the rebels agreed to resume peace talks. "
            "The rebels said the talks would open next month.",
            ["Peru", "rebels"],
            id="unnamed_rebels_are_the_other_side",
        ),
        pytest.param(
            "Colombia and the ELN resumed peace talks in Caracas. The rebels said the "
            "ELN delegation would stay until a truce was signed.",
            ["Colombia", "ELN"],
            id="named_group_absorbs_generic_references",
        ),
        pytest.param(
            "ECOWAS and the junta in Niger held talks on Monday. ECOWAS said the talks "
            "with Niger would continue next week.",
            ["ECOWAS", "Niger"],
            id="organisation_can_be_a_side",
        ),
        pytest.param(
            "Estonia, Latvia and Lithuania signed a border agreement on Friday. "
            "Estonia said the agreement with Latvia and Lithuania ends years of talks.",
            ["Estonia", "Latvia", "Lithuania"],
            id="three_coordinated_signatories_are_all_parties",
        ),
        pytest.param(
            "Chile and Peru resumed talks on Monday to end their dispute. "
            "In March, Chile, Argentina, Uruguay and Paraguay imposed a boycott on Peru. "
            "Chile said the talks with Peru would go on.",
            ["Argentina", "Chile", "Paraguay", "Peru", "Uruguay"],
            id="a_bloc_acting_against_one_state_is_all_sides",
        ),
        pytest.param(
            "The leaders of Norway, Denmark and Iceland met in Bergen and agreed on fishing "
            "quotas. Norway said the agreement with Denmark and Iceland was fair.",
            ["Denmark", "Iceland", "Norway"],
            id="leaders_of_three_states_meeting_are_three_sides",
        ),
        pytest.param(
            "Venezuela's government and the Unitary Platform will resume talks. "
            "The opposition said the talks with the government would open in Oslo.",
            ["Unitary Platform", "Venezuela"],
            id="the_opposition_is_the_named_opposition_group",
        ),
        pytest.param(
            "Sudan's military council and the protest coalition resumed talks on Monday. "
            "The military council said the protest coalition had agreed to a transition. "
            "The protest coalition said talks with the military council would go on.",
            ["Sudan", "protest coalition"],
            id="military_council_and_protest_coalition",
        ),
        pytest.param(
            "Chile and Peru resumed talks on Monday to end their dispute. "
            "In March, Chile, Argentina and Uruguay imposed sanctions on Peru. "
            "Chile said the talks with Peru would go on.",
            ["Chile", "Peru"],
            id="states_voicing_sanctions_together_are_no_bloc",
        ),
        pytest.param(
            "Mali and the rebels resumed peace talks in Algiers. The rebels said Mali must "
            "withdraw. The French foreign minister voiced hope that the negotiations succeed. "
            "France welcomed the talks.",
            ["Mali", "rebels"],
            id="an_onlooker_that_only_comments_is_no_side",
        ),
    ],
)
def test_the_sides_are_found(nlp: Language, text: str, sides: list[str]) -> None:
    """Each case is named for the rule it shows."""
    parties, _ = parties_of(nlp, text)
    assert parties == sides


@pytest.mark.model
def test_state_naming_rebels_or_a_source_does_not_act(nlp: Language) -> None:
    text = (
        "Niger rebels agreed to talks with the government, Algeria state media said. "
        "The rebels and the government will meet in Algiers."
    )
    parties, _ = parties_of(nlp, text)
    assert "Algeria" not in parties


@pytest.mark.model
def test_announcing_the_sides_deal_makes_a_mediator(nlp: Language) -> None:
    text = (
        "Sudan and South Sudan signed a border accord in Doha. Sudan and South Sudan "
        "agreed to reopen crossings. Qatar's foreign ministry said Sudan and South "
        "Sudan had agreed to meet again."
    )
    parties, mediators = parties_of(nlp, text)
    assert parties == ["South Sudan", "Sudan"] and mediators == ["Qatar"]


@pytest.mark.model
def test_country_after_its_capital_is_a_place(nlp: Language) -> None:
    found = roles(nlp, "The delegations met in Doha, Qatar, on Sunday.")
    assert found["Qatar"] == {"place"}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("Ghana, which has been leading efforts to mediate the talks, hosted them.", "Ghana"),
        ("The dialogue takes place under the initiative of the AU.", "African Union"),
        ("Oman has worked to end the row between its two neighbours.", "Oman"),
    ],
)
def test_more_go_between_syntax(nlp: Language, text: str, mediator: str) -> None:
    assert "mediator" in roles(nlp, text)[mediator]


@pytest.mark.model
def test_capital_of_a_country_is_a_place(nlp: Language) -> None:
    found = roles(nlp, "The envoys landed in Tbilisi, the capital of Georgia.")
    assert found["Georgia"] == {"place"}


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        ("The EU has acted as the main interlocutor between the two capitals.", "European Union"),
        (
            "Earlier, the AU special envoy held separate meetings with both leaders.",
            "African Union",
        ),
        ("Egypt held separate meetings with the two delegations on Sunday.", "Egypt"),
    ],
)
def test_interlocutors_envoys_and_shuttles_mediate(nlp: Language, text: str, mediator: str) -> None:
    assert "mediator" in roles(nlp, text)[mediator]


@pytest.mark.model
def test_host_that_also_acts_is_the_facilitator(nlp: Language) -> None:
    text = (
        "Sudan and Chad held peace talks in Doha on Monday. Sudan accused Chad of "
        "arming rebels, and Chad denied it. Qatar's foreign minister praised the "
        "progress of the talks and Qatar promised more rounds of talks."
    )
    parties, mediators = parties_of(nlp, text)
    assert parties == ["Chad", "Sudan"] and mediators == ["Qatar"]


@pytest.mark.model
def test_a_mere_venue_makes_no_mediator(nlp: Language) -> None:
    text = (
        "Sudan and Chad held peace talks in Vienna on Monday. Sudan accused Chad of "
        "arming rebels, and Chad denied it."
    )
    _, mediators = parties_of(nlp, text)
    assert mediators == []


@pytest.mark.model
def test_inverted_speaker_of_both_sides_is_the_mediator(nlp: Language) -> None:
    text = (
        'Ethiopia and the TPLF signed a truce in Pretoria. "Both sides agreed to end '
        'the fighting," said the South African foreign minister. Ethiopia said the '
        "TPLF must disarm."
    )
    parties, mediators = parties_of(nlp, text)
    assert parties == ["Ethiopia", "TPLF"] and mediators == ["South Africa"]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "mediator"),
    [
        (
            "Colombia and the ELN held peace talks on Monday. In a communique released by "
            "the Swiss government, the two parties called the meeting constructive. "
            "Colombia said the ELN had agreed to a truce.",
            "Switzerland",
        ),
        (
            "Qatar seeks to arrange a summit to seal a deal between Chad's junta and the "
            "rebels. Chad said the rebels must disarm. The rebels said Chad must talk.",
            "Qatar",
        ),
    ],
)
def test_statement_issuers_and_accord_sealers_mediate(
    nlp: Language, text: str, mediator: str
) -> None:
    assert mediator in parties_of(nlp, text)[1]


@pytest.mark.model
def test_thanked_for_providing_the_venue_is_the_host(nlp: Language) -> None:
    found = roles(
        nlp,
        "Both sides expressed appreciation to the Government of Brunei for providing the venue.",
    )
    assert "mediator" in found["Brunei Darussalam"]


@pytest.mark.model
def test_elliptical_conjunct_shares_the_second_ones_head(nlp: Language) -> None:
    found = roles(nlp, "Both the Greek and Turkish Cypriot leaders attended the dinner.")
    assert "Cyprus" in found and "Greece" not in found
