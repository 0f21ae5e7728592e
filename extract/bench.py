"""How fast the negotiation reader is: articles per second with the model loaded once.

    python -m extract.bench [FILES_OR_DIRS...] [--repeat N]

Not a timed test, because the machine's speed drifts 20-30% over minutes
(../shared/notes/performance.md); compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from extract.inputs import InputError, load_article
from extract.models import ArticleText
from extract.pipeline import load_pipeline, read_articles

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def load_inputs(paths: list[Path]) -> list[ArticleText]:
    """Every readable .txt or .html file under the given paths, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".txt", ".html"}))
        else:
            files.append(path)
    articles = []
    for file in files:
        try:
            articles.append(load_article(str(file)))
        except InputError:
            continue
    return articles


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_DIR])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    articles = load_inputs(args.paths)
    nlp = load_pipeline()
    read_articles(nlp, articles[:2])  # warm-up: lazy tables, first-call allocations
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = read_articles(nlp, articles)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    relevant = sum(r.relevant for r in results)
    print(
        f"{len(articles)} articles ({relevant} relevant), best of {args.repeat}: "
        f"{best:.2f} s = {len(articles) / best:.1f} articles/s "
        f"(median {sorted(timings)[len(timings) // 2]:.2f} s)"
    )


if __name__ == "__main__":
    main()
