"""Is an article about negotiations between states, armed groups or organisations at all?

Two stages, because the trained pipeline is the expensive part (notes/performance.md):

1. `VocabularyGate` looks at the tokenizer's output only and lets through every text with
   some negotiation word and some political actor. It is meant to be recall-oriented: a
   short wire blurb with one "talks" and one named state passes, a weather report or a
   crime story without any negotiation word does not.
2. `gather_evidence` reads the parsed text and `Evidence` weighs, by hand, what it
   found: negotiation words in the headline and lead, outcome events found by
   `parley_outcomes`, the parties found for the track, named organisations, generic
   political actors the gazetteer cannot know ("the junta", "the protest coalition"),
   political vocabulary; and subtracts the marks of pages that borrow the vocabulary:
   obituaries of peacemakers, anniversaries of armistices, book and film reviews, royal
   or celebrity "peace talks", sports truces, summit photo calls, merger and pay talks.
   A page whose headline and lead name one country's sides only (no second state, no
   organisation, no armed group, no word of armed conflict) is "domestic": there the
   talks of parties forming a coalition, of unions, companies and clubs are their genre
   for sure, while a coalition or government agreed to end violence, with rebels or with
   outside go-betweens, is the news users follow.

The weights are set by hand on what English news does, not fitted: a word in the headline
says what the page is about far more than one in the tenth paragraph, and a page whose
headline says "dies" or "anniversary" recalls talks instead of reporting them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import takewhile
from pathlib import Path

import numpy
from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from extract.actors import gazetteer
from extract.lexicon import cues

DATA = Path(__file__).parent / "data"

# Minimums of `Evidence.relevant`: talk evidence net of genre, sides, overall score.
MIN_TALK = 1.0
MIN_SIDES = 0.8
THRESHOLD = 3.0
# A year this much older than the article's own year is history, and its weight.
HISTORY_YEARS = 40
HISTORY_WEIGHT = 3.0
# How many body sentences after the headline count as the lead.
LEAD_SENTENCES = 3
# The cheap gate's stand-in for the lead, in tokens (three news sentences are ~90 words).
LEAD_TOKENS = 150
# Negotiation words (weighted) the headline and lead must hold unless they name a conflict.
MIN_TOP_CUES = 0.5
# A negotiation word inside a proper name ("the Paris Agreement", "the Green Deal", "PACT")
# names a document or a programme: this share of its weight.
NAMED_CUE_SHARE = 0.5
# A ceasefire or truce is settled between armed sides only, so its word weighs this much.
TRUCE_CUE_WEIGHT = 2.0


@lru_cache(maxsize=1)
def word_lists() -> dict:
    """data/relevance.json: generic political actors and off-domain genres."""
    raw = json.loads((DATA / "relevance.json").read_text(encoding="utf-8"))
    genres = {
        name: (float(g["weight"]), frozenset(g["words"]), bool(g.get("headline_only")))
        for name, g in raw["genres"].items()
    }
    genre_of: dict[str, list[str]] = {}
    for name, (_, words, _) in genres.items():
        for word in words:
            genre_of.setdefault(word, []).append(name)
    return {
        "genre_of": genre_of,
        "domestic_weight": {
            name: float(g.get("domestic_weight", g["weight"])) for name, g in raw["genres"].items()
        },
        "genre_contexts": {
            word: (int(c["within"]), frozenset(c["next"]))
            for word, c in raw["genre_contexts"].items()
            if not word.startswith("_")
        },
        "not_cue_words": frozenset(raw["not_cue_words"]),
        "truce_cues": frozenset(raw["truce_cues"]),
        "conflict_words": frozenset(raw["conflict_words"]),
        "genre_exceptions": {
            word: frozenset(after)
            for word, after in raw["genre_exceptions"].items()
            if not word.startswith("_")
        },
        "political_actors": frozenset(raw["political_actors"]),
        "weak_cues": frozenset(raw["weak_cues"]),
        "not_cues_before": frozenset(raw["not_cues_before"]),
        "genres": genres,
    }


class VocabularyGate:
    """Negotiation vocabulary and actor names on a tokenized-only Doc.

    Both are PhraseMatchers, so the test costs about as much as tokenizing; the actor
    names come from the same gazetteer the actor finder uses, and generic political actors
    ("the junta", "the opposition") count too, since many real sides are not in any
    gazetteer."""

    def __init__(self, nlp: Language) -> None:
        c = cues()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("NEGOTIATION", list(nlp.tokenizer.pipe(sorted(c["negotiation_vocab"]))))
        self.actors = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.actors.add("ACTOR", list(nlp.tokenizer.pipe(sorted(gazetteer()))))
        strings = nlp.vocab.strings
        self.generic_ids = numpy.array(
            [strings.add(w) for w in sorted(word_lists()["political_actors"])], dtype="uint64"
        )
        self.political_ids = numpy.array(
            [strings.add(w) for w in sorted(c["political_vocab"])], dtype="uint64"
        )

    def hits(self, doc: Doc) -> int:
        return len(self.matcher(doc))

    def actor_names(self, doc: Doc) -> int:
        """Distinct actor spellings."""
        return len({doc[s:e].text for _, s, e in self.actors(doc)})

    def political_signals(self, doc: Doc) -> int:
        """Actor names, generic political actors and political words, capped so that no
        one kind decides alone. Words are counted on the array of lower-case hashes, since
        making a Token object per word costs more than the whole test."""
        lowers = doc.to_array(LOWER)
        generics = int(numpy.isin(lowers, self.generic_ids).sum())
        words = int(numpy.isin(lowers, self.political_ids).sum())
        return self.actor_names(doc) + min(generics, 2) + min(words, 2)

    def talk_near_top(self, doc: Doc) -> bool:
        """The tokenizer's version of `Evidence.talk_at_top`: a negotiation word, a word
        of armed conflict or an armed group in the headline or the first LEAD_TOKENS
        words of the body. Long pages that mention talks only deep down (a city council
        report, an essay) are the costly ones to parse, and the parsed-text decision
        would reject them anyway."""
        headline_end = doc._.headline_end
        end = next((t.i for t in doc if t.idx >= headline_end), len(doc)) + LEAD_TOKENS
        top = doc[: min(end, len(doc))]
        if self.matcher(top):
            return True
        words = word_lists()["conflict_words"]
        if any(t.lower_ in words for t in top):
            return True
        table = gazetteer()
        return any(
            (actor := table.get(top[s:e].text)) is not None and actor.kind == "group"
            for _, s, e in self.actors(top)
        )

    def worth_parsing(self, doc: Doc) -> bool:
        """One negotiation word and two political signals (a named state and a
        "minister", say), with talk or conflict near the top: recall first, the
        parsed-text score decides."""
        return self.hits(doc) >= 1 and self.political_signals(doc) >= 2 and self.talk_near_top(doc)


@dataclass
class Evidence:
    """The signals behind one relevance decision, kept so that a decision can be explained
    (and tuned) by reading them. Cue counts are weighted: a strong negotiation word
    ("talks", "mediation") counts 1, a truce word 2, a weak one ("meeting", "deal",
    "peace") 0.5, and half that inside a proper name ("the Paris Agreement")."""

    headline_cues: float = 0.0  # negotiation words in the headline
    lead_cues: float = 0.0  # negotiation words in the first body sentences
    body_cues: float = 0.0  # negotiation words after the lead
    current_events: int = 0  # current outcome events (parley_outcomes)
    background_events: int = 0
    parties: int = 0  # parties found for the track
    actors: int = 0  # distinct named states, groups and organisations (not places)
    generic_actors: int = 0  # "the government", "the rebels", "the junta"
    political: int = 0  # political vocabulary
    offdomain: int = 0  # sport, business, labour vocabulary
    genres: dict[str, float] = field(default_factory=dict)  # off-domain genre -> penalty
    headline_genre: bool = False  # a genre word in the headline
    conflict: bool = False  # the headline or lead name an armed side or an armed conflict
    domestic: bool = False  # the headline and lead name one country's sides only

    @property
    def genre(self) -> float:
        """The strongest off-domain genre, since one clear genre is enough to doubt the
        page, plus half the next (a sports column about a century-old truce is both)."""
        top = sorted(self.genres.values(), reverse=True)[:2]
        return round(top[0] + 0.5 * top[1], 2) if len(top) == 2 else sum(top)

    @property
    def talk(self) -> float:
        """Evidence that the page reports negotiations. The headline says what the page is
        about (2.0 for one strong word, none when the headline also names an off-domain
        genre: "Peacemaker dies at 90" is an obituary), the lead what the news is (0.5 a
        word, up to 4), outcome events are talks that did something (0.5 current, 0.25
        background, up to 3 and 2), and talk words further down add context (0.15 each,
        up to 6)."""
        return (
            2.0 * min(self.headline_cues, 1.0) * (not self.headline_genre)
            + 0.5 * min(self.lead_cues, 4.0)
            + 0.5 * min(self.current_events, 3)
            + 0.25 * min(self.background_events, 2)
            + 0.15 * min(self.body_cues, 6.0)
        )

    @property
    def sides(self) -> float:
        """Evidence of political sides: the first two named sides (0.8 each; parties
        found, or named actors when organisations the party finder does not take, such as
        the EU, are what the page names), further named actors (0.2 each, up to 3), and
        generic political actors (0.3 each, up to 4), since many real sides ("the
        junta", "the rebels") are in no gazetteer."""
        named = max(self.parties, self.actors)
        return (
            0.8 * min(named, 2)
            + 0.2 * min(max(named - 2, 0), 3)
            + 0.3 * min(self.generic_actors, 4)
        )

    @property
    def score(self) -> float:
        """Talk and sides evidence, political words (0.1 each, up to 10) less off-domain
        words beyond them (0.2 each), less the off-domain genre."""
        context = 0.1 * min(self.political, 10) - 0.2 * max(self.offdomain - self.political, 0)
        return round(self.talk + self.sides + context - self.genre, 2)

    @property
    def talk_at_top(self) -> bool:
        """News that reports talks says so in its headline or lead; a page about an armed
        conflict may still come to the talks only further down, an essay on a policy or a
        local vote that mentions a treaty in passing does not report talks."""
        return self.conflict or self.headline_cues + self.lead_cues >= MIN_TOP_CUES

    @property
    def relevant(self) -> bool:
        """Four tests, since no amount of one kind of evidence makes up for the lack of
        another: talk evidence that survives the genre (a peacemaker's obituary is full of
        talk words), talk at the top of the page (or an armed conflict there), some
        political side, and enough evidence overall."""
        return (
            self.talk - self.genre >= MIN_TALK
            and self.talk_at_top
            and self.sides >= MIN_SIDES
            and self.score >= THRESHOLD
        )


def _cue_weight(token: Token, words: frozenset[str], weak: frozenset[str]) -> float:
    """1 for a strong negotiation word, 0.5 for a weak one (by spelling or lemma: "dealing"
    is as weak as "deal"), 2 for a truce word, 0 otherwise; a cue in a holiday name
    ("Armistice Day") names a date, not talks, and "according to" only shares the lemma
    of "accord"."""
    lower, lemma = token.lower_, token.lemma_.lower()
    if lower not in words and lemma not in words:
        return 0.0
    lists = word_lists()
    if lower in lists["not_cue_words"]:
        return 0.0
    following = token.nbor(1).lower_ if token.i + 1 < len(token.doc) else ""
    if following in lists["not_cues_before"]:
        return 0.0
    if lower in lists["truce_cues"]:
        return TRUCE_CUE_WEIGHT
    return 0.5 if lower in weak or lemma in weak else 1.0


def _sentence_case(doc: Doc, prefix: int) -> bool:
    """Whether the headline is written in sentence case (two or more lower-case words of
    four letters or more), so that its capitals mark proper names as in the body."""
    headline = takewhile(lambda t: t.idx < prefix, doc)  # not the whole page
    lower = sum(1 for t in headline if t.is_alpha and len(t) >= 4 and t.is_lower)
    return lower >= 2


def _in_a_name(token: Token, prefix: int, headline_names: bool) -> bool:
    """A negotiation word capitalised inside a proper name ("the Paris Agreement", "the
    EU's Green Deal") or an acronym in the body ("PACT") names a treaty or a programme,
    which a page may mention without reporting talks. Title Case headlines capitalise
    every word, so they say nothing here."""
    if token.idx < prefix and not headline_names:
        return False
    if token.is_upper and len(token) > 1:
        return token.idx >= prefix
    if not token.is_title or token.is_sent_start or token.i == 0:
        return False
    before = token.nbor(-1)
    return (before.is_title or before.is_upper) and not before.is_sent_start


def _lead(doc: Doc, prefix: int) -> list[Span]:
    """The first body sentences after the headline."""
    body = [s for s in doc.sents if s.start_char >= prefix]
    return body[:LEAD_SENTENCES]


def _genre_penalties(
    doc: Doc,
    prefix: int,
    lead_end: int,
    in_actor: set[int],
    domestic: bool = False,
    sided: bool = False,
) -> tuple[dict[str, float], bool]:
    """Per genre, its weight times min(1, headline words + 0.4 a lead word + 0.15 a word
    elsewhere): a genre word in the headline decides, scattered ones only hint. Some
    genres (photo) count in the headline only, since their words are page furniture. Words
    inside an actor name ("European Union") are not genre words, nor is the royal title
    of an official ("Crown Prince", "Foreign Minister Prince", "Saudi Prince": Gulf
    royals govern and mediate), nor a word its exceptions exclude ("transfer
    of power"), nor a word that needs a context without it ("coalition" alone is a side,
    "coalition talks" the genre). On a domestic page a genre weighs its domestic_weight.
    A headline that names two political sides (`sided`) says what the page is about, so
    a genre word there ("Veterans urge Israel and Hamas to ...") weighs as a lead word.
    Also says whether a genre word is in the headline (never, when `sided`)."""
    lists = word_lists()
    weight = lists["domestic_weight"] if domestic else {n: g[0] for n, g in lists["genres"].items()}
    shares: dict[str, float] = {}
    in_headline = False
    for t in doc:
        if _died_at_an_age(t) and t.i < lead_end:
            shares["obituary"] = 1.0  # the obituary's formula, decisive in the lead
            in_headline = in_headline or t.idx < prefix
            continue
        names = lists["genre_of"].get(t.lower_)
        if not names or t.i in in_actor:
            continue
        if t.lower_ in _ROYAL_TITLES and _in_office(t, in_actor):
            continue  # "Crown Prince X", "Foreign Minister Prince X", "Saudi Prince X"
        after = lists["genre_exceptions"].get(t.lower_)
        if after and t.i + 1 < len(doc) and doc[t.i + 1].lower_ in after:
            continue  # "transfer of power" is politics, a "transfer" alone is football
        context = lists["genre_contexts"].get(t.lower_)
        if context and not _followed_by(t, *context):
            continue
        for name in names:
            if not weight[name]:
                continue  # a genre of domestic pages only (one country's coalition talks)
            if lists["genres"][name][2] and (t.idx >= prefix or t.is_upper):
                continue  # "Photo: AP" captions, "... PHOTO" tags: page furniture
            in_headline = in_headline or (t.idx < prefix and not sided)
            top = t.idx < prefix and not sided
            share = 1.0 if top else 0.4 if t.i < lead_end else 0.15
            shares[name] = shares.get(name, 0.0) + share
    out = {name: round(weight[name] * min(share, 1.0), 2) for name, share in shares.items()}
    return out, in_headline


_ROYAL_TITLES = frozenset({"prince", "princess", "duke", "duchess"})
# Offices a royal holds in monarchies that govern: the title then names an official.
_OFFICES = frozenset({"crown", "minister", "ambassador", "envoy", "governor", "adviser"})


def _in_office(title: Token, in_actor: set[int]) -> bool:
    """A royal title right after an office or a state's name is an official's."""
    if title.i == 0:
        return False
    before = title.nbor(-1)
    return before.lower_ in _OFFICES or before.i in in_actor


def _followed_by(token: Token, within: int, following: frozenset[str]) -> bool:
    """Whether one of `following` comes within `within` words after the token (hyphens
    skipped: "coalition-building")."""
    doc, seen = token.doc, 0
    for t in doc[token.i + 1 : token.i + 1 + 2 * within]:
        if t.text == "-":
            continue
        if t.lower_ in following:
            return True
        seen += 1
        if seen >= within:
            break
    return False


def _died_at_an_age(token: Token) -> bool:
    """ "died at 93", "dies aged 85", "died at the age of 100": an obituary's formula
    (a bare "died" is everyday conflict reporting)."""
    if token.lower_ not in {"died", "dies"} or token.i + 2 >= len(token.doc):
        return False
    nxt, after = token.nbor(1), token.nbor(2)
    return nxt.lower_ == "aged" or (
        nxt.lower_ == "at" and (after.like_num or after.lower_ == "the" and _age_follows(after))
    )


def _age_follows(the: Token) -> bool:
    return the.i + 1 < len(the.doc) and the.nbor(1).lower_ == "age"


def _history_penalty(doc: Doc, prefix: int, lead_end: int) -> float:
    """A page that recalls long-past talks (an armistice a century ago, a peace
    conference in a book) dates them: a year HISTORY_YEARS or more before the year the
    article speaks from (`doc._.year`), or "World War", "Great War". Weighted like a
    genre word: 1 in the headline, 0.4 in the lead, 0.15 further down."""
    year = doc._.year
    share = 0.0
    for t in doc:
        old = (
            year is not None
            and len(t.text) == 4
            and t.text.isdigit()
            and 1500 <= int(t.text) <= year - HISTORY_YEARS
        )
        war = t.lower_ == "war" and t.i and doc[t.i - 1].lower_ in {"world", "great"}
        if old or war:
            share += 1.0 if t.idx < prefix else 0.4 if t.i < lead_end else 0.15
    return round(HISTORY_WEIGHT * min(share, 1.0), 2)


def _word_forms(doc: Doc, token: Token) -> tuple[str, ...]:
    """The token's lower-case spelling, and the hyphenated compound it ends when the
    tokenizer split one ("power-sharing" is three tokens)."""
    i = token.i
    if i >= 2 and doc[i - 1].text == "-":
        return token.lower_, f"{doc[i - 2].lower_}-{token.lower_}"
    return (token.lower_,)


def _top_signs(doc: Doc, prefix: int, lead_end: int) -> tuple[bool, bool]:
    """What the headline and lead say the page is about: (conflict, domestic).

    Conflict: they name an armed group or use a word of armed conflict or its settlement
    ("rebels", "violence", "power-sharing", "unity"). Domestic: no conflict, at most one
    named state, and no organisation: the sides are one country's parties, unions,
    companies or clubs ("Dutch coalition talks", "the airline and its pilots"), not states
    or armed groups. A coalition agreed to end unrest, or with outside go-betweens, names
    the unrest or the go-betweens at the top, and so is not domestic."""
    words = word_lists()["conflict_words"]
    conflict = any(form in words for t in doc[:lead_end] for form in _word_forms(doc, t)) or any(
        m.kind == "group" and m.start < lead_end for m in doc._.mentions
    )
    top = [m for m in doc._.mentions if m.start < lead_end and m.role != "place"]
    states = {m.canonical for m in top if m.kind == "state"}
    domestic = not conflict and len(states) <= 1 and all(m.kind == "state" for m in top)
    return conflict, domestic


def _headline_sides(doc: Doc, prefix: int) -> int:
    """Distinct states, armed groups and organisations the headline names as actors."""
    return len(
        {m.canonical for m in doc._.mentions if m.role != "place" and doc[m.start].idx < prefix}
    )


def gather_evidence(doc: Doc, prefix: int, parties: int) -> Evidence:
    """Every signal of `Evidence` from a parsed Doc (`prefix`: characters of headline)."""
    c = cues()
    lists = word_lists()
    words, weak = c["negotiation_vocab"], lists["weak_cues"]
    generic = lists["political_actors"]
    mentions = [m for m in doc._.mentions if m.role != "place"]
    in_actor = {i for m in doc._.mentions for i in range(m.start, m.end)}
    lead_end = max((s.end for s in _lead(doc, prefix)), default=0)
    headline_names = _sentence_case(doc, prefix)
    ev = Evidence(parties=parties)
    ev.conflict, ev.domestic = _top_signs(doc, prefix, lead_end)
    political, offdomain = c["political_vocab"], c["offdomain_vocab"]
    for t in doc:  # one pass for the word counts: this runs on every parsed page
        lower = t.lower_
        ev.generic_actors += lower in generic and t.i not in in_actor
        ev.political += lower in political
        ev.offdomain += lower in offdomain and t.i not in in_actor
        weight = _cue_weight(t, words, weak)
        if weight and _in_a_name(t, prefix, headline_names):
            weight *= NAMED_CUE_SHARE
        if t.idx < prefix:
            ev.headline_cues += weight
        elif t.i < lead_end:
            ev.lead_cues += weight
        else:
            ev.body_cues += weight
    events = doc._.events
    ev.current_events = sum(1 for e in events if e.current)
    ev.background_events = sum(1 for e in events if not e.current)
    ev.actors = len({m.canonical for m in mentions})
    ev.genres, ev.headline_genre = _genre_penalties(
        doc, prefix, lead_end, in_actor, ev.domestic, _headline_sides(doc, prefix) >= 2
    )
    history = _history_penalty(doc, prefix, lead_end)
    if ev.current_events:
        history /= 2  # current talks about an old war or treaty (a WWII peace treaty)
    if history:
        ev.genres["history"] = history
    return ev
