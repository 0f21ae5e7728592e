"""Serve every feed of ``shared/corpus/feeds`` over local HTTP and poll it with `poll_feed`.

Each corpus file declares, in its leading comment, the HTTP headers feedparser's own test
suite serves it with (``Header: Content-type: ...``); they are served the same way here, so
the charset-from-header cases are exercised through our fetch path. The oracle is plain
``feedparser.parse`` of the same bytes with the same headers: poll_feed must find the same
entries (same count, guids, links, titles) and never raise anything but a `FetchError`.

Run alone for the summary: ``.venv/bin/python -m tests.ingest.feed_corpus``.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

import feedparser
import httpx

from extract.feeds import FeedPoll, feed_headers, poll_feed, text_value
from extract.fetch import FetchError, FetchPolicy, make_client
from tests.http_server import LocalHTTPServer

FEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "feeds"
_HEADER_LINE = re.compile(r"^\s*Header:\s*([A-Za-z-]+):[ \t]*(.*?)\s*$", re.MULTILINE)
_DEFAULT_TYPES = {".xml": "application/xml", ".json": "application/json"}
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)


@dataclass
class CorpusSummary:
    ok: int = 0
    parsed_despite_errors: int = 0
    failed: int = 0
    mismatches: list[str] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # exception type -> count
    seconds: float = 0.0

    def line(self) -> str:
        total = self.ok + self.parsed_despite_errors + self.failed
        kinds = ", ".join(f"{name} {count}" for name, count in sorted(self.failures.items()))
        return (
            f"feed corpus: {total} feeds in {self.seconds:.1f} s: ok {self.ok}, "
            f"parsed despite errors {self.parsed_despite_errors}, failed {self.failed}"
            f" ({kinds or 'none'}); {len(self.mismatches)} differ from plain feedparser"
        )


def decode_head(data: bytes) -> str:
    """The start of a file as text, for the 16 files whose comment is in UTF-16/32."""
    head = data[:4096]
    boms = (
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe", "utf-16-le"),
    )
    for bom, codec in boms:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="ignore")
    patterns = (
        (b"\x00\x00\x00<", "utf-32-be"),
        (b"<\x00\x00\x00", "utf-32-le"),
        (b"\x00<", "utf-16-be"),
        (b"<\x00", "utf-16-le"),
    )
    for pattern, codec in patterns:
        if head.startswith(pattern):
            return head.decode(codec, errors="ignore")
    return head.decode("latin-1")


def declared_headers(data: bytes) -> dict[str, str]:
    """The ``Header:`` lines of a corpus file's first comment."""
    comment = _COMMENT.search(decode_head(data))
    if not comment:
        return {}
    return {name: value for name, value in _HEADER_LINE.findall(comment.group(1))}


def _oracle(data: bytes, url: str, served: dict[str, str]) -> list[tuple[str | None, ...]]:
    """(guid, link, title) per entry as plain feedparser finds them, same bytes and headers.

    A guid of None means feedparser has neither id nor link: ours must then be a hash.
    """
    headers = feed_headers(url, served)
    base = headers["content-location"]
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    rows = []
    for raw in parsed.entries:
        link = urljoin(base, raw["link"].strip()) if (raw.get("link") or "").strip() else None
        guid = (raw.get("id") or "").strip() or link
        rows.append((guid, link, text_value(raw.get("title"), raw.get("title_detail"))))
    return rows


def check_feed_corpus(
    server: LocalHTTPServer, client: httpx.Client, policy: FetchPolicy, feeds_dir: Path = FEEDS_DIR
) -> CorpusSummary:
    summary = CorpusSummary()
    started = time.monotonic()
    files = sorted(p for p in feeds_dir.rglob("*") if p.suffix in (".xml", ".json"))
    for path in files:
        data = path.read_bytes()
        relative = path.relative_to(feeds_dir).as_posix()
        headers = declared_headers(data)
        if not any(name.lower() == "content-type" for name in headers):
            # what any static file server adds; without it feedparser flags every feed
            headers["Content-Type"] = _DEFAULT_TYPES[path.suffix]
        url = server.route("/" + quote(relative), data, headers=headers)
        try:
            poll = poll_feed(url, policy, client=client)
        except FetchError as exc:
            summary.failed += 1
            name = type(exc).__name__
            summary.failures[name] = summary.failures.get(name, 0) + 1
            expected = _oracle(data, url, _served(headers))
            if expected:
                summary.mismatches.append(f"{relative}: {name} but feedparser finds entries")
            continue
        _compare(relative, data, url, headers, poll, summary)
        if poll.parse_warning:
            summary.parsed_despite_errors += 1
        else:
            summary.ok += 1
    summary.seconds = time.monotonic() - started
    return summary


def _served(declared: dict[str, str]) -> dict[str, str]:
    """Declared headers as httpx hands them back (lower-case names; plus what we add)."""
    return {name.lower(): value for name, value in declared.items()}


def _compare(
    relative: str,
    data: bytes,
    url: str,
    headers: dict[str, str],
    poll: FeedPoll,
    summary: CorpusSummary,
) -> None:
    expected = _oracle(data, url, _served(headers))
    ours = [
        (None if e.guid.startswith("sha256:") else e.guid, e.link, e.title) for e in poll.entries
    ]
    if ours != expected:
        summary.mismatches.append(f"{relative}: ours {ours[:2]} != feedparser {expected[:2]}")


def main() -> None:
    policy = FetchPolicy(timeout_s=5.0)
    with LocalHTTPServer() as server, make_client(policy) as client:
        summary = check_feed_corpus(server, client, policy)
    print(summary.line())
    for mismatch in summary.mismatches[:20]:
        print("  " + mismatch)


if __name__ == "__main__":
    main()
