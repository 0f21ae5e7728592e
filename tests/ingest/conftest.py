"""Fixtures for the ingestion tests: a live local HTTP server and a short-fuse fetch policy."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # so `tests.http_server` imports however pytest is started
    sys.path.insert(0, str(REPO))

from extract.fetch import FetchPolicy, make_client  # noqa: E402
from tests.http_server import LocalHTTPServer  # noqa: E402

SHARED = REPO.parent / "shared"
_SUMMARIES = pytest.StashKey[list[str]]()


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as running:
        yield running


@pytest.fixture
def policy() -> FetchPolicy:
    """Timeout short enough that the 'slow server' case costs well under a second."""
    return FetchPolicy(timeout_s=0.3, max_bytes=200_000, max_redirects=3)


@pytest.fixture
def client(policy: FetchPolicy) -> Iterator[httpx.Client]:
    with make_client(policy) as shared_client:
        yield shared_client


@pytest.fixture
def report_line(pytestconfig: pytest.Config) -> Callable[[str], None]:
    """Print a summary line now (-s) and again at the end of the run (always visible)."""

    def report(line: str) -> None:
        print(line)
        pytestconfig.stash.setdefault(_SUMMARIES, []).append(line)

    return report


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    for line in config.stash.get(_SUMMARIES, []):
        terminalreporter.write_line(line)
