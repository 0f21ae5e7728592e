"""Managing subscriptions from the CLI: add, remove, import OPML, list with health."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from flows.monitor import open_database, sync_feeds
from flows.settings import Settings
from storage import feeds as feed_store
from storage.db import session_scope
from storage.views import feeds_view


class OpmlError(Exception):
    """The OPML file cannot be read; the message says why."""


def feed_views(settings: Settings) -> list[dict]:
    engine = open_database(settings.database_url)
    sync_feeds(engine, settings)
    with session_scope(engine) as session:
        return feeds_view(session)


def add_feed(settings: Settings, url: str, *, interval_minutes: float) -> None:
    with session_scope(open_database(settings.database_url)) as session:
        feed_store.ensure_feed(session, url, interval_minutes=interval_minutes)


def remove_feed(settings: Settings, url: str) -> None:
    with session_scope(open_database(settings.database_url)) as session:
        feed_store.remove_feed(session, url)


def read_opml(path: Path) -> list[tuple[str, str | None]]:
    """(xmlUrl, title) of every feed outline, however deeply the folders nest."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as exc:
        raise OpmlError(f"cannot read OPML file {path}: {exc}") from exc
    found = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if url:
            found.append((url.strip(), outline.get("title") or outline.get("text")))
    if not found:
        raise OpmlError(f"{path} lists no feeds (no <outline xmlUrl=…>)")
    return found


def import_opml(settings: Settings, path: Path, *, interval_minutes: float) -> list[str]:
    feeds = read_opml(path)
    with session_scope(open_database(settings.database_url)) as session:
        for url, title in feeds:
            feed_store.ensure_feed(session, url, interval_minutes=interval_minutes, name=title)
    return [url for url, _ in feeds]
