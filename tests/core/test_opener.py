"""Which addresses are opened, how, and what the preview fetches (a local server only)."""

from __future__ import annotations

import base64
import http.server
import io
import threading
import time
from pathlib import Path

import pytest

from reader.core.convert.markdown import build_document
from reader.core.convert.targets import image_targets, link_targets
from reader.core.files.fields import build_article
from reader.core.urls import refusal, resolve, unwrap_proxy
from reader.system.fetch import FetchError, fetch_image
from reader.system.opener import Way, choose_way, open_address


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", "%6Aavascript:alert(1)", "file:///etc/passwd",
    "data:text/html,<b>x</b>", "-oProxyCommand=evil", "http://exa mple.org", "http://x.org/\x1b]52",
    "https://x.org/\u202eevil", "ftp://example.org/a", "/relative/path", "mailto:a@b.c", "",
    "https://", "http://%0a@x.org",
])
def test_unsafe_addresses_are_refused(url: str) -> None:
    assert refusal(url) is not None


@pytest.mark.parametrize("url", ["http://example.org/a.jpg", "https://例子.测试/路径?q=1#x"])
def test_web_addresses_pass(url: str) -> None:
    assert refusal(url) is None


def test_proxy_unwrapping_and_relative_links() -> None:
    assert unwrap_proxy("https://cors.example.org/?http://img.example.cn/a.jpg") == (
        "http://img.example.cn/a.jpg", "https://cors.example.org/?http://img.example.cn/a.jpg")
    assert unwrap_proxy("https://example.org/a.jpg") == ("https://example.org/a.jpg", "")
    assert resolve("/about/", "https://blog.example.org/2020/post/") == (
        "https://blog.example.org/about/")
    assert resolve("/about/", "") == "/about/"


def _article(meta: dict) -> object:
    return build_article("p.md", meta, "", is_html=True, size=1, mtime=0)


def test_crawler_picker_contents() -> None:
    body = (
        '<p><img data-original="http://real/1.jpg" src="https://proxy.example/?http://real/1.jpg">'
        '</p><p>字<img src="https://proxy.example/?http://real/2.jpg" alt="第二张"></p>'
        '<p><a href="https://news.example.cn/x">原文</a> <a href="javascript:alert(1)">点我</a></p>'
    )
    document = build_document(body, is_html=True)
    same_cover = _article({"headimg": "https://proxy.example/?http://real/1.jpg"})
    targets = image_targets(document, same_cover)  # the cover is image 1: merged
    assert [(t.number, t.url) for t in targets] == [(1, "http://real/1.jpg"),
                                                     (2, "http://real/2.jpg")]
    assert targets[0].fallback == "https://proxy.example/?http://real/1.jpg"
    assert targets[1].label == "第二张"
    other_cover = _article({"thumbnail": "https://proxy.example/?http://real/cover.jpg"})
    with_cover = image_targets(document, other_cover)
    assert with_cover[-1].cover and with_cover[-1].url == "http://real/cover.jpg"
    assert with_cover[-1].number == 3
    links = link_targets(document)
    assert [(t.label, t.openable) for t in links] == [("原文", True), ("点我", False)]


def test_markdown_post_relative_links() -> None:
    document = build_document("[关于](/about/) 和 [外链](https://example.org/x)", False,
                              base_url="https://blog.example.org/2020/p/")
    assert [t.url for t in link_targets(document)] == ["https://blog.example.org/about/",
                                                       "https://example.org/x"]
    unresolved = build_document("[关于](/about/)", False)
    assert "relative" in (link_targets(unresolved)[0].refused or "")


@pytest.mark.parametrize(("env", "platform", "way"), [
    ({"DISPLAY": ":0"}, "linux", Way.DESKTOP),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", Way.DESKTOP),
    ({}, "linux", Way.CLIPBOARD),
    ({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, "linux", Way.CLIPBOARD),
    ({"SSH_TTY": "/dev/pts/1"}, "darwin", Way.CLIPBOARD),
    ({}, "darwin", Way.DESKTOP),
    ({"READER_OPENER": "firefox", "SSH_CONNECTION": "1 2 3 4"}, "linux", Way.COMMAND),
])
def test_choose_way(env: dict, platform: str, way: Way) -> None:
    assert choose_way(env, None, platform) is way


def test_over_ssh_nothing_is_started() -> None:
    started: list = []
    outcome = open_address("https://example.org/a", {"SSH_CONNECTION": "1 2 3 4"},
                           popen=lambda *a, **k: started.append(a))
    assert started == [] and outcome.copy == "https://example.org/a"
    assert "Copied to clipboard" in outcome.message


def test_user_command_gets_the_address_as_one_argument() -> None:
    started: list = []
    url = "https://example.org/a b;rm -rf ~"  # refused: has a space
    assert not open_address(url, {"READER_OPENER": "x"}, popen=lambda *a, **k: None).ok
    url = "https://example.org/$(touch%20pwned);echo"
    outcome = open_address(url, {"READER_OPENER": "my-opener --flag 'two words'"},
                           popen=lambda args, **kw: started.append((args, kw)))
    assert outcome.ok
    args, kwargs = started[0]
    assert args == ["my-opener", "--flag", "two words", url]
    assert kwargs.get("shell") is None and kwargs["start_new_session"] is True


def test_desktop_opener_runs_in_the_background() -> None:
    started: list = []
    outcome = open_address("https://example.org/", {"DISPLAY": ":0"}, platform="linux",
                           popen=lambda args, **kw: started.append((args, kw)))
    assert outcome.ok and "Opened in xdg-open" in outcome.message
    args, kwargs = started[0]
    assert args == ["xdg-open", "https://example.org/"]
    assert kwargs["stdin"] == kwargs["stdout"] == kwargs["stderr"]  # all DEVNULL


def test_refused_address_is_never_started() -> None:
    started: list = []
    outcome = open_address("javascript:alert(1)", {"DISPLAY": ":0"},
                           popen=lambda *a, **k: started.append(a))
    assert not outcome.ok and started == []


async def test_copy_writes_osc52_with_the_address(tmp_path: Path) -> None:
    from reader.app import make_app

    app = make_app(tmp_path)
    written: list[str] = []
    async with app.run_test() as pilot:
        app._driver.write = written.append  # type: ignore[union-attr, method-assign]
        app.copy_to_clipboard("https://example.org/图")
        await pilot.pause()
    payload = base64.b64encode("https://example.org/图".encode()).decode()
    assert f"\x1b]52;c;{payload}\a" in written


# -- the preview's fetch, against a server on 127.0.0.1 ----------------------------------

def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/image.png":
            self._send(200, "image/png", _png())
        elif self.path == "/page.html":
            self._send(200, "text/html", b"<p>not an image</p>")
        elif self.path == "/fake.png":
            self._send(200, "image/png", b"this is no png")
        elif self.path == "/big.png":
            self._send(200, "image/png", b"\x89PNG" + b"0" * 300_000)
        elif self.path == "/slow.png":
            time.sleep(2)
            self._send(200, "image/png", _png())
        elif self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
        else:
            self._send(404, "text/plain", b"no")

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_an_image_and_cache_it(server: str, tmp_path: Path) -> None:
    path = fetch_image(f"{server}/image.png", tmp_path)
    assert path.read_bytes().startswith(b"\x89PNG")
    assert fetch_image(f"{server}/image.png", tmp_path) == path  # from the cache


@pytest.mark.parametrize(("name", "reason"), [
    ("missing.png", "404"), ("page.html", "not an image"), ("fake.png", "not an image"),
    ("big.png", "too big"), ("slow.png", "timed out"), ("to-file", "302"),
])
def test_fetch_failures_say_why(server: str, tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason):
        fetch_image(f"{server}/{name}", tmp_path, timeout=0.5, max_bytes=100_000)


def test_fetch_refuses_unsafe_addresses(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not fetched"):
        fetch_image("file:///etc/passwd", tmp_path)


@pytest.mark.parametrize(("env", "expected"), [
    ({"TERM": "xterm-kitty"}, True), ({"TERM_PROGRAM": "WezTerm"}, True),
    ({"TERM": "xterm-256color"}, False), ({"TERM": "tmux-256color"}, False),
    ({"TERM": "xterm-kitty", "READER_IMAGES": "halfblock"}, False),
    ({"TERM": "xterm", "READER_IMAGES": "sixel"}, True),
])
def test_which_terminals_are_asked_about_graphics(env: dict, expected: bool) -> None:
    from reader.system.terminal import graphics_terminal

    assert graphics_terminal(env) is expected


@pytest.mark.parametrize("url", ["http://[oops/", "http://example.com:abc/x.png", "http://"])
def test_malformed_addresses_are_refused_not_raised(url: str) -> None:
    assert refusal(url) is not None
    assert resolve(url, "https://example.org/") == url


def test_malformed_cover_does_not_break_the_picker() -> None:
    document = build_document("[x](http://[oops/)", False)
    article = _article({"cover": "http://[x/a.jpg"})
    targets = image_targets(document, article)
    assert targets and not targets[-1].openable
    assert not link_targets(document)[0].openable


def test_a_display_without_a_desktop_opener_copies_instead(monkeypatch) -> None:
    """With a display but no xdg-open, or one that can't start: what is done over SSH
    (the address copied, shown), never just an error."""
    from reader.system import opener

    url = "https://example.org/a"
    monkeypatch.setattr(opener.shutil, "which", lambda name: None)
    outcome = open_address(url, {"DISPLAY": ":0"}, platform="linux")
    assert outcome.ok and outcome.copy == url and "xdg-open" in outcome.message

    def cannot_start(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(opener.shutil, "which", lambda name: "/usr/bin/" + name)
    outcome = open_address(url, {"DISPLAY": ":0"}, platform="linux", popen=cannot_start)
    assert not outcome.ok and outcome.copy == url and url in outcome.message


def test_an_opener_that_fails_after_starting_is_noticed(tmp_path: Path) -> None:
    import subprocess

    from reader.system.opener import failed_after_start

    failing = subprocess.Popen(["sh", "-c", "exit 3"])
    assert failed_after_start(failing, 5) == 3
    working = subprocess.Popen(["sh", "-c", "exit 0"])
    assert failed_after_start(working, 5) is None
    lasting = subprocess.Popen(["sleep", "5"])
    assert failed_after_start(lasting, 0.1) is None
    lasting.kill()
    lasting.wait()
