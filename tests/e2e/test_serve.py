"""`reader serve`, end to end: the installed reader served by textual-serve, loaded in headless
Chromium driven over the Chrome DevTools Protocol (CDP), the browser's terminal read back.

How the screen is read: textual-serve's page draws with xterm.js into <canvas> elements, so
the page's DOM holds none of the reader's text, and `chromium --screenshot` fires at page
load, before the first frame has come. The page keeps its xterm.js Terminal in a closure, so
a script injected before the page's own (Page.addScriptToEvaluateOnNewDocument) puts a
one-shot setter for `terminal` on Object.prototype: the page's `this.terminal = new
Terminal(...)` lands in it and the holder is kept in `window.__readerTerms`. Then
Runtime.evaluate reads `terminal.buffer.active` line by line: the characters the browser
shows. The same script replaces window.open with a recorder: the page answers the reader's
"open_url" with window.open(url, "_blank").

The CDP client is aiohttp (textual-serve's own dependency). Chromium resolves no name but
127.0.0.1, so nothing leaves the machine. Without Chromium the browser test skips, unless
READER_REQUIRE_BROWSER=1 (CI, where it was installed), which makes that a failure.
READER_SCREENSHOT_DIR=DIR keeps the screenshot there (the README's docs/screenshot-browser.png).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.tmux import reader_command, reader_env
from tests.ui.helpers import stable_copy

aiohttp = pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(reader_command() is None, reason="the reader command is not installed"),
]

FIRST_IMAGE = "http://img.example.cn/2024/03/65f9b1c2d3e4_1024.jpg"  # of the newest article
NEWEST_TITLE = "动图看懂"
LOCAL_TITLE = "中文排版笔记"  # its first image is a file of the archive
LOCAL_IMAGE = "blog/images/kinsoku.png"

HOOK = r"""
(() => {
  window.__readerOpened = [];
  window.open = function (url, target) {
    window.__readerOpened.push([String(url), String(target)]);
    return null;
  };
  window.__readerTerms = [];
  Object.defineProperty(Object.prototype, "terminal", {
    configurable: true,
    set(value) {
      Object.defineProperty(this, "terminal",
        {value, writable: true, configurable: true, enumerable: true});
      if (value && typeof value.onData === "function" && value.buffer) {
        window.__readerTerms.push(this);
        delete Object.prototype.terminal;
      }
    },
  });
})();
"""

SCREEN_JS = r"""
(() => {
  const holder = window.__readerTerms && window.__readerTerms[0];
  if (!holder) return null;
  const term = holder.terminal, buffer = term.buffer.active, lines = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : "");
  }
  return {cols: term.cols, rows: term.rows, text: lines.join("\n"),
          body: document.body.className};
})()
"""

PAINTED_JS = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


# -- processes ----------------------------------------------------------------------------

def find_chromium() -> str | None:
    named = os.environ.get("READER_TEST_CHROMIUM")
    if named:
        return shutil.which(named)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat(pid: int | str) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()  # state, ppid, pgrp, …


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def processes(where) -> list[int]:
    """Live processes whose /proc stat fields satisfy `where`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(entry.name)
            if fields is not None and fields[0] != "Z" and where(fields):
                found.append(int(entry.name))
    return found


def children(pid: int) -> list[int]:
    return processes(lambda fields: int(fields[1]) == pid)


def in_group(pgid: int) -> list[int]:
    return processes(lambda fields: int(fields[2]) == pgid)


def wait_until(condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def kill_group(process: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the process's whole group, then SIGKILL what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        if not in_group(process.pid):
            return


class Served:
    """`reader serve` on a copy of the sample archive, in its own process group, with an
    `xdg-open` (and friends) first on its PATH that only writes down what it was given."""

    def __init__(self, root: Path, archive: Path, home: Path) -> None:
        self.root, self.archive = root, archive
        self.opened_on_server = root / "opened-on-the-server.txt"
        bin_dir = root / "bin"
        bin_dir.mkdir()
        for name in ("xdg-open", "sensible-browser", "x-www-browser", "firefox"):
            fake = bin_dir / name
            fake.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{self.opened_on_server}'\n")
            fake.chmod(0o755)
        self.env = dict(reader_env(home), DISPLAY=":99", BROWSER=str(bin_dir / "xdg-open"),
                        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
        self.log = root / "server.log"
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        for _attempt in range(3):  # a free port can be taken between looking and binding
            self.port = free_port()
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [reader_command() or "reader", "serve", str(self.archive),
                     "--port", str(self.port)],
                    env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                    start_new_session=True)
            if self._ready():
                return
            kill_group(self.process)
        pytest.fail(f"reader serve did not start:\n{self.log.read_text(errors='replace')}")

    def _ready(self, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url, timeout=1) as response:
                    if response.status == 200:
                        return True
            time.sleep(0.1)
        return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def readers(self) -> list[int]:
        """The reader processes the server started (one per open page)."""
        assert self.process is not None
        return children(self.process.pid)

    def stop(self) -> float:
        """SIGTERM, as `kill` or systemd would; how long the server took to exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=20)
        return time.monotonic() - started

    def cleanup(self) -> None:
        if self.process is not None:
            kill_group(self.process)


@pytest.fixture
def served(sample: Path, tmp_path: Path, reader_home: Path):
    server = Served(tmp_path, stable_copy(sample, tmp_path / "copy"), reader_home)
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


class Browser:
    """Headless Chromium with a DevTools port, in its own process group."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.profile = profile
        self.process = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--disable-dev-shm-usage", "--mute-audio",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "--window-size=1200,800", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def devtools_port(self, timeout: float = 30.0) -> int:
        """Chromium writes the port it chose to DevToolsActivePort in its profile."""
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"chromium exited with {self.process.returncode}")
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(port_file.read_text().split()[0])
            time.sleep(0.05)
        pytest.fail("chromium wrote no DevToolsActivePort")

    def close(self) -> None:
        kill_group(self.process)


class CDP:
    """The least CDP client that works: one page target, one call at a time."""

    def __init__(self, session, ws) -> None:
        self.session, self.ws, self.next_id = session, ws, 0

    @classmethod
    async def connect(cls, port: int) -> CDP:
        session = aiohttp.ClientSession()
        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        page = next(target for target in targets if target["type"] == "page")
        ws = await session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        return cls(session, ws)

    async def call(self, method: str, timeout: float = 30.0, **params):
        self.next_id += 1
        my_id = self.next_id
        await self.ws.send_json({"id": my_id, "method": method, "params": params})

        async def answer():
            while True:  # events (no id) are not needed here and are dropped
                message = await self.ws.receive()
                if message.type != aiohttp.WSMsgType.TEXT:
                    raise ConnectionError(f"devtools socket: {message.type}")
                data = json.loads(message.data)
                if data.get("id") == my_id:
                    if "error" in data:
                        raise RuntimeError(f"{method}: {data['error']}")
                    return data["result"]

        return await asyncio.wait_for(answer(), timeout)

    async def evaluate(self, expression: str, wait: bool = False):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=wait)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    async def wait_screen(self, predicate, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        screen = None
        while time.monotonic() < deadline:
            screen = await self.evaluate(SCREEN_JS)
            if screen and predicate(screen["text"]):
                return screen
            await asyncio.sleep(0.1)
        raise AssertionError("the browser's terminal never showed it; the last screen:\n"
                             f"{screen and screen['text']}")

    async def opened(self, count: int, timeout: float = 30.0) -> list[list[str]]:
        """The page's window.open calls, once there are `count` of them."""
        deadline = time.monotonic() + timeout
        while len(calls := await self.evaluate("window.__readerOpened")) < count:
            assert time.monotonic() < deadline, f"window.open called {len(calls)} times"
            await asyncio.sleep(0.05)
        return calls

    async def key(self, key: str, code: str, key_code: int, text: str = "",
                  modifiers: int = 0) -> None:
        """A key pressed and let go: keydown (with its text when it has one), keyup."""
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": code,
                "windowsVirtualKeyCode": key_code, "modifiers": modifiers}
        if text:
            down["text"] = down["unmodifiedText"] = text
        await self.call("Input.dispatchKeyEvent", **down)
        await self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code,
                        windowsVirtualKeyCode=key_code, modifiers=modifiers)

    async def screenshot(self, path: Path) -> None:
        await self.evaluate(PAINTED_JS, wait=True)  # the last frame drawn, not only buffered
        shot = await self.call("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()


@pytest.fixture
def chromium(tmp_path: Path):
    binary = find_chromium()
    if binary is None:
        if os.environ.get("READER_REQUIRE_BROWSER") == "1":
            pytest.fail("READER_REQUIRE_BROWSER=1 but no chromium was found")
        pytest.skip("no chromium (apt-get install chromium), or set READER_TEST_CHROMIUM")
    browser = Browser(binary, tmp_path / "chromium-profile")
    try:
        yield browser
    finally:
        browser.close()


SHIFT, CTRL = 8, 2


def screenshots(tmp_path: Path) -> Path:
    named = os.environ.get("READER_SCREENSHOT_DIR")
    folder = Path(named) if named else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- the tests ----------------------------------------------------------------------------

def test_the_reader_in_a_browser(served: Served, chromium: Browser, tmp_path: Path) -> None:
    async def drive() -> None:
        cdp = await CDP.connect(chromium.devtools_port())
        try:
            await cdp.call("Page.enable")  # else addScriptToEvaluateOnNewDocument is ignored
            await cdp.call("Emulation.setDeviceMetricsOverride", width=1200, height=800,
                           deviceScaleFactor=1, mobile=False)
            await cdp.call("Emulation.setFocusEmulationEnabled", enabled=True)
            await cdp.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
            await cdp.call("Page.navigate", url=served.url)

            # The page connected, a reader started, and its first screen is in the terminal.
            screen = await cdp.wait_screen(  # the list, and the newest article in the pane
                lambda text: re.search(r"\d+ articles", text) and NEWEST_TITLE in text
                and "[image 1]" in text)
            assert "-first-byte" in screen["body"]  # the page's own "output came" flag
            assert screen["cols"] > 100  # the reader sized to the window, not to 80×24
            assert "sample_archive" in screen["text"]
            (reader,) = served.readers()
            await cdp.evaluate("window.__readerTerms[0].terminal.focus()")
            await cdp.screenshot(screenshots(tmp_path) / "screenshot-browser.png")

            # `?`: the keys, as in a terminal.
            await cdp.key("?", "Slash", 191, text="?", modifiers=SHIFT)
            await cdp.wait_screen(lambda text: "Previous pane" in text)
            await cdp.key("Escape", "Escape", 27)
            await cdp.wait_screen(lambda text: "Previous pane" not in text)

            # `1` opens the article's first image: in the browser, not on the server.
            await cdp.key("1", "Digit1", 49, text="1")
            await cdp.wait_screen(lambda text: "Sent to your browser" in text)
            assert await cdp.opened(1) == [[FIRST_IMAGE, "_blank"]]

            # A picture that is a file of the archive: the browser gets the file itself.
            await cdp.key("p", "KeyP", 80, modifiers=CTRL)
            await cdp.wait_screen(lambda text: "Search for commands" in text)
            await cdp.call("Input.insertText", text=LOCAL_TITLE)
            await cdp.wait_screen(lambda text: text.count(LOCAL_TITLE) >= 2)  # typed, found
            await cdp.key("Enter", "Enter", 13, text="\r")
            await cdp.wait_screen(lambda text: "[image 1: 行首禁则" in text)  # shown, not
            # only listed: until the article is converted, `1` has no image to open
            await cdp.key("1", "Digit1", 49, text="1")
            await cdp.wait_screen(lambda text: "kinsoku.png" in text)
            (url, target) = (await cdp.opened(2))[1]
            assert target == "_blank" and url.startswith(f"{served.url}download/")
            with urllib.request.urlopen(url, timeout=20) as response:
                assert response.read() == (served.archive / LOCAL_IMAGE).read_bytes()
                assert response.headers["Content-Type"] == "image/png"

            assert not served.opened_on_server.exists()
            assert served.readers() == [reader]
        finally:
            await cdp.close()

    asyncio.run(drive())
    (reader,) = served.readers()
    chromium.close()  # the page goes away: textual-serve tells its reader to quit
    wait_until(lambda: not alive(reader), "the reader outlived its page")
    assert served.stop() < 5
    assert served.process.returncode == 0, served.log.read_text(errors="replace")
    assert in_group(served.process.pid) == []


def test_ctrl_c_with_a_page_open_stops_server_and_reader_at_once(served: Served) -> None:
    """No browser needed: a websocket client stands in for the page."""

    async def connect_and_stop() -> tuple[float, int]:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(
                    f"{served.url}ws?width=100&height=30",
                    headers={"Origin": served.url.rstrip("/")}) as ws:
                await _first_frame(ws)
                (reader,) = served.readers()
                return await asyncio.to_thread(served.stop), reader

    took, reader = asyncio.run(connect_and_stop())
    assert served.process.returncode == 0, served.log.read_text(errors="replace")
    assert took < 5, f"the server took {took:.1f} s to stop"  # textual-serve alone: ~20 s
    assert not alive(reader)
    assert in_group(served.process.pid) == []


async def _first_frame(ws) -> None:
    """Wait for the reader's first bytes of screen on the websocket."""
    while True:
        message = await asyncio.wait_for(ws.receive(), 30)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
        if message.type == aiohttp.WSMsgType.BINARY and message.data:
            return


def test_readers_end_when_the_server_is_killed(served: Served) -> None:
    """SIGKILL leaves no handler to run: `setpriv --pdeathsig TERM` ends the readers."""
    if not shutil.which("setpriv"):
        pytest.skip("no setpriv (util-linux): a reader outlives a killed server")

    async def connect_and_kill() -> int:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"{served.url}ws?width=80&height=24") as ws:
                await _first_frame(ws)
                (reader,) = served.readers()
                served.process.kill()
                served.process.wait()
                return reader

    reader = asyncio.run(connect_and_kill())
    wait_until(lambda: not alive(reader), "the reader outlived its killed server")


def test_a_reader_that_cannot_start_ends_the_session(served: Served) -> None:
    """textual-serve alone leaves the page on its intro card for ever; here the websocket
    closes, and the page says "Session ended"."""
    shutil.rmtree(served.archive)

    async def session_ends() -> float:
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(f"{served.url}ws?width=80&height=24") as ws:
                started = time.monotonic()
                while True:
                    message = await asyncio.wait_for(ws.receive(), 30)
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        return time.monotonic() - started

    assert asyncio.run(session_ends()) < 10
    served.stop()
    assert "no such folder" in served.log.read_text(errors="replace")


def test_other_pages_and_other_names_are_refused(served: Served) -> None:
    async def status(origin: str | None = None, host: str | None = None) -> int:
        headers = {name: value for name, value in (("Origin", origin), ("Host", host))
                   if value}
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"{served.url}ws", headers=headers) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as error:
                return error.status

    own = served.url.rstrip("/")
    assert asyncio.run(status("https://evil.example")) == 403  # another site's page
    assert asyncio.run(status(f"http://localhost:{served.port + 1}")) == 403
    # DNS rebinding: a name that a web page made point at 127.0.0.1.
    assert asyncio.run(status(f"http://evil.example:{served.port}",
                              f"evil.example:{served.port}")) == 421
    assert asyncio.run(status(own)) == 101  # the page itself
    assert asyncio.run(status(f"http://localhost:{served.port}",
                              f"localhost:{served.port}")) == 101
    assert asyncio.run(status()) == 101  # a program, not a browser
    request = urllib.request.Request(served.url, headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 421


def test_the_page_connects_back_where_the_browser_came_from(served: Served) -> None:
    """Through `ssh -L 9000:localhost:8000`, the browser asks localhost:9000: the page's
    websocket must go there, not to the port the server listens on."""
    request = urllib.request.Request(served.url, headers={"Host": "localhost:9000"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
    assert "ws://localhost:9000/ws" in page
    assert "http://localhost:9000/static/" in page


def test_a_host_but_loopback_is_warned_about(sample: Path, reader_home: Path) -> None:
    with socket.socket() as taken:  # the port is taken: it warns, then fails to listen
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [reader_command() or "reader", "serve", str(sample), "--host", "0.0.0.0",
             "--port", str(port)], capture_output=True, text=True, timeout=60,
            env=reader_env(reader_home))
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("reader: warning: listening on 0.0.0.0") and "password" in lines[0]
    assert lines[1].startswith(f"reader: cannot listen on 0.0.0.0:{port}")
