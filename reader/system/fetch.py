"""Fetching an image for the preview: http(s) only, with a timeout and a size cap, cached."""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

from reader.core.sanitize import clean_line
from reader.core.urls import refusal

TIMEOUT = 10.0
MAX_BYTES = 15 * 1024 * 1024
USER_AGENT = "reader (terminal article reader)"


class FetchError(Exception):
    """Why an image could not be had, in one line."""


class _OnlyWebRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        why = refusal(newurl)
        if why is not None:
            raise FetchError(f"redirected to an address that is not opened ({why})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_OnlyWebRedirects)


def cached_path(url: str, cache: Path) -> Path:
    return cache / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".img")


def fetch_image(url: str, cache: Path, timeout: float = TIMEOUT,
                max_bytes: int = MAX_BYTES) -> Path:
    """The image at `url` as a file in `cache` (downloaded once). Raises `FetchError`."""
    why = refusal(url)
    if why is not None:
        raise FetchError(f"not fetched: {why}")
    target = cached_path(url, cache)
    if target.exists():
        return target
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if not kind.startswith("image/"):
                raise FetchError(f"not an image ({clean_line(kind, 60)})")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too big ({int(length) / 1e6:.1f} MB; the limit is "
                                 f"{max_bytes / 1e6:.0f} MB)")
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise FetchError(f"the server said {error.code} {clean_line(error.reason or '', 60)}"
                         ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        text = "timed out" if isinstance(reason, TimeoutError) else clean_line(str(reason), 120)
        raise FetchError(f"could not connect: {text}") from None
    except TimeoutError:
        raise FetchError("timed out") from None
    except OSError as error:
        raise FetchError(f"could not fetch: {clean_line(str(error), 120)}") from None
    except FetchError:
        raise
    except Exception as error:  # http.client's InvalidURL, IncompleteRead, BadStatusLine…
        raise FetchError(f"could not fetch ({type(error).__name__})") from None
    if len(data) > max_bytes:
        raise FetchError(f"too big (over {max_bytes / 1e6:.0f} MB)")
    check_image(data)
    cache.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(f".{os.getpid()}.part")
    temporary.write_bytes(data)
    temporary.replace(target)
    return target


def check_image(data: bytes) -> None:
    """Raise `FetchError` unless `data` is a picture Pillow can decode (checked off the
    screen's thread, before anything draws it)."""
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise FetchError(f"not an image the reader can draw ({type(error).__name__})") from None


def local_picture(path: Path, max_bytes: int = MAX_BYTES) -> Path:
    """A picture of the archive itself, checked as a fetched one is (its size, and that
    Pillow decodes it). Raises `FetchError`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(f"too big ({size / 1e6:.1f} MB; the limit is "
                             f"{max_bytes / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as error:
        raise FetchError(f"could not read it: {clean_line(error.strerror or str(error), 80)}"
                         ) from None
    check_image(data)
    return path
