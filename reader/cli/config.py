"""`reader config path|check|init|edit|keys`: the settings file, checked and explained."""

from __future__ import annotations

import argparse
import sys

from reader.cli.common import UsageError


def add_parsers(commands: argparse._SubParsersAction) -> None:
    config = commands.add_parser("config", help="the settings file: path, check, init, "
                                 "edit; keys lists every key")
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("path", help="print where the settings file is").set_defaults(
        run=run_path)
    actions.add_parser("check", help="check the settings file (exit 1 when it has errors, "
                       "each named)").set_defaults(run=run_check)
    init = actions.add_parser("init", help="write a commented settings file of every "
                              "setting and its default")
    init.add_argument("--force", action="store_true", help="replace a file already there")
    init.set_defaults(run=run_init)
    actions.add_parser("edit", help="open the settings file in $VISUAL or $EDITOR "
                       "(written first if missing)").set_defaults(run=run_edit)
    actions.add_parser("keys", help="every key by its binding id, for the [keys] table"
                       ).set_defaults(run=run_keys)


def run_path(options: argparse.Namespace) -> int:
    from reader.settings import config_file

    print(config_file())
    return 0


def problems() -> list[str]:
    """Everything wrong with the settings file, the theme and the keys included."""
    from reader.settings import Settings

    settings = Settings.load()
    found = list(settings.problems)
    if settings.keys or settings.theme != Settings.theme:
        from textual.app import App

        from reader.app import ReaderApp, check_keymap

        themes = App().available_themes  # an app that never runs: its themes only
        if settings.theme not in themes:
            found.append(f"{settings.path}: [reader] theme = \"{settings.theme}\": wants one "
                         "of " + ", ".join(sorted(themes)))
        found += check_keymap(settings.keys, ReaderApp.help_sections(), settings.path)[1]
    return found


def run_check(options: argparse.Namespace) -> int:
    from reader.settings import config_file

    path = config_file()
    found = problems()
    for problem in found:
        print(problem)
    if not found:
        print(f"{path}: no problems" if path.exists() else
              f"{path}: no settings file (every setting at its default)")
    return 1 if found else 0


def run_init(options: argparse.Namespace) -> int:
    from reader.settings import config_file, template

    path = config_file()
    if path.exists() and not options.force:
        raise UsageError(f"{path} is there already (--force replaces it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(template(), encoding="utf-8")
    print(path)
    return 0


def run_edit(options: argparse.Namespace) -> int:
    from reader.settings import config_file, template

    path = config_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template(), encoding="utf-8")
    from reader.system.editor import editor_command

    command = editor_command()
    try:
        import subprocess

        result = subprocess.run([*command, str(path)])
    except OSError as error:
        raise UsageError(f"could not start {command[0]}: {error.strerror}") from None
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    return result.returncode or (1 if found else 0)


def run_keys(options: argparse.Namespace) -> int:
    from reader.app import ReaderApp

    for where, bindings in ReaderApp.help_sections():
        for binding in bindings:
            if getattr(binding, "id", None):
                print(f"{binding.id:28} {binding.key:22} {binding.description}  ({where})")
    return 0
