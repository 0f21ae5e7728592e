"""Real servers and a real browser for the web tests.

Chromium comes from Debian (``apt-get install -y chromium``). When it is missing the tests
fail rather than skip: a page nobody has rendered is a page nobody has tested.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from starlette.types import ASGIApp

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "apt-get update && apt-get install -y chromium"


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        f"Chromium is needed for the browser tests and was not found; install it: {INSTALL_HINT}"
    )


def _run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    # The unreachable proxy makes any request beyond loopback fail (Chromium never proxies
    # loopback), so a page that quietly needs the network shows up as broken rather than
    # passing on a connected machine.
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--proxy-server=http://127.0.0.1:9",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert result.returncode == 0, f"chromium failed ({result.returncode}): {result.stderr}"
    return result


def dump_dom(url: str, profile: Path) -> str:
    """The DOM after the page has rendered, as the browser serialises it."""
    dom = _run_chromium(["--dump-dom", url], profile).stdout
    assert "<body" in dom, f"chromium rendered nothing for {url}"
    return dom


def screenshot(url: str, out: Path, profile: Path, *, size: str = "1280,900") -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    _run_chromium([f"--screenshot={out}", f"--window-size={size}", url], profile)
    assert out.is_file() and out.stat().st_size > 10_000, f"no screenshot at {out}"
    return out


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Uvicorn on a free loopback port in a thread; yields the base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
