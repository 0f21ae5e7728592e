"""Small feed documents for tests, written out so each test shows what it serves."""

from __future__ import annotations


def rss(*items: tuple[str, str, str], encoding: str = "utf-8", declare: bool = True) -> str:
    """An RSS 2.0 feed of (title, link, description) items."""
    decl = f'<?xml version="1.0" encoding="{encoding}"?>\n' if declare else ""
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>{description}</description>"
        "<pubDate>Tue, 10 Jun 2025 14:30:00 +0200</pubDate></item>"
        for title, link, description in items
    )
    return (
        f'{decl}<rss version="2.0"><channel><title>Test wire</title>'
        f"<link>http://example.com/</link><description>tests</description>{body}</channel></rss>"
    )


RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
