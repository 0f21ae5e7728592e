"""The cheap gate before parsing, and the political-context test after it."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from extract.models import ArticleText
from extract.pipeline import read_articles
from extract.relevance import VocabularyGate


@pytest.fixture(scope="module")
def gate() -> VocabularyGate:
    return VocabularyGate(spacy.blank("en"))


def test_gate_skips_text_without_negotiation_words(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Chile beat Peru 2-1 in Lima on Sunday.")
    assert not gate.worth_parsing(doc)


def test_gate_skips_talks_without_two_actors(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Talks on the merger deal collapsed and negotiators went home.")
    assert not gate.worth_parsing(doc)


def test_gate_passes_talks_between_states(gate: VocabularyGate) -> None:
    doc = spacy.blank("en")("Talks between Chile and Peru on a border deal resumed in Lima.")
    assert gate.worth_parsing(doc)


@pytest.mark.model
def test_sports_truce_between_fans_is_not_relevant(nlp: Language) -> None:
    text = (
        "Fans of the two clubs called a truce in their dispute with the league after talks "
        "on ticket prices. The league said the match against Spain and the game with Italy "
        "would go ahead, and supporters agreed to end their boycott of the stadium."
    )
    result = read_articles(nlp, [ArticleText(source="s", text=text)])[0]
    assert not result.relevant and result.tracks == []
