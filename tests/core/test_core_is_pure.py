"""The core imports no Textual: it must work, and be tested, without a terminal."""

import subprocess
import sys


def test_core_imports_without_textual() -> None:
    code = (
        "import sys, pkgutil, importlib, reader.core\n"
        "for m in pkgutil.iter_modules(reader.core.__path__):\n"
        "    importlib.import_module('reader.core.' + m.name)\n"
        "import reader.cli, reader.settings\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
