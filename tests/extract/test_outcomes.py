"""Status events: the lexicon finds candidates, syntax decides whether they happened."""

from __future__ import annotations

import pytest
from spacy.language import Language

pytestmark = pytest.mark.model


def kinds(nlp: Language, text: str, *, current: bool | None = None) -> set[str]:
    doc = nlp(text)
    return {e.kind for e in doc._.events if current is None or e.current == current}


def test_reported_collapse_is_a_current_collapse(nlp: Language) -> None:
    assert "collapsed" in kinds(
        nlp, "Talks between Chile and Bolivia collapsed on Tuesday.", current=True
    )


def test_negated_collapse_is_not_an_event(nlp: Language) -> None:
    assert "collapsed" not in kinds(nlp, "The talks did not collapse on Tuesday.")


def test_denied_collapse_is_not_an_event(nlp: Language) -> None:
    assert "collapsed" not in kinds(nlp, "Officials denied that the negotiations had collapsed.")


def test_no_violations_is_not_a_broken_truce(nlp: Language) -> None:
    assert "ceasefire_broken" not in kinds(
        nlp, "No violations of the truce were logged on Sunday night."
    )


def test_modal_could_is_hypothetical(nlp: Language) -> None:
    assert "ceasefire_broken" not in kinds(
        nlp, "Diplomats warned that the fragile truce could collapse."
    )


def test_would_resume_fighting_is_a_threat_not_a_broken_truce(nlp: Language) -> None:
    found = kinds(nlp, "The rebels said they would end the ceasefire if the army advanced.")
    assert "ceasefire_broken" not in found


def test_question_is_not_an_event(nlp: Language) -> None:
    assert not kinds(nlp, "Will the ceasefire collapse before the summit?")


def test_past_perfect_truce_is_background(nlp: Language) -> None:
    doc = nlp("Armenia and Azerbaijan had agreed a ceasefire before the talks opened in Vienna.")
    truces = [e for e in doc._.events if e.kind == "ceasefire"]
    assert truces and not any(e.current for e in truces)


def test_earlier_this_month_is_background(nlp: Language) -> None:
    doc = nlp("Earlier this month, Sudan and South Sudan signed a truce in Juba.")
    truces = [e for e in doc._.events if e.kind == "ceasefire"]
    assert truces and not any(e.current for e in truces)


def test_older_year_is_background(nlp: Language) -> None:
    doc = nlp("In 2014 the talks collapsed. In 2019 the two sides met again in Oslo.")
    collapses = [e for e in doc._.events if e.kind == "collapsed"]
    assert collapses and not collapses[0].current


def test_ended_without_agreement_is_deadlock(nlp: Language) -> None:
    assert "deadlock" in kinds(
        nlp, "The second round of talks ended on Friday without an agreement."
    )


def test_truce_violation_is_ceasefire_broken(nlp: Language) -> None:
    found = kinds(
        nlp, "Ethiopia accused Eritrea of violating the truce with artillery fire on Monday."
    )
    assert "ceasefire_broken" in found


def test_will_hold_talks_is_scheduled(nlp: Language) -> None:
    assert "scheduled" in kinds(
        nlp, "Peru and Ecuador will hold talks in Lima next week.", current=True
    )


def test_truce_not_respected_is_broken(nlp: Language) -> None:
    found = kinds(nlp, "The truce agreed by Mali and the rebels was not respected in the north.")
    assert "ceasefire_broken" in found


def test_ending_negotiations_is_a_collapse(nlp: Language) -> None:
    assert "collapsed" in kinds(nlp, "The president ended the negotiations with the rebels.")


def test_little_headway_is_deadlock(nlp: Language) -> None:
    assert "deadlock" in kinds(nlp, "The negotiators made little headway in Nairobi on Thursday.")


def test_talk_verb_with_future_is_scheduled(nlp: Language) -> None:
    assert "scheduled" in kinds(nlp, "The two leaders will meet in Jakarta on Friday.")


def test_agreed_in_principle_is_not_yet_a_ceasefire(nlp: Language) -> None:
    text = "Guyana agreed in principle to a truce with the gangs."
    assert "ceasefire" not in kinds(nlp, text, current=True)


def test_declaration_of_principles_is_progress_not_a_deal(nlp: Language) -> None:
    found = kinds(nlp, "Sudan and the rebels signed a declaration of principles on Monday.")
    assert "progress" in found and "agreement" not in found


def test_accord_declared_over_is_a_collapse(nlp: Language) -> None:
    found = kinds(nlp, "The rebels say the 1994 peace accord is over.", current=True)
    assert "collapsed" in found


def test_pronoun_object_takes_its_antecedent(nlp: Language) -> None:
    text = "Within a day of the ceasefire taking hold, Chad accused Sudan of violating it."
    assert "ceasefire_broken" in kinds(nlp, text)


def test_a_negated_current_status_is_kept_as_a_denial(nlp: Language) -> None:
    doc = nlp("Talks between Chile and Bolivia have not collapsed, the foreign ministry said.")
    assert "collapsed" not in {e.kind for e in doc._.events}
    assert [(d.kind, d.current) for d in doc._.denials] == [("collapsed", True)]


def test_a_hypothetical_negation_is_no_denial(nlp: Language) -> None:
    doc = nlp("Talks between Chile and Bolivia might not collapse if both sides compromise.")
    assert doc._.denials == []


def headline_kinds(nlp: Language, title: str, body: str = "") -> set[str]:
    """Events of the headline, read as the pipeline reads a titled article."""
    prefix = title + "\n\n"
    doc = nlp.make_doc(prefix + body)
    doc._.headline_end = len(prefix)
    doc = nlp(doc)
    return {e.kind for e in doc._.events if e.current and doc[e.anchor].idx < len(prefix)}


def test_talks_about_a_truce_that_end_without_a_deal_are_deadlocked(nlp: Language) -> None:
    found = kinds(nlp, "Truce negotiations between Chad and Niger ended without an agreement.")
    assert "deadlock" in found and "ceasefire_broken" not in found


def test_agreeing_to_start_negotiations_is_scheduled(nlp: Language) -> None:
    found = kinds(nlp, "Bolivia and Chile agreed to start negotiations next month.")
    assert "scheduled" in found and "agreement" not in found


def test_troops_withdrawing_from_towns_is_no_walkout(nlp: Language) -> None:
    text = "Under the truce, the rebels started withdrawing from three border towns."
    assert "collapsed" not in kinds(nlp, text)


def test_failing_to_sign_is_a_deadlock_not_a_deal(nlp: Language) -> None:
    found = kinds(nlp, "The rebel commander failed to sign the accord in Lusaka on Friday.")
    assert "deadlock" in found and "agreement" not in found


def test_talks_failing_to_break_an_impasse_are_deadlocked(nlp: Language) -> None:
    found = kinds(nlp, "The talks in Nairobi failed to break the impasse over grazing rights.")
    assert "deadlock" in found and "collapsed" not in found


def test_agreeing_to_end_hostilities_is_a_ceasefire(nlp: Language) -> None:
    found = kinds(nlp, "The two armies agreed to end hostilities along the river on Monday.")
    assert "ceasefire" in found and "ceasefire_broken" not in found


def test_resumed_fighting_breaks_the_truce(nlp: Language) -> None:
    found = kinds(nlp, "Heavy fighting resumed near the ceasefire line on Sunday.", current=True)
    assert "ceasefire_broken" in found


def test_title_case_headline_verb_is_read(nlp: Language) -> None:
    assert "ceasefire" in headline_kinds(nlp, "Ruritania Signs Ceasefire Deal With Eastern Rebels")


def test_headline_infinitive_is_scheduled(nlp: Language) -> None:
    assert "scheduled" in headline_kinds(nlp, "Foreign ministers to meet in Geneva on peace talks")


def test_phrasal_call_off_is_no_hedge(nlp: Language) -> None:
    found = headline_kinds(nlp, "Rebels call off truce, withdraw from peace talks")
    assert {"ceasefire_broken", "collapsed"} <= found


def test_purpose_infinitive_is_not_an_agreement(nlp: Language) -> None:
    assert "agreement" not in kinds(nlp, "Envoys arrived in Oslo on Monday to reach a deal.")


def test_abrupt_end_of_talks_is_a_collapse(nlp: Language) -> None:
    assert "collapsed" in kinds(nlp, "The talks in Lima came to an abrupt end on Tuesday.")


def test_summit_cut_short_is_judged_by_its_outcome(nlp: Language) -> None:
    found = kinds(nlp, "The summit in Lima came to an abrupt end without an agreement.")
    assert "collapsed" not in found and "deadlock" in found


def test_agreeing_on_something_is_an_agreement(nlp: Language) -> None:
    text = "Under the accord, both governments agreed on the annex on river patrols."
    assert "agreement" in kinds(nlp, text, current=True)


def test_and_does_not_carry_negation(nlp: Language) -> None:
    text = "The envoys did not reach their goals and the talks broke off on Friday."
    assert "collapsed" in kinds(nlp, text)


def test_ratified_treaty_is_an_agreement(nlp: Language) -> None:
    assert "agreement" in kinds(nlp, "The parliament in Skopje ratified the border treaty.")


def test_future_take_place_is_scheduled(nlp: Language) -> None:
    text = "The fifth round of negotiations will take place in Vilnius next week."
    assert "scheduled" in kinds(nlp, text)


def test_reported_would_is_a_decision(nlp: Language) -> None:
    text = "The president announced that Ruritania would suspend its participation in the treaty."
    assert "collapsed" in kinds(nlp, text)


def test_brokered_participle_truce_is_background(nlp: Language) -> None:
    doc = nlp("The Qatar-brokered truce held on Tuesday as talks opened.")
    truces = [e for e in doc._.events if e.kind == "ceasefire"]
    assert truces and not any(e.current for e in truces)


def test_read_more_link_is_background(nlp: Language) -> None:
    doc = nlp("READ MORE: Border talks between the two neighbours hit a deadlock.")
    found = [e for e in doc._.events if e.kind == "deadlock"]
    assert found and not any(e.current for e in found)


def test_bare_past_month_is_background_when_undated(nlp: Language) -> None:
    doc = nlp("The two sides signed a peace deal in March.")
    deals = [e for e in doc._.events if e.kind == "agreement"]
    assert deals and not any(e.current for e in deals)


def test_other_month_in_past_tense_is_background(nlp: Language) -> None:
    doc = nlp.make_doc("The talks broke down in November. The talks broke down on Tuesday.")
    doc._.published = (2024, 1)
    doc = nlp(doc)
    collapses = sorted((e.sentence.start, e.current) for e in doc._.events if e.kind == "collapsed")
    assert [c for _, c in collapses] == [False, True]


def test_page_date_line_dates_the_article(nlp: Language) -> None:
    doc = nlp("Updated March 3, 2024 10:02 AM\n\nThe negotiations resumed in Oslo on Monday.")
    assert doc._.published == (2024, 3)


def test_agreement_to_cease_hostilities_is_a_ceasefire(nlp: Language) -> None:
    text = "The army and the militia signed an accord to cease hostilities around Bunia."
    assert "ceasefire" in kinds(nlp, text)


def test_memorandum_of_understanding_is_progress(nlp: Language) -> None:
    found = kinds(nlp, "Both ministries signed a memorandum of understanding covering river water.")
    assert "progress" in found and "agreement" not in found


def test_expletive_it_is_no_deal(nlp: Language) -> None:
    text = "Officials said afterwards that it was agreed to set up a panel of two judges."
    assert "agreement" not in kinds(nlp, text)


def test_ending_a_two_day_meeting_is_no_collapse(nlp: Language) -> None:
    found = kinds(nlp, "The cabinet ended a three-day meeting with the insurgents on Tuesday.")
    assert "collapsed" not in found and "ongoing" in found


def test_deciding_not_to_continue_talks_is_a_collapse(nlp: Language) -> None:
    text = "The council chose neither to ratify the accord nor to continue the negotiations."
    assert "collapsed" in kinds(nlp, text)


def test_bringing_negotiations_to_a_close_is_a_collapse(nlp: Language) -> None:
    text = "The decision brings the negotiations on the fisheries accord to a close."
    assert "collapsed" in kinds(nlp, text)


def test_could_not_conclude_a_deal_is_deadlock(nlp: Language) -> None:
    assert "deadlock" in kinds(
        nlp, "The delegations could not conclude a final agreement in Accra."
    )


def test_concluding_the_negotiations_is_an_agreement(nlp: Language) -> None:
    assert "agreement" in kinds(nlp, "Iceland and Britain have concluded the talks on mackerel.")


def test_pulling_out_of_the_process_is_a_collapse(nlp: Language) -> None:
    text = "The government pulled out of the peace process last week, officials said."
    assert "collapsed" in kinds(nlp, text)


def test_agreeing_to_sign_an_accord_is_scheduled(nlp: Language) -> None:
    found = kinds(nlp, "Most of the factions agreed to sign a deal in Praia next month.")
    assert "scheduled" in found and "agreement" not in found


def test_a_signed_press_statement_is_no_deal(nlp: Language) -> None:
    text = "In a statement signed by its spokesman, the front denounced the raid on the talks."
    assert "agreement" not in kinds(nlp, text)


def test_mulling_a_walkout_is_no_walkout(nlp: Language) -> None:
    text = "The opposition is mulling pulling out of the talks with the government."
    assert "collapsed" not in kinds(nlp, text)


def test_a_date_two_weeks_before_the_dateline_is_background(nlp: Language) -> None:
    text = (
        "LUSAKA, June 28 —\n\nThe rebels and the government signed a truce on June 9. "
        "The two delegations met again in Lusaka on Saturday."
    )
    doc = nlp(text)
    truces = [e for e in doc._.events if e.kind == "ceasefire"]
    assert doc._.published_day == 28
    assert truces and not any(e.current for e in truces)


def test_requesting_talks_is_scheduled(nlp: Language) -> None:
    assert "scheduled" in kinds(nlp, "The junta requested a dialogue with the regional bloc.")


def test_following_the_close_of_a_round_is_current(nlp: Language) -> None:
    doc = nlp("The envoy spoke to reporters following the close of the fifth round of talks.")
    held = [e for e in doc._.events if e.kind == "ongoing"]
    assert held and all(e.current for e in held)


def test_why_question_presupposes_its_event(nlp: Language) -> None:
    text = "Why have the border talks in Arusha failed to make any headway?"
    assert "deadlock" in kinds(nlp, text)


def test_yes_no_question_is_no_event(nlp: Language) -> None:
    assert "deadlock" not in kinds(nlp, "Have the border talks in Arusha stalled?")


def test_a_set_of_agreements_is_agreements(nlp: Language) -> None:
    text = "The two cabinets concluded a whole package of accords on fishing."
    assert "agreement" in kinds(nlp, text)


def test_relative_clause_on_the_subject_reports_the_news(nlp: Language) -> None:
    doc = nlp("The accord, which was signed in Lome, ends a decade of border clashes.")
    deals = [e for e in doc._.events if e.kind == "agreement"]
    assert deals and any(e.current for e in deals)


def test_a_deal_that_ends_a_war_is_not_ended(nlp: Language) -> None:
    text = "The accord, which was signed in Lome, ends a decade of border clashes."
    assert "collapsed" not in kinds(nlp, text)


def test_urging_a_delay_keeps_the_talks_scheduled(nlp: Language) -> None:
    text = "The mediator urged the government to delay the national dialogue by a month."
    assert "scheduled" in kinds(nlp, text)


def test_yet_to_reach_a_deal_is_deadlock(nlp: Language) -> None:
    found = kinds(nlp, "The two delegations have yet to reach a deal on the river border.")
    assert "deadlock" in found and "agreement" not in found


def test_headline_participle_is_the_news(nlp: Language) -> None:
    assert "collapsed" in headline_kinds(nlp, "Border talks suspended after shelling")


def test_headline_verb_forms_follow_english_spelling() -> None:
    from extract.lexicon import _inflections

    assert _inflections("agree") == ("agrees", "agreed", "agreeing")
    assert _inflections("stop") == ("stops", "stopped", "stopping")
    assert _inflections("open") == ("opens", "opened", "opening")
    assert _inflections("ratify") == ("ratifies", "ratified", "ratifying")
    assert _inflections("delay") == ("delays", "delayed", "delaying")
