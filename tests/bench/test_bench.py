"""`parley bench` end to end: one JSON object with every figure, sane values, no timings.

Timing assertions would flake (the machine drifts 20-30% over minutes); the figures are
for people. What must hold is the contract: the keys exist and measure something.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from flows.bench import DEFAULT_CORPUS, load_pages
from flows.bench_servers import Page, StaticSite, rss

KEYS = (
    "raw_pages_per_s",
    "pipeline_pages_per_s",
    "ratio",
    "peak_rss_mb",
    "alert_latency_p50_s",
    "alert_latency_p95_s",
    "poll_first_s",
    "poll_304_s",
)
needs_corpus = pytest.mark.skipif(not DEFAULT_CORPUS.is_dir(), reason="no shared corpus")


@needs_corpus
def test_a_limit_beyond_the_corpus_cycles_through_it_with_distinct_names() -> None:
    pages = load_pages(DEFAULT_CORPUS, 300)
    assert len(pages) == 300
    assert len({page.name for page in pages}) == 300
    assert any(page.is_text for page in pages)  # the dev articles that make transitions


def test_the_bench_site_answers_304_to_matching_validators() -> None:
    with StaticSite() as site:
        url = site.add(
            "/f.xml", Page(rss([("g", "http://x/1", "t")]), "application/rss+xml", '"v1"')
        )
        assert httpx.get(url).status_code == 200
        assert httpx.get(url, headers={"If-None-Match": '"v1"'}).status_code == 304
        assert (site.served, site.not_modified) == (1, 1)


@pytest.mark.slow
@pytest.mark.model
@needs_corpus
def test_bench_json_has_every_figure_with_sane_values(tmp_path: Path) -> None:
    parley = Path(sys.executable).parent / "parley"
    done = subprocess.run(
        [str(parley), "bench", "--limit", "10", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)  # exactly one JSON object: logs went to stderr
    for key in KEYS:
        assert isinstance(figures[key], int | float), key
        assert figures[key] > 0, key
    assert figures["alert_latency_p50_s"] <= figures["alert_latency_p95_s"]
    assert figures["poll_304_not_modified"] == figures["poll_feeds"]
    assert figures["transitions"] > 0
    assert figures["webhooks_received"] > 0
