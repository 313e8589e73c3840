"""Addresses from articles: the real one behind a proxy, resolved, and checked before use."""

from __future__ import annotations

import re
from urllib.parse import unquote, urljoin, urlsplit

_PROXIED = re.compile(r"^https?://[^/?#]+/?\?(https?://.+)$", re.IGNORECASE)
_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Once decoded, a space (%20, as in a file name) is harmless: the address is one argument.
_UNSAFE_DECODED = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def unwrap_proxy(url: str) -> tuple[str, str]:
    """Split `https://proxy/?http://real/x.jpg` into (real address, proxied form).

    An address that is not wrapped comes back as (url, "").
    """
    match = _PROXIED.match(url.strip())
    if match:
        return match.group(1), url.strip()
    return url.strip(), ""


def resolve(url: str, base: str) -> str:
    """Resolve a relative address against the article's own address, when it has one."""
    url = url.strip()
    try:
        if not url or urlsplit(url).scheme:
            return url
        if base and urlsplit(base).scheme in {"http", "https"}:
            return urljoin(base, url)
    except ValueError:  # a malformed address (`http://[oops/`): left as it is, refused later
        return url
    return url


def refusal(url: str) -> str | None:
    """Why the reader will not open or fetch `url`, or None when it may.

    Only plain http and https addresses pass. Checks the address as written and once
    percent-decoded, so `%6Aavascript:` and friends are caught.
    """
    if not url:
        return "empty address"
    if url.startswith("-"):
        return "starts with '-'"
    if _UNSAFE_CHARS.search(url) or _UNSAFE_DECODED.search(unquote(url)):
        return "contains spaces or control characters"
    decoded = unquote(url)
    try:
        for candidate in (url, decoded):
            scheme = urlsplit(candidate).scheme.lower()
            if not scheme:
                return "relative address with no page to resolve it against"
            if scheme not in {"http", "https"}:
                return f"{scheme}: addresses are not opened"
        parts = urlsplit(url)
        if not parts.netloc or not parts.hostname:
            return "no host"
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "malformed address"
    return None
