"""The Prefect flows: thin wrappers over `flows.monitor`, plus what the UI shows.

Tasks take settings (plain, JSON-safe) and plain data, open their own database engine,
and return plain data. Articles travel in batches, not one task run per article: a task
run costs milliseconds of Prefect overhead, which would rival the work itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.states import State
from sqlalchemy.exc import DisconnectionError, OperationalError

from flows import monitor
from flows.dispatch import DispatchSummary
from flows.settings import Settings, load_settings
from storage.db import session_scope
from storage.views import tracks_view, transitions_view

TRANSITION_EVENT = "parley.track.status-changed"


def retry_if_transient(task: object, task_run: object, state: State) -> bool:
    """Retry a stage only when the database connection dropped or was busy.

    Feed and page failures are handled and recorded inside the stages; running a stage
    again would not mend them, and running the spaCy stage again costs minutes.
    """
    try:
        state.result()
    except (OperationalError, DisconnectionError):
        return True
    except Exception:  # noqa: BLE001 - anything else is a bug or bad input: no retry
        return False
    return False


def _stage(name: str, tag: str, timeout_s: float) -> Any:
    """The task decorator every stage shares: no result cache, a timeout, transient retries."""
    return task(
        name=name,
        tags=["parley", tag],
        timeout_seconds=timeout_s,
        retries=2,
        retry_delay_seconds=[5, 30],
        retry_condition_fn=retry_if_transient,
        cache_policy=NO_CACHE,
    )


@_stage("poll-feeds", "poll", timeout_s=1800)
def poll_feeds_task(
    settings: Settings, only_due: bool, shard: str | None = None
) -> tuple[list[monitor.FeedOutcome], list[monitor.NewEntry]]:
    engine = monitor.open_database(settings.database_url)
    monitor.sync_feeds(engine, settings)
    part = monitor.Shard.parse(shard) if shard else None
    return monitor.poll_feeds(engine, settings, only_due=only_due, shard=part)


@_stage("fetch-articles", "fetch", timeout_s=3600)
def fetch_articles_task(
    settings: Settings, entries: list[monitor.NewEntry]
) -> list[monitor.FetchedEntry]:
    return monitor.fetch_entries(entries, settings)


@_stage("extract-and-store", "extract", timeout_s=7200)
def store_articles_task(
    settings: Settings, fetched: list[monitor.FetchedEntry]
) -> tuple[monitor.StoreSummary, DispatchSummary]:
    """Store the stories; each one's alerts go out as soon as it is committed."""
    engine = monitor.open_database(settings.database_url)
    sent = DispatchSummary()
    store = monitor.store_articles(
        engine,
        settings,
        fetched,
        monitor.shared_pipeline(settings.model),
        on_commit=monitor.dispatch_on_commit(engine, settings, into=sent),
    )
    return store, sent


@_stage("dispatch-alerts", "alerts", timeout_s=1800)
def dispatch_alerts_task(settings: Settings) -> DispatchSummary:
    return monitor.dispatch(monitor.open_database(settings.database_url), settings)


@flow(name="monitor", log_prints=True)
def monitor_flow(
    config: str | None = None, only_due: bool = False, shard: str | None = None
) -> dict:
    """Poll feeds, read new articles, update tracks and send alerts.

    `shard` ("0/2") limits the run to one part of the feeds, so deployments on several
    workers can split the work.
    """
    settings = load_settings(Path(config) if config else None)
    return run_monitor(settings, only_due=only_due, shard=shard)


def run_monitor(settings: Settings, *, only_due: bool = False, shard: str | None = None) -> dict:
    """The monitor flow's body, callable from a flow that already holds the settings."""
    logger = get_run_logger()
    outcomes, entries = poll_feeds_task(settings, only_due, shard)
    for outcome in outcomes:
        if outcome.error:
            logger.warning("feed %s failed: %s", outcome.url, outcome.error)
        elif outcome.warning:
            logger.warning("feed %s parsed with problems: %s", outcome.url, outcome.warning)
    fetched = fetch_articles_task(settings, entries)
    for item in fetched:
        if item.note:
            logger.warning("article %s: %s", item.entry.link, item.note)
    store, sent = store_articles_task(settings, fetched)
    sent.add(dispatch_alerts_task(settings))
    for error in sent.errors:
        logger.warning("alert delivery: %s", error)
    engine = monitor.open_database(settings.database_url)
    with session_scope(engine) as session:
        changed = transitions_view(session, [t["transition_id"] for t in store.transitions])
        tracks = tracks_view(session)
    for item in changed:
        _emit_transition(item)
    _publish_artifacts(outcomes, fetched, store, sent, changed, tracks)
    _publish_report(settings)
    summary = {
        "feeds": len(outcomes),
        "feed_failures": sum(1 for o in outcomes if o.error),
        "new_entries": len(entries),
        "stored": store.stored,
        "duplicates": store.duplicates,
        "relevant": store.relevant,
        "transitions": len(changed),
        "alerts_delivered": sent.delivered,
        "alerts_failed": sent.failed,
    }
    logger.info("monitor pass: %s", summary)
    return summary


@flow(name="dispatch-alerts", log_prints=True)
def dispatch_flow(config: str | None = None) -> dict:
    """Deliver due alerts (retries and dead letters brought back by `parley alerts retry`)."""
    settings = load_settings(Path(config) if config else None)
    sent = dispatch_alerts_task(settings)
    return {"delivered": sent.delivered, "failed": sent.failed, "dead": sent.dead}


def _emit_transition(item: dict) -> None:
    emit_event(
        event=TRANSITION_EVENT,
        resource={
            "prefect.resource.id": f"parley.track.{item['track_id']}",
            "prefect.resource.name": " – ".join(item["parties"]),
        },
        payload=item,
    )


def _publish_artifacts(
    outcomes: list[monitor.FeedOutcome],
    fetched: list[monitor.FetchedEntry],
    store: monitor.StoreSummary,
    sent: DispatchSummary,
    changed: list[dict],
    tracks: list[dict],
) -> None:
    lines = [
        "# parley monitor pass",
        "",
        f"- feeds polled: {len(outcomes)} ({sum(1 for o in outcomes if o.error)} failed)",
        f"- new articles: {len(fetched)}; stored {store.stored}, duplicates {store.duplicates},"
        f" about negotiations {store.relevant}",
        f"- alerts delivered: {sent.delivered}; failed attempts: {sent.failed}; dead: {sent.dead}",
        "",
    ]
    if changed:
        lines += ["## Tracks that changed", ""]
        for item in changed:
            lines.append(
                f"- **{' – '.join(item['parties'])}**: {item['from'] or 'new'} → **{item['to']}**"
                f" ([source]({item['source']}))  \n  > {_md(item['sentence'])}"
            )
        lines.append("")
    failures = [o for o in outcomes if o.error]
    if failures:
        lines += ["## Feed failures", ""] + [f"- {o.url}: {_md(o.error or '')}" for o in failures]
        lines.append("")
    if sent.errors:
        lines += ["## Alert delivery failures", ""] + [f"- {_md(e)}" for e in sent.errors]
    create_markdown_artifact(key="monitor-summary", markdown="\n".join(lines))
    create_table_artifact(
        key="track-status",
        table=[
            {
                "parties": " – ".join(t["parties"]),
                "status": t["status"],
                "since": t["status_at"],
                "mediators": ", ".join(t["mediators"]),
                "venue": t["venue"],
                "sources": t["source_count"],
            }
            for t in tracks
        ]
        or [{"parties": "(no tracks yet)"}],
    )


def _publish_report(settings: Settings) -> None:
    """Rewrite the one-file report and link it from the run, so the UI leads to it."""
    if not settings.report_path:
        return
    from flows.web import write_report

    try:
        path = write_report(settings, Path(settings.report_path)).resolve()
    except OSError as exc:
        get_run_logger().warning("could not write the report %s: %s", settings.report_path, exc)
        return
    create_link_artifact(
        key="timeline-report", link=path.as_uri(), link_text="parley timeline report"
    )


def _md(text: str) -> str:
    """Article text inside markdown: no markup, links or HTML of its own."""
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace("[", "\\[").replace("\n", " ")


def serve_monitor(
    config: str | None, *, every_s: float = 60.0, dispatch_every_s: float = 30.0
) -> None:
    """`parley serve`: both flows on schedules in this one process, no work pool needed.

    The monitor polls only the feeds that are due, so a short schedule costs little; the
    dispatcher picks up retries whose backoff has run out. Stops on Ctrl-C or SIGTERM.
    """
    from prefect import serve

    parameters = {"config": str(Path(config).resolve()) if config else None}
    serve(
        monitor_flow.to_deployment(
            name="parley-monitor",
            interval=every_s,
            parameters=parameters | {"only_due": True},
            tags=["parley"],
        ),
        dispatch_flow.to_deployment(
            name="parley-dispatch",
            interval=dispatch_every_s,
            parameters=parameters,
            tags=["parley"],
        ),
    )
