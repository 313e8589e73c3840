"""Shared fixtures. Every test runs with its own READER_HOME, never the developer's."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_archive"
SHARED = ROOT.parent / "shared"

os.environ["TZ"] = "UTC"
time.tzset()


@pytest.fixture(autouse=True)
def reader_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("reader-home")
    monkeypatch.setenv("READER_HOME", str(home))
    return home


@pytest.fixture
def sample() -> Path:
    return SAMPLE


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED


def checksums(root: Path) -> dict[str, str]:
    """A digest of every regular file under `root` (unreadable ones marked), to prove that
    the reader never wrote to an archive."""
    sums = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            try:
                sums[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except PermissionError:
                sums[str(path)] = "unreadable"
    return sums


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write an archive from a mapping of relative paths to text or bytes."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root
