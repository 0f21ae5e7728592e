"""One monitoring pass as plain functions: poll → fetch and clean → extract → store → alert.

The Prefect flow in `flows.prefect_flows` calls these one by one; tests and `parley run`
without Prefect can too. Every stage records its failures and goes on with the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from sqlalchemy.engine import Engine

from extract.pipeline import load_pipeline
from flows.channels import build_channels
from flows.dispatch import DispatchSummary, dispatch_pending
from flows.fetching import FetchedEntry, HostPacer, fetch_entries
from flows.polling import FeedOutcome, NewEntry, Shard, fetch_policy, poll_feeds, sync_feeds
from flows.settings import Settings
from flows.storing import MAX_ENTRY_ATTEMPTS, StoreSummary, alert_rules, store_articles
from storage.db import open_database
from storage.tracks import RecordedStory

# The stages live in their own modules; this one is the pass, and the names callers use.
__all__ = [
    "MAX_ENTRY_ATTEMPTS",
    "FeedOutcome",
    "FetchedEntry",
    "HostPacer",
    "NewEntry",
    "RunSummary",
    "Shard",
    "StoreSummary",
    "alert_rules",
    "dispatch",
    "dispatch_on_commit",
    "fetch_entries",
    "fetch_policy",
    "open_database",
    "poll_feeds",
    "run_once",
    "shared_pipeline",
    "store_articles",
    "sync_feeds",
]

log = logging.getLogger("parley.monitor")


@dataclass
class RunSummary:
    feeds: list[FeedOutcome]
    fetched: int
    store: StoreSummary
    dispatch: DispatchSummary


@lru_cache(maxsize=2)
def shared_pipeline(model: str | None) -> Language:
    """The spaCy pipeline, loaded once per process however many runs it serves."""
    return load_pipeline(model)


def dispatch(engine: Engine, settings: Settings) -> DispatchSummary:
    channels = build_channels(settings.channels, timeout_s=settings.delivery.timeout_s)
    return dispatch_pending(engine, channels, settings.delivery)


def dispatch_on_commit(
    engine: Engine, settings: Settings, *, into: DispatchSummary | None = None
) -> Callable[[RecordedStory], None]:
    """A `store_articles` hook delivering a story's alerts right after its commit.

    Failures stay in the outbox with their backoff, exactly as in `dispatch`; what was
    delivered is added to `into`, so the pass can report it.
    """
    channels = build_channels(settings.channels, timeout_s=settings.delivery.timeout_s)

    def deliver(recorded: RecordedStory) -> None:
        if not recorded.alert_ids:
            return
        try:
            sent = dispatch_pending(engine, channels, settings.delivery)
        except Exception:  # the story is stored; the end-of-pass dispatch tries again
            log.exception("dispatch after storing story %s failed", recorded.story_id)
            return
        if into is not None:
            into.add(sent)

    return deliver


def run_once(
    settings: Settings, *, only_due: bool = False, shard: Shard | None = None
) -> RunSummary:
    """The whole pass without Prefect."""
    engine = open_database(settings.database_url)
    sync_feeds(engine, settings)
    outcomes, entries = poll_feeds(engine, settings, only_due=only_due, shard=shard)
    fetched = fetch_entries(entries, settings)
    sent = DispatchSummary()
    store = store_articles(
        engine,
        settings,
        fetched,
        shared_pipeline(settings.model),
        on_commit=dispatch_on_commit(engine, settings, into=sent),
    )
    sent.add(dispatch(engine, settings))  # retries due now, and anything the hook missed
    return RunSummary(outcomes, len(fetched), store, sent)
