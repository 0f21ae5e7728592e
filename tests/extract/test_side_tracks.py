"""side_tracks: a second negotiation of the same article gets its own track, and only on
clear evidence (sentences of its own, a between/joint construction, a current event)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extract.models import ArticleText
from extract.pipeline import read_articles

TWO_NEGOTIATIONS = (
    "Peace talks between Armenia and Azerbaijan collapsed in Vienna on Thursday after the "
    "Azerbaijani delegation walked out. Armenia blamed Azerbaijan for the failure of the "
    "talks. Armenian officials said Azerbaijan had refused to discuss the border. "
    "In a separate development, Sudan and South Sudan agreed a ceasefire on Friday after "
    "talks between Sudan and South Sudan in Juba."
)
ONE_NEGOTIATION = (
    "Peace talks between Armenia and Azerbaijan collapsed in Vienna on Thursday after the "
    "Azerbaijani delegation walked out. Armenia blamed Azerbaijan for the failure of the "
    "talks, which were mediated by Switzerland. Earlier this year the two sides had agreed "
    "a ceasefire."
)


def _tracks(nlp: Language, text: str):  # noqa: ANN202 - a list of Track
    result = read_articles(nlp, [ArticleText(source="t", text=text)])[0]
    assert result.relevant
    return result.tracks


@pytest.mark.model
def test_second_negotiations_truce_lands_on_its_own_track(nlp: Language) -> None:
    main, *others = _tracks(nlp, TWO_NEGOTIATIONS)
    assert main.parties == ["Armenia", "Azerbaijan"]
    assert main.status == "collapsed"
    assert all(e.kind != "ceasefire" for e in main.events)  # the leak is gone
    assert main.venue == "Vienna"
    assert len(others) == 1
    second = others[0]
    assert second.parties == ["South Sudan", "Sudan"]
    assert second.status == "ceasefire"
    assert second.venue == "Juba"  # from its own sentences, not the main dateline
    assert "South Sudan" not in main.mediators  # the host of the other talks, not of these
    assert any(e.kind == "ceasefire" and e.current for e in second.events)


@pytest.mark.model
def test_single_negotiation_gives_exactly_one_track(nlp: Language) -> None:
    tracks = _tracks(nlp, ONE_NEGOTIATION)
    assert len(tracks) == 1
    assert tracks[0].parties == ["Armenia", "Azerbaijan"]
    assert tracks[0].mediators == ["Switzerland"]
