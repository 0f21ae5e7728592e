"""`parley bench`: what parley's monitor pass costs next to its two expensive parts.

spaCy is ~92% of the work (../shared/notes/performance.md), so everything parley adds
(polling, HTTP, dedupe, SQLite, alerts) must stay small next to "trafilatura + nlp.pipe".
One run measures, side by side on the same pages (the machine drifts 20-30% over minutes,
so figures from different runs do not compare):

1. raw: `clean_html` + `nlp.pipe` over every page, nothing else;
2. pipeline: the same pages on a loopback site behind one RSS feed, the full monitor pass
   (`flows.monitor` functions, no Prefect) into a fresh SQLite database, alerts to a
   loopback webhook: pages/s, ratio to (1), peak RSS, commit-to-webhook latency;
3. polling: 500 small feeds polled twice (the second time every answer is a 304).

Figures only, no pass/fail: the targets live in the issue and the report.
"""

from __future__ import annotations

import contextlib
import json
import logging
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from extract.clean import CleanedArticle, clean_html, clean_plain_text
from extract.pipeline import read_articles
from flows import monitor
from flows.bench_servers import Page, StaticSite, WebhookRecorder, bench_settings, rss
from flows.bench_workers import bench_workers
from flows.settings import PROJECT_ROOT, Settings
from storage.db import open_database, session_scope
from storage.models import Transition

log = logging.getLogger("parley.bench")

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "html"
DEV_SET = PROJECT_ROOT.parent / "shared" / "eval" / "dev"
POLL_FEEDS = 500
_BATCH = 16


@dataclass(frozen=True)
class BenchPage:
    """One page as both measurements see it: the same bytes, the same cleaning path."""

    name: str
    body: bytes
    is_text: bool  # a .txt dev article: served as text/plain, cleaned as plain text


def load_pages(corpus: Path, limit: int | None) -> list[BenchPage]:
    """The corpus pages plus the dev-set articles (which make transitions), cycled to `limit`.

    The dev articles come first so that even a small `--limit` yields alerts to time.
    """
    dev = sorted(p for p in DEV_SET.glob("d0*") if p.suffix in (".txt", ".html"))
    html = sorted(corpus.rglob("*.html"))
    files = dev + html
    if not files:
        raise FileNotFoundError(f"no pages under {corpus} or {DEV_SET}")
    count = len(files) if limit is None else limit
    bodies = {f: f.read_bytes() for f in files[: min(count, len(files))]}
    pages = []
    for index in range(count):
        file = files[index % len(files)]
        cycle = index // len(files)
        name = file.stem if cycle == 0 else f"{file.stem}.{cycle}"
        pages.append(BenchPage(name, bodies[file], file.suffix == ".txt"))
    return pages


def clean_page(page: BenchPage, url: str) -> CleanedArticle | Any:
    """The cleaning parley applies to a fetched page of this kind."""
    if page.is_text:
        return clean_plain_text(page.body.decode("utf-8", errors="replace"), url)
    return clean_html(page.body, url)


# -- 1. raw ---------------------------------------------------------------------------


def bench_raw(
    pages: list[BenchPage], settings: Settings, *, full_parse: bool = True
) -> dict[str, float | None]:
    """The parts alone: trafilatura, then spaCy as parley configures it (`read_articles`,
    whose vocabulary gate sends only negotiation pages to the parser). That is the speed
    the whole pass is held to. Every page through the full trained pipeline is measured
    too, for scale: it is what parley would cost without the gate.
    """
    nlp = monitor.shared_pipeline(settings.model)

    def texts() -> Iterator[str]:
        for page in pages:
            outcome = clean_page(page, f"http://bench.invalid/{page.name}")
            if isinstance(outcome, CleanedArticle):
                yield outcome.article.text

    full = full_cpu = parsed = None
    if full_parse:
        start, cpu = time.perf_counter(), time.thread_time()
        parsed = sum(1 for _ in nlp.pipe(texts(), batch_size=_BATCH))
        full, full_cpu = time.perf_counter() - start, time.thread_time() - cpu

    start, cpu = time.perf_counter(), time.thread_time()
    for chunk_start in range(0, len(pages), 256):  # bounded memory on --limit 5000
        articles = []
        for page in pages[chunk_start : chunk_start + 256]:
            outcome = clean_page(page, f"http://bench.invalid/{page.name}")
            if isinstance(outcome, CleanedArticle):
                articles.append(outcome.article)
        read_articles(nlp, articles)
    gated, gated_cpu = time.perf_counter() - start, time.thread_time() - cpu
    return {
        # parley's own settings (the vocabulary gate decides which pages get the parser):
        # the figure the pipeline is held to.
        "raw_pages_per_s": len(pages) / gated,
        "raw_s": gated,
        "raw_cpu_s": gated_cpu,
        # every page through the full trained pipeline, for scale
        "raw_full_parse_pages_per_s": len(pages) / full if full else None,
        "raw_full_parse_s": full,
        "raw_full_parse_cpu_s": full_cpu,
        "raw_full_parse_articles": parsed,
    }


# -- 2. pipeline ----------------------------------------------------------------------


def bench_pipeline(pages: list[BenchPage], settings: Settings, workdir: Path) -> dict[str, Any]:
    """The full monitor pass over the pages, timed per stage, with alert latencies."""
    nlp = monitor.shared_pipeline(settings.model)  # loaded by the raw run: not timed here
    with StaticSite() as site, WebhookRecorder() as hook:
        entries = []
        for index, page in enumerate(pages):
            suffix, kind = (".txt", "text/plain") if page.is_text else (".html", "text/html")
            link = site.add(f"/pages/{index}{suffix}", Page(page.body, kind))
            entries.append((f"bench-{index}", link, page.name))
        feed_url = site.add(
            "/feed.xml", Page(rss(entries), "application/rss+xml", etag='"bench-1"')
        )
        cfg = bench_settings(
            settings, f"sqlite:///{workdir / 'pipeline.db'}", [feed_url], hook.url("/hook")
        )
        reset_peak_rss()
        stages: dict[str, float] = {}
        start, cpu = time.perf_counter(), time.thread_time()
        engine = open_database(cfg.database_url)
        monitor.sync_feeds(engine, cfg)
        stages["setup_s"] = time.perf_counter() - start
        _, new = _timed(stages, "poll_s", monitor.poll_feeds, engine, cfg)
        fetched = _timed(stages, "fetch_s", monitor.fetch_entries, new, cfg)
        store = _timed(
            stages,
            "store_s",
            monitor.store_articles,
            engine,
            cfg,
            fetched,
            nlp,
            **_on_commit(engine, cfg),
        )
        sent = _timed(stages, "dispatch_s", monitor.dispatch, engine, cfg)
        elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - cpu
        peak = peak_rss_mb()
        time.sleep(0.2)  # let the last webhook handler thread record its arrival
        with hook.lock:
            received = list(hook.received)
    with session_scope(engine) as session:
        committed = {t.id: t.recorded_at for t in session.exec(select(Transition)).all()}
    engine.dispose()
    latencies = sorted(
        arrived - _epoch(committed[tid]) for arrived, tid in received if tid in committed
    )
    return {
        "pipeline_pages_per_s": len(pages) / elapsed,
        "pipeline_s": elapsed,
        "pipeline_cpu_s": elapsed_cpu,
        **{f"pipeline_{k}": v for k, v in stages.items()},
        "pages": len(pages),
        "stored": store.stored,
        "duplicates": store.duplicates,
        "skipped": store.skipped,
        "relevant": store.relevant,
        "transitions": len(committed),
        "alerts_left_for_final_dispatch": sent.delivered,
        "webhooks_received": len(received),
        "peak_rss_mb": peak,
        "alert_latency_p50_s": _quantile(latencies, 0.5),
        "alert_latency_p95_s": _quantile(latencies, 0.95),
        "alert_latency_max_s": latencies[-1] if latencies else None,
    }


def _on_commit(engine: Any, cfg: Settings) -> dict[str, Any]:
    """Dispatch after each commit when `store_articles` offers the hook, as run_once does."""
    factory = getattr(monitor, "dispatch_on_commit", None)
    return {"on_commit": factory(engine, cfg)} if factory else {}


def _timed(stages: dict[str, float], key: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    result = func(*args, **kwargs)
    stages[key] = time.perf_counter() - start
    return result


def _epoch(moment: datetime) -> float:
    """SQLite hands datetimes back naive; parley stores UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def reset_peak_rss() -> None:
    """Reset the kernel's high-water mark so the pipeline's peak excludes the raw run's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    """VmHWM (resettable) when /proc has it, else ru_maxrss (KiB on Linux)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- 3. polling -----------------------------------------------------------------------


def bench_polling(settings: Settings, workdir: Path, feeds: int = POLL_FEEDS) -> dict[str, Any]:
    """`poll_feeds` over many small feeds twice: the second pass is all 304s."""
    with StaticSite() as site:
        urls = []
        for index in range(feeds):
            entries = [
                (f"f{index}-{n}", site.url(f"/p/{index}/{n}.html"), f"story {n}") for n in range(3)
            ]
            urls.append(
                site.add(
                    f"/feeds/{index}.xml",
                    Page(
                        rss(entries, title=f"feed {index}"),
                        "application/rss+xml",
                        etag=f'"feed-{index}"',
                        last_modified="Mon, 03 Apr 2023 01:02:03 GMT",
                    ),
                )
            )
        cfg = bench_settings(settings, f"sqlite:///{workdir / 'poll.db'}", urls, site.url("/h"))
        engine = open_database(cfg.database_url)
        monitor.sync_feeds(engine, cfg)
        start = time.perf_counter()
        first, new = monitor.poll_feeds(engine, cfg)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second, _ = monitor.poll_feeds(engine, cfg)
        second_s = time.perf_counter() - start
        engine.dispose()
    return {
        "poll_feeds": feeds,
        "poll_first_s": first_s,
        "poll_first_entries": len(new),
        "poll_first_errors": sum(o.error is not None for o in first),
        "poll_304_s": second_s,
        "poll_304_not_modified": sum(o.not_modified for o in second),
    }


# -- the command ----------------------------------------------------------------------


def measure(
    settings: Settings, corpus: Path, limit: int | None, *, full_parse: bool = True
) -> dict[str, Any]:
    """All three measurements in one process, one after the other."""
    pages = load_pages(corpus, limit)
    log.info("bench: %d pages from %s and %s", len(pages), corpus, DEV_SET)
    start = time.perf_counter()
    monitor.shared_pipeline(settings.model)
    figures: dict[str, Any] = {"model_load_s": time.perf_counter() - start}
    # Untimed warm-up: the first pages pay for lazy imports and caches (trafilatura's date
    # parsers, spaCy's vocabulary) that whichever measurement ran first would carry alone.
    warm = [clean_page(p, f"http://bench.invalid/{p.name}") for p in pages[:20]]
    read_articles(
        monitor.shared_pipeline(settings.model),
        [o.article for o in warm if isinstance(o, CleanedArticle)],
    )
    log.info("bench: raw (clean_html + nlp.pipe)")
    figures |= bench_raw(pages, settings, full_parse=full_parse)
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        log.info("bench: pipeline (full monitor pass over loopback HTTP)")
        figures |= bench_pipeline(pages, settings, Path(tmp))
        log.info("bench: the same pages over 1 and then 2 worker processes (shards)")
        figures |= bench_workers(pages, settings, Path(tmp))
        log.info("bench: polling %d feeds twice", POLL_FEEDS)
        figures |= bench_polling(settings, Path(tmp))
    figures["ratio"] = figures["pipeline_pages_per_s"] / figures["raw_pages_per_s"]
    full = figures["raw_full_parse_pages_per_s"]
    figures["ratio_to_full_parse"] = figures["pipeline_pages_per_s"] / full if full else None
    # Other processes share the 2 cores; the main thread's CPU time is what contention
    # distorts least (the loopback servers run in other threads and are not counted).
    figures["ratio_cpu"] = figures["raw_cpu_s"] / figures["pipeline_cpu_s"]
    figures["process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_bench(
    settings: Settings,
    *,
    corpus: Path | None = None,
    limit: int | None = None,
    as_json: bool,
    full_parse: bool = True,
) -> int:
    """The CLI's entry: figures as a rich table, or one JSON object on stdout."""
    if not logging.getLogger().handlers:
        logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "httpcore"):  # one line per request would drown the figures
        logging.getLogger(noisy).setLevel(logging.WARNING)
    folder = corpus or DEFAULT_CORPUS
    if not folder.is_dir():
        print(f"error: corpus folder {folder} does not exist", file=sys.stderr)
        return 2
    # Libraries that print must not corrupt the one JSON object on stdout.
    with contextlib.redirect_stdout(sys.stderr):
        figures = measure(settings, folder, limit, full_parse=full_parse)
    if as_json:
        print(json.dumps(figures))
    else:
        _print_table(figures)
    return 0


_TABLE = [
    ("raw: clean_html + read_articles", "raw_pages_per_s", "pages/s", None),
    ("raw, full parse of every page", "raw_full_parse_pages_per_s", "pages/s", None),
    ("pipeline: full monitor pass", "pipeline_pages_per_s", "pages/s", None),
    ("ratio pipeline / raw", "ratio", "", "≥ 0.85"),
    ("ratio pipeline / full parse", "ratio_to_full_parse", "", None),
    ("ratio by main-thread CPU time", "ratio_cpu", "", None),
    ("1 worker process (with start-up)", "workers_1_pages_per_s", "pages/s", None),
    ("2 worker processes, sharded", "workers_2_pages_per_s", "pages/s", None),
    ("speed-up with 2 workers", "workers_2_speedup", "×", None),
    ("peak RSS during the pass", "peak_rss_mb", "MB", "≤ 1536 (5,000 pages)"),
    ("alert latency p50", "alert_latency_p50_s", "s", None),
    ("alert latency p95", "alert_latency_p95_s", "s", "≤ 1"),
    ("500 feeds, first poll", "poll_first_s", "s", None),
    ("500 feeds, all-304 poll", "poll_304_s", "s", "≤ 10"),
]


def _print_table(figures: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"parley bench: {figures['pages']} pages")
    for column in ("measure", "value", "unit", "target"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for label, key, unit, target in _TABLE:
        value = figures.get(key)
        shown = "n/a" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}"
        table.add_row(label, shown, unit, target or "")
    Console().print(table)
    stages = ", ".join(
        f"{k.removeprefix('pipeline_')} {figures[k]:.2f}"
        for k in ("pipeline_setup_s", "pipeline_poll_s", "pipeline_fetch_s")
        + ("pipeline_store_s", "pipeline_dispatch_s")
    )
    Console().print(
        f"pipeline stages (s): {stages}; {figures['stored']} stored, "
        f"{figures['duplicates']} duplicates, {figures['transitions']} transitions, "
        f"{figures['webhooks_received']} webhooks received"
    )
