"""Opening what a user hands to `parley extract`: a file path or a URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import httpx

from extract.clean import CleanedArticle, NotAnArticle, clean_html, clean_plain_text


class InputError(Exception):
    """An input could not be read as an article; the message says why."""


_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


def load_article(path_or_url: str, *, timeout_s: float = 20.0, max_bytes: int = 5_000_000):
    """Read one input into an `ArticleText`, or raise `InputError`."""
    parsed = urlparse(path_or_url)
    if parsed.scheme in ("http", "https"):
        try:
            response = httpx.get(path_or_url, timeout=timeout_s, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise InputError(f"could not fetch {path_or_url}: {exc}") from exc
        body = response.content[:max_bytes]
        ctype = response.headers.get("content-type", "")
        outcome = (
            clean_plain_text(response.text, path_or_url)
            if ctype.startswith("text/plain")
            else clean_html(body, path_or_url)
        )
    else:
        path = Path(parsed.path if parsed.scheme == "file" else path_or_url)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"could not read {path_or_url}: {exc.strerror or exc}") from exc
        if path.suffix.lower() in _HTML_SUFFIXES or data.lstrip()[:15].lower().startswith(
            (b"<!doctype html", b"<html")
        ):
            outcome = clean_html(data, path_or_url)
        else:
            outcome = clean_plain_text(data.decode("utf-8", errors="replace"), path_or_url)
    if isinstance(outcome, NotAnArticle):
        raise InputError(f"{path_or_url} is not an article: {outcome.reason}")
    assert isinstance(outcome, CleanedArticle)
    return outcome.article
