"""The fetch stage of a monitor pass: each new entry's page, fetched politely and cleaned."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from extract.articles import get_article
from extract.feeds import FeedEntry
from extract.fetch import literal_ip, make_client
from extract.models import ArticleText
from flows.polling import NewEntry, fetch_policy
from flows.settings import Settings

log = logging.getLogger("parley.monitor")


@dataclass(frozen=True)
class FetchedEntry:
    feed_url: str
    entry: FeedEntry
    article: ArticleText | None
    note: str | None


class HostPacer:
    """At most one request per `interval_s` to any one host: news sites list dozens of
    articles per feed and do not like being crawled in a burst. Our own machine (files,
    loopback) is not paced."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self.last: dict[str, float] = {}

    def wait(self, url: str | None) -> None:
        if self.interval_s <= 0 or not url:
            return
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            return
        address = literal_ip(host)
        if not host or host == "localhost" or (address is not None and address.is_loopback):
            return
        now = time.monotonic()
        due = self.last.get(host, 0.0) + self.interval_s
        if now < due:
            time.sleep(due - now)
        self.last[host] = time.monotonic()


def fetch_entries(entries: list[NewEntry], settings: Settings) -> list[FetchedEntry]:
    """Fetch and clean each new entry's page; fall back to the feed summary with a note."""
    policy = fetch_policy(settings)
    fetched = []
    polite = HostPacer(settings.fetch.min_host_interval_s)
    with make_client(policy) as client:  # one client: see poll_feeds
        for item in entries:
            polite.wait(item.entry.link)
            try:
                outcome = get_article(item.entry, policy, feed_url=item.feed_url, client=client)
                fetched.append(
                    FetchedEntry(item.feed_url, item.entry, outcome.article, outcome.note)
                )
            except Exception as exc:  # one bad page must not stop the run; the note says why
                log.exception("article %s could not be read", item.entry.link)
                fetched.append(
                    FetchedEntry(item.feed_url, item.entry, None, f"{type(exc).__name__}: {exc}")
                )
    return fetched
