"""One trained pipeline per test session: loading it takes seconds and it is read-only."""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.fixture(scope="session")
def nlp() -> Language:
    from extract.pipeline import ModelNotFoundError, load_pipeline

    try:
        return load_pipeline()
    except ModelNotFoundError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(str(exc))
