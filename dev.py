#!/usr/bin/env python3
"""One entry point for people who work on Between. Needs only Python 3.11+ and PyPI.

    python3 dev.py run     set up .venv if needed, compile catalogs, run the bot
                           (no TELEGRAM_BOT_TOKEN: the local terminal chat)
    python3 dev.py test    set up, then run every test
    python3 dev.py lint    set up, then ruff (lint and format check) and mypy
    python3 dev.py i18n    extract messages and update every catalog (after changing copy)
    python3 dev.py bench checkin   set up, then run a benchmark script (see bench/)

Set-up is repeated only when pyproject.toml changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".setup-stamp"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
LOCALES = ROOT / "locales"


def _say(text: str) -> None:
    print(f"[dev] {text}", file=sys.stderr, flush=True)


def _run(*args: str | Path) -> None:
    subprocess.run([str(arg) for arg in args], cwd=ROOT, check=True)


def setup() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        raise SystemExit("Between needs Python 3.11 or newer.")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not PYTHON.exists():
        _say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != wanted:
        _say("installing Between and its dependencies into .venv (first time: a minute or two)")
        _run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[dev]")
        STAMP.write_text(wanted)
    compile_catalogs()


def compile_catalogs() -> None:
    _run(
        PYTHON,
        "-m",
        "babel.messages.frontend",
        "compile",
        "-d",
        LOCALES,
        "-D",
        "messages",
        "--statistics",
    )


def update_catalogs() -> None:
    pot = LOCALES / "messages.pot"
    _run(
        PYTHON,
        "-m",
        "babel.messages.frontend",
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "N_",
        "-k",
        "gettext",
        "-k",
        "ngettext:1,2",
        "--no-location",
        "--sort-output",
        "--project=Between",
        "-o",
        pot,
        ".",
    )
    _run(
        PYTHON,
        "-m",
        "babel.messages.frontend",
        "update",
        "-i",
        pot,
        "-d",
        LOCALES,
        "-D",
        "messages",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
    )


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "help"
    rest = argv[2:]
    if command == "run":
        setup()
        return subprocess.call([str(PYTHON), "-m", "bot", *rest], cwd=ROOT)
    if command == "test":
        setup()
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    if command == "lint":
        setup()
        for step in (["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]):
            code = subprocess.call([str(PYTHON), "-m", *step], cwd=ROOT)
            if code:
                return code
        return 0
    if command == "bench" and rest:
        setup()
        return subprocess.call([str(PYTHON), "-m", f"bench.{rest[0]}", *rest[1:]], cwd=ROOT)
    if command == "i18n":
        setup()
        update_catalogs()
        return 0
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
