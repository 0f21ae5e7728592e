"""The package boundaries a newcomer relies on, checked rather than hoped for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from extract.models import STATUSES

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO.parent / "shared" / "CONTRACT.md"


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


def test_extract_knows_nothing_of_storage_flows_or_prefect() -> None:
    assert not _imports("extract") & {"storage", "flows", "prefect", "sqlmodel", "sqlalchemy"}


def test_storage_knows_nothing_of_html_spacy_or_prefect() -> None:
    assert not _imports("storage") & {
        "extract",
        "flows",
        "prefect",
        "spacy",
        "trafilatura",
        "feedparser",
        "httpx",
    }


def test_the_status_taxonomy_equals_the_contract() -> None:
    text = CONTRACT.read_text()
    section = text[text.index("## Status") : text.index("## Condition kinds")]
    table = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert tuple(table) == STATUSES


def test_the_readme_documents_every_command() -> None:
    readme = (REPO / "README.md").read_text()
    for command in (
        "parley run --once",
        "parley extract --json",
        "parley tracks [--json]",
        "parley alerts [--json]",
        "parley alerts retry",
        "make run",
        "make test",
    ):
        assert command in readme, command
