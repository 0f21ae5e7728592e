"""The `parley` command: each subcommand builds the settings, calls one library function,
and turns library errors into a message and an exit status."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from flows.settings import Settings, SettingsError, load_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Settings file (default: ./parley.toml if present)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def _root() -> None:
    """parley: watch negotiations in the news."""


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except SettingsError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def extract(
    inputs: Annotated[list[str], typer.Argument(help="HTML pages, text files or URLs.")],
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Read articles and print the negotiations they report (one JSON object per input)."""
    from extract.inputs import InputError, load_article
    from extract.models import ArticleResult
    from extract.pipeline import load_pipeline, read_articles
    from flows.monitor import fetch_policy

    settings = _settings(config)
    nlp = load_pipeline(settings.model)
    failed = False
    loaded: list[tuple[int, object]] = []
    results: dict[int, ArticleResult] = {}
    for index, item in enumerate(inputs):
        try:
            loaded.append(
                (
                    index,
                    load_article(item, policy=fetch_policy(settings)),
                )
            )
        except InputError as exc:
            failed = True
            results[index] = ArticleResult(source=item, error=str(exc))
    for (index, _), result in zip(loaded, read_articles(nlp, [a for _, a in loaded]), strict=True):
        results[index] = result
    for index in range(len(inputs)):
        result = results[index]
        if as_json:
            sys.stdout.write(json.dumps(result.contract_json(), ensure_ascii=False) + "\n")
        else:
            _print_result(result)
    raise typer.Exit(1 if failed else 0)


def _print_result(result: object) -> None:
    from rich.console import Console

    from extract.models import ArticleResult

    assert isinstance(result, ArticleResult)
    console = Console()
    if result.error:
        console.print(f"[red]{result.source}: {result.error}[/red]")
        return
    head = f"[bold]{result.source}[/bold]  {result.title or ''}"
    console.print(head)
    if not result.relevant:
        console.print("  not about negotiations")
    for track in result.tracks:
        console.print(
            f"  {' – '.join(track.parties)}: [bold]{track.status}[/bold]"
            f" (mediators: {', '.join(track.mediators) or '-'}; venue: {track.venue or '-'})"
        )
        for event in track.events:
            mark = "" if event.current else " (background)"
            console.print(f"    {event.kind}{mark}: {event.sentence}")
        for cond in track.conditions:
            console.print(f"    {cond.party} {cond.kind}: {cond.text}")


def _prefect_environment() -> None:
    """Prefect reads its settings from the environment at import; set ours first."""
    import os

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")


@app.command()
def run(
    once: Annotated[
        bool, typer.Option("--once", help="One pass over every feed, then exit.")
    ] = False,
    every: Annotated[
        float, typer.Option(help="Without --once: seconds between passes over the due feeds.")
    ] = 60.0,
    shard: Annotated[
        str | None,
        typer.Option(help="Only this part of the feeds, as INDEX/COUNT (e.g. 0/2)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Poll feeds → fetch and clean → extract → store → alert, as the Prefect flow `monitor`."""
    import time

    settings = _settings(config)
    if shard:
        from flows.monitor import Shard

        try:
            Shard.parse(shard)
        except ValueError as exc:
            typer.echo(f"parley: {exc}", err=True)
            raise typer.Exit(2) from exc
    _prefect_environment()
    from flows.prefect_flows import monitor_flow

    config_arg = str(config) if config else None
    while True:
        try:
            summary = monitor_flow(config=config_arg, only_due=not once, shard=shard)
        except Exception as exc:  # the flow already logged it in Prefect; say it plainly here
            typer.echo(f"parley: the monitor pass failed: {type(exc).__name__}: {exc}", err=True)
            if once:
                raise typer.Exit(1) from exc
            summary = None
        if summary is not None:
            typer.echo(
                "pass: {feeds} feed(s), {feed_failures} failed; {new_entries} new entr(ies), "
                "{stored} stored, {duplicates} duplicate(s); {transitions} transition(s); "
                "{alerts_delivered} alert(s) delivered, {alerts_failed} failed".format(**summary)
            )
        if once:
            _print_tracks(settings)
            return
        time.sleep(every)


@app.command()
def serve(
    every: Annotated[float, typer.Option(help="Seconds between monitor runs.")] = 60.0,
    dispatch_every: Annotated[
        float, typer.Option(help="Seconds between dispatcher runs (retries).")
    ] = 30.0,
    config: ConfigOption = None,
) -> None:
    """Run the monitor and dispatcher on schedules, observable in the Prefect UI."""
    _settings(config)  # fail fast on a bad config, before Prefect starts
    _prefect_environment()
    from flows.prefect_flows import serve_monitor

    serve_monitor(str(config) if config else None, every_s=every, dispatch_every_s=dispatch_every)


@app.command("dispatch")
def dispatch_command(
    loop: Annotated[bool, typer.Option("--loop", help="Keep delivering until stopped.")] = False,
    interval: Annotated[float, typer.Option(help="With --loop: seconds between checks.")] = 1.0,
    config: ConfigOption = None,
) -> None:
    """Deliver due alerts from the outbox; run several at once to scale out."""
    import time

    from flows.channels import build_channels
    from flows.dispatch import dispatch_pending
    from storage.db import open_database

    settings = _settings(config)
    engine = open_database(settings.database_url)
    try:
        channels = build_channels(settings.channels, timeout_s=settings.delivery.timeout_s)
    except SettingsError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(2) from exc
    while True:
        summary = dispatch_pending(engine, channels, settings.delivery)
        if summary.delivered or summary.failed:
            typer.echo(
                f"delivered {summary.delivered}, failed {summary.failed}, dead {summary.dead}"
            )
        if not loop:
            raise typer.Exit(0 if summary.failed == 0 else 1)
        time.sleep(interval)


@app.command()
def tracks(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """The negotiation tracks, their status and how they got there."""
    from storage.views import tracks_view

    views = _with_session(_settings(config), tracks_view)
    if as_json:
        typer.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    _print_track_views(views)


def _print_tracks(settings: Settings) -> None:
    from storage.views import tracks_view

    _print_track_views(_with_session(settings, tracks_view))


def _print_track_views(views: list[dict]) -> None:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=True)
    if not views:
        console.print("no tracks yet")
    for view in views:
        console.print(
            f"[bold]{' – '.join(view['parties'])}[/bold]: status [bold]{view['status']}[/bold]"
            f" (mediators: {', '.join(view['mediators']) or '-'}; venue: {view['venue'] or '-'};"
            f" {view['source_count']} source(s))"
        )
        for t in view["transitions"]:
            console.print(
                f"  {t['at'][:10]}  {t['from'] or 'none'} → {t['to']}  {t['source']}", markup=False
            )
            console.print(f"      {t['sentence']}", markup=False)
        background = [e for e in view["events"] if not e["current"]]
        for e in background:
            console.print(f"  background: {e['kind']}: {e['sentence']}", markup=False)


alerts_app = typer.Typer(help="Alerts and their delivery.", invoke_without_command=True)
app.add_typer(alerts_app, name="alerts")


@alerts_app.callback()
def alerts(ctx: typer.Context, as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """List alerts with their delivery state (pending, delivered, dead)."""
    if ctx.invoked_subcommand is not None:
        return
    from storage.views import alerts_view

    views = _with_session(_settings(config), alerts_view)
    if as_json:
        typer.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "track", "from", "to", "channel", "state", "attempts", "last error")
    for v in views:
        table.add_row(
            str(v["id"]),
            v["track"] or "",
            v["from"] or "",
            v["to"] or "",
            v["channel"],
            v["state"],
            str(v["attempts"]),
            (v["last_error"] or "")[:60],
        )
    Console().print(table)


@alerts_app.command("retry")
def alerts_retry(
    alert_id: Annotated[int, typer.Argument(help="The alert's id (see `parley alerts`).")],
    config: ConfigOption = None,
) -> None:
    """Put a dead or failing alert back in the queue and try to deliver it now."""
    from datetime import UTC, datetime

    from flows import monitor
    from storage import outbox
    from storage.db import open_database, session_scope

    settings = _settings(config)
    engine = open_database(settings.database_url)
    try:
        with session_scope(engine) as session:
            outbox.retry(session, alert_id, now=datetime.now(UTC))
    except outbox.AlertNotFoundError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(1) from exc
    summary = monitor.dispatch(engine, settings)
    typer.echo(f"delivered {summary.delivered}, failed {summary.failed}")
    for error in summary.errors:
        typer.echo(f"  {error}", err=True)
    raise typer.Exit(0 if summary.failed == 0 else 1)


feeds_app = typer.Typer(help="Feed subscriptions and their health.", no_args_is_help=True)
app.add_typer(feeds_app, name="feeds")


@feeds_app.command("list")
def feeds_list(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """The feeds with their health: last status, last error, failures in a row, entries."""
    from flows.feeds_admin import feed_views

    settings = _settings(config)
    views = feed_views(settings)
    if as_json:
        typer.echo(json.dumps(views, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("url", "status", "failures", "entries", "last success", "last error")
    for v in views:
        table.add_row(
            v["url"],
            str(v["last_status"] or "-"),
            str(v["consecutive_failures"]),
            str(v["entries"]),
            (v["last_success_at"] or "-")[:19],
            (v["last_error"] or "")[:60],
        )
    Console().print(table)


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's URL.")],
    interval: Annotated[float, typer.Option(help="Minutes between polls.")] = 15.0,
    config: ConfigOption = None,
) -> None:
    """Subscribe to a feed (kept in the database, beside the configured ones)."""
    from flows.feeds_admin import add_feed

    add_feed(_settings(config), url, interval_minutes=interval)
    typer.echo(f"added {url}")


@feeds_app.command("remove")
def feeds_remove(
    url: Annotated[str, typer.Argument(help="The feed's URL.")], config: ConfigOption = None
) -> None:
    """Unsubscribe from a feed (its stories stay)."""
    from flows.feeds_admin import remove_feed
    from storage.feeds import FeedNotFoundError

    try:
        remove_feed(_settings(config), url)
    except FeedNotFoundError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"removed {url}")


@feeds_app.command("import")
def feeds_import(
    opml: Annotated[Path, typer.Argument(help="An OPML file exported from a feed reader.")],
    interval: Annotated[float, typer.Option(help="Minutes between polls.")] = 15.0,
    config: ConfigOption = None,
) -> None:
    """Subscribe to every feed an OPML file lists."""
    from flows.feeds_admin import OpmlError, import_opml

    try:
        added = import_opml(_settings(config), opml, interval_minutes=interval)
    except OpmlError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"imported {len(added)} feed(s)")


@app.command()
def web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    config: ConfigOption = None,
) -> None:
    """Serve the read-only timeline page from the same database."""
    from flows.web import WebConfigError, serve_web

    settings = _settings(config)
    try:
        serve_web(settings, host=host, port=port, token=settings.web_token)
    except WebConfigError as exc:
        typer.echo(f"parley: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    config: ConfigOption = None,
) -> None:
    """Write the timeline views as one self-contained HTML file."""
    from flows.web import write_report

    path = write_report(_settings(config), out)
    typer.echo(f"wrote {path}")


@app.command()
def bench(
    corpus: Annotated[
        Path | None, typer.Argument(help="Folder of HTML pages (default ../shared/corpus/html).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Use this many pages (the corpus repeats if needed).")
    ] = None,
    full_parse: Annotated[
        bool,
        typer.Option(
            "--full-parse/--no-full-parse",
            help="Also time every page through the full trained pipeline (slow).",
        ),
    ] = True,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Measure the pipeline against its parts (trafilatura + spaCy) side by side."""
    from flows.bench import run_bench

    raise typer.Exit(
        run_bench(
            _settings(config), corpus=corpus, limit=limit, as_json=as_json, full_parse=full_parse
        )
    )


def _with_session(settings: Settings, view: object) -> list[dict]:
    from storage.db import open_database, session_scope

    engine = open_database(settings.database_url)
    with session_scope(engine) as session:
        return view(session)  # type: ignore[operator]


def main() -> None:
    app()


if __name__ == "__main__":
    main()
