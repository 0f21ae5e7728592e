"""The ingestion modules stay a plain library: flows and the CLI wrap them, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EXTRACT = Path(__file__).resolve().parents[2] / "extract"
FORBIDDEN = ("prefect", "typer", "flows", "storage", "sqlmodel", "sqlalchemy", "tests")


@pytest.mark.parametrize("module", ["fetch", "feeds", "articles", "dedupe", "clean"])
def test_ingestion_module_imports_no_orchestration_or_storage(module: str) -> None:
    tree = ast.parse((EXTRACT / f"{module}.py").read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert not imported & set(FORBIDDEN)
