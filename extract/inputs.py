"""Opening what a user hands to `parley extract`: a file path or a URL.

The same fetcher and cleaner as the feed pipeline, so `parley extract URL` reads a page
exactly as a monitored feed would (size cap, timeouts, charset rules).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from extract.articles import clean_fetched
from extract.clean import CleanedArticle, NotAnArticle
from extract.fetch import FetchError, FetchPolicy, NotModified, fetch
from extract.models import ArticleText


class InputError(Exception):
    """An input could not be read as an article; the message says why."""


def load_article(path_or_url: str, *, policy: FetchPolicy | None = None) -> ArticleText:
    """Read one input into an `ArticleText`, or raise `InputError`."""
    policy = policy or FetchPolicy()
    try:
        scheme = urlsplit(path_or_url).scheme.lower()
    except ValueError as exc:
        raise InputError(f"{path_or_url!r} is not a valid path or URL: {exc}") from exc
    if scheme in ("http", "https", "file"):
        url = path_or_url
    else:
        path = Path(path_or_url)
        if not path.is_file():
            raise InputError(f"could not read {path_or_url}: no such file")
        url = path.resolve().as_uri()
    try:
        fetched = fetch(url, policy)
    except FetchError as exc:
        raise InputError(f"could not read {path_or_url}: {exc.reason}") from exc
    if isinstance(fetched, NotModified):
        raise InputError(f"could not read {path_or_url}: the server answered 304")
    try:
        outcome = clean_fetched(fetched, url)
    except FetchError as exc:  # BadContent: undecodable text
        raise InputError(f"could not read {path_or_url}: {exc.reason}") from exc
    if isinstance(outcome, NotAnArticle):
        raise InputError(f"{path_or_url} is not an article: {outcome.reason}")
    assert isinstance(outcome, CleanedArticle)
    return outcome.article.model_copy(update={"source": path_or_url})
