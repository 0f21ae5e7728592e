"""Is an article about negotiations between states or armed groups at all?

Two stages, because the trained pipeline is the expensive part (notes/performance.md):
a cheap vocabulary test on the tokenizer's output decides which texts get parsed, and a
final test on the parsed text asks for two actors and political, not sporting, business or
labour, context (merger talks and a union's "tentative agreement" share the vocabulary).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extract.actors import gazetteer
from extract.lexicon import cues


class VocabularyGate:
    """Counts negotiation vocabulary and actor names on a tokenized-only Doc.

    Both are PhraseMatchers, so the test costs about as much as tokenizing; the actor
    names come from the same gazetteer the actor finder uses."""

    def __init__(self, nlp: Language) -> None:
        c = cues()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("NEGOTIATION", list(nlp.tokenizer.pipe(sorted(c["negotiation_vocab"]))))
        self.actors = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.actors.add("ACTOR", list(nlp.tokenizer.pipe(sorted(gazetteer()))))

    def hits(self, doc: Doc) -> int:
        return len(self.matcher(doc))

    def actor_names(self, doc: Doc) -> int:
        """Distinct actor spellings: two sides need at least two names."""
        return len({doc[s:e].text for _, s, e in self.actors(doc)})

    def worth_parsing(self, doc: Doc) -> bool:
        return self.hits(doc) >= 2 and self.actor_names(doc) >= 2


def context_balance(doc: Doc) -> tuple[int, int]:
    """(political words, off-domain words) in the article."""
    c = cues()
    political = sum(1 for t in doc if t.lower_ in c["political_vocab"])
    offdomain = sum(1 for t in doc if t.lower_ in c["offdomain_vocab"])
    return political, offdomain


def is_political(doc: Doc) -> bool:
    """States and armed groups named, plus political vocabulary, outweigh sport, business
    and labour vocabulary."""
    political, offdomain = context_balance(doc)
    actors = sum(1 for m in doc._.mentions if m.kind in {"state", "group"} and m.role != "place")
    return political + min(actors, 3) >= 4 and political + 1 > offdomain
