from __future__ import annotations

from pathlib import Path

import pytest

from flows.settings import Settings, load_settings


def settings_for(tmp: Path) -> Settings:
    """Settings for a database under `tmp`, alerts to a file there (nothing on the console)."""
    return load_settings(
        None,
        database_url=f"sqlite:///{tmp / 'p.db'}",
        channels=[{"name": "jsonl", "kind": "jsonl", "path": str(tmp / "a.jsonl")}],
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A database filled by one monitor pass over the bundled seeds, without Prefect.

    Module-scoped: the pass loads the spaCy model, a few seconds each time.
    """
    from flows.monitor import run_once

    settings = settings_for(tmp_path_factory.mktemp("seeded"))
    summary = run_once(settings)
    assert summary.fetched, f"the seeds pass fetched nothing: {summary}"
    return settings
