"""`i`, `u`, `1`-`9`: the pickers, and what opening does at a desk and over SSH."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.app import make_app
from reader.screens.picker import PickerScreen
from reader.widgets.article_view import ArticleView
from tests.ui.helpers import stable_copy, wait_for, wait_loaded

GIF = "source/_posts/财经/界面新闻/财经/动图看懂一张电费单里的峰谷账.md"


@pytest.fixture
def archive(sample: Path, tmp_path: Path) -> Path:
    return stable_copy(sample, tmp_path)


@pytest.fixture
def over_ssh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("READER_OPENER", raising=False)


async def test_image_picker_over_ssh_copies(archive: Path, over_ssh: None,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    started: list = []
    monkeypatch.setattr("subprocess.Popen", lambda *a, **k: started.append(a))
    app = make_app(archive)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await wait_loaded(pilot)
        screen.open_article(GIF)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == GIF and view.lines)
        await pilot.press("i")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert [t.number for t in picker.targets] == [1, 2, 3]
        assert all(t.url.startswith("http://img.example.cn/") for t in picker.targets)
        assert all(t.fallback.startswith("https://cors.example.org/?") for t in picker.targets)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert copied == [picker.targets[0].url]
        assert started == []
        status = str(picker.query_one("#picker-status").render())
        assert "Copied to clipboard (over SSH)" in status and picker.targets[0].url in status
        await pilot.press("down", "y")
        assert copied[-1] == picker.targets[1].url
        await pilot.press("escape", "3")
        await pilot.pause(0.2)
        assert copied[-1] == picker.targets[2].url
        await pilot.press("9")  # no ninth image: says so, opens nothing
        assert len(copied) == 3


async def test_link_picker_and_user_command(archive: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    started: list = []

    def fake_popen(args, **kwargs):
        started.append((args, kwargs))

    monkeypatch.setattr("subprocess.Popen", fake_popen)
    monkeypatch.setenv("READER_OPENER", "my-browser --new-tab")
    app = make_app(archive)
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await wait_loaded(pilot)
        # One relative link (no page address to resolve it against) and absolute ones.
        target_id = "blog/_posts/2021-10-03-shell-pipelines-for-archives.md"
        screen.open_article(target_id)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == target_id and view.lines)
        await pilot.press("u")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        refused = [t for t in picker.targets if not t.openable]
        assert refused and "not in this archive" in refused[0].refused
        openable = next(i for i, t in enumerate(picker.targets) if t.openable)
        for _ in range(openable):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause(0.2)
        args, kwargs = started[-1]
        assert args == ["my-browser", "--new-tab", picker.targets[openable].url]
        assert kwargs["start_new_session"] and "shell" not in kwargs


async def test_preview_draws_an_image_from_a_local_server(tmp_path: Path) -> None:
    import http.server
    import io
    import threading

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 120, 255)).save(buffer, "PNG")
    png = buffer.getvalue()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/picture.png"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "image/png" if found else "text/plain")
            body = png if found else b"missing"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    root = tmp_path / "archive"
    root.mkdir()
    (root / "p.html").write_text(
        f'---\ntitle: 图片\n---\n<p><img src="{base}/picture.png"><img src="{base}/gone.png"></p>',
        encoding="utf-8")
    from reader.screens.preview import PreviewScreen

    app = make_app(root)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("i", "p")
            preview = app.screen
            assert isinstance(preview, PreviewScreen)
            area = preview.query_one("#preview-image")
            await wait_for(pilot, lambda: "Fetching" not in str(area.render()), timeout=10)
            assert "No preview" not in str(area.render())
            assert len(area.render_lines(area.region.reset_offset)) > 3
            await pilot.press("escape", "down", "p")
            await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen)
                           and app.screen is not preview)
            area = app.screen.query_one("#preview-image")
            await wait_for(pilot, lambda: "No preview" in str(area.render()), timeout=10)
            assert "404" in str(area.render())
    finally:
        server.shutdown()


TYPESETTING = "blog/_posts/2019-03-11-chinese-typesetting-notes.md"


async def test_a_picture_of_the_archive_previews_and_opens_as_a_file(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reader.screens.preview import PreviewScreen

    started: list = []
    monkeypatch.setattr("subprocess.Popen", lambda args, **kwargs: started.append(args))
    monkeypatch.setenv("READER_OPENER", "my-viewer")
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        screen.open_article(TYPESETTING)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == TYPESETTING and view.lines)
        await pilot.press("i")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        (target,) = picker.targets
        assert target.openable and target.path.endswith("blog/images/kinsoku.png")
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PreviewScreen))
        area = app.screen.query_one("#preview-image")
        await wait_for(pilot, lambda: "Fetching" not in str(area.render()))
        assert "No preview" not in str(area.render())
        await pilot.press("escape", "escape", "1")
        await pilot.pause(0.2)
        assert started == [["my-viewer", str(archive / "blog/images/kinsoku.png")]]


async def test_a_link_to_another_post_of_the_archive_opens_it_in_the_reader(
        archive: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list = []
    monkeypatch.setattr("subprocess.Popen", lambda args, **kwargs: started.append(args))
    app = make_app(archive)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await wait_loaded(pilot)
        screen.open_article(TYPESETTING)
        view = screen.query_one(ArticleView)
        await wait_for(pilot, lambda: view.article_id == TYPESETTING and view.lines)
        await pilot.press("u")
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        labels = [t.label for t in picker.targets]
        # By its path, by Jekyll's post_url, by the site's permalink.
        for label, expected in [
            ("字符宽度那一篇", "blog/_posts/2019-03-02-unicode-width.markdown"),
            ("全文检索笔记", "blog/_posts/2016-04-18-sqlite-full-text-search.md"),
        ]:
            if app.screen is not picker:
                await pilot.press("u")
                picker = app.screen
            for _ in range(labels.index(label)):
                await pilot.press("down")
            await pilot.press("enter")
            await wait_for(pilot, lambda e=expected: view.article_id == e and view.lines)
            assert not isinstance(app.screen, PickerScreen)
            screen.open_article(TYPESETTING)
            await wait_for(pilot, lambda: view.article_id == TYPESETTING and view.lines)
        assert started == []


def test_an_articles_path_in_a_picker_row_is_cleaned() -> None:
    """A file name may hold ESC: the row that names the linked article shows it cleaned."""
    from reader.core.convert.targets import Target

    row = PickerScreen._row(Target(1, "x", "e.md", article="posts/\x1b]2;owned\x1b\\.md"))
    assert "\x1b" not in row.plain and "posts/" in row.plain
