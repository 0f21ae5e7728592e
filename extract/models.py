"""The data `extract` hands to the rest of parley.

`ArticleResult` and what it holds are exactly the JSON that `parley extract --json` prints
(see ``../shared/CONTRACT.md``); the evaluation sets are labelled in that shape, so a field
renamed here breaks every score. Fields beyond the contract (character offsets) are
additive only.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, Field

Status = Literal[
    "scheduled",
    "ongoing",
    "progress",
    "agreement",
    "ceasefire",
    "ceasefire_broken",
    "deadlock",
    "collapsed",
]
STATUSES: tuple[Status, ...] = get_args(Status)

ConditionKind = Literal["demand", "counter_condition", "precondition", "guarantee", "proposal"]
CONDITION_KINDS: tuple[ConditionKind, ...] = get_args(ConditionKind)


class ArticleText(BaseModel):
    """A cleaned article, ready for the negotiation reader."""

    source: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) when the page or feed says
    site: str | None = None
    language: str | None = None


class Event(BaseModel):
    kind: Status
    current: bool
    sentence: str
    confidence: float = Field(ge=0.0, le=1.0)
    start: int | None = None  # character offsets of the sentence in the article text
    end: int | None = None


class Condition(BaseModel):
    party: str
    kind: ConditionKind
    text: str
    sentence: str


class Track(BaseModel):
    parties: list[str]
    mediators: list[str] = []
    venue: str | None = None
    round: str | None = None
    status: Status | None = None
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    events: list[Event] = []
    conditions: list[Condition] = []
    # Statuses the article says do not hold ("talks have not collapsed"): not events under
    # the contract, so `contract_json` leaves them out, but storage uses them to correct a
    # status reported earlier.
    denials: list[Event] = []


class ArticleResult(BaseModel):
    source: str
    title: str | None = None
    published: str | None = None
    relevant: bool = False
    error: str | None = None
    tracks: list[Track] = []

    def contract_json(self) -> dict:
        """Exactly the object ``../shared/CONTRACT.md`` specifies."""
        return self.model_dump(exclude={"tracks": {"__all__": {"denials"}}})
