"""Recognising the same story seen twice: by URL and by text.

The same article reaches us through several feeds with different tracking parameters, and
syndicated copies (wire stories) reach us under different URLs with the publisher's own
header and footer around the same body. URL canonicalisation catches the first, a 64-bit
simhash of the body the second; the fingerprint is a signed 64-bit int so it fits a
PostgreSQL BIGINT column and can be compared in SQL with ``bit_count(a # b)``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from trafilatura.deduplication import Simhash

# Parameters that identify the referrer or campaign, never the content.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "cmpid",
        "cmp",
        "src",
        "source",
        "ito",
        "ocid",
        "ncid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "spm",
        "share",
        "smid",
        "sr_share",
        "rss",
        "feature",
        "partner",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Measured on the 48 dev articles (all about negotiations, so sharing vocabulary): distinct
# stories differ in 14 to 40 bits (median 29); a copy with another site's header/footer
# lines and small edits differs in 1 to 6. 10 leaves a margin on both sides.
DEFAULT_MAX_DISTANCE = 10


def canonical_url(url: str) -> str:
    """A URL stripped of what differs between two links to the same page."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:  # bad IPv6 brackets, a non-numeric port: keep it rather than guess
        return url.strip()
    scheme = parts.scheme.lower()
    netloc = host if ":" not in host else f"[{host}]"
    if parts.username or parts.password:
        credentials = parts.username or ""
        if parts.password:
            credentials += f":{parts.password}"
        netloc = f"{credentials}@{netloc}"
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(name)
    )
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    if path == "/" and not query:
        path = ""
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def text_fingerprint(text: str) -> int:
    """64-bit simhash of the words of ``text``, as a signed int (BIGINT-safe)."""
    normalised = re.sub(r"\s+", " ", text.lower()).strip()
    unsigned = Simhash(normalised, length=64).hash
    return unsigned - (1 << 64) if unsigned >= (1 << 63) else unsigned


def hamming_distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def is_near_duplicate(a: int, b: int, *, max_distance: int = DEFAULT_MAX_DISTANCE) -> bool:
    """True when two fingerprints differ in at most ``max_distance`` of their 64 bits."""
    return hamming_distance(a, b) <= max_distance
