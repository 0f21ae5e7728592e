"""read_articles: order, relevance, failure isolation and the track it builds."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extract.models import ArticleText
from extract.pipeline import read_articles

TALKS = (
    "Peace talks between Ethiopia and Eritrea collapsed in Nairobi on Tuesday after the "
    "Eritrean delegation walked out. The talks were mediated by Kenya. Ethiopia demanded "
    "the withdrawal of Eritrean troops from the border town of Badme. Earlier this month "
    "the two governments had agreed a ceasefire."
)
WEATHER = "Heavy rain is expected across the north this weekend, forecasters said on Friday."


def article(source: str, text: str, title: str | None = None) -> ArticleText:
    return ArticleText(source=source, text=text, title=title)


@pytest.mark.model
def test_results_keep_input_order_and_relevance(nlp: Language) -> None:
    results = read_articles(nlp, [article("a", WEATHER), article("b", TALKS)])
    assert [r.source for r in results] == ["a", "b"]
    assert not results[0].relevant and results[0].tracks == []
    assert results[1].relevant


@pytest.mark.model
def test_track_has_sorted_parties_mediator_venue_and_background(nlp: Language) -> None:
    track = read_articles(nlp, [article("b", TALKS)])[0].tracks[0]
    assert track.parties == ["Eritrea", "Ethiopia"]
    assert track.mediators == ["Kenya"]
    assert track.venue == "Nairobi"
    assert track.status == "collapsed"
    assert any(e.kind == "ceasefire" and not e.current for e in track.events)
    assert any(c.party == "Ethiopia" and "withdrawal" in c.text for c in track.conditions)


@pytest.mark.model
def test_event_offsets_point_into_the_article_text(nlp: Language) -> None:
    result = read_articles(nlp, [article("b", TALKS, title="Talks collapse")])[0]
    located = [e for e in result.tracks[0].events if e.start is not None and e.end is not None]
    assert located  # else the loop below checks nothing
    for event in located:
        assert " ".join(TALKS[event.start : event.end].split()) == event.sentence


def test_evidence_sentences_are_one_line_whatever_the_page_layout(nlp: Language) -> None:
    text = "GENEVA, March 3 —\n\nTalks between Armenia and Azerbaijan\ncollapsed on Monday."
    result = read_articles(nlp, [article("c", text, title="Armenia-Azerbaijan talks collapse")])[0]
    sentences = [e.sentence for t in result.tracks for e in t.events]
    assert sentences and all("\n" not in s and "  " not in s for s in sentences)


def test_one_failing_article_does_not_stop_the_others() -> None:
    nlp = spacy.blank("en")

    @Language.component("explode_on_boom")
    def explode(doc: Doc) -> Doc:
        if "boom" in doc.text:
            raise ValueError("boom")
        return doc

    nlp.add_pipe("explode_on_boom")
    results = read_articles(
        nlp,
        [
            article("ok", "Chad and Sudan held truce talks."),
            article("bad", "Chad and Sudan held truce talks. boom"),
        ],
    )
    assert results[0].error is None
    assert results[1].error is not None and "boom" in results[1].error


@pytest.mark.model
def test_a_title_case_headline_is_one_evidence_sentence_apart_from_the_body(
    nlp: Language,
) -> None:
    headline = "Ethiopia Blames Eritrea For Nairobi Talks Collapse After Delegation Walks Out"
    (result,) = read_articles(nlp, [article("h", TALKS, title=headline)])
    sentences = [e.sentence for e in result.tracks[0].events]
    assert headline + "." in sentences
    assert not any(s.startswith(headline) and len(s) > len(headline) + 1 for s in sentences)
    assert all(len(s.split()) > 3 for s in sentences)


@pytest.mark.model
def test_where_a_truce_takes_effect_is_not_the_venue_of_the_talks(nlp: Language) -> None:
    text = (
        "NAIROBI, March 3, 2024 — A ceasefire between Ethiopia and Eritrea took effect in "
        "Mekelle on Sunday under a deal brokered by Kenya, officials said. The negotiations "
        "had lasted two weeks."
    )
    (result,) = read_articles(nlp, [article("v", text)])
    assert result.tracks[0].venue == "Nairobi"


@pytest.mark.model
def test_a_relevant_article_with_one_named_side_still_yields_its_track(nlp: Language) -> None:
    text = (
        "Bolivia's government and the striking miners' cooperatives resumed negotiations in "
        "La Paz on Tuesday, church mediators said. The two camps accepted a truce on the "
        "highways while the talks continue."
    )
    (result,) = read_articles(nlp, [article("one", text, title="Bolivia, miners resume talks")])
    assert result.relevant
    (track,) = result.tracks
    assert track.parties == ["Bolivia"]
    assert track.status is not None


def test_a_long_page_is_parsed_up_to_the_budget_and_still_read(nlp: Language) -> None:
    from extract.pipeline import MAX_PARSED_TOKENS, _within_parse_budget

    lead = (
        "Peace talks between Armenia and Azerbaijan collapsed in Geneva on Monday. The "
        "Armenian delegation walked out after the Azerbaijani side rejected a proposal on "
        "the border, officials said. Both governments blamed each other for the breakdown. "
    )
    tail = "Residents of the region described the weather and the harvest at length. " * 400
    doc = nlp.make_doc(lead + tail)
    cut = _within_parse_budget(doc)
    assert len(doc) > MAX_PARSED_TOKENS >= len(cut) > MAX_PARSED_TOKENS - 200
    assert cut.text.rstrip().endswith(".") and doc.text.startswith(cut.text)
    title = "Armenia-Azerbaijan peace talks collapse"
    result = read_articles(nlp, [ArticleText(source="long", text=lead + tail, title=title)])[0]
    assert result.relevant and result.tracks[0].status == "collapsed"
