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
                    load_article(
                        item,
                        timeout_s=settings.fetch.timeout_s,
                        max_bytes=settings.fetch.max_bytes,
                    ),
                )
            )
        except InputError as exc:
            failed = True
            results[index] = ArticleResult(source=item, error=str(exc))
    for (index, _), result in zip(
        loaded, read_articles(nlp, [a for _, a in loaded]), strict=True
    ):
        results[index] = result
    for index in range(len(inputs)):
        result = results[index]
        if as_json:
            sys.stdout.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
