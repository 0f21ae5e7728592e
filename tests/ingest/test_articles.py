"""get_article(): the page when it can be used, the feed summary (with a note) when not."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from extract.articles import decode_text, feed_is_remote, get_article
from extract.feeds import FeedEntry
from extract.fetch import BadContent, Fetched, FetchPolicy, RefusedAddress, fetch
from tests.http_server import LocalHTTPServer

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "dev"
REMOTE_FEED = "https://news.example.com/feed"


def _entry(link: str | None, **fields: str | None) -> FeedEntry:
    return FeedEntry(
        guid=fields.get("guid") or link or "guid-1",
        link=link,
        title=fields.get("title", "Envoys meet in Doha"),
        summary=fields.get("summary", "Negotiators met on Monday for a second round."),
        published=fields.get("published", "2025-06-10T12:30:00+00:00"),
    )


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("http://127.0.0.1:{port}/article", "loopback"),
        ("http://10.0.0.1/article", "private"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://[::1]:{port}/article", "loopback"),
    ],
)
def test_remote_feed_links_into_our_network_fall_back_to_the_summary(
    server: LocalHTTPServer, policy: FetchPolicy, target: str, kind: str
) -> None:
    server.route("/article", "<html><body><p>secret admin page</p></body></html>")
    port = server.base_url.rsplit(":", 1)[1]
    outcome = get_article(_entry(target.format(port=port)), policy, feed_url=REMOTE_FEED)
    assert outcome.note is not None and outcome.note.startswith("page fetch refused:")
    assert kind in outcome.note
    assert outcome.article is not None
    assert outcome.article.text == "Negotiators met on Monday for a second round."
    assert outcome.article.title == "Envoys meet in Doha"
    assert outcome.article.published == "2025-06-10"
    assert outcome.article.source == target.format(port=port)
    assert server.requests == []


def test_remote_feed_may_not_link_to_local_files(policy: FetchPolicy) -> None:
    outcome = get_article(_entry("file:///etc/passwd"), policy, feed_url=REMOTE_FEED)
    assert outcome.note and "refused" in outcome.note and "file" in outcome.note


def test_allowing_private_addresses_does_not_open_local_files(
    policy: FetchPolicy, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("DB_PASSWORD=hunter2 " * 30)
    open_policy = FetchPolicy(timeout_s=0.3, allow_private_addresses=True)
    outcome = get_article(_entry(secret.as_uri()), open_policy, feed_url=REMOTE_FEED)
    assert outcome.note and "refused" in outcome.note
    assert outcome.article is None or "hunter2" not in outcome.article.text


def test_remote_redirect_to_the_metadata_address_is_refused_on_the_second_hop() -> None:
    """A public first hop needs no DNS when it is a literal IP; MockTransport plays the server."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        with pytest.raises(RefusedAddress, match="metadata"):
            fetch("http://93.184.216.34/story", FetchPolicy(), client=client, check_address=True)
    assert seen == ["http://93.184.216.34/story"]


@pytest.mark.parametrize(
    ("feed_url", "remote"),
    [
        ("https://news.example.com/feed", True),  # resolver says public
        ("http://8.8.8.8/rss", True),
        ("http://127.0.0.1:8000/rss", False),
        ("http://[::1]/rss", False),
        ("http://localhost:8000/rss", False),
        ("http://intranet.corp/rss", False),  # resolver says 10.x
        ("file:///srv/feeds/seeds.xml", False),
        ("http://unresolvable.invalid/rss", True),
    ],
)
def test_remoteness_is_decided_by_the_feed_host(feed_url: str, remote: bool) -> None:
    table = {"news.example.com": ["93.184.216.34"], "intranet.corp": ["10.1.2.3"]}

    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    assert feed_is_remote(feed_url, resolve=resolve) is remote


def test_local_feed_gets_the_cleaned_page_with_page_metadata(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    link = server.route(
        "/news/d002.html",
        (DEV / "d002.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    outcome = get_article(_entry(link), policy, feed_url=server.url("/feed.xml"))
    assert outcome.note is None and outcome.article is not None
    article = outcome.article
    assert article.source == link
    assert "ceasefire" in article.text and len(article.text.split()) > 200
    assert article.title and "Thailand and Cambodia" in article.title
    assert article.published == "2025-07-28"  # the page's date beats the entry's


def test_plain_text_pages_go_through_the_plain_text_cleaner(
    server: LocalHTTPServer, policy: FetchPolicy, tmp_path: Path
) -> None:
    raw = (DEV / "d001.txt").read_bytes()
    link = server.route("/d001.txt", raw, headers={"Content-Type": "text/plain; charset=utf-8"})
    outcome = get_article(_entry(link, published=None), policy, feed_url=server.url("/f"))
    assert outcome.article is not None and outcome.note is None
    assert outcome.article.title and outcome.article.title.startswith("Istanbul talks")
    assert outcome.article.published == "2025-11-08"

    copy = tmp_path / "d001.txt"
    copy.write_bytes(raw)
    feed = (tmp_path / "feed.xml").as_uri()
    on_disk = get_article(_entry(copy.as_uri()), policy, feed_url=feed)
    assert on_disk.article is not None and on_disk.article.text == outcome.article.text
    assert on_disk.article.source == copy.as_uri()


def test_unusable_pages_fall_back_with_a_note_saying_why(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    feed = server.url("/feed.xml")
    missing = get_article(_entry(server.url("/gone")), policy, feed_url=feed)
    assert missing.note and "HTTPStatusError" in missing.note and "404" in missing.note
    assert missing.article and missing.article.text.startswith("Negotiators")

    stub = server.route("/stub", "<html><body><p>Subscribe.</p></body></html>")
    thin = get_article(_entry(stub), policy, feed_url=feed)
    assert thin.note and thin.note.startswith("page is not an article:")

    latin = server.route(
        "/latin.txt", "Café talks".encode("latin-1"), headers={"Content-Type": "text/plain"}
    )
    mislabelled = get_article(_entry(latin), policy, feed_url=feed)
    assert mislabelled.article is not None  # no charset declared: decoded, not refused

    nothing = get_article(_entry(None, title=None, summary=None), policy, feed_url=feed)
    assert nothing.article is None and nothing.note == "the entry has no link"


def test_private_addresses_are_allowed_when_the_policy_says_so(server: LocalHTTPServer) -> None:
    link = server.route("/d002.html", (DEV / "d002.html").read_bytes())
    relaxed = FetchPolicy(timeout_s=2, allow_private_addresses=True)
    outcome = get_article(_entry(link), relaxed, feed_url=REMOTE_FEED)
    assert outcome.note is None and server.count("/d002.html") == 1


KOI8_PAGE = '<meta charset="koi8-r"><p>Привет'


def _fetched(content: bytes, charset: str | None, content_type: str = "text/html") -> Fetched:
    return Fetched("http://x.example/", 200, content, content_type, charset, None, None)


@pytest.mark.parametrize(
    ("content", "charset", "expected"),
    [
        ("Café à Genève".encode("latin-1"), "utf-8", "Café à Genève"),  # latin-1 called UTF-8
        ("Café à Genève".encode(), "iso-8859-1", "Café à Genève"),  # UTF-8 called latin-1
        ("Café “talks”".encode("cp1252"), None, "Café “talks”"),
        (f"{KOI8_PAGE}".encode("koi8-r"), None, KOI8_PAGE),
        ("Привет".encode("utf-16"), None, "Привет"),
    ],
)
def test_page_text_is_decoded_despite_wrong_charset_labels(
    content: bytes, charset: str | None, expected: str
) -> None:
    assert decode_text(_fetched(content, charset)) == expected


def test_undeterminable_charset_is_bad_content() -> None:
    with pytest.raises(BadContent, match="not valid utf-8"):
        decode_text(_fetched("中文新闻谈判".encode("gb2312"), "utf-8"))


def test_mislabelled_pages_are_cleaned_in_their_real_charset(
    server: LocalHTTPServer, policy: FetchPolicy
) -> None:
    sentence = "Négociations à Genève entre les parties, selon les médiateurs. "
    page = f"<html><head><title>Café talks</title></head><body><article><p>{sentence * 8}</p>"
    page += "</article></body></html>"
    feed = server.url("/feed.xml")
    for path, body, label in [
        ("/latin.html", page.encode("latin-1"), "utf-8"),
        ("/utf8.html", page.encode(), "iso-8859-1"),
    ]:
        link = server.route(path, body, headers={"Content-Type": f"text/html; charset={label}"})
        outcome = get_article(_entry(link), policy, feed_url=feed)
        assert outcome.article is not None and outcome.note is None
        assert outcome.article.title == "Café talks"
        assert outcome.article.text.startswith("Négociations à Genève")

    utf8_text = {"Content-Type": "text/plain; charset=utf-8"}
    gb = server.route("/gb.txt", "中文新闻谈判".encode("gb2312"), headers=utf8_text)
    refused = get_article(_entry(gb), policy, feed_url=feed)
    assert refused.note and refused.note.startswith("page fetch failed (BadContent)")
    assert refused.article and refused.article.text.startswith("Negotiators")
