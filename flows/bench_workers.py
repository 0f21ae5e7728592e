"""The monitor pass split over worker processes by shard: the figure for scaling out.

Each worker is a separate process (spaCy holds the GIL, so threads would not help) that
runs `monitor.run_once` on its shard of the feeds into one shared database, as Prefect
workers running `monitor` deployments with `shard` parameters do. Start-up (imports, the
model) is inside the timing for every worker count alike.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from pathlib import Path
from typing import Any

from flows import monitor
from flows.bench_servers import Page, StaticSite, WebhookRecorder, bench_settings, rss
from flows.settings import Settings
from storage.db import make_engine, migrate

# Enough feeds that a crc32 split gives each worker about the same number of pages.
_FEEDS = 32


def bench_workers(
    pages: list[Any],
    settings: Settings,
    workdir: Path,
    *,
    counts: tuple[int, ...] = (1, 2),
) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with StaticSite() as site, WebhookRecorder() as hook:
        per_feed: list[list[tuple[str, str, str]]] = [[] for _ in range(_FEEDS)]
        for index, page in enumerate(pages):
            suffix, kind = (".txt", "text/plain") if page.is_text else (".html", "text/html")
            link = site.add(f"/w/{index}{suffix}", Page(page.body, kind))
            per_feed[index % _FEEDS].append((f"w-{index}", link, page.name))
        feeds = [
            site.add(f"/w/feed{n}.xml", Page(rss(entries), "application/rss+xml"))
            for n, entries in enumerate(per_feed)
        ]
        for count in counts:
            url = f"sqlite:///{workdir / f'workers{count}.db'}"
            cfg = bench_settings(settings, url, feeds, hook.url("/hook"))
            engine = make_engine(url)
            migrate(engine)  # once, before the workers race to do it
            engine.dispose()
            context = multiprocessing.get_context("spawn")
            processes = [
                context.Process(
                    target=_run_shard, args=(cfg.model_dump(mode="json"), f"{i}/{count}")
                )
                for i in range(count)
            ]
            start = time.perf_counter()
            for process in processes:
                process.start()
            for process in processes:
                process.join()
            elapsed = time.perf_counter() - start
            failed = sum(1 for p in processes if p.exitcode != 0)
            figures[f"workers_{count}_pages_per_s"] = len(pages) / elapsed
            figures[f"workers_{count}_s"] = elapsed
            figures[f"workers_{count}_failed"] = failed
    if "workers_1_s" in figures and "workers_2_s" in figures:
        figures["workers_2_speedup"] = figures["workers_1_s"] / figures["workers_2_s"]
    return figures


def _run_shard(settings: dict[str, Any], shard: str) -> None:
    logging.basicConfig(level=logging.WARNING)
    monitor.run_once(Settings.model_validate(settings), shard=monitor.Shard.parse(shard))
